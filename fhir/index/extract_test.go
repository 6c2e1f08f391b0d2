package index_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/internal/testfiles"
)

// TestQuantityCanonicalRanges extracts the same quantities twice: the
// second pass reads the unit cache the first one filled, and must index
// exactly as the first did.
func TestQuantityCanonicalRanges(t *testing.T) {
	cases := []struct {
		name, unit  string
		value       string
		canonical   string // QuantityCanonicalParam's unit; "" when there is none
		canonicalAt float64
	}{
		{"UCUM", "g/dL", "10.5", "g.m-3", 105000},
		{"lab spelling", "mmHg", "120", "g.m-1.s-2", 15998640},
		{"shorthand", "K/uL", "4.5", "m-3", 4.5e12},
		{"not UCUM", "tablets", "2", "", 0},
		{"interval scale", "Cel", "37", "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(`{"resourceType":"Observation","status":"final","code":{"text":"x"},` +
				`"valueQuantity":{"value":` + tc.value + `,"system":"http://unitsofmeasure.org","code":"` + tc.unit + `"}}`)
			for pass := range 2 {
				ix, err := index.Default().Extract(body)
				require.NoError(t, err)
				got := canonicalRanges(ix, "value-quantity")
				if tc.canonical == "" {
					require.Empty(t, got, "pass %d", pass)
					continue
				}
				require.Len(t, got, 1, "pass %d", pass)
				require.Equal(t, index.QuantityCanonicalParam("value-quantity", tc.canonical), got[0].Param, "pass %d", pass)
				require.InEpsilon(t, tc.canonicalAt, got[0].Lo, 1e-12, "pass %d", pass)
			}
		})
	}
}

func canonicalRanges(ix fhir.Index, param string) []fhir.IndexRange {
	var out []fhir.IndexRange
	for _, r := range ix.Ranges {
		for _, u := range []string{"g.m-3", "g.m-1.s-2", "m-3", "1", "K"} {
			if r.Param == index.QuantityCanonicalParam(param, u) {
				out = append(out, r)
			}
		}
	}
	return out
}

// BenchmarkExtract extracts the index entries of every resource of one
// Synthea bundle.
func BenchmarkExtract(b *testing.B) {
	files, err := filepath.Glob(filepath.Join(testfiles.Shared(b, "data/synthea-r4"), "*.json"))
	require.NoError(b, err)
	raw, err := os.ReadFile(files[0])
	require.NoError(b, err)
	var bundle struct {
		Entry []struct{ Resource json.RawMessage }
	}
	require.NoError(b, json.Unmarshal(raw, &bundle))
	x := index.Default()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, e := range bundle.Entry {
			if _, err := x.Extract(e.Resource); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(bundle.Entry))/1e3, "us/resource")
}
