package fhirfacts_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/trialfhir/trialfhir/mappings"
	"github.com/trialfhir/trialfhir/mappings/fhirfacts"
)

// records500 repeats the fixtures' records with fresh ids up to n.
func records500(b *testing.B, n int) (patient []byte, records [][]byte) {
	var all [][]byte
	for _, name := range []string{"labs-cn", "labs-us", "clinical"} {
		p, recs := load(b, name)
		if patient == nil {
			patient = p
		}
		all = append(all, recs...)
	}
	for i := 0; len(records) < n; i++ {
		var m map[string]any
		require.NoError(b, json.Unmarshal(all[i%len(all)], &m))
		m["id"] = fmt.Sprintf("%v-%d", m["id"], i)
		raw, err := json.Marshal(m)
		require.NoError(b, err)
		records = append(records, raw)
	}
	return patient, records
}

// BenchmarkBuild measures one patient with 500 resources (issue 6 target:
// evaluation well under 5 ms; this is the decoding and mapping part).
func BenchmarkBuild(b *testing.B) {
	tables, err := mappings.LoadDir("../testdata/site")
	require.NoError(b, err)
	patient, records := records500(b, 500)
	size := len(patient)
	for _, r := range records {
		size += len(r)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fhirfacts.Build(tables, patient, records, fhirfacts.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
