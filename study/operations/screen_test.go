package operations_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/profiles"
)

// counts reads the integer parameters of a $screen summary.
func counts(t *testing.T, m map[string]any) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, p := range m["parameter"].([]any) {
		pm := p.(map[string]any)
		if v, ok := pm["valueInteger"].(float64); ok {
			out[pm["name"].(string)] = int(v)
		}
	}
	return out
}

func TestScreen(t *testing.T) {
	base := server(t)
	for _, p := range []string{
		`{"resourceType":"Patient","id":"s1","gender":"male","birthDate":"1960-01-01"}`,
		`{"resourceType":"Patient","id":"s2","gender":"female","birthDate":"1950-01-01"}`,
		`{"resourceType":"Patient","id":"s3","gender":"female","birthDate":"2015-01-01"}`,
	} {
		id := p[strings.Index(p, `"id":"`)+6 : strings.Index(p, `","gender"`)]
		status, m := call(t, "PUT", base+"/Patient/"+id, p)
		require.Equal(t, 201, status, "%v", m)
	}
	screen := base + "/ResearchStudy/" + profiles.StudyID + "/$screen"
	date := `{"name":"date","valueDate":"2026-03-01"}`

	// A preview: three patients, none stored, no ResearchSubject made.
	status, m := call(t, "POST", screen, `{"resourceType":"Parameters","parameter":[`+date+`]}`)
	require.Equal(t, 200, status, "%v", m)
	c := counts(t, m)
	require.Equal(t, 3, c["screened"])
	require.Equal(t, 2, c["ineligible"], "s2 is 76 and s3 11 on the index date (I4)")
	require.Equal(t, 1, c["needs-review"], "s1 has no labs: unknown")
	_, subs := call(t, "GET", base+"/ResearchSubject", "")
	require.Nil(t, subs["entry"])

	// Those matching a search, stored.
	status, m = call(t, "POST", screen, `{"resourceType":"Parameters","parameter":[`+date+`,
		{"name":"search","valueString":"gender=female"},{"name":"persist","valueBoolean":true}]}`)
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, 2, counts(t, m)["screened"])
	_, subs = call(t, "GET", base+"/ResearchSubject", "")
	require.Len(t, subs["entry"], 2)

	// Asynchronously: 202 with a status URL, polled until the summary.
	req, err := http.NewRequest("POST", screen, strings.NewReader(`{"resourceType":"Parameters","parameter":[`+date+`]}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/fhir+json")
	req.Header.Set("Prefer", "respond-async")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusAccepted, res.StatusCode)
	status_ := res.Header.Get("Content-Location")
	require.Contains(t, status_, "/fhir/$job/")
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, m = call(t, "GET", status_, "")
		if status != http.StatusAccepted || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, 3, counts(t, m)["screened"])
	// Cancelled or fetched jobs can be removed; unknown ones are 404.
	req, _ = http.NewRequest("DELETE", status_, nil)
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusAccepted, res.StatusCode)
	status, _ = call(t, "GET", status_, "")
	require.Equal(t, 404, status)

	// Errors: unknown study, bad search.
	status, _ = call(t, "POST", base+"/ResearchStudy/nope/$screen", "")
	require.Equal(t, 404, status)
	status, _ = call(t, "POST", screen, `{"resourceType":"Parameters","parameter":[{"name":"search","valueString":"colour=blue"}]}`)
	require.Equal(t, 400, status)
}
