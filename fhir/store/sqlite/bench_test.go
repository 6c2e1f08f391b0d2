package sqlite_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
)

var observation = []byte(`{"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"718-7","display":"Hemoglobin [Mass/volume] in Blood"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-03-01T08:30:00+08:00","valueQuantity":{"value":13.5,"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"}}`)

// BenchmarkWrite measures the store alone: creates of a lab Observation with
// its full search index, from 32 goroutines (as many as the HTTP create
// benchmark has clients), with ids that grow like the server's UUIDv7 ids.
//
//	go test ./fhir/store/sqlite -run '^$' -bench Write
func BenchmarkWrite(b *testing.B) {
	s, err := sqlite.Open(b.TempDir(), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ix, err := index.Extract(observation)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(ix.Keys)+len(ix.Strings)+len(ix.Ranges)), "entries")
	var n atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := &fhir.Resource{Type: "Observation", ID: fmt.Sprintf("o%012d", n.Add(1)), VersionID: 1,
				LastUpdated: time.Now(), Method: "POST", Body: observation, Index: ix}
			if err := s.Write(context.Background(), r, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}
