package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/store/mongo/mongotest"
)

// crashObservations is how many Observations each crash-test transaction
// holds besides its Patient.
const crashObservations = 4

// crashBundle is transaction k: a Patient and Observations referring to it
// by urn:uuid, every one carrying identifier urn:test:bundle|k.
func crashBundle(k int) string {
	tag := fmt.Sprintf(`"identifier":[{"system":"urn:test:bundle","value":"%d"}]`, k)
	puuid := fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", k)
	entries := []string{fmt.Sprintf(`{"fullUrl":%q,"resource":{"resourceType":"Patient",%s},"request":{"method":"POST","url":"Patient"}}`, puuid, tag)}
	for i := 0; i < crashObservations; i++ {
		entries = append(entries, fmt.Sprintf(`{"resource":{"resourceType":"Observation",%s,"status":"final","code":{"text":"o%d"},"subject":{"reference":%q}},"request":{"method":"POST","url":"Observation"}}`, tag, i, puuid))
	}
	return `{"resourceType":"Bundle","type":"transaction","entry":[` + strings.Join(entries, ",") + `]}`
}

func countOf(t *testing.T, base, query string) int {
	t.Helper()
	res, err := http.Get(base + "/fhir/" + query + "&_summary=count")
	require.NoError(t, err)
	defer res.Body.Close()
	var b struct{ Total int }
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NoError(t, json.NewDecoder(res.Body).Decode(&b))
	return b.Total
}

// TestKilledDuringTransactions kills the server with SIGKILL at a random
// moment while clients stream transactions into it, restarts it, and checks
// that every transaction is visible whole or not at all (and whole if it
// was acknowledged), on both stores.
func TestKilledDuringTransactions(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       func(t *testing.T) string
		iterations int
		// The kill comes 50 ms to window after the stream starts: on
		// FerretDB a transaction takes hundreds of milliseconds (it scans
		// collections, and re-screening reads after every write), so a
		// shorter window would kill before anything could be acknowledged.
		window time.Duration
	}{
		{"embedded", func(t *testing.T) string { return "--data-dir " + t.TempDir() }, 12, 450 * time.Millisecond},
		{"mongo", func(t *testing.T) string {
			return "--mongo-uri " + mongotest.URI(t) + " --mongo-db " + mongotest.Database()
		}, 8, 3 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storeArgs := tc.args(t)
			serve := "serve --addr 127.0.0.1:0 --log-level error " + storeArgs
			acked := map[int]bool{}
			sent := 0
			for it := 0; it < tc.iterations; it++ {
				cmd, base := startChild(t, serve)
				var mu sync.Mutex
				var wg sync.WaitGroup
				stop := make(chan struct{})
				for w := 0; w < 3; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							select {
							case <-stop:
								return
							default:
							}
							mu.Lock()
							k := sent
							sent++
							mu.Unlock()
							res, err := http.Post(base+"/fhir", "application/fhir+json", strings.NewReader(crashBundle(k)))
							if err != nil {
								return // the server is gone
							}
							_, _ = io.Copy(io.Discard, res.Body)
							res.Body.Close()
							if res.StatusCode == http.StatusOK {
								mu.Lock()
								acked[k] = true
								mu.Unlock()
							}
						}
					}()
				}
				time.Sleep(50*time.Millisecond + time.Duration(rand.Int64N(int64(tc.window-50*time.Millisecond))))
				require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
				_ = cmd.Wait()
				close(stop)
				wg.Wait()
			}
			cmd, base := startChild(t, serve)
			defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
			whole := 0
			for k := 0; k < sent; k++ {
				p := countOf(t, base, fmt.Sprintf("Patient?identifier=urn:test:bundle|%d", k))
				o := countOf(t, base, fmt.Sprintf("Observation?identifier=urn:test:bundle|%d", k))
				require.Contains(t, [][2]int{{0, 0}, {1, crashObservations}}, [2]int{p, o}, "transaction %d", k)
				if acked[k] {
					require.Equal(t, 1, p, "acknowledged transaction %d is there", k)
				}
				if p == 1 {
					whole++
				}
			}
			t.Logf("%d transactions sent over %d kills, %d acknowledged, %d whole, the rest absent", sent, tc.iterations, len(acked), whole)
			require.Positive(t, len(acked))
		})
	}
}
