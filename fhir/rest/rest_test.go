package rest_test

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/resource"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return string(b)
}

// withID returns body with "id" set, as an update needs.
func withID(body, id string) string {
	return strings.Replace(body, `"resourceType": "Observation",`, `"resourceType": "Observation", "id": "`+id+`",`, 1)
}

func TestObservationLifecycle(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			c := startAPI(t, st.open(t))
			obs := readTestdata(t, "observation.json")

			created := c.do("POST", "/Observation", strings.Replace(obs, `"resourceType": "Observation",`, `"resourceType": "Observation", "id": "ignored",`, 1))
			require.Equal(t, http.StatusCreated, created.status, "%s", created.body)
			id := created.id(t)
			require.NotEqual(t, "ignored", id, "create ignores a client id (R4 3.1.0.8)")
			require.Equal(t, `W/"1"`, created.header.Get("ETag"))
			require.True(t, strings.HasSuffix(created.header.Get("Location"), "/fhir/Observation/"+id+"/_history/1"), created.header.Get("Location"))
			lastModified, err := http.ParseTime(created.header.Get("Last-Modified"))
			require.NoError(t, err)
			require.WithinDuration(t, time.Now(), lastModified, time.Minute)
			meta := created.decodeJSON(t)["meta"].(map[string]any)
			require.Equal(t, "1", meta["versionId"])
			require.NotEmpty(t, meta["lastUpdated"])
			require.Contains(t, string(created.body), `"value":13.50`, "decimal precision is kept")
			require.True(t, strings.HasPrefix(string(created.body), `{"resourceType":"Observation","id":`))

			read := c.do("GET", "/Observation/"+id, "")
			require.Equal(t, http.StatusOK, read.status)
			require.JSONEq(t, string(created.body), string(read.body))
			require.Equal(t, `W/"1"`, read.header.Get("ETag"))

			updated := c.do("PUT", "/Observation/"+id, withID(strings.Replace(obs, `"final"`, `"amended"`, 1), id), "If-Match", `W/"1"`)
			require.Equal(t, http.StatusOK, updated.status, "%s", updated.body)
			require.Equal(t, `W/"2"`, updated.header.Get("ETag"))
			require.Equal(t, "amended", updated.decodeJSON(t)["status"])

			stale := c.do("PUT", "/Observation/"+id, withID(obs, id), "If-Match", `W/"1"`)
			stale.requireOutcome(t, http.StatusPreconditionFailed, "conflict")

			v1 := c.do("GET", "/Observation/"+id+"/_history/1", "")
			require.Equal(t, http.StatusOK, v1.status)
			require.Equal(t, "final", v1.decodeJSON(t)["status"])
			c.do("GET", "/Observation/"+id+"/_history/9", "").requireOutcome(t, http.StatusNotFound, "not-found")

			deleted := c.do("DELETE", "/Observation/"+id, "")
			require.Equal(t, http.StatusNoContent, deleted.status)
			c.do("GET", "/Observation/"+id, "").requireOutcome(t, http.StatusGone, "deleted")
			c.do("GET", "/Observation/"+id+"/_history/3", "").requireOutcome(t, http.StatusGone, "deleted")
			require.Equal(t, http.StatusOK, c.do("GET", "/Observation/"+id+"/_history/2", "").status)
			require.Equal(t, http.StatusNoContent, c.do("DELETE", "/Observation/"+id, "").status, "deleting again succeeds")

			history := c.do("GET", "/Observation/"+id+"/_history", "").decodeJSON(t)
			require.Equal(t, "history", history["type"])
			entries := history["entry"].([]any)
			require.Len(t, entries, 3)
			methods := []string{}
			for _, e := range entries {
				methods = append(methods, e.(map[string]any)["request"].(map[string]any)["method"].(string))
			}
			require.Equal(t, []string{"DELETE", "PUT", "POST"}, methods, "newest first")

			back := c.do("PUT", "/Observation/"+id, withID(obs, id))
			require.Equal(t, http.StatusCreated, back.status, "update after delete re-creates: %s", back.body)
			require.Equal(t, `W/"4"`, back.header.Get("ETag"))
		})
	}
}

func TestUpdateAsCreate(t *testing.T) {
	c := newEmbedded(t)
	obs := withID(readTestdata(t, "observation.json"), "client-chosen-1")
	first := c.do("PUT", "/Observation/client-chosen-1", obs)
	require.Equal(t, http.StatusCreated, first.status, "%s", first.body)
	require.Equal(t, "client-chosen-1", first.id(t))
	same := c.do("PUT", "/Observation/client-chosen-1", obs)
	require.Equal(t, http.StatusOK, same.status)
	require.Equal(t, `W/"1"`, same.header.Get("ETag"), "an update that changes nothing makes no version")
	otherID := c.do("PUT", "/Observation/client-chosen-1", withID(obs, "client-chosen-2"))
	require.Equal(t, http.StatusBadRequest, otherID.status, "a resent body with another id is still refused: %s", otherID.body)
	changed := c.do("PUT", "/Observation/client-chosen-1", strings.Replace(obs, `"final"`, `"amended"`, 1))
	require.Equal(t, http.StatusOK, changed.status)
	require.Equal(t, `W/"2"`, changed.header.Get("ETag"))
}

