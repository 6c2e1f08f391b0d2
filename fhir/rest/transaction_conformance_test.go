package rest_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// txSeed is what a conformance case stores before sending its bundle:
// Patient/a (identifier s|a), Patient/b (s|b), and two patients sharing
// identifier s|twin.
func txSeed(t *testing.T, c *client) {
	t.Helper()
	for _, id := range []string{"a", "b"} {
		r := c.do("PUT", "/Patient/"+id, `{"resourceType":"Patient","id":"`+id+`","identifier":[{"system":"s","value":"`+id+`"}]}`)
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	}
	for range 2 {
		r := c.do("POST", "/Patient", `{"resourceType":"Patient","identifier":[{"system":"s","value":"twin"}]}`)
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	}
}

// jsonPatchBinary is a Binary holding a JSON Patch (R4 3.1.0.7.1), as a
// PATCH entry of a batch or transaction carries it.
func jsonPatchBinary(patch string) string {
	return `{"resourceType":"Binary","contentType":"application/json-patch+json","data":"` +
		base64.StdEncoding.EncodeToString([]byte(patch)) + `"}`
}

var (
	locationPattern = regexp.MustCompile(`^[A-Z][A-Za-z]+/[A-Za-z0-9\-.]{1,64}/_history/[0-9]+$`)
	etagPattern     = regexp.MustCompile(`^W/"[0-9]+"$`)
)

