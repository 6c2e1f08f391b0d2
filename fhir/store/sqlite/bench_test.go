package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
	"github.com/trialfhir/trialfhir/internal/testfiles"
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

// BenchmarkWriteSynthea measures the writer alone over the Synthea corpus:
// each transaction bundle's resources, indexed beforehand, go to WriteAll
// from 4 goroutines into a fresh store per iteration. The writer is serial,
// so this is the ceiling of the HTTP ingest (rest's SyntheaIngest), which
// spends the other core on decoding, parsing and indexing.
//
//	go test ./fhir/store/sqlite -run '^$' -bench WriteSynthea -benchtime 1x
func BenchmarkWriteSynthea(b *testing.B) {
	bundles := syntheaWrites(b)
	n := 0
	for _, ws := range bundles {
		n += len(ws)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := sqlite.Open(b.TempDir(), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		var next atomic.Int64
		var wg sync.WaitGroup
		for c := 0; c < 4; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := int(next.Add(1)) - 1; k < len(bundles); k = int(next.Add(1)) - 1 {
					if err := s.WriteAll(context.Background(), bundles[k]); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		b.StopTimer()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "resources/s")
}

var urnRef = regexp.MustCompile(`"urn:uuid:[0-9a-f-]+"`)

// syntheaWrites reads the Synthea transaction bundles as creates, one
// slice per bundle, each resource indexed; the id is the fullUrl's UUID.
// The organizations and practitioners that several bundles share (their
// conditional creates) are written by the first only.
func syntheaWrites(b *testing.B) [][]fhir.Write {
	dir := testfiles.Shared(b, "data/synthea-r4")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		b.Fatal(err)
	}
	sort.Strings(files)
	now := time.Now()
	seen := map[string]bool{}
	var out [][]fhir.Write
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var bundle struct {
			Type  string
			Entry []struct {
				FullURL  string
				Resource json.RawMessage
			}
		}
		if err := json.Unmarshal(raw, &bundle); err != nil || bundle.Type != "transaction" {
			continue
		}
		// References as the server stores them, "Type/id": they index
		// as two keys each where a urn:uuid indexes as one.
		types := map[string]string{}
		for _, e := range bundle.Entry {
			var head struct{ ResourceType string }
			_ = json.Unmarshal(e.Resource, &head)
			types[e.FullURL] = head.ResourceType + "/" + strings.TrimPrefix(e.FullURL, "urn:uuid:")
		}
		ws := make([]fhir.Write, 0, len(bundle.Entry))
		for _, e := range bundle.Entry {
			e.Resource = urnRef.ReplaceAllFunc(e.Resource, func(ref []byte) []byte {
				if t, ok := types[string(ref[1:len(ref)-1])]; ok {
					return []byte(`"` + t + `"`)
				}
				return ref
			})
			var head struct{ ResourceType string }
			if err := json.Unmarshal(e.Resource, &head); err != nil {
				b.Fatal(err)
			}
			ix, err := index.Extract(e.Resource)
			if err != nil {
				b.Fatal(err)
			}
			r := &fhir.Resource{Type: head.ResourceType, ID: strings.TrimPrefix(e.FullURL, "urn:uuid:"), VersionID: 1,
				LastUpdated: now, Method: "POST", Body: e.Resource, Index: ix}
			if seen[r.Ref()] {
				continue
			}
			seen[r.Ref()] = true
			ws = append(ws, fhir.Write{R: r})
		}
		out = append(out, ws)
	}
	return out
}
