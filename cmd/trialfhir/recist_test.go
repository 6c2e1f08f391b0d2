package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func put(t *testing.T, url, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/fhir+json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Contains(t, []int{200, 201}, res.StatusCode, url)
}

// TestServeDerivesRECIST checks the wiring: the observer derives a response
// when measurements arrive, and $recist is routed.
func TestServeDerivesRECIST(t *testing.T) {
	base, stop := start(t, t.TempDir())
	defer stop()
	f := base + "/fhir/"
	put(t, f+"Patient/w", `{"resourceType":"Patient","id":"w"}`)
	put(t, f+"BodyStructure/w-l1", `{"resourceType":"BodyStructure","id":"w-l1","patient":{"reference":"Patient/w"},"identifier":[{"system":"s","value":"l1"}]}`)
	for _, m := range []struct{ id, date, mm string }{{"w-1", "2026-01-05", "50"}, {"w-2", "2026-02-16", "30"}} {
		put(t, f+"Observation/"+m.id, `{"resourceType":"Observation","id":"`+m.id+`","status":"final",
			"code":{"coding":[{"system":"http://loinc.org","code":"21889-1"}]},"subject":{"reference":"Patient/w"},
			"focus":[{"reference":"BodyStructure/w-l1"}],"effectiveDateTime":"`+m.date+`",
			"extension":[{"url":"https://trialfhir.org/fhir/StructureDefinition/recist-lesion-role","valueCodeableConcept":{"coding":[{"system":"https://trialfhir.org/fhir/CodeSystem/recist-lesion-role","code":"target"}]}}],
			"component":[{"code":{"coding":[{"system":"http://loinc.org","code":"33728-7"}]},"valueQuantity":{"value":`+m.mm+`,"system":"http://unitsofmeasure.org","code":"mm"}}]}`)
	}
	require.Equal(t, http.StatusOK, get(t, f+"Observation/recist-w-20260216"))
	require.Equal(t, http.StatusOK, get(t, f+"Observation/recist-bor-w"))
	res, err := http.Post(f+"Patient/w/$recist", "application/fhir+json", nil)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
}
