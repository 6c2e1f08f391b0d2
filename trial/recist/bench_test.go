package recist_test

import (
	"fmt"
	"testing"

	"github.com/trialfhir/trialfhir/trial/recist"
)

// benchSubject has 12 time points with 10 lesions each: 5 targets (two
// nodes), 5 non-targets, shrinking then growing.
func benchSubject() recist.Subject {
	s := recist.Subject{ID: "bench"}
	for k := range 12 {
		tp := recist.TimePoint{Date: day0.AddDate(0, 0, 42*k), Modality: recist.ModalityCT, SliceThickness: recist.MM(5)}
		shrink := recist.Length(min(k, 6)*1500 - max(k-8, 0)*4000)
		for i := range 5 {
			tp.Lesions = append(tp.Lesions, recist.Assessment{
				LesionID: fmt.Sprintf("T%d", i), Role: recist.RoleTarget, Nodal: i >= 3,
				Organ: fmt.Sprintf("organ%d", i), Status: recist.StatusPresent,
				Size: recist.MM(int64(20+i)) + 500 - shrink,
			})
			tp.Lesions = append(tp.Lesions, recist.Assessment{
				LesionID: fmt.Sprintf("NT%d", i), Role: recist.RoleNonTarget, Nodal: i == 4,
				Organ: "neck", Status: recist.StatusPresent, Size: recist.MM(12),
			})
		}
		s.TimePoints = append(s.TimePoints, tp)
	}
	return s
}

func BenchmarkEvaluate(b *testing.B) {
	s := benchSubject()
	if r := recist.Evaluate(s, recist.Options{}); r.HasErrors() || len(r.TimePoints) != 11 || !r.Progressed {
		b.Fatalf("unexpected bench result: %+v", r.Findings)
	}
	b.ReportAllocs()
	for b.Loop() {
		recist.Evaluate(s, recist.Options{})
	}
}

func BenchmarkEvaluateConfirm(b *testing.B) {
	s := benchSubject()
	b.ReportAllocs()
	for b.Loop() {
		recist.Evaluate(s, recist.Options{Confirm: true})
	}
}
