package rest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPatch checks the REST PATCH interaction with JSON Patch (R4
// 3.1.0.7.1), on an instance and by condition.
func TestPatch(t *testing.T) {
	const jsonPatch = "application/json-patch+json"
	activate := `[{"op":"add","path":"/active","value":true}]`
	for _, tc := range []struct {
		name, path, body string
		headers          []string
		status           int
		code             string // for a refusal
		etag             string // for a success
	}{
		{name: "instance", path: "/Patient/a", body: activate, status: http.StatusOK, etag: `W/"2"`},
		{name: "instance with If-Match", path: "/Patient/a", body: activate, headers: []string{"If-Match", `W/"1"`}, status: http.StatusOK, etag: `W/"2"`},
		{name: "stale If-Match", path: "/Patient/a", body: activate, headers: []string{"If-Match", `W/"3"`}, status: http.StatusPreconditionFailed, code: "conflict"},
		{name: "conditional", path: "/Patient?identifier=s|b", body: activate, status: http.StatusOK, etag: `W/"2"`},
		{name: "conditional matching several", path: "/Patient?identifier=s|twin", body: activate, status: http.StatusPreconditionFailed, code: "multiple-matches"},
		{name: "conditional matching none", path: "/Patient?identifier=s|none", body: activate, status: http.StatusNotFound, code: "not-found"},
		{name: "missing", path: "/Patient/none", body: activate, status: http.StatusNotFound, code: "not-found"},
		{name: "failed test", path: "/Patient/a", body: `[{"op":"test","path":"/active","value":false}]`, status: http.StatusUnprocessableEntity, code: "processing"},
		{name: "invalid result", path: "/Patient/a", body: `[{"op":"add","path":"/gender","value":"sometimes"}]`, status: http.StatusBadRequest, code: "value"},
		{name: "not a patch", path: "/Patient/a", body: `{"op":"add"}`, status: http.StatusBadRequest, code: "invalid"},
		{name: "other media type", path: "/Patient/a", body: `active=true`, headers: []string{"Content-Type", "text/plain"},
			status: http.StatusUnsupportedMediaType, code: "not-supported"},
		{name: "FHIRPath Patch of another FHIR version", path: "/Patient/a", body: fhirPathPatch(activateOp),
			headers: []string{"Content-Type", "application/fhir+json; fhirVersion=3.0"}, status: http.StatusUnsupportedMediaType, code: "not-supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newEmbedded(t)
			txSeed(t, c)
			res := c.do("PATCH", tc.path, tc.body, append([]string{"Content-Type", jsonPatch}, tc.headers...)...)
			if tc.code != "" {
				res.requireOutcome(t, tc.status, tc.code)
				return
			}
			require.Equal(t, tc.status, res.status, "%s", res.body)
			require.Equal(t, tc.etag, res.header.Get("ETag"))
			require.Contains(t, string(res.body), `"active":true`)
			require.Contains(t, string(c.do("GET", tc.path, "").body), `"active":true`)
		})
	}
	caps := string(newEmbedded(t).do("GET", "/metadata", "").body)
	require.Contains(t, caps, `{"code":"patch"}`)
	require.Contains(t, caps, `"patchFormat":["application/json-patch+json","application/fhir+json"]`)
}

// fhirPathPatch is a FHIRPath Patch (http://hl7.org/fhir/R4/fhirpatch.html)
// of the operations given, each as its parts in JSON.
func fhirPathPatch(ops ...string) string {
	for i, op := range ops {
		ops[i] = `{"name":"operation","part":[` + op + `]}`
	}
	return `{"resourceType":"Parameters","parameter":[` + strings.Join(ops, ",") + `]}`
}

const activateOp = `{"name":"type","valueCode":"add"},{"name":"path","valueString":"Patient"},{"name":"name","valueString":"active"},{"name":"value","valueBoolean":true}`

