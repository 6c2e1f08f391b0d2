package rest_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trialfhir/trialfhir/fhir/rest"
	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
	"github.com/trialfhir/trialfhir/internal/synthetic"
)

// BenchmarkSearchCommon loads a synthetic population into the embedded store
// and times the searches registries and the eligibility engine run most,
// with 8 concurrent clients. TRIALFHIR_BENCH_PATIENTS sets the population
// (default 500 patients, 33 resources each); TRIALFHIR_BENCH_DIR keeps the
// embedded store in a directory, loaded once and reused by later runs:
//
//	TRIALFHIR_BENCH_PATIENTS=30300 TRIALFHIR_BENCH_DIR=/tmp/bench1m \
//	  go test ./fhir/rest -run '^$' -bench SearchCommon -benchtime 2000x -timeout 2h
func BenchmarkSearchCommon(b *testing.B) {
	patients := 500
	if v := os.Getenv("TRIALFHIR_BENCH_PATIENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatal(err)
		}
		patients = n
	}
	// Concurrent clients per GOMAXPROCS (b.SetParallelism):
	// TRIALFHIR_BENCH_CLIENTS, default 4 (8 clients on 2 cores).
	clients := 4
	if v := os.Getenv("TRIALFHIR_BENCH_CLIENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatal(err)
		}
		clients = n
	}
	store := benchStores[0].open(b)
	if dir := os.Getenv("TRIALFHIR_BENCH_DIR"); dir != "" {
		var err error
		if store, err = sqlite.Open(dir, sqlite.Options{}); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = store.Close() })
	}
	svc := service.New(store)
	loaded := 0
	last := fmt.Sprintf("syn-p%06d", patients-1)
	if _, err := svc.Read(context.Background(), "Patient", last); err != nil {
		start := time.Now()
		loaded = loadSynthetic(b, svc, patients)
		b.Logf("%d resources loaded in %s", loaded, time.Since(start).Round(time.Second))
	}
	h, err := rest.New(svc, rest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := newLoopbackServer(b, h)

	queries := []struct{ name, query func(i int64) string }{
		{func(int64) string { return "patient+code" }, func(i int64) string {
			return fmt.Sprintf("/Observation?patient=syn-p%06d&code=http://loinc.org%%7C718-7", i%int64(patients))
		}},
		{func(int64) string { return "code+date,count50" }, func(int64) string {
			return "/Observation?code=http://loinc.org%7C718-7&date=ge2020-01-01&_count=50"
		}},
		{func(int64) string { return "code+date,sort-date,count50" }, func(int64) string {
			return "/Observation?code=http://loinc.org%7C718-7&date=ge2020-01-01&_sort=-date&_count=50"
		}},
		{func(int64) string { return "identifier" }, func(i int64) string {
			return fmt.Sprintf("/Patient?identifier=urn:trialfhir:synthetic:mrn%%7CMRN%06d", i%int64(patients))
		}},
	}
	for _, q := range queries {
		b.Run(q.name(0), func(b *testing.B) {
			var n atomic.Int64
			var mu sync.Mutex
			var lat []time.Duration
			b.SetParallelism(clients)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var local []time.Duration
				for pb.Next() {
					start := time.Now()
					benchSend(b, "GET", srv+q.query(n.Add(1)), nil, http.StatusOK)
					local = append(local, time.Since(start))
				}
				mu.Lock()
				lat = append(lat, local...)
				mu.Unlock()
			})
			b.StopTimer()
			reportLatency(b, lat)
		})
	}
}

func loadSynthetic(b *testing.B, svc *service.Service, patients int) int {
	n, err := synthetic.Load(context.Background(), svc, 1, patients)
	if err != nil {
		b.Fatal(err)
	}
	return n
}
