package recist_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/store/mongo/mongotest"
	"github.com/trialfhir/trialfhir/mappings/lesions"
)

// TestMain stops the in-process FerretDB the MongoDB case starts.
func TestMain(m *testing.M) { mongotest.Main(m) }

// TestMongoSmoke runs the EORTC FAQ case on the MongoDB store: the searches
// the component makes (patient, subject+code, _tag, part-of) work there too.
func TestMongoSmoke(t *testing.T) {
	s := startOn(t, mongotest.Open(t))
	s.postHistory("m1", []string{"T1:t:100 NT1:n:p", "T1:t:70 NT1:n:p", "T1:t:70 NT1:n:p", "T1:t:80 NT1:n:p"})
	for i, want := range []string{"PR", "PR", "PR"} {
		status, o := s.do(http.MethodGet, "/Observation/"+lesions.TimePointID("m1", dateOf(i+1)), nil)
		require.Equal(t, http.StatusOK, status, "%v", o)
		require.Equal(t, want, valueCode(o))
	}
	status, _ := s.do(http.MethodDelete, "/Observation/m1-"+dateOf(3).Format("20060102")+"-T1", nil)
	require.Contains(t, []int{200, 204}, status)
	status, o := s.do(http.MethodGet, "/Observation/"+lesions.TimePointID("m1", dateOf(3)), nil)
	require.Equal(t, http.StatusOK, status, "the non-target still makes a time point")
	require.Equal(t, "NE", valueCode(o), "a target no longer measured")
}
