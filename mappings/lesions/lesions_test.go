package lesions_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/internal/testfiles"
	"github.com/trialfhir/trialfhir/mappings/lesions"
	"github.com/trialfhir/trialfhir/trial/recist"
)

// examples reads the RECIST examples of testdata/profiles as records.
func examples(t testing.TB) []lesions.Record {
	dir := filepath.Join(testfiles.RepoRoot(), "testdata", "profiles")
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	var recs []lesions.Record
	for _, n := range names {
		b, err := os.ReadFile(n)
		require.NoError(t, err)
		base := strings.TrimSuffix(filepath.Base(n), ".json")
		typ, id, _ := strings.Cut(base, "-")
		recs = append(recs, lesions.Record{Ref: typ + "/" + id, Body: b})
	}
	return recs
}

func TestSubjectOfExamples(t *testing.T) {
	m := lesions.SubjectOf("recist-example", examples(t))
	require.Empty(t, m.Issues)
	require.Len(t, m.Subject.TimePoints, 1)
	tp := m.Subject.TimePoints[0]
	require.Equal(t, time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), tp.Date)
	require.Equal(t, recist.ModalityCT, tp.Modality)
	got := map[string]recist.Assessment{}
	for _, a := range tp.Lesions {
		got[a.LesionID[strings.LastIndex(a.LesionID, "|")+1:]] = a
	}
	require.Len(t, got, 4)
	for _, a := range got {
		switch {
		case a.Status == recist.StatusTooSmall:
			require.Equal(t, recist.Length(0), a.Size)
		case a.Role == recist.RoleNonTarget:
			require.Equal(t, recist.StatusPresent, a.Status)
		case a.Nodal:
			require.Equal(t, recist.MM(8), a.Size, "a target node is measured by its short axis")
		default:
			require.Equal(t, recist.MM(18), a.Size)
		}
	}
	require.Len(t, m.Sources[tp.Date], 4)
}

// obs is a minimal measurement of lesion BodyStructure/L1 of Patient/p.
func obs(id, status, date, extra string) lesions.Record {
	return lesions.Record{Ref: "Observation/" + id, Body: []byte(`{"resourceType":"Observation","id":"` + id + `","status":"` + status + `",
	"code":{"coding":[{"system":"http://loinc.org","code":"21889-1"}]},"subject":{"reference":"Patient/p"},
	"focus":[{"reference":"BodyStructure/L1"}],"effectiveDateTime":"` + date + `",
	"extension":[{"url":"https://trialfhir.org/fhir/StructureDefinition/recist-lesion-role","valueCodeableConcept":{"coding":[{"system":"https://trialfhir.org/fhir/CodeSystem/recist-lesion-role","code":"target"}]}}]` + extra + `}`)}
}

func diam(value, unit string) string {
	return `,"component":[{"code":{"coding":[{"system":"http://loinc.org","code":"33728-7"}]},"valueQuantity":{"value":` + value + `,"system":"http://unitsofmeasure.org","code":"` + unit + `"}}]`
}

var lesionL1 = lesions.Record{Ref: "BodyStructure/L1", Body: []byte(`{"resourceType":"BodyStructure","id":"L1","patient":{"reference":"Patient/p"},
	"identifier":[{"system":"s","value":"L1"}],"extension":[{"url":"https://trialfhir.org/fhir/StructureDefinition/lesion-nodal","valueBoolean":false}]}`)}

func TestSubjectOfRules(t *testing.T) {
	cases := []struct {
		name   string
		recs   []lesions.Record
		sizes  []recist.Length // one per time point
		issues int
	}{
		{"cm converted exactly", []lesions.Record{lesionL1, obs("a", "final", "2026-01-01", diam("1.25", "cm"))}, []recist.Length{12500}, 0},
		{"finer than a micrometre is an issue", []lesions.Record{lesionL1, obs("a", "final", "2026-01-01", diam("1.2345", "um"))}, nil, 1},
		{"entered in error ignored", []lesions.Record{lesionL1, obs("a", "entered-in-error", "2026-01-01", diam("20", "mm")),
			obs("b", "final", "2026-02-01", diam("18", "mm"))}, []recist.Length{recist.MM(18)}, 0},
		{"unknown lesion is an issue", []lesions.Record{obs("a", "final", "2026-01-01", diam("20", "mm"))}, nil, 1},
		{"target without diameter is an issue", []lesions.Record{lesionL1, obs("a", "final", "2026-01-01", "")}, nil, 1},
		{"grouped by date", []lesions.Record{lesionL1, obs("a", "final", "2026-01-01T10:00:00Z", diam("20", "mm")),
			obs("b", "amended", "2026-03-01", diam("10", "mm"))}, []recist.Length{recist.MM(20), recist.MM(10)}, 0},
		{"report date wins", []lesions.Record{lesionL1, obs("a", "final", "2026-01-02", diam("20", "mm")),
			{Ref: "DiagnosticReport/r", Body: []byte(`{"resourceType":"DiagnosticReport","id":"r","status":"final","subject":{"reference":"Patient/p"},"effectiveDateTime":"2026-01-01","result":[{"reference":"Observation/a"}]}`)}},
			[]recist.Length{recist.MM(20)}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := lesions.SubjectOf("p", tc.recs)
			require.Len(t, m.Issues, tc.issues, "%v", m.Issues)
			require.Len(t, m.Subject.TimePoints, len(tc.sizes))
			for i, size := range tc.sizes {
				require.Equal(t, size, m.Subject.TimePoints[i].Lesions[0].Size)
			}
			if tc.name == "report date wins" {
				require.Equal(t, 1, m.Subject.TimePoints[0].Date.Day())
			}
		})
	}
}

func TestClassify(t *testing.T) {
	derived := lesions.Responses("p", recist.Evaluate(lesions.SubjectOf("p", []lesions.Record{lesionL1,
		obs("a", "final", "2026-01-01", diam("20", "mm")), obs("b", "final", "2026-03-01", diam("10", "mm"))}).Subject, recist.Options{}),
		lesions.SubjectOf("p", nil))
	require.Len(t, derived, 2)
	cases := []struct {
		name string
		body string
		want lesions.Change
	}{
		{"measurement", string(obs("a", "final", "2026-01-01", "").Body), lesions.Change{Patient: "p", Imaging: true}},
		{"lesion", string(lesionL1.Body), lesions.Change{Patient: "p", Imaging: true}},
		{"derived response", string(derived[0].Body), lesions.Change{}},
		{"planned margin", `{"resourceType":"Observation","subject":{"reference":"Patient/p"},"partOf":[{"reference":"Procedure/x"}]}`, lesions.Change{Patient: "p", Procedure: "x"}},
		{"patient", `{"resourceType":"Patient","id":"p"}`, lesions.Change{Patient: "p", Imaging: true}},
		{"arm", `{"resourceType":"ResearchSubject","individual":{"reference":"Patient/p"}}`, lesions.Change{Patient: "p", Arm: true}},
		{"other", `{"resourceType":"Condition","subject":{"reference":"Patient/p"}}`, lesions.Change{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, lesions.Classify([]byte(tc.body)))
		})
	}
}

func TestStableIDs(t *testing.T) {
	d := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	require.Equal(t, "recist-p1-20260310", lesions.TimePointID("p1", d))
	require.Equal(t, "recist-bor-p1", lesions.BestID("p1"))
	long := strings.Repeat("x", 64)
	require.LessOrEqual(t, len(lesions.TimePointID(long, d)), 64)
	require.NotEqual(t, lesions.TimePointID(long, d), lesions.TimePointID(long, d.AddDate(0, 0, 1)))
}