func TestUpdateRefusals(t *testing.T) {
	c := newEmbedded(t)
	obs := readTestdata(t, "observation.json")
	cases := []struct {
		name, path, body string
		headers          []string
		status           int
		code             string
		expression       []string
	}{
		{"id missing", "/Observation/a", obs, nil, 400, "required", []string{"Observation.id"}},
		{"id differs from URL", "/Observation/a", withID(obs, "b"), nil, 400, "invalid", []string{"Observation.id"}},
		{"type differs from URL", "/Patient/a", withID(obs, "a"), nil, 400, "invalid", []string{"resourceType"}},
		{"bad If-Match", "/Observation/a", withID(obs, "a"), []string{"If-Match", "yesterday"}, 400, "invalid", nil},
		{"If-Match on nothing", "/Observation/a", withID(obs, "a"), []string{"If-Match", `W/"1"`}, 412, "conflict", nil},
		{"unknown type", "/Foo/a", withID(obs, "a"), nil, 404, "not-found", nil},
		{"form body", "/Observation/a", withID(obs, "a"), []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "not-supported", nil},
		{"xml body", "/Observation/a", withID(obs, "a"), []string{"Content-Type", "application/fhir+xml"}, 415, "not-supported", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.do("PUT", tc.path, tc.body, tc.headers...).requireOutcome(t, tc.status, tc.code, tc.expression...)
		})
	}
	// Nothing of the above was stored.
	require.Equal(t, http.StatusNotFound, c.do("GET", "/Observation/a", "").status)
}

func TestConditionalReads(t *testing.T) {
	c := newEmbedded(t)
	created := c.do("POST", "/Observation", readTestdata(t, "observation.json"))
	id := created.id(t)
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	cases := []struct {
		name    string
		headers []string
		status  int
	}{
		{"matching etag", []string{"If-None-Match", `W/"1"`}, 304},
		{"other etag", []string{"If-None-Match", `W/"2"`}, 200},
		{"star", []string{"If-None-Match", `*`}, 304},
		{"not modified since", []string{"If-Modified-Since", future}, 304},
		{"modified since", []string{"If-Modified-Since", past}, 200},
		{"etag wins over date", []string{"If-None-Match", `W/"7"`, "If-Modified-Since", future}, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.do("GET", "/Observation/"+id, "", tc.headers...)
			require.Equal(t, tc.status, r.status)
			require.Equal(t, `W/"1"`, r.header.Get("ETag"))
			if tc.status == 304 {
				require.Empty(t, r.body)
			}
		})
	}
}

