package recist_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/mappings/lesions"
	"github.com/trialfhir/trialfhir/profiles"
)

func TestAdherenceThroughHTTP(t *testing.T) {
	cases := []struct {
		name, arm, margin, resect string
		want, wantB               string
	}{
		{"de-escalated adherent", profiles.ArmDeescalated, "10", "38", "adherent", "not-adherent"},
		{"de-escalated reduction < 30%", profiles.ArmDeescalated, "10", "40", "not-adherent", "not-adherent"},
		{"standard adherent", profiles.ArmStandard, "12", "60", "adherent", "adherent"},
		{"standard margin too small", profiles.ArmStandard, "8", "60", "not-adherent", "not-adherent"},
	}
	s := start(t)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.t = t
			p := "surg" + string(rune('a'+i))
			// D_pre 35 mm at baseline, D_post 18 mm before surgery (domain.md §11 example).
			s.postHistory(p, []string{"T1:t:35", "T1:t:18"})
			s.put(map[string]any{"resourceType": "ResearchSubject", "id": p + "-rs", "status": "on-study",
				"study": ref("ResearchStudy/" + profiles.StudyID), "individual": ref("Patient/" + p), "assignedArm": tc.arm})
			proc := p + "-resection"
			s.put(map[string]any{"resourceType": "Procedure", "id": proc, "status": "completed", "subject": ref("Patient/" + p),
				"performedDateTime": dateOf(2).Format("2006-01-02"), "bodySite": []any{coding(profiles.SNOMED, "21974007")}})
			for code, v := range map[string]string{"planned-margin": tc.margin, "resection-diameter": tc.resect} {
				s.put(map[string]any{"resourceType": "Observation", "id": proc + "-" + code, "status": "final",
					"code": coding(profiles.ObservationSystem, code), "subject": ref("Patient/" + p),
					"partOf":        []any{ref("Procedure/" + proc)},
					"valueQuantity": map[string]any{"value": json.Number(v), "unit": "mm", "system": profiles.UCUM, "code": "mm"}})
			}
			status, o := s.do(http.MethodGet, "/Observation/"+lesions.AdherenceID(proc), nil)
			require.Equal(t, http.StatusOK, status, "%v", o)
			require.Equal(t, tc.want, valueCode(o), "%v", o["note"])
			require.Equal(t, "35", componentValue(o, "pre-neoadjuvant-diameter"))
			require.Equal(t, "18", componentValue(o, "pre-surgery-diameter"))

			status, b := s.do(http.MethodPost, "/Procedure/"+proc+"/$deescalation-adherence", map[string]any{
				"resourceType": "Parameters", "parameter": []any{map[string]any{"name": "interpretation", "valueCode": "B"}}})
			require.Equal(t, http.StatusOK, status, "%v", b)
			require.Equal(t, tc.wantB, valueCode(b), "%v", b["note"])
		})
	}
}

