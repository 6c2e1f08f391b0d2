package operations_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/profiles"
	"github.com/trialfhir/trialfhir/trial/eligibility"
)

// server starts the API on the embedded store with the study loaded and
// the operations and observers wired as cmd/trialfhir does.
func server(t *testing.T) string {
	t.Helper()
	return trialServer(t, eligibility.Options{})
}

func call(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/fhir+json")
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m), "%s", raw)
	return res.StatusCode, m
}

// putBundle stores every resource of a testdata collection Bundle by id.
func putBundle(t *testing.T, base, file string) {
	t.Helper()
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	var b struct {
		Entry []struct{ Resource map[string]any } `json:"entry"`
	}
	require.NoError(t, json.Unmarshal(raw, &b))
	for _, e := range b.Entry {
		body, _ := json.Marshal(e.Resource)
		status, m := call(t, "PUT", base+"/"+e.Resource["resourceType"].(string)+"/"+e.Resource["id"].(string), string(body))
		require.Contains(t, []int{200, 201}, status, "%v", m)
	}
}

// outcomes reads criterion -> outcome from an assessment Observation.
func outcomes(t *testing.T, obs map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, c := range obs["component"].([]any) {
		cm := c.(map[string]any)
		id := cm["code"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"].(string)
		out[id] = cm["valueCodeableConcept"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"].(string)
	}
	return out
}

func decision(obs map[string]any) string {
	return obs["valueCodeableConcept"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"].(string)
}

func TestEvaluateEligibilityStoredPatient(t *testing.T) {
	base := server(t)
	putBundle(t, base, "../../mappings/testdata/clinical.json")
	params := `{"resourceType":"Parameters","parameter":[{"name":"subject","valueReference":{"reference":"Patient/p3"}},{"name":"date","valueDate":"2026-03-01"}]}`
	status, obs := call(t, "POST", base+"/ResearchStudy/"+profiles.StudyID+"/$evaluate-eligibility", params)
	require.Equal(t, 200, status, "%v", obs)
	require.Equal(t, "Observation", obs["resourceType"])
	require.Equal(t, "2026-03-01", obs["effectiveDateTime"])
	require.Equal(t, "ResearchStudy/"+profiles.StudyID, obs["focus"].([]any)[0].(map[string]any)["reference"])
	got := outcomes(t, obs)
	require.Len(t, got, 38)
	require.Equal(t, "met", got["I4"]) // born 1970-07-15: 55 on the index date
	require.Equal(t, "does-not-apply", got["X1b"], "C02.1 tongue is oral cavity")
	require.Contains(t, []string{"eligible", "ineligible", "needs-review"}, decision(obs))

	// Persisted: a stable id, and the ResearchSubject moved and linked.
	id := obs["id"].(string)
	status, stored := call(t, "GET", base+"/Observation/"+id, "")
	require.Equal(t, 200, status)
	version := stored["meta"].(map[string]any)["versionId"]
	require.Equal(t, obs["meta"].(map[string]any)["versionId"], version)
	status, subjects := call(t, "GET", base+"/ResearchSubject?individual=Patient/p3&study=ResearchStudy/"+profiles.StudyID, "")
	require.Equal(t, 200, status)
	entries := subjects["entry"].([]any)
	require.Len(t, entries, 1)
	sub := entries[0].(map[string]any)["resource"].(map[string]any)
	require.Equal(t, "on-study", sub["status"], "a subject already on study keeps its status")
	require.Contains(t, mustJSON(sub), "Observation/"+id)

	// The same evaluation again stores no new version.
	status, again := call(t, "POST", base+"/ResearchStudy/"+profiles.StudyID+"/$evaluate-eligibility", params)
	require.Equal(t, 200, status)
	require.Equal(t, version, again["meta"].(map[string]any)["versionId"])

	// Not persisted: the stored assessment is untouched, the answer has no id.
	noPersist := `{"resourceType":"Parameters","parameter":[{"name":"subject","valueReference":{"reference":"Patient/p3"}},{"name":"date","valueDate":"2026-03-01"},{"name":"persist","valueBoolean":false}]}`
	status, preview := call(t, "POST", base+"/ResearchStudy/"+profiles.StudyID+"/$evaluate-eligibility", noPersist)
	require.Equal(t, 200, status)
	require.Nil(t, preview["id"])
}

// TestEvaluateEligibilityCreatesSubject: a patient with no ResearchSubject
// and no labs gets one, moved to screening because the labs are unknown;
// a lab arriving later re-screens the patient automatically.
func TestEvaluateEligibilityCreatesSubject(t *testing.T) {
	base := server(t)
	status, _ := call(t, "PUT", base+"/Patient/p9", `{"resourceType":"Patient","id":"p9","gender":"male","birthDate":"1980-01-01"}`)
	require.Equal(t, 201, status)
	params := `{"resourceType":"Parameters","parameter":[{"name":"subject","valueReference":{"reference":"Patient/p9"}},{"name":"date","valueDate":"2026-03-01"}]}`
	status, obs := call(t, "POST", base+"/ResearchStudy/"+profiles.StudyID+"/$evaluate-eligibility", params)
	require.Equal(t, 200, status, "%v", obs)
	require.Equal(t, "needs-review", decision(obs))
	require.Equal(t, "unknown", outcomes(t, obs)["L3"])
	_, subjects := call(t, "GET", base+"/ResearchSubject?individual=Patient/p9", "")
	entries := subjects["entry"].([]any)
	require.Len(t, entries, 1)
	sub := entries[0].(map[string]any)["resource"].(map[string]any)
	require.Equal(t, "screening", sub["status"])

	// Hb 90 g/L arrives (strictly > 9 g/dL fails): re-screened on write.
	// The index date now defaults to the evaluation time, so the lab is
	// dated today.
	today := time.Now().UTC().Format("2006-01-02")
	status, m := call(t, "POST", base+"/Observation", `{"resourceType":"Observation","status":"final",
		"code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},"subject":{"reference":"Patient/p9"},
		"effectiveDateTime":"`+today+`","valueQuantity":{"value":90,"unit":"g/L","system":"http://unitsofmeasure.org","code":"g/L"},
		"referenceRange":[{"low":{"value":130,"unit":"g/L"},"high":{"value":175,"unit":"g/L"}}]}`)
	require.Equal(t, 201, status, "%v", m)
	_, stored := call(t, "GET", base+"/Observation/"+obs["id"].(string), "")
	require.Equal(t, "not-met", outcomes(t, stored)["L3"])
	require.Equal(t, "ineligible", decision(stored))
	_, subjects = call(t, "GET", base+"/ResearchSubject?individual=Patient/p9", "")
	require.Equal(t, "ineligible", subjects["entry"].([]any)[0].(map[string]any)["resource"].(map[string]any)["status"])
}

func TestEvaluateEligibilityBundleAndErrors(t *testing.T) {
	base := server(t)
	raw, err := os.ReadFile("../../mappings/testdata/clinical.json")
	require.NoError(t, err)
	params := `{"resourceType":"Parameters","parameter":[{"name":"bundle","resource":` + string(raw) + `},{"name":"date","valueDate":"2026-03-01"}]}`
	status, obs := call(t, "POST", base+"/ResearchStudy/"+profiles.StudyID+"/$evaluate-eligibility", params)
	require.Equal(t, 200, status, "%v", obs)
	require.Equal(t, "met", outcomes(t, obs)["I4"])
	// Nothing was stored from the bundle.
	status, _ = call(t, "GET", base+"/Patient/p3", "")
	require.Equal(t, 404, status)

	for name, tc := range map[string]struct {
		path, body string
		status     int
	}{
		"unknown study":   {"/ResearchStudy/nope/$evaluate-eligibility", `{"resourceType":"Parameters","parameter":[{"name":"subject","valueReference":{"reference":"Patient/p3"}}]}`, 404},
		"unknown patient": {"/ResearchStudy/" + profiles.StudyID + "/$evaluate-eligibility", `{"resourceType":"Parameters","parameter":[{"name":"subject","valueReference":{"reference":"Patient/none"}}]}`, 404},
		"no subject":      {"/ResearchStudy/" + profiles.StudyID + "/$evaluate-eligibility", `{"resourceType":"Parameters"}`, 400},
		"not parameters":  {"/ResearchStudy/" + profiles.StudyID + "/$evaluate-eligibility", `{"resourceType":"Patient"}`, 400},
		"bad date":        {"/ResearchStudy/" + profiles.StudyID + "/$evaluate-eligibility", `{"resourceType":"Parameters","parameter":[{"name":"subject","valueReference":{"reference":"Patient/p3"}},{"name":"date","valueDate":"soon"}]}`, 400},
		"unknown param":   {"/ResearchStudy/" + profiles.StudyID + "/$evaluate-eligibility", `{"resourceType":"Parameters","parameter":[{"name":"colour","valueString":"blue"}]}`, 400},
	} {
		t.Run(name, func(t *testing.T) {
			status, m := call(t, "POST", base+tc.path, tc.body)
			require.Equal(t, tc.status, status, "%v", m)
			require.Equal(t, "OperationOutcome", m["resourceType"])
		})
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