func TestConditionalInteractions(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			c := startAPI(t, st.open(t))
			obs := readTestdata(t, "observation.json")
			cond := "identifier=urn:oid:1.2.3.4|LAB-0001"

			first := c.do("POST", "/Observation", obs, "If-None-Exist", cond)
			require.Equal(t, http.StatusCreated, first.status)
			again := c.do("POST", "/Observation", obs, "If-None-Exist", "Observation?"+cond)
			require.Equal(t, http.StatusOK, again.status, "an existing match is returned, not duplicated")
			require.Equal(t, first.id(t), again.id(t))
			c.do("POST", "/Observation", obs, "If-None-Exist", "bogus=1").requireOutcome(t, 400, "not-supported", "bogus")

			// Conditional update: one match updates it.
			up := c.do("PUT", "/Observation?"+cond, strings.Replace(obs, `"final"`, `"amended"`, 1))
			require.Equal(t, http.StatusOK, up.status, "%s", up.body)
			require.Equal(t, first.id(t), up.id(t))
			require.Equal(t, `W/"2"`, up.header.Get("ETag"))
			// If-Match holds on the match: a stale version is 412 and writes
			// nothing, on update, patch and delete alike.
			stale := []struct{ method, body, ctype string }{
				{"PUT", obs, "application/fhir+json"},
				{"PATCH", `[{"op":"replace","path":"/status","value":"corrected"}]`, "application/json-patch+json"},
				{"PATCH", `{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"replace"},{"name":"path","valueString":"Observation.status"},{"name":"value","valueCode":"corrected"}]}]}`, "application/fhir+json"},
				{"DELETE", "", ""},
			}
			for _, st := range stale {
				c.do(st.method, "/Observation?"+cond, st.body, "If-Match", `W/"1"`, "Content-Type", st.ctype).
					requireOutcome(t, http.StatusPreconditionFailed, "conflict")
			}
			require.Equal(t, `W/"2"`, c.do("GET", "/Observation/"+first.id(t), "").header.Get("ETag"), "a stale If-Match writes nothing")
			pinned := c.do("PATCH", "/Observation?"+cond, stale[1].body, "If-Match", `W/"2"`, "Content-Type", stale[1].ctype)
			require.Equal(t, http.StatusOK, pinned.status, "%s", pinned.body)
			require.Equal(t, `W/"3"`, pinned.header.Get("ETag"))
			c.do("PUT", "/Observation?identifier=urn:oid:1.2.3.4|LAB-0009", obs, "If-Match", `W/"1"`).
				requireOutcome(t, http.StatusPreconditionFailed, "conflict")
			c.do("DELETE", "/Observation?identifier=urn:oid:1.2.3.4|LAB-0009", "", "If-Match", `W/"1"`).
				requireOutcome(t, http.StatusPreconditionFailed, "conflict")
			// No match creates.
			other := strings.Replace(obs, "LAB-0001", "LAB-0002", 1)
			made := c.do("PUT", "/Observation?identifier=urn:oid:1.2.3.4|LAB-0002", other)
			require.Equal(t, http.StatusCreated, made.status)
			// Several matches: 412, nothing written.
			several := c.do("PUT", "/Observation?identifier=urn:oid:1.2.3.4|", obs)
			several.requireOutcome(t, http.StatusPreconditionFailed, "multiple-matches")
			c.do("POST", "/Observation", obs, "If-None-Exist", "identifier=urn:oid:1.2.3.4|").
				requireOutcome(t, http.StatusPreconditionFailed, "multiple-matches")
			c.do("DELETE", "/Observation?identifier=urn:oid:1.2.3.4|", "").
				requireOutcome(t, http.StatusPreconditionFailed, "multiple-matches")
			// A condition without criteria is refused.
			c.do("PUT", "/Observation", obs).requireOutcome(t, 400, "invalid")

			// Conditional delete of one match.
			require.Equal(t, http.StatusNoContent, c.do("DELETE", "/Observation?identifier=LAB-0002", "").status)
			require.Equal(t, http.StatusGone, c.do("GET", "/Observation/"+made.id(t), "").status)
			require.Equal(t, http.StatusNoContent, c.do("DELETE", "/Observation?identifier=LAB-0002", "").status, "no match: nothing to do")
			require.Equal(t, http.StatusOK, c.do("GET", "/Observation/"+first.id(t), "").status)
		})
	}
}

func TestPrefer(t *testing.T) {
	c := newEmbedded(t)
	obs := readTestdata(t, "observation.json")
	minimal := c.do("POST", "/Observation", obs, "Prefer", "return=minimal")
	require.Equal(t, http.StatusCreated, minimal.status)
	require.Empty(t, minimal.body)
	require.NotEmpty(t, minimal.header.Get("Location"))

	oo := c.do("POST", "/Observation", obs, "Prefer", "return=OperationOutcome")
	require.Equal(t, http.StatusCreated, oo.status)
	require.Equal(t, "OperationOutcome", oo.decodeJSON(t)["resourceType"])

	rep := c.do("POST", "/Observation", obs, "Prefer", "return=representation")
	require.Equal(t, "Observation", rep.decodeJSON(t)["resourceType"])

	del := c.do("DELETE", "/Observation/"+rep.id(t), "", "Prefer", "return=OperationOutcome")
	require.Equal(t, http.StatusOK, del.status)
	require.Equal(t, "OperationOutcome", del.decodeJSON(t)["resourceType"])
}

func TestNegotiation(t *testing.T) {
	c := newEmbedded(t)
	id := c.do("POST", "/Observation", readTestdata(t, "observation.json")).id(t)
	cases := []struct {
		name, query string
		headers     []string
		status      int
	}{
		{"default", "", nil, 200},
		{"fhir json", "", []string{"Accept", "application/fhir+json"}, 200},
		{"plain json", "", []string{"Accept", "application/json"}, 200},
		{"browser", "", []string{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}, 200},
		{"R4 version", "", []string{"Accept", "application/fhir+json; fhirVersion=4.0"}, 200},
		{"STU3 version", "", []string{"Accept", "application/fhir+json; fhirVersion=3.0"}, 406},
		{"xml", "", []string{"Accept", "application/fhir+xml"}, 406},
		{"_format json", "?_format=json", []string{"Accept", "application/fhir+xml"}, 200},
		{"_format mime", "?_format=application/fhir%2Bjson", nil, 200},
		{"_format mime unescaped plus", "?_format=application/fhir+json", nil, 200},
		{"_format xml", "?_format=xml", nil, 406},
		{"_format turtle", "?_format=ttl", nil, 406},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.do("GET", "/Observation/"+id+tc.query, "", tc.headers...)
			if tc.status == 200 {
				require.Equal(t, 200, r.status, "%s", r.body)
				require.Equal(t, "application/fhir+json; charset=utf-8", r.header.Get("Content-Type"))
				return
			}
			r.requireOutcome(t, tc.status, "not-supported")
		})
	}

	pretty := c.do("GET", "/Observation/"+id+"?_pretty=true", "")
	require.Contains(t, string(pretty.body), "\n  \"resourceType\": \"Observation\"")
}

