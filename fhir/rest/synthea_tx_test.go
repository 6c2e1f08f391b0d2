package rest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
)

// syntheaBundles returns the Synthea transaction bundles (all of them when
// limit is 0) and the resources per type they should leave in a store.
// With conditional set, every entry gets an ifNoneExist on its first
// identifier, and an entry without one is first given an identifier made
// of its fullUrl, as a hospital's feed would carry its source ids: the
// expected counts are then the distinct identifiers per type.
func syntheaBundles(t *testing.T, limit int, conditional bool) ([][]byte, map[string]int) {
	files, err := filepath.Glob(filepath.Join(syntheaDir(t), "*.json"))
	require.NoError(t, err)
	sort.Strings(files)
	counts := map[string]int{}
	keys := map[string]map[string]bool{}
	var out [][]byte
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var b map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		require.NoError(t, dec.Decode(&b))
		if b["type"] != "transaction" {
			continue // the Group file
		}
		if limit > 0 && len(out) == limit {
			break
		}
		for _, e := range b["entry"].([]any) {
			e := e.(map[string]any)
			r := e["resource"].(map[string]any)
			typ := r["resourceType"].(string)
			if !conditional {
				counts[typ]++
				continue
			}
			ids, _ := r["identifier"].([]any)
			if len(ids) == 0 {
				ids = []any{map[string]any{"system": "urn:trialfhir:test:fullurl", "value": e["fullUrl"]}}
				r["identifier"] = ids
			}
			id := ids[0].(map[string]any)
			key := fmt.Sprint(id["system"], "|", id["value"])
			e["request"].(map[string]any)["ifNoneExist"] = "identifier=" + url.QueryEscape(key)
			if keys[typ] == nil {
				keys[typ] = map[string]bool{}
			}
			if !keys[typ][key] {
				keys[typ][key] = true
				counts[typ]++
			}
		}
		if conditional {
			raw, err = json.Marshal(b)
			require.NoError(t, err)
		}
		out = append(out, raw)
	}
	return out, counts
}

// postAll sends every bundle, from clients goroutines, each client sending
// all of them from a different start; every entry must answer one of want.
// A client sends a bundle again after a 503 (transient), as a hospital's
// would: FerretDB's SQLite backend answers "database is locked" under
// heavy concurrent load, which a real MongoDB does not; the bundle must
// then still be all or nothing, which the counts check.
func postAll(t *testing.T, c *client, bundles [][]byte, clients int, want ...string) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for k := 0; k < clients; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for j := range bundles {
				i := (j + k*len(bundles)/clients) % len(bundles)
				r := c.do("POST", "", string(bundles[i]), "Prefer", "return=minimal")
				for try := 1; r.status == http.StatusServiceUnavailable && try < 4; try++ {
					time.Sleep(time.Duration(try) * 100 * time.Millisecond)
					r = c.do("POST", "", string(bundles[i]), "Prefer", "return=minimal")
				}
				var b bundleReply
				if err := json.Unmarshal(r.body, &b); r.status != 200 || err != nil {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("bundle %d: %d %.300s", i, r.status, r.body))
					mu.Unlock()
					continue
				}
				for n, e := range b.Entry {
					if !containsString(want, e.Response.Status) {
						mu.Lock()
						failures = append(failures, fmt.Sprintf("bundle %d entry %d: %s", i, n, e.Response.Status))
						mu.Unlock()
					}
				}
			}
		}(k)
	}
	wg.Wait()
	require.Empty(t, failures)
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

var referenceValue = regexp.MustCompile(`"reference":"([^"]*)"`)

// requireCounts checks the resources per type, and that every reference
// of every stored resource is Type/id of a stored resource.
func requireCounts(t *testing.T, s fhir.Store, want map[string]int) {
	t.Helper()
	ctx := context.Background()
	stored := map[string]bool{}
	var bodies [][]byte
	for typ, n := range want {
		found, err := s.Search(ctx, fhir.Query{Type: typ})
		require.NoError(t, err)
		require.Equal(t, n, len(found), typ)
		for _, r := range found {
			stored[r.Ref()] = true
			bodies = append(bodies, r.Body)
		}
	}
	refs := 0
	for _, b := range bodies {
		for _, m := range referenceValue.FindAllSubmatch(b, -1) {
			ref := string(m[1])
			if strings.HasPrefix(ref, "#") {
				continue
			}
			refs++
			require.True(t, stored[ref], "reference %q resolves", ref)
		}
	}
	require.Positive(t, refs)
}

// TestSyntheaTransactions loads the Synthea transaction bundles as they
// are: every entry 201, every urn:uuid rewritten to a stored Type/id, the
// counts per type those of the input.
func TestSyntheaTransactions(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: loads 39,000 resources")
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			limit := 0
			if st.name == "mongo" {
				limit = 3 // FerretDB on SQLite takes minutes for the whole corpus
			}
			bundles, counts := syntheaBundles(t, limit, false)
			s := st.open(t)
			c := startAPI(t, s)
			postAll(t, c, bundles, 1, "201 Created")
			requireCounts(t, s, counts)
		})
	}
}

// TestSyntheaResend loads the bundles with conditional creates on
// identifiers, then sends them all again, then again from 4 clients at
// once: nothing is created twice.
func TestSyntheaResend(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: loads 39,000 resources several times")
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			limit := 0
			if st.name == "mongo" {
				limit = 1 // FerretDB scans a collection per conditional search
			}
			bundles, counts := syntheaBundles(t, limit, true)
			s := st.open(t)
			c := startAPI(t, s)
			postAll(t, c, bundles, 1, "201 Created", "200 OK")
			requireCounts(t, s, counts)
			postAll(t, c, bundles, 1, "200 OK")
			requireCounts(t, s, counts)
			postAll(t, c, bundles, 4, "200 OK")
			requireCounts(t, s, counts)
		})
	}
}

// TestConcurrentIdenticalTransactions sends the same conditional bundles
// from 4 clients at once onto an empty store: each resource is created once.
func TestConcurrentIdenticalTransactions(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			n := 2
			if st.name == "mongo" {
				if testing.Short() {
					t.Skip("skipping: takes minutes on FerretDB")
				}
				n = 1
			}
			bundles, counts := syntheaBundles(t, n, true)
			s := st.open(t)
			c := startAPI(t, s)
			postAll(t, c, bundles, 4, "201 Created", "200 OK")
			requireCounts(t, s, counts)
		})
	}
}
