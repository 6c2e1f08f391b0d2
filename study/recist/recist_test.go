package recist_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/mappings/lesions"
)

// TestResponsesThroughHTTP posts each case as radiology would and reads back
// the derived response Observations (written by the observer) and $recist.
func TestResponsesThroughHTTP(t *testing.T) {
	cases := []struct {
		name string
		tps  []string // baseline first; tokens lesion:role:what
		want []string // overall response per follow-up
		sod  []string // sum-of-diameters per follow-up ("" to skip)
		best string
	}{
		{"CR target and non-target CR", []string{"T1:t:30 NT1:n:p", "T1:t:abs NT1:n:abs"}, []string{"CR"}, []string{"0"}, "CR"},
		{"CR target, non-target present is PR", []string{"T1:t:30 NT1:n:p", "T1:t:abs NT1:n:p"}, []string{"PR"}, nil, "PR"},
		{"CR target, non-target not evaluated is PR", []string{"T1:t:30 NT1:n:p", "T1:t:abs NT1:n:ne"}, []string{"PR"}, nil, "PR"},
		{"exactly -30% is PR", []string{"T1:t:50", "T1:t:35"}, []string{"PR"}, []string{"35"}, "PR"},
		{"-29% is SD", []string{"T1:t:50", "T1:t:35.5"}, []string{"SD"}, []string{"35.5"}, "SD"},
		{"cm converted exactly", []string{"T1:t:5cm", "T1:t:3.5cm"}, []string{"PR"}, []string{"35"}, "PR"},
		{"PR, non-target NE is PR", []string{"T1:t:50 NT1:n:p", "T1:t:30 NT1:n:ne"}, []string{"PR"}, nil, "PR"},
		{"SD", []string{"T1:t:50 NT1:n:p", "T1:t:45 NT1:n:p"}, []string{"SD"}, nil, "SD"},
		{"missing target is NE", []string{"T1:t:30 T2:t:20", "T1:t:28"}, []string{"NE"}, nil, "NE"},
		{"missing target but PD proven", []string{"T1:t:30 T2:t:20", "T1:t:60"}, []string{"PD"}, nil, "PD"},
		{"+20% and +5 mm exactly is PD", []string{"T1:t:25", "T1:t:25", "T1:t:30"}, []string{"SD", "PD"}, nil, "SD"},
		{"nadir rule", []string{"T1:t:50", "T1:t:30", "T1:t:36"}, []string{"PR", "PD"}, []string{"30", "36"}, "PR"},
		{"+20% but < 5 mm stays PR", []string{"T1:t:20", "T1:t:10", "T1:t:12"}, []string{"PR", "PR"}, nil, "PR"},
		{"nodal CR with residual sum", []string{"N1:t:20 T1:t:20", "N1:t:8 T1:t:abs"}, []string{"CR"}, []string{"8"}, "CR"},
		{"node >= 10 mm blocks CR", []string{"N1:t:20 T1:t:20", "N1:t:10 T1:t:abs"}, []string{"PR"}, []string{"10"}, "PR"},
		{"too small to measure counts 5 mm", []string{"T1:t:30 T2:t:20", "T1:t:tsm T2:t:10"}, []string{"PR"}, []string{"15"}, "PR"},
		{"split lesion sums fragments", []string{"T1:t:40", "T1:t:split:10+12"}, []string{"PR"}, []string{"22"}, "PR"},
		{"coalesced lesions", []string{"T1:t:20 T2:t:20", "T1:t:35 T2:t:coal>T1"}, []string{"SD"}, []string{"35"}, "SD"},
		{"new lesion is PD", []string{"T1:t:40", "T1:t:40 X1:new:p"}, []string{"PD"}, nil, "PD"},
		{"non-target progression is PD", []string{"T1:t:40 NT1:n:p", "T1:t:30 NT1:n:up"}, []string{"PD"}, nil, "PD"},
		{"EORTC FAQ 100-70-70-80 stays PR", []string{"T1:t:100", "T1:t:70", "T1:t:70", "T1:t:80"}, []string{"PR", "PR", "PR"}, []string{"70", "70", "80"}, "PR"},
		{"non-target only CR", []string{"NT1:n:p", "NT1:n:abs"}, []string{"CR"}, nil, "CR"},
		{"non-target only present", []string{"NT1:n:p", "NT1:n:p"}, []string{"non-CR-non-PD"}, nil, "non-CR-non-PD"},
		{"non-target only NE", []string{"NT1:n:p", "NT1:n:ne"}, []string{"NE"}, nil, "NE"},
		{"non-target only progression", []string{"NT1:n:p", "NT1:n:up"}, []string{"PD"}, nil, "PD"},
		{"non-target only new lesion", []string{"NT1:n:p", "NT1:n:p X1:new:p"}, []string{"PD"}, nil, "PD"},
	}
	s := start(t)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.t = t
			p := fmt.Sprintf("p%02d", i)
			s.postHistory(p, tc.tps)
			for j, want := range tc.want {
				status, o := s.do(http.MethodGet, "/Observation/"+lesions.TimePointID(p, dateOf(j+1)), nil)
				require.Equal(t, http.StatusOK, status, "%v", o)
				require.Equal(t, want, valueCode(o), "time point %d: %v", j+1, o["note"])
				if tc.sod != nil && tc.sod[j] != "" {
					require.Equal(t, tc.sod[j], componentValue(o, "sum-of-diameters"))
				}
				require.Equal(t, "computed", o["meta"].(map[string]any)["tag"].([]any)[0].(map[string]any)["code"])
			}
			status, bor := s.do(http.MethodGet, "/Observation/"+lesions.BestID(p), nil)
			require.Equal(t, http.StatusOK, status)
			require.Equal(t, tc.best, valueCode(bor))

			status, b := s.do(http.MethodPost, "/Patient/"+p+"/$recist", nil)
			require.Equal(t, http.StatusOK, status, "%v", b)
			require.Equal(t, "Bundle", b["resourceType"])
			var got []string
			for _, e := range b["entry"].([]any) {
				r := e.(map[string]any)["resource"].(map[string]any)
				if r["resourceType"] == "Observation" {
					got = append(got, valueCode(r))
				}
			}
			require.Equal(t, append(append([]string{}, tc.want...), tc.best), got)
		})
	}
}
