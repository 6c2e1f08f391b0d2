package rest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/trialfhir/trialfhir/fhir/rest"
	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/internal/testfiles"
)

// BenchmarkSyntheaIngest posts the Synthea transaction bundles to POST /fhir
// over loopback HTTP from 4 clients (TRIALFHIR_INGEST_CLIENTS), into a fresh store per iteration, and
// reports resources/s end to end (decode, parse and validate, reference
// rewrite, index, store, respond with Prefer: return=minimal). The MongoDB
// case takes the first 5 bundles: FerretDB scans collections for most
// operations, so it measures FerretDB more than the store.
//
//	go test ./fhir/rest -run '^$' -bench SyntheaIngest -benchtime 1x
//	TRIALFHIR_INGEST_CLIENTS=8 go test ./fhir/rest -run '^$' -bench SyntheaIngest/embedded -benchtime 1x
func BenchmarkSyntheaIngest(b *testing.B) {
	dir := testfiles.Shared(b, "data/synthea-r4")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		b.Fatal(err)
	}
	sort.Strings(files)
	var bundles [][]byte
	resources := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var head struct {
			Type  string            `json:"type"`
			Entry []json.RawMessage `json:"entry"`
		}
		if json.Unmarshal(raw, &head) != nil || head.Type != "transaction" {
			continue
		}
		bundles = append(bundles, raw)
		resources += len(head.Entry)
	}
	clients := 4
	if v, err := strconv.Atoi(os.Getenv("TRIALFHIR_INGEST_CLIENTS")); err == nil && v > 0 {
		clients = v
	}
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			set, n := bundles, resources
			if st.name == "mongo" {
				set, n = bundles[:5], 0
				for _, raw := range set {
					var head struct{ Entry []json.RawMessage }
					_ = json.Unmarshal(raw, &head)
					n += len(head.Entry)
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				h, err := rest.New(service.New(st.open(b)), rest.Options{})
				if err != nil {
					b.Fatal(err)
				}
				base := newLoopbackServer(b, h)
				b.StartTimer()
				var next atomic.Int64
				var wg sync.WaitGroup
				for c := 0; c < clients; c++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							k := int(next.Add(1)) - 1
							if k >= len(set) {
								return
							}
							req, _ := http.NewRequest("POST", base, bytes.NewReader(set[k]))
							req.Header.Set("Content-Type", "application/fhir+json")
							req.Header.Set("Prefer", "return=minimal")
							res, err := benchClient.Do(req)
							if err != nil {
								b.Error(err)
								return
							}
							_, _ = io.Copy(io.Discard, res.Body)
							res.Body.Close()
							if res.StatusCode != http.StatusOK {
								b.Errorf("bundle %d: %d", k, res.StatusCode)
							}
						}
					}()
				}
				wg.Wait()
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "resources/s")
		})
	}
}

// BenchmarkDecodeBundle decodes the first Synthea bundle into its entries,
// as POST /fhir and trialfhir import do before anything is parsed.
//
//	go test ./fhir/rest -run '^$' -bench DecodeBundle -benchtime 30x
func BenchmarkDecodeBundle(b *testing.B) {
	files, err := filepath.Glob(filepath.Join(testfiles.Shared(b, "data/synthea-r4"), "*.json"))
	if err != nil || len(files) == 0 {
		b.Fatal("no Synthea bundles", err)
	}
	sort.Strings(files)
	raw, err := os.ReadFile(files[0])
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, _, err := rest.DecodeBundle(bytes.NewReader(raw), rest.DefaultMaxBundleEntries); err != nil {
			b.Fatal(err)
		}
	}
}
