package rest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/rest"
	"github.com/trialfhir/trialfhir/fhir/service"
)

// echoOp answers a Parameters naming the id and the body it got.
func echoOp(ctx context.Context, id string, body []byte) ([]byte, error) {
	if id == "missing" {
		return nil, fhir.Errorf(fhir.CodeNotFound, "no such thing")
	}
	return json.Marshal(map[string]any{"resourceType": "Parameters", "parameter": []any{
		map[string]any{"name": "id", "valueString": id},
		map[string]any{"name": "body", "valueString": string(body)}}})
}

func TestOperations(t *testing.T) {
	ops := []rest.Operation{
		{Type: "Patient", Instance: true, Name: "probe", Definition: "urn:probe", Run: echoOp},
		{Type: "Observation", Name: "stats", Definition: "urn:stats", Run: echoOp},
		{Name: "ping", Definition: "urn:ping", Run: echoOp},
	}
	h, err := rest.New(service.New(stores[0].open(t)), rest.Options{Operations: ops})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := &client{t: t, base: srv.URL + "/fhir"}
	got := func(r reply) (string, string) {
		require.Equal(t, http.StatusOK, r.status, "body %s", r.body)
		ps := r.decodeJSON(t)["parameter"].([]any)
		return ps[0].(map[string]any)["valueString"].(string), ps[1].(map[string]any)["valueString"].(string)
	}
	cases := []struct {
		name, method, path, body string
		id, gotBody              string
	}{
		{"instance POST", http.MethodPost, "/Patient/p1/$probe", `{"resourceType":"Parameters"}`, "p1", `{"resourceType":"Parameters"}`},
		{"instance POST without body", http.MethodPost, "/Patient/p1/$probe", "", "p1", ""},
		{"instance GET query as Parameters", http.MethodGet, "/Patient/p1/$probe?b=2&a=1&_pretty=false", "", "p1",
			`{"parameter":[{"name":"a","valueString":"1"},{"name":"b","valueString":"2"}],"resourceType":"Parameters"}`},
		{"type level", http.MethodGet, "/Observation/$stats", "", "", ""},
		{"system level", http.MethodPost, "/$ping", "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			id, body := got(c.do(tc.method, tc.path, tc.body))
			require.Equal(t, tc.id, id)
			require.Equal(t, tc.gotBody, body)
		})
	}
	t.Run("errors are OperationOutcomes", func(t *testing.T) {
		c.t = t
		c.do(http.MethodPost, "/Patient/missing/$probe", "").requireOutcome(t, http.StatusNotFound, "not-found")
	})
	t.Run("reads still work beside operations", func(t *testing.T) {
		c.t = t
		c.do(http.MethodGet, "/Patient/p1", "").requireOutcome(t, http.StatusNotFound, "not-found")
	})
	t.Run("capability statement lists them", func(t *testing.T) {
		c.t = t
		cs := c.do(http.MethodGet, "/metadata", "").decodeJSON(t)
		rst := cs["rest"].([]any)[0].(map[string]any)
		require.Equal(t, "ping", rst["operation"].([]any)[0].(map[string]any)["name"])
		names := map[string][]string{}
		for _, r := range rst["resource"].([]any) {
			res := r.(map[string]any)
			ops, _ := res["operation"].([]any)
			for _, o := range ops {
				names[res["type"].(string)] = append(names[res["type"].(string)], o.(map[string]any)["name"].(string))
			}
		}
		require.Equal(t, []string{"validate", "probe"}, names["Patient"])
		require.Equal(t, []string{"validate", "stats"}, names["Observation"])
	})
	t.Run("invalid operations are refused", func(t *testing.T) {
		for _, bad := range [][]rest.Operation{
			{{Type: "NoSuchType", Name: "x", Run: echoOp}},
			{{Type: "Patient", Name: "", Run: echoOp}},
			{{Type: "Patient", Name: "x"}},
			{{Type: "Patient", Name: "x", Run: echoOp}, {Type: "Patient", Name: "x", Run: echoOp}},
		} {
			_, err := rest.New(service.New(stores[0].open(t)), rest.Options{Operations: bad})
			require.Error(t, err)
		}
	})
}
