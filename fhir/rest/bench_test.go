package rest_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/rest"
	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/fhir/store/mongo/mongotest"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
)

// The benchmarks drive the API over real HTTP on loopback, as a client
// would, with keep-alive connections:
//
//	go test ./fhir/rest -run '^$' -bench . -benchtime 5s
//
// Read reports p50 and p99 latency besides throughput; RSS100k reports the
// resident memory of the process after storing 100,000 resources.

var benchObservation = []byte(`{"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"718-7","display":"Hemoglobin [Mass/volume] in Blood"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-03-01T08:30:00+08:00","valueQuantity":{"value":13.5,"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"}}`)

var benchClient = &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}

type benchStore struct {
	name string
	open func(b *testing.B) fhir.Store
}

var benchStores = []benchStore{
	{"embedded", func(b *testing.B) fhir.Store {
		s, err := sqlite.Open(b.TempDir(), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = s.Close() })
		return s
	}},
	{"mongo", func(b *testing.B) fhir.Store { return mongotest.Open(b) }},
}

func newLoopbackServer(b *testing.B, h http.Handler) string {
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv.URL + "/fhir"
}

func benchServer(b *testing.B, s fhir.Store) string {
	h, err := rest.New(service.New(s), rest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv.URL + "/fhir"
}

func benchSend(b *testing.B, method, url string, body []byte, want int, headers ...string) *http.Response {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/fhir+json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := benchClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != want {
		b.Fatalf("%s %s: status %d, want %d", method, url, res.StatusCode, want)
	}
	return res
}

func seed(b *testing.B, base string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		res := benchSend(b, "POST", base+"/Observation", benchObservation, http.StatusCreated, "Prefer", "return=minimal")
		loc := res.Header.Get("Location")
		ids[i] = strings.Split(strings.SplitAfter(loc, "/Observation/")[1], "/")[0]
	}
	return ids
}

func BenchmarkCreate(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			base := benchServer(b, st.open(b))
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					benchSend(b, "POST", base+"/Observation", benchObservation, http.StatusCreated)
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
		})
	}
}

func BenchmarkRead(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			base := benchServer(b, st.open(b))
			ids := seed(b, base, 1000)
			var mu sync.Mutex
			var lat []time.Duration
			var next atomic.Int64
			b.SetParallelism(4) // 4 clients per CPU
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				local := make([]time.Duration, 0, 1024)
				for pb.Next() {
					id := ids[next.Add(1)%int64(len(ids))]
					start := time.Now()
					benchSend(b, "GET", base+"/Observation/"+id, nil, http.StatusOK)
					local = append(local, time.Since(start))
				}
				mu.Lock()
				lat = append(lat, local...)
				mu.Unlock()
			})
			b.StopTimer()
			reportLatency(b, lat)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
		})
	}
}

// BenchmarkReadSerial is one client reading in a loop: the latency of a read
// without queueing behind other clients.
func BenchmarkReadSerial(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			base := benchServer(b, st.open(b))
			ids := seed(b, base, 1000)
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				benchSend(b, "GET", base+"/Observation/"+ids[i%len(ids)], nil, http.StatusOK)
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			reportLatency(b, lat)
		})
	}
}

func BenchmarkUpdate(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			base := benchServer(b, st.open(b))
			ids := seed(b, base, 1000)
			var next atomic.Int64
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := next.Add(1)
					id := ids[n%int64(len(ids))]
					body := bytes.Replace(benchObservation, []byte(`"Observation",`), []byte(`"Observation","id":"`+id+`",`), 1)
					// A new value each time: an unchanged update writes nothing.
					body = bytes.Replace(body, []byte(`"value":13.5`), []byte(`"value":`+strconv.FormatInt(n, 10)), 1)
					benchSend(b, "PUT", base+"/Observation/"+id, body, http.StatusOK, "Prefer", "return=minimal")
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
		})
	}
}

// BenchmarkRSS100k stores 100,000 resources in the embedded store through
// the API and reports the process's resident memory afterwards.
func BenchmarkRSS100k(b *testing.B) {
	const n = 100_000
	for i := 0; i < b.N; i++ {
		base := benchServer(b, benchStores[0].open(b))
		var wg sync.WaitGroup
		per := n / 8
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < per; j++ {
					benchSend(b, "POST", base+"/Observation", benchObservation, http.StatusCreated, "Prefer", "return=minimal")
				}
			}()
		}
		wg.Wait()
		runtime.GC()
		b.ReportMetric(rssMB(b), "RSS-MB")
	}
}

func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

func rssMB(b *testing.B) float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status on this system")
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.Atoi(f[1])
			return float64(kb) / 1024
		}
	}
	b.Fatal(fmt.Errorf("VmRSS not found"))
	return 0
}
