package rest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/rest"
	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/fhir/store/mongo/mongotest"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
)

// stores are the stores the HTTP tests that exercise storage run against.
var stores = []struct {
	name string
	open func(t *testing.T) fhir.Store
}{
	{"embedded", func(t *testing.T) fhir.Store {
		s, err := sqlite.Open(t.TempDir(), sqlite.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}},
	{"mongo", func(t *testing.T) fhir.Store { return mongotest.Open(t) }},
}

// client talks real HTTP to a test server.
type client struct {
	t    *testing.T
	base string
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func startAPI(t *testing.T, store fhir.Store) *client {
	return startAPIWith(t, service.New(store), rest.Options{})
}

func startAPIWith(t *testing.T, svc *service.Service, opts rest.Options) *client {
	h, err := rest.New(svc, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &client{t: t, base: srv.URL + "/fhir"}
}

func newEmbedded(t *testing.T) *client { return startAPI(t, stores[0].open(t)) }

// do sends a request; body, when not empty, goes as application/fhir+json
// unless headers set another Content-Type.
func (c *client) do(method, path, body string, headers ...string) reply {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	require.NoError(c.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/fhir+json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	return reply{status: res.StatusCode, header: res.Header, body: b}
}

func (r reply) decodeJSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&m), "body: %s", r.body)
	return m
}

// requireOutcome checks that r is an OperationOutcome with the status, and
// an issue of the code (and, if given, the expression).
func (r reply) requireOutcome(t *testing.T, status int, code string, expression ...string) {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	require.Contains(t, r.header.Get("Content-Type"), "application/fhir+json")
	m := r.decodeJSON(t)
	require.Equal(t, "OperationOutcome", m["resourceType"])
	issues := m["issue"].([]any)
	require.NotEmpty(t, issues)
	for _, i := range issues {
		issue := i.(map[string]any)
		if issue["code"] != code {
			continue
		}
		if len(expression) == 0 {
			return
		}
		if ex, ok := issue["expression"].([]any); ok && len(ex) > 0 && ex[0] == expression[0] {
			return
		}
	}
	require.Failf(t, "no matching issue", "want code %s %v in %s", code, expression, r.body)
}

func (r reply) id(t *testing.T) string {
	t.Helper()
	id, _ := r.decodeJSON(t)["id"].(string)
	require.NotEmpty(t, id, "body: %s", r.body)
	return id
}