func TestOperationsAndIdempotence(t *testing.T) {
	s := start(t)
	s.postHistory("idem", []string{"T1:t:50", "T1:t:30", "T1:t:36"})
	id := "/Observation/" + lesions.TimePointID("idem", dateOf(1))
	_, before := s.do(http.MethodGet, id, nil)

	t.Run("resent measurement makes no new version", func(t *testing.T) {
		o, _ := measurement("idem", dateOf(1), "T1:t:30")
		s.t = t
		s.put(o)
		_, after := s.do(http.MethodGet, id, nil)
		require.Equal(t, before["meta"].(map[string]any)["versionId"], after["meta"].(map[string]any)["versionId"])
	})
	t.Run("removed time point loses its response", func(t *testing.T) {
		s.t = t
		status, _ := s.do(http.MethodDelete, "/Observation/idem-"+dateOf(2).Format("20060102")+"-T1", nil)
		require.Contains(t, []int{200, 204}, status)
		status, _ = s.do(http.MethodGet, "/Observation/"+lesions.TimePointID("idem", dateOf(2)), nil)
		require.Equal(t, http.StatusGone, status)
	})
	t.Run("measurements before their patient derive when it arrives", func(t *testing.T) {
		s.t = t
		s.put(lesion("late", "T1"))
		for i, tok := range []string{"T1:t:40", "T1:t:20"} {
			o, _ := measurement("late", dateOf(i), tok)
			s.put(o)
		}
		status, _ := s.do(http.MethodGet, "/Observation/"+lesions.TimePointID("late", dateOf(1)), nil)
		require.Equal(t, http.StatusNotFound, status)
		s.put(map[string]any{"resourceType": "Patient", "id": "late"})
		status, o := s.do(http.MethodGet, "/Observation/"+lesions.TimePointID("late", dateOf(1)), nil)
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, "PR", valueCode(o))
	})
	t.Run("unknown patient is 404", func(t *testing.T) {
		s.t = t
		status, o := s.do(http.MethodPost, "/Patient/nobody/$recist", nil)
		require.Equal(t, http.StatusNotFound, status)
		require.Equal(t, "OperationOutcome", o["resourceType"])
	})
	t.Run("bad parameter is 400", func(t *testing.T) {
		s.t = t
		status, _ := s.do(http.MethodGet, "/Patient/idem/$recist?sdMinDays=soon", nil)
		require.Equal(t, http.StatusBadRequest, status)
	})
	t.Run("posted bundle is computed, not stored", func(t *testing.T) {
		s.t = t
		s.put(map[string]any{"resourceType": "Patient", "id": "bundled"})
		var entries []any
		entries = append(entries, map[string]any{"resource": lesion("bundled", "T1")})
		for i, tok := range []string{"T1:t:100", "T1:t:70", "T1:t:70", "T1:t:80"} {
			o, _ := measurement("bundled", dateOf(i), tok)
			entries = append(entries, map[string]any{"resource": o})
		}
		body := map[string]any{"resourceType": "Parameters", "parameter": []any{
			map[string]any{"name": "bundle", "resource": map[string]any{"resourceType": "Bundle", "type": "collection", "entry": entries}},
			map[string]any{"name": "confirm", "valueBoolean": true}}}
		status, b := s.do(http.MethodPost, "/Patient/bundled/$recist", body)
		require.Equal(t, http.StatusOK, status, "%v", b)
		require.Len(t, b["entry"], 5) // 3 time points, best overall response, findings (slice thickness)
		status, _ = s.do(http.MethodGet, "/Observation/"+lesions.BestID("bundled"), nil)
		require.Equal(t, http.StatusNotFound, status)
	})
	t.Run("plot data", func(t *testing.T) {
		s.t = t
		status, p := s.do(http.MethodGet, "/Patient/idem/$recist-plot", nil)
		require.Equal(t, http.StatusOK, status, "%v", p)
		first := p["parameter"].([]any)[0].(map[string]any)
		require.Equal(t, "bestPercentChange", first["name"])
		require.Equal(t, -40.0, first["valueDecimal"])
	})
	t.Run("study waterfall", func(t *testing.T) {
		s.t = t
		s.put(map[string]any{"resourceType": "ResearchStudy", "id": "st", "status": "active"})
		s.postHistory("w2", []string{"T1:t:40", "T1:t:50"})
		for _, p := range []string{"idem", "w2"} {
			s.put(map[string]any{"resourceType": "ResearchSubject", "id": "st-" + p, "status": "on-study",
				"study": ref("ResearchStudy/st"), "individual": ref("Patient/" + p), "assignedArm": profiles.ArmStandard})
		}
		status, p := s.do(http.MethodGet, "/ResearchStudy/st/$recist-plot", nil)
		require.Equal(t, http.StatusOK, status, "%v", p)
		best := map[string]any{}
		for _, sub := range p["parameter"].([]any) {
			parts := sub.(map[string]any)["part"].([]any)
			patient := parts[0].(map[string]any)["valueReference"].(map[string]any)["reference"].(string)
			require.Equal(t, profiles.ArmStandard, parts[1].(map[string]any)["valueString"])
			best[patient] = parts[2].(map[string]any)["valueDecimal"]
		}
		require.Equal(t, map[string]any{"Patient/idem": -40.0, "Patient/w2": 25.0}, best)
		status, _ = s.do(http.MethodGet, "/ResearchStudy/nostudy/$recist-plot", nil)
		require.Equal(t, http.StatusNotFound, status)
	})
	t.Run("capability statement lists the operations", func(t *testing.T) {
		s.t = t
		_, cs := s.do(http.MethodGet, "/metadata", nil)
		found := false
		for _, r := range cs["rest"].([]any)[0].(map[string]any)["resource"].([]any) {
			res := r.(map[string]any)
			if res["type"] == "Patient" {
				for _, op := range res["operation"].([]any) {
					found = found || op.(map[string]any)["name"] == "recist"
				}
			}
		}
		require.True(t, found)
	})
}