// TestTransactionConformance sends batches and transactions to a server
// holding txSeed and checks them against R4 3.1.0.11 (http.html#transaction)
// and 2.36.0.5 (bundle.html#references): for a successful bundle the
// status of each entry, in request order, and for a refused transaction
// the single OperationOutcome naming the entry, with nothing written.
func TestTransactionConformance(t *testing.T) {
	uuidA := "urn:uuid:7d1f9a52-0000-4000-8000-0000000000a1"
	uuidB := "urn:uuid:7d1f9a52-0000-4000-8000-0000000000b2"
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	past := "2000-01-01T00:00:00Z"
	createAndUpdate := []string{
		txEntry("", "POST", "Patient", `{"resourceType":"Patient"}`),
		txEntry("", "PUT", "Patient/a", `{"resourceType":"Patient","id":"a","active":true}`),
	}
	for _, tc := range []struct {
		name    string
		body    string
		headers []string
		// status is the HTTP status; 200 expects a response Bundle with
		// entries, anything else an OperationOutcome with code and expr.
		status  int
		entries []string
		code    string
		expr    string
		check   func(t *testing.T, c *client, got bundleReply)
	}{
		{name: "transaction response fields", body: txBundle("transaction",
			txEntry(uuidA, "POST", "Patient", `{"resourceType":"Patient","active":true}`),
			txEntry("", "PUT", "Patient/new", `{"resourceType":"Patient","id":"new"}`),
			txEntry("", "PUT", "Patient/a", `{"resourceType":"Patient","id":"a","active":true}`),
			txEntry("", "DELETE", "Patient/b", ""),
			txEntry("", "GET", "Patient/new", ""),
			txEntry("", "GET", "Patient?_id=a,new", ""),
		), status: 200, entries: []string{"201 Created", "201 Created", "200 OK", "204 No Content", "200 OK", "200 OK"},
			check: func(t *testing.T, c *client, got bundleReply) {
				require.Equal(t, "transaction-response", got.Type)
				for i, e := range got.Entry[:3] {
					require.Regexp(t, locationPattern, e.Response.Location, "entry %d", i)
					require.Regexp(t, etagPattern, e.Response.Etag, "entry %d", i)
					_, err := time.Parse(time.RFC3339Nano, e.Response.LastModified)
					require.NoError(t, err, "entry %d lastModified", i)
					require.Contains(t, string(e.Resource), `"resourceType":"Patient"`, "return=representation is the default")
				}
				require.Equal(t, "Patient/new/_history/1", got.Entry[1].Response.Location)
				require.Equal(t, "Patient/a/_history/2", got.Entry[2].Response.Location)
				require.Equal(t, `W/"2"`, got.Entry[2].Response.Etag)
				require.Contains(t, string(got.Entry[4].Resource), `"id":"new"`, "GET runs after the writes")
				require.Contains(t, string(got.Entry[5].Resource), `"type":"searchset"`)
				require.Contains(t, string(got.Entry[5].Resource), `"total":2`)
				require.Equal(t, http.StatusGone, c.do("GET", "/Patient/b", "").status)
			}},
		{name: "batch response fields", body: txBundle("batch",
			txEntry("", "POST", "Patient", `{"resourceType":"Patient"}`),
			txEntry("", "PUT", "Patient/a", `{"resourceType":"Patient","id":"a","active":true}`),
			txEntry("", "DELETE", "Patient/b", ""),
			txEntry("", "GET", "Patient?identifier=s|twin", ""),
		), status: 200, entries: []string{"201 Created", "200 OK", "204 No Content", "200 OK"},
			check: func(t *testing.T, c *client, got bundleReply) {
				require.Equal(t, "batch-response", got.Type)
				require.Regexp(t, locationPattern, got.Entry[0].Response.Location)
				require.Equal(t, "Patient/a/_history/2", got.Entry[1].Response.Location)
				require.Contains(t, string(got.Entry[3].Resource), `"total":2`)
			}},
		{name: "prefer minimal", headers: []string{"Prefer", "return=minimal"}, body: txBundle("transaction", createAndUpdate...), status: 200, entries: []string{"201 Created", "200 OK"},
			check: func(t *testing.T, c *client, got bundleReply) {
				for _, e := range got.Entry {
					require.Empty(t, e.Resource)
					require.Empty(t, e.Response.Outcome)
					require.Regexp(t, locationPattern, e.Response.Location)
				}
			}},
		{name: "prefer OperationOutcome", headers: []string{"Prefer", "return=OperationOutcome"}, body: txBundle("batch", append(createAndUpdate, txEntry("", "DELETE", "Patient/b", ""))...),
			status: 200, entries: []string{"201 Created", "200 OK", "204 No Content"},
			check: func(t *testing.T, c *client, got bundleReply) {
				for _, e := range got.Entry {
					require.Empty(t, e.Resource)
					require.Contains(t, string(e.Response.Outcome), `"OperationOutcome"`)
				}
			}},
		{name: "ifNoneExist matching one writes nothing", body: txBundle("transaction",
			txEntry("", "POST", "Patient", `{"resourceType":"Patient","active":true}`, "ifNoneExist", "identifier=s|a"),
			txEntry("", "POST", "Patient", `{"resourceType":"Patient","active":true}`, "ifNoneExist", "Patient?identifier=s|b"),
		), status: 200, entries: []string{"200 OK", "200 OK"},
			check: func(t *testing.T, c *client, got bundleReply) {
				require.Equal(t, "Patient/a/_history/1", got.Entry[0].Response.Location)
				require.Equal(t, "Patient/b/_history/1", got.Entry[1].Response.Location)
				require.Equal(t, "4", c.total(t, "/Patient"))
			}},
		{name: "ifNoneExist matching several", body: txBundle("transaction",
			txEntry("", "POST", "Patient", `{"resourceType":"Patient"}`),
			txEntry("", "POST", "Patient", `{"resourceType":"Patient"}`, "ifNoneExist", "identifier=s|twin"),
		), status: 412, code: "multiple-matches", expr: "Bundle.entry[1]"},
		{name: "batch ifNoneExist matching several", body: txBundle("batch",
			txEntry("", "POST", "Patient", `{"resourceType":"Patient"}`, "ifNoneExist", "identifier=s|twin"),
			txEntry("", "POST", "Patient", `{"resourceType":"Patient"}`, "ifNoneExist", "identifier=s|none"),
		), status: 200, entries: []string{"412 Precondition Failed", "201 Created"}},
		{name: "batch entry linking another entry", body: txBundle("batch",
			txEntry(uuidA, "POST", "Patient", `{"resourceType":"Patient"}`),
			txEntry("", "POST", "Observation", `{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"`+uuidA+`"}}`),
			txEntry("", "POST", "Observation", `{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/a"}}`),
		), status: 200, entries: []string{"201 Created", "400 Bad Request", "201 Created"},
			check: func(t *testing.T, c *client, got bundleReply) {
				require.Contains(t, string(got.Entry[1].Response.Outcome), "send a transaction")
				require.Equal(t, "1", c.total(t, "/Observation"))
			}},
		{name: "conditional update and delete", body: txBundle("transaction",
			txEntry("", "PUT", "Patient?identifier=s|a", `{"resourceType":"Patient","identifier":[{"system":"s","value":"a"}],"active":true}`),
			txEntry("", "PUT", "Patient?identifier=s|fresh", `{"resourceType":"Patient","identifier":[{"system":"s","value":"fresh"}]}`),
			txEntry("", "DELETE", "Patient?identifier=s|b", ""),
		), status: 200, entries: []string{"200 OK", "201 Created", "204 No Content"},
			check: func(t *testing.T, c *client, got bundleReply) {
				require.Equal(t, "Patient/a/_history/2", got.Entry[0].Response.Location)
				require.Equal(t, http.StatusGone, c.do("GET", "/Patient/b", "").status)
				require.Equal(t, "1", c.total(t, "/Patient?identifier=s|fresh"))
			}},
		{name: "conditional update matching several", body: txBundle("transaction",
			txEntry("", "PUT", "Patient?identifier=s|twin", `{"resourceType":"Patient"}`),
		), status: 412, code: "multiple-matches", expr: "Bundle.entry[0]"},
		{name: "conditional delete matching several", body: txBundle("transaction",
			txEntry("", "POST", "Patient", `{"resourceType":"Patient"}`),
			txEntry("", "DELETE", "Patient?identifier=s|twin", ""),
		), status: 412, code: "multiple-matches", expr: "Bundle.entry[1]"},
		{name: "batch conditional writes matching several", body: txBundle("batch",
			txEntry("", "DELETE", "Patient?identifier=s|twin", ""),
			txEntry("", "PUT", "Patient?identifier=s|twin", `{"resourceType":"Patient"}`),
			txEntry("", "PATCH", "Patient?identifier=s|twin", jsonPatchBinary(`[{"op":"add","path":"/active","value":true}]`)),
			txEntry("", "DELETE", "Patient?identifier=s|a", ""),
		), status: 200, entries: []string{"412 Precondition Failed", "412 Precondition Failed", "412 Precondition Failed", "204 No Content"}},
		{name: "batch conditional writes with ifMatch", body: txBundle("batch",
			txEntry("", "PUT", "Patient?identifier=s|a", `{"resourceType":"Patient","identifier":[{"system":"s","value":"a"}]}`, "ifMatch", `W/"9"`),
			txEntry("", "DELETE", "Patient?identifier=s|a", "", "ifMatch", `W/"9"`),
			txEntry("", "PUT", "Patient?identifier=s|nobody", `{"resourceType":"Patient"}`, "ifMatch", `W/"1"`),
			txEntry("", "DELETE", "Patient?identifier=s|nobody", "", "ifMatch", `W/"1"`),
			txEntry("", "PUT", "Patient?identifier=s|a", `{"resourceType":"Patient","identifier":[{"system":"s","value":"a"}],"active":false}`, "ifMatch", `W/"1"`),
		), status: 200, entries: []string{"412 Precondition Failed", "412 Precondition Failed", "412 Precondition Failed", "412 Precondition Failed", "200 OK"},
			check: func(t *testing.T, c *client, got bundleReply) {
				require.Equal(t, "0", c.total(t, "/Patient?identifier=s|nobody"), "a conditional update with ifMatch and no match creates nothing")
				require.Equal(t, `W/"2"`, got.Entry[4].Response.Etag)
			}},
		{name: "ifMatch and ifNoneMatch on writes", body: txBundle("transaction",
			txEntry("", "PUT", "Patient/a", `{"resourceType":"Patient","id":"a","active":true}`, "ifMatch", `W/"1"`),
			txEntry("", "PUT", "Patient/c", `{"resourceType":"Patient","id":"c"}`, "ifNoneMatch", "*"),
			txEntry("", "DELETE", "Patient/b", "", "ifMatch", `W/"1"`),
		), status: 200, entries: []string{"200 OK", "201 Created", "204 No Content"}},
		{name: "stale ifMatch on delete", body: txBundle("transaction",
			txEntry("", "DELETE", "Patient/b", "", "ifMatch", `W/"4"`),
		), status: 412, code: "conflict", expr: "Bundle.entry[0]"},
		{name: "conditional reads", body: txBundle("batch",
			txEntry("", "GET", "Patient/a", "", "ifNoneMatch", `W/"1"`),
			txEntry("", "GET", "Patient/a", "", "ifNoneMatch", `W/"9"`),
			txEntry("", "GET", "Patient/a", "", "ifModifiedSince", future),
			txEntry("", "GET", "Patient/a", "", "ifModifiedSince", past),
			txEntry("", "GET", "Patient/a/_history/1", ""),
			txEntry("", "GET", "Patient/a/_history/7", ""),
			txEntry("", "GET", "Patient/missing", ""),
		), status: 200, entries: []string{"304 Not Modified", "200 OK", "304 Not Modified", "200 OK", "200 OK", "404 Not Found", "404 Not Found"},
			check: func(t *testing.T, c *client, got bundleReply) {
				require.Empty(t, got.Entry[0].Resource, "304 has no body")
				require.Equal(t, `W/"1"`, got.Entry[4].Response.Etag)
				require.Contains(t, string(got.Entry[6].Response.Outcome), "OperationOutcome")
			}},
		{name: "search entry pages", body: txBundle("batch",
			txEntry("", "GET", "Patient?_count=3&_sort=_id", ""),
		), status: 200, entries: []string{"200 OK"},
			check: func(t *testing.T, c *client, got bundleReply) {
				var set struct {
					Type string
					Link []struct{ Relation, URL string }
				}
				require.NoError(t, json.Unmarshal(got.Entry[0].Resource, &set))
				require.Equal(t, "searchset", set.Type)
				require.Len(t, set.Link, 2)
				require.Equal(t, c.base+"/Patient?_count=3&_sort=_id", set.Link[0].URL)
				require.Equal(t, "next", set.Link[1].Relation)
				next := c.do("GET", strings.TrimPrefix(set.Link[1].URL, c.base), "").decodeJSON(t)
				require.Len(t, next["entry"], 1, "the fourth patient")
			}},
		{name: "processing order: delete before create", body: txBundle("transaction",
			txEntry("", "GET", "Patient?identifier=s|b", ""),
			txEntry("", "POST", "Patient", `{"resourceType":"Patient","identifier":[{"system":"s","value":"b"}]}`, "ifNoneExist", "identifier=s|b"),
			txEntry("", "DELETE", "Patient/b", ""),
		), status: 200, entries: []string{"200 OK", "201 Created", "204 No Content"},
			check: func(t *testing.T, c *client, got bundleReply) {
				require.Equal(t, "1", c.total(t, "/Patient?identifier=s|b"), "the deleted one is gone, the new one is there")
				require.NotContains(t, string(got.Entry[0].Resource), `"id":"b"`, "GET runs last")
				require.Contains(t, string(got.Entry[0].Resource), `"total":1`)
			}},
		{name: "read of a missing resource", body: txBundle("transaction",
			txEntry("", "POST", "Patient", `{"resourceType":"Patient"}`),
			txEntry("", "GET", "Patient/missing", ""),
		), status: 404, code: "not-found", expr: "Bundle.entry[1]"},
		{name: "read of what the transaction deletes", body: txBundle("transaction",
			txEntry("", "GET", "Patient/b", ""),
			txEntry("", "DELETE", "Patient/b", ""),
		), status: 410, code: "deleted", expr: "Bundle.entry[0]"},
		{name: "malformed search", body: txBundle("transaction",
			txEntry("", "POST", "Patient", `{"resourceType":"Patient"}`),
			txEntry("", "GET", "Patient?birthdate=notadate", ""),
		), status: 400, code: "invalid", expr: "Bundle.entry[1]"},
		{name: "read of what the transaction creates", body: txBundle("transaction",
			txEntry("", "GET", "Patient/c", ""),
			txEntry("", "PUT", "Patient/c", `{"resourceType":"Patient","id":"c"}`),
		), status: 200, entries: []string{"200 OK", "201 Created"}},
		{name: "same resource through a condition", body: txBundle("transaction",
			txEntry("", "PUT", "Patient/a", `{"resourceType":"Patient","id":"a","active":true}`),
			txEntry("", "DELETE", "Patient?identifier=s|a", ""),
		), status: 400, code: "invalid", expr: "Bundle.entry[1]"},
		{name: "two conditional creates of one resource", body: txBundle("transaction",
			txEntry("", "POST", "Patient", `{"resourceType":"Patient","identifier":[{"system":"s","value":"new"}]}`, "ifNoneExist", "identifier=s|new&active=true"),
			txEntry("", "PUT", "Patient?active=true&identifier=s|new", `{"resourceType":"Patient","identifier":[{"system":"s","value":"new"}]}`),
		), status: 400, code: "invalid", expr: "Bundle.entry[1]"},
		{name: "conditional creates of two resources", body: txBundle("transaction",
			txEntry("", "POST", "Patient", `{"resourceType":"Patient","identifier":[{"system":"s","value":"n1"}]}`, "ifNoneExist", "identifier=s|n1"),
			txEntry("", "POST", "Patient", `{"resourceType":"Patient","identifier":[{"system":"s","value":"n2"}]}`, "ifNoneExist", "identifier=s|n2"),
			txEntry("Patient/temp", "POST", "Patient", `{"resourceType":"Patient"}`),
			txEntry("", "POST", "Observation", `{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/temp"}}`),
		), status: 200, entries: []string{"201 Created", "201 Created", "201 Created", "201 Created"},
			check: func(t *testing.T, c *client, got bundleReply) {
				p := strings.TrimSuffix(got.Entry[2].Response.Location, "/_history/1")
				require.NotEqual(t, "Patient/temp", p, "a POST gets a new id")
				require.Contains(t, string(got.Entry[3].Resource), `"reference":"`+p+`"`, "a relative fullUrl is rewritten")
			}},
		{name: "duplicate fullUrl", body: txBundle("transaction",
			txEntry(uuidA, "POST", "Patient", `{"resourceType":"Patient"}`),
			txEntry(uuidA, "POST", "Patient", `{"resourceType":"Patient"}`),
		), status: 400, code: "invalid", expr: "Bundle.entry[1]"},
		{name: "reference to a urn:uuid not in the bundle", body: txBundle("transaction",
			txEntry(uuidA, "POST", "Patient", `{"resourceType":"Patient"}`),
			txEntry("", "POST", "Observation", `{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"`+uuidB+`"}}`),
		), status: 400, code: "invalid", expr: "Bundle.entry[1]"},
		{name: "placeholders in uri elements", body: txBundle("transaction",
			txEntry(uuidA, "POST", "Patient", `{"resourceType":"Patient","identifier":[{"system":"urn:ietf:rfc:3986","value":"`+uuidA+`"}]}`),
			txEntry(uuidB, "POST", "DocumentReference", `{"resourceType":"DocumentReference","status":"current",`+
				`"extension":[{"url":"http://example.org/about","valueUri":"`+uuidA+`"}],`+
				`"content":[{"attachment":{"url":"`+uuidA+`"}}],"subject":{"reference":"`+uuidA+`"}}`),
			txEntry("", "PATCH", "Patient/a", jsonPatchBinary(`[{"op":"add","path":"/link","value":[{"type":"seealso","other":{"reference":"`+uuidA+`"}}]}]`)),
		), status: 200, entries: []string{"201 Created", "201 Created", "200 OK"},
			check: func(t *testing.T, c *client, got bundleReply) {
				p := strings.TrimSuffix(got.Entry[0].Response.Location, "/_history/1")
				doc := string(c.do("GET", "/"+strings.TrimSuffix(got.Entry[1].Response.Location, "/_history/1"), "").body)
				require.Contains(t, doc, `"valueUri":"`+p+`"`)
				require.Contains(t, doc, `"url":"`+p+`"`)
				require.Contains(t, doc, `"url":"http://example.org/about"`)
				require.Contains(t, doc, `"subject":{"reference":"`+p+`"}`)
				require.Contains(t, string(c.do("GET", "/"+p, "").body), `"value":"`+uuidA+`"`, "an identifier is a string, not a uri")
				require.Contains(t, string(c.do("GET", "/Patient/a", "").body), `"reference":"`+p+`"`, "a patch's references are rewritten")
			}},
		{name: "narrative link to a urn:uuid not in the bundle", body: txBundle("transaction",
			txEntry("", "POST", "Patient", `{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\"`+uuidB+`\">x</a></div>"}}`),
		), status: 400, code: "invalid", expr: "Bundle.entry[0]"},
		{name: "invalid resource rolls back writes of every kind", body: txBundle("transaction",
			txEntry("", "DELETE", "Patient/b", ""),
			txEntry("", "PUT", "Patient/a", `{"resourceType":"Patient","id":"a","active":true}`),
			txEntry("", "POST", "Patient", `{"resourceType":"Patient"}`),
			txEntry("", "POST", "Observation", `{"resourceType":"Observation","status":"bogus","code":{"text":"x"}}`),
		), status: 400, code: "value", expr: "Bundle.entry[3]"},
		{name: "resource type not the url's", body: txBundle("transaction",
			txEntry("", "POST", "Observation", `{"resourceType":"Patient"}`),
		), status: 400, code: "invalid", expr: "Bundle.entry[0]"},
		{name: "put on a version", body: txBundle("transaction",
			txEntry("", "PUT", "Patient/a/_history/1", `{"resourceType":"Patient","id":"a"}`),
		), status: 400, code: "invalid", expr: "Bundle.entry[0]"},
		{name: "entry without request", body: `{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient"}}]}`,
			status: 400, code: "required", expr: "Bundle.entry[0].request"},
		{name: "collection", body: `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient"}}]}`,
			status: 400, code: "invalid"},
		{name: "document", body: `{"resourceType":"Bundle","type":"document"}`, status: 400, code: "invalid"},
		{name: "no type", body: `{"resourceType":"Bundle"}`, status: 400, code: "invalid"},
		{name: "not a bundle", body: `{"resourceType":"Patient"}`, status: 400, code: "invalid"},
		{name: "bad json", body: `{"resourceType":"Bundle","type":"batch","entry":[`, status: 400, code: "structure"},
		{name: "data after the bundle", body: `{"resourceType":"Bundle","type":"batch"} {"resourceType":"Bundle","type":"batch"}`,
			status: 400, code: "structure"},
		{name: "empty transaction", body: `{"resourceType":"Bundle","type":"transaction"}`, status: 200, entries: []string{},
			check: func(t *testing.T, c *client, got bundleReply) {
				require.Equal(t, "transaction-response", got.Type)
			}},
		{name: "unknown method", body: txBundle("transaction",
			txEntry("", "FETCH", "Patient/a", ""),
		), status: 400, code: "invalid", expr: "Bundle.entry[0]"},
		{name: "operation entry", body: txBundle("transaction",
			txEntry("", "POST", "Patient", `{"resourceType":"Patient"}`),
			txEntry("", "POST", "Patient/a/$validate", `{"resourceType":"Patient","id":"a"}`),
		), status: 400, code: "not-supported", expr: "Bundle.entry[1]"},
		{name: "absolute url on this server", body: txBundle("transaction",
			txEntry("", "PUT", "{base}/Patient/abs", `{"resourceType":"Patient","id":"abs"}`),
			txEntry("", "GET", "{base}/Patient/a", ""),
		), status: 200, entries: []string{"201 Created", "200 OK"},
			check: func(t *testing.T, c *client, got bundleReply) {
				require.Equal(t, "Patient/abs/_history/1", got.Entry[0].Response.Location)
			}},
		{name: "absolute url on another server", body: txBundle("transaction",
			txEntry("", "PUT", "http://elsewhere.example/fhir/Patient/abs", `{"resourceType":"Patient","id":"abs"}`),
		), status: 400, code: "invalid", expr: "Bundle.entry[0]"},
		{name: "head", body: txBundle("batch",
			txEntry("", "HEAD", "Patient/a", ""),
		), status: 200, entries: []string{"200 OK"},
			check: func(t *testing.T, c *client, got bundleReply) {
				require.Empty(t, got.Entry[0].Resource, "HEAD has no body")
				require.Equal(t, `W/"1"`, got.Entry[0].Response.Etag)
			}},
		{name: "json patch in a transaction", body: txBundle("transaction",
			txEntry("", "PATCH", "Patient/a", jsonPatchBinary(`[{"op":"add","path":"/active","value":true},{"op":"test","path":"/id","value":"a"}]`)),
			txEntry("", "PATCH", "Patient?identifier=s|b", jsonPatchBinary(`[{"op":"replace","path":"/identifier/0/value","value":"bb"}]`), "ifMatch", `W/"1"`),
		), status: 200, entries: []string{"200 OK", "200 OK"},
			check: func(t *testing.T, c *client, got bundleReply) {
				require.Equal(t, "Patient/a/_history/2", got.Entry[0].Response.Location)
				require.Contains(t, string(c.do("GET", "/Patient/a", "").body), `"active":true`)
				require.Contains(t, string(c.do("GET", "/Patient/b", "").body), `"value":"bb"`)
			}},
		{name: "json patch operations", body: txBundle("batch",
			txEntry("", "PATCH", "Patient/a", jsonPatchBinary(`[{"op":"add","path":"/name","value":[{"family":"X"}]},`+
				`{"op":"add","path":"/name/0/given","value":["A"]},{"op":"add","path":"/name/0/given/-","value":"C"},`+
				`{"op":"add","path":"/name/0/given/1","value":"B"},{"op":"copy","from":"/name/0","path":"/name/1"},`+
				`{"op":"replace","path":"/name/1/family","value":"Y"},{"op":"move","from":"/name/1","path":"/name/0"},`+
				`{"op":"test","path":"/name/0/family","value":"Y"},{"op":"remove","path":"/identifier/0"},`+
				`{"op":"add","path":"/multipleBirthInteger","value":2},{"op":"test","path":"/multipleBirthInteger","value":2.0}]`)),
			txEntry("", "PATCH", "Patient/b", jsonPatchBinary(`[{"op":"remove","path":"/name"}]`)),
			txEntry("", "PATCH", "Patient/b", jsonPatchBinary(`[{"op":"add","path":"/identifier/5","value":{}}]`)),
			txEntry("", "PATCH", "Patient/b", jsonPatchBinary(`[{"op":"jump","path":"/x"}]`)),
			txEntry("", "PATCH", "Patient/b", jsonPatchBinary(`{"op":"add"}`)),
		), status: 200, entries: []string{"200 OK", "422 Unprocessable Entity", "422 Unprocessable Entity", "400 Bad Request", "400 Bad Request"},
			check: func(t *testing.T, c *client, got bundleReply) {
				a := string(c.do("GET", "/Patient/a", "").body)
				require.Contains(t, a, `"name":[{"family":"Y","given":["A","B","C"]},{"family":"X","given":["A","B","C"]}]`)
				require.NotContains(t, a, `"identifier"`, "the one identifier removed, the empty list with it")
			}},
		{name: "json patch failing its test", body: txBundle("transaction",
			txEntry("", "POST", "Patient", `{"resourceType":"Patient"}`),
			txEntry("", "PATCH", "Patient/a", jsonPatchBinary(`[{"op":"test","path":"/active","value":true}]`)),
		), status: 422, code: "processing", expr: "Bundle.entry[1]"},
		{name: "fhirpath patch in a transaction", body: txBundle("transaction",
			txEntry("", "PATCH", "Patient/a", fhirPathPatch(activateOp,
				`{"name":"type","valueCode":"insert"},{"name":"path","valueString":"Patient.identifier"},{"name":"index","valueInteger":0},{"name":"value","valueIdentifier":{"system":"s","value":"a0"}}`)),
			txEntry("", "PATCH", "Patient?identifier=s|b", fhirPathPatch(
				`{"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.identifier[0].value"},{"name":"value","valueString":"bb"}`), "ifMatch", `W/"1"`),
		), status: 200, entries: []string{"200 OK", "200 OK"},
			check: func(t *testing.T, c *client, got bundleReply) {
				require.Equal(t, "Patient/a/_history/2", got.Entry[0].Response.Location)
				a := string(c.do("GET", "/Patient/a", "").body)
				require.Contains(t, a, `"active":true`)
				require.Contains(t, a, `"identifier":[{"system":"s","value":"a0"},{"system":"s","value":"a"}]`)
				require.Contains(t, string(c.do("GET", "/Patient/b", "").body), `"value":"bb"`)
			}},
		{name: "fhirpath patch failing rolls back", body: txBundle("transaction",
			txEntry("", "POST", "Patient", `{"resourceType":"Patient"}`),
			txEntry("", "PATCH", "Patient/a", fhirPathPatch(activateOp)),
			txEntry("", "PATCH", "Patient/b", fhirPathPatch(
				`{"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.birthDate"},{"name":"value","valueDate":"2000-01-01"}`)),
		), status: 422, code: "processing", expr: "Bundle.entry[2]"},
		{name: "json patch in a batch", body: txBundle("batch",
			txEntry("", "PATCH", "Patient/a", jsonPatchBinary(`[{"op":"remove","path":"/identifier"}]`)),
			txEntry("", "PATCH", "Patient/missing", jsonPatchBinary(`[{"op":"remove","path":"/identifier"}]`)),
			txEntry("", "PATCH", "Patient/b", fhirPathPatch(`{"name":"type","valueCode":"copy"},{"name":"path","valueString":"Patient"}`)),
			txEntry("", "PATCH", "Patient/b", jsonPatchBinary(`[{"op":"replace","path":"/id","value":"zz"}]`)),
		), status: 200, entries: []string{"200 OK", "404 Not Found", "400 Bad Request", "400 Bad Request"},
			check: func(t *testing.T, c *client, got bundleReply) {
				require.NotContains(t, string(c.do("GET", "/Patient/a", "").body), `identifier`)
				require.Contains(t, string(got.Entry[2].Response.Outcome), `"code":"invalid"`)
			}},
	} {
		for _, st := range stores {
			t.Run(st.name+"/"+tc.name, func(t *testing.T) {
				c := startAPI(t, st.open(t))
				txSeed(t, c)
				before := c.total(t, "/Patient")
				body := strings.ReplaceAll(tc.body, "{base}", c.base)
				res := c.do("POST", "", body, tc.headers...)
				if tc.status != http.StatusOK {
					var expr []string
					if tc.expr != "" {
						expr = append(expr, tc.expr)
					}
					res.requireOutcome(t, tc.status, tc.code, expr...)
					require.Equal(t, before, c.total(t, "/Patient"), "nothing written")
					require.Equal(t, http.StatusOK, c.do("GET", "/Patient/b", "").status, "nothing deleted")
					require.Contains(t, string(c.do("GET", "/Patient/a", "").body), `"versionId":"1"`, "nothing updated")
					return
				}
				got := res.bundle(t)
				require.Equal(t, tc.entries, append([]string{}, statuses(got)...), "%s", res.body)
				if tc.check != nil {
					tc.check(t, c, got)
				}
			})
		}
	}
}
