package rest_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/rest"
	"github.com/trialfhir/trialfhir/fhir/service"
)

// TestOperations routes operations given in Options: instance and type
// level, GET only where allowed, errors as OperationOutcome, and listed in
// the CapabilityStatement.
func TestOperations(t *testing.T) {
	echoOp := func(ctx context.Context, req rest.OperationRequest) (*rest.OperationResponse, error) {
		if req.ID == "missing" {
			return nil, fhir.Errorf(fhir.CodeNotFound, "Patient/missing is not known")
		}
		body := fmt.Sprintf(`{"resourceType":"Parameters","parameter":[{"name":"id","valueString":%q},{"name":"bytes","valueInteger":%d}]}`,
			req.ID, len(req.Body))
		return &rest.OperationResponse{Resource: []byte(body)}, nil
	}
	c := startAPIWith(t, service.New(stores[0].open(t)), rest.Options{Operations: []rest.Operation{
		{Name: "probe", Type: "Patient", Instance: true, Run: echoOp},
		{Name: "tally", Type: "Observation", Get: true, Run: echoOp},
	}})
	r := c.do("POST", "/Patient/p1/$probe", `{"resourceType":"Parameters"}`)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.JSONEq(t, `{"resourceType":"Parameters","parameter":[{"name":"id","valueString":"p1"},{"name":"bytes","valueInteger":29}]}`, string(r.body))
	c.do("POST", "/Patient/missing/$probe", "").requireOutcome(t, 404, "not-found")
	require.Equal(t, http.StatusMethodNotAllowed, c.do("GET", "/Patient/p1/$probe", "").status)
	r = c.do("GET", "/Observation/$tally", "")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	// The core routes still work beside them.
	c.do("GET", "/Patient/p1", "").requireOutcome(t, 404, "not-found")
	require.Contains(t, string(c.do("GET", "/metadata", "").body), `"name":"probe"`)
}