func TestSummaryAndElements(t *testing.T) {
	c := newEmbedded(t)
	obs := strings.Replace(readTestdata(t, "observation.json"), `"status": "final",`,
		`"status": "final", "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">Hb 13.5</div>"}, "note": [{"text": "fasting"}],`, 1)
	id := c.do("POST", "/Observation", obs).id(t)
	cases := []struct {
		query       string
		has, hasNot []string
	}{
		{"_summary=true", []string{"id", "meta", "status", "code", "valueQuantity", "identifier"}, []string{"text", "note", "referenceRange", "category"}},
		{"_summary=text", []string{"id", "meta", "text", "status", "code"}, []string{"valueQuantity", "note"}},
		{"_summary=data", []string{"note", "valueQuantity", "referenceRange"}, []string{"text"}},
		{"_elements=value,note", []string{"id", "meta", "valueQuantity", "note", "status", "code"}, []string{"referenceRange", "category", "text"}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			r := c.do("GET", "/Observation/"+id+"?"+tc.query, "")
			require.Equal(t, 200, r.status)
			m := r.decodeJSON(t)
			for _, k := range tc.has {
				require.Contains(t, m, k)
			}
			for _, k := range tc.hasNot {
				require.NotContains(t, m, k)
			}
			require.Contains(t, string(r.body), "SUBSETTED")
		})
	}
	c.do("GET", "/Observation/"+id+"?_summary=maybe", "").requireOutcome(t, 400, "invalid", "_summary")
	full := c.do("GET", "/Observation/"+id+"?_summary=false", "")
	require.NotContains(t, string(full.body), "SUBSETTED")
}

func TestCapabilityStatement(t *testing.T) {
	c := newEmbedded(t)
	r := c.do("GET", "/metadata", "")
	require.Equal(t, 200, r.status)
	_, err := resource.Parse(r.body)
	require.NoError(t, err, "the CapabilityStatement is valid R4")
	m := r.decodeJSON(t)
	require.Equal(t, "4.0.1", m["fhirVersion"])
	rest := m["rest"].([]any)[0].(map[string]any)
	byType := map[string]map[string]any{}
	for _, res := range rest["resource"].([]any) {
		rm := res.(map[string]any)
		byType[rm["type"].(string)] = rm
	}
	require.Len(t, byType, len(resource.Types()))
	obs := byType["Observation"]
	var interactions []string
	for _, i := range obs["interaction"].([]any) {
		interactions = append(interactions, i.(map[string]any)["code"].(string))
	}
	require.ElementsMatch(t, []string{"read", "vread", "update", "patch", "delete", "history-instance", "history-type", "create", "search-type"}, interactions)
	require.Equal(t, true, obs["conditionalCreate"])
	require.Contains(t, fmt.Sprint(obs["searchParam"]), "identifier")
	require.Contains(t, fmt.Sprint(rest["interaction"]), "history-system")
}

func TestErrorsAreOperationOutcomes(t *testing.T) {
	c := newEmbedded(t)
	cases := []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"unknown route", "GET", "/Observation/a/b/c/d", 404, "not-found"},
		{"unknown type", "GET", "/NotAType/1", 404, "not-found"},
		{"unknown type history", "GET", "/NotAType/_history", 404, "not-found"},
		{"missing resource", "GET", "/Patient/nobody", 404, "not-found"},
		{"bad version", "GET", "/Patient/nobody/_history/x", 404, "not-found"},
		{"method not allowed", "POST", "/Patient/1", 405, "not-supported"},
		{"unknown history parameter", "GET", "/_history?_at=2020", 400, "not-supported"},
		{"bad _since", "GET", "/_history?_since=yesterday", 400, "invalid"},
		{"bad page", "GET", "/_history?_page=%25%25", 400, "invalid"},
		{"unknown search parameter", "GET", "/Observation?colour=blue", 400, "not-supported"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.do(tc.method, tc.path, "").requireOutcome(t, tc.status, tc.code)
		})
	}
}

func TestBodyLimit(t *testing.T) {
	c := newEmbedded(t)
	big := `{"resourceType":"Observation","status":"final","code":{"text":"` + strings.Repeat("x", 17<<20) + `"}}`
	c.do("POST", "/Observation", big).requireOutcome(t, http.StatusRequestEntityTooLarge, "too-costly")
}