// TestFHIRPathPatch checks the REST PATCH interaction with a FHIRPath
// Patch, a Parameters resource sent as FHIR JSON, on every store.
func TestFHIRPathPatch(t *testing.T) {
	for _, tc := range []struct {
		name, path, body string
		headers          []string
		status           int
		code             string // for a refusal
		want             string // in the patched resource, for a success
	}{
		{name: "add", path: "/Patient/a", body: fhirPathPatch(activateOp), status: http.StatusOK, want: `"active":true`},
		{name: "application/json+fhir", path: "/Patient/a", body: fhirPathPatch(activateOp), headers: []string{"Content-Type", "application/json+fhir"},
			status: http.StatusOK, want: `"active":true`},
		{name: "conditional", path: "/Patient?identifier=s|b", body: fhirPathPatch(activateOp), status: http.StatusOK, want: `"active":true`},
		{name: "conditional matching several", path: "/Patient?identifier=s|twin", body: fhirPathPatch(activateOp),
			status: http.StatusPreconditionFailed, code: "multiple-matches"},
		{name: "several operations in order", path: "/Patient/a", body: fhirPathPatch(
			`{"name":"type","valueCode":"add"},{"name":"path","valueString":"Patient"},{"name":"name","valueString":"identifier"},{"name":"value","valueIdentifier":{"system":"s","value":"a2"}}`,
			`{"name":"type","valueCode":"move"},{"name":"path","valueString":"Patient.identifier"},{"name":"source","valueInteger":1},{"name":"destination","valueInteger":0}`,
			`{"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.identifier.where(value='a').system"},{"name":"value","valueUri":"t"}`,
		), status: http.StatusOK, want: `"identifier":[{"system":"s","value":"a2"},{"system":"t","value":"a"}]`},
		{name: "delete by where", path: "/Patient/a", body: fhirPathPatch(
			`{"name":"type","valueCode":"delete"},{"name":"path","valueString":"Patient.identifier.where(system='s')"}`,
			activateOp), status: http.StatusOK, want: `{"resourceType":"Patient","id":"a","meta"`},
		{name: "a primitive list item carrying extensions", path: "/Patient/a", body: fhirPathPatch(
			`{"name":"type","valueCode":"add"},{"name":"path","valueString":"Patient"},{"name":"name","valueString":"name"},{"name":"value","valueHumanName":{"given":["A"],"_given":[{"id":"a"}]}}`,
			`{"name":"type","valueCode":"add"},{"name":"path","valueString":"Patient.name"},{"name":"name","valueString":"given"},{"name":"value","valueString":"B","_valueString":{"id":"b"}}`,
		), status: http.StatusOK, want: `"name":[{"_given":[{"id":"a"},{"id":"b"}],"given":["A","B"]}]`},
		{name: "replace matching nothing", path: "/Patient/a", body: fhirPathPatch(
			`{"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.birthDate"},{"name":"value","valueDate":"2000-01-01"}`),
			status: http.StatusUnprocessableEntity, code: "processing"},
		{name: "unknown operation type", path: "/Patient/a", body: fhirPathPatch(`{"name":"type","valueCode":"copy"},{"name":"path","valueString":"Patient"}`),
			status: http.StatusBadRequest, code: "invalid"},
		{name: "invalid result", path: "/Patient/a", body: fhirPathPatch(
			`{"name":"type","valueCode":"add"},{"name":"path","valueString":"Patient"},{"name":"name","valueString":"gender"},{"name":"value","valueCode":"sometimes"}`),
			status: http.StatusBadRequest, code: "value"},
		{name: "changing the id", path: "/Patient/a", body: fhirPathPatch(
			`{"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.id"},{"name":"value","valueId":"zz"}`),
			status: http.StatusBadRequest, code: "invalid"},
	} {
		for _, st := range stores {
			t.Run(st.name+"/"+tc.name, func(t *testing.T) {
				c := startAPI(t, st.open(t))
				txSeed(t, c)
				res := c.do("PATCH", tc.path, tc.body, tc.headers...)
				if tc.code != "" {
					res.requireOutcome(t, tc.status, tc.code)
					require.Contains(t, string(c.do("GET", "/Patient/a", "").body), `"versionId":"1"`, "nothing updated")
					return
				}
				require.Equal(t, tc.status, res.status, "%s", res.body)
				require.Equal(t, `W/"2"`, res.header.Get("ETag"))
				require.Contains(t, string(res.body), tc.want)
				require.Contains(t, string(c.do("GET", tc.path, "").body), tc.want)
			})
		}
	}
}
