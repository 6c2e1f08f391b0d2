package recist_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/trial/recist"
)

// day0 is the baseline date of every test course.
var day0 = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// lesion parses the compact lesion notation of the tests:
//
//	T1=20      non-nodal target, 20 mm (organ "o-T1")   N1=16     nodal target, short axis 16 mm
//	T1=0       disappeared                              T1=tiny   too small to measure (5 mm)
//	T1=ne      not evaluated                            T1=split:6+7  split into 6 and 7 mm
//	T1=coal>T2 coalesced into T2                        T1@liver=20  target in organ "liver"
//	NT1=present / absent / pd / ne   non-target         NN1=8     non-target node, short axis 8 mm
//	new=L1     unequivocal new lesion                   new?=L1   equivocal new lesion
func lesion(t testing.TB, tok string) recist.Assessment {
	t.Helper()
	id, val, ok := strings.Cut(tok, "=")
	require.True(t, ok, tok)
	if id == "new" || id == "new?" {
		return recist.Assessment{LesionID: val, Role: recist.RoleNew, Status: recist.StatusPresent, Equivocal: id == "new?"}
	}
	id, organ, hasOrgan := strings.Cut(id, "@")
	if !hasOrgan {
		organ = "o-" + id
	}
	a := recist.Assessment{LesionID: id, Organ: organ, Role: recist.RoleTarget}
	switch {
	case strings.HasPrefix(id, "NN"):
		a.Role, a.Nodal = recist.RoleNonTarget, true
	case strings.HasPrefix(id, "NT"):
		a.Role = recist.RoleNonTarget
	case strings.HasPrefix(id, "N"):
		a.Nodal = true
	}
	switch {
	case val == "0" || val == "absent":
		a.Status = recist.StatusAbsent
	case val == "tiny":
		a.Status = recist.StatusTooSmall
	case val == "ne":
		a.Status = recist.StatusNotEvaluated
	case val == "pd":
		a.Status = recist.StatusUnequivocalProgression
	case val == "present":
		a.Status = recist.StatusPresent
	case strings.HasPrefix(val, "split:"):
		a.Status = recist.StatusSplit
		for _, f := range strings.Split(strings.TrimPrefix(val, "split:"), "+") {
			a.Fragments = append(a.Fragments, mm(t, f))
		}
	case strings.HasPrefix(val, "coal>"):
		a.Status, a.CoalescedInto = recist.StatusCoalesced, strings.TrimPrefix(val, "coal>")
	default:
		a.Status, a.Size = recist.StatusPresent, mm(t, val)
	}
	return a
}

func mm(t testing.TB, s string) recist.Length {
	t.Helper()
	l, err := recist.ParseMM(s)
	require.NoError(t, err)
	return l
}

// course builds a CT subject from one notation string per time point;
// time point i is at days[i] (default: every 42 days from day0).
func course(t testing.TB, days []int, tps ...string) recist.Subject {
	t.Helper()
	s := recist.Subject{ID: "S1"}
	for i, tp := range tps {
		d := 42 * i
		if days != nil {
			d = days[i]
		}
		p := recist.TimePoint{Date: day0.AddDate(0, 0, d), Modality: recist.ModalityCT, SliceThickness: recist.MM(5)}
		for _, tok := range strings.Fields(tp) {
			p.Lesions = append(p.Lesions, lesion(t, tok))
		}
		s.TimePoints = append(s.TimePoints, p)
	}
	return s
}

func overall(r recist.Result) []recist.Response {
	out := make([]recist.Response, len(r.TimePoints))
	for i, tp := range r.TimePoints {
		out[i] = tp.Overall
	}
	return out
}

func targets(r recist.Result) []recist.Response {
	out := make([]recist.Response, len(r.TimePoints))
	for i, tp := range r.TimePoints {
		out[i] = tp.Target
	}
	return out
}

func codes(fs []recist.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}
