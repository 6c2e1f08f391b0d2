package rest_test

import (
	"net/http"
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
		{name: "FHIRPath Patch", path: "/Patient/a", body: `{"resourceType":"Parameters"}`, headers: []string{"Content-Type", "application/fhir+json"},
			status: http.StatusUnsupportedMediaType, code: "not-supported"},
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
	require.Contains(t, caps, `"patchFormat":["application/json-patch+json"]`)
}
