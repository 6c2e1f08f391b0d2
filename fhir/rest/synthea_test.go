package rest_test

import (
	"encoding/json"
	"fmt"
	"github.com/trialfhir/trialfhir/internal/testfiles"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func syntheaDir(t *testing.T) string { return testfiles.Shared(t, "data/synthea-r4") }

var uuidRef = regexp.MustCompile(`urn:uuid:([0-9a-f-]{36})`)

type syntheaEntry struct {
	typ, id string
	body    []byte
}

// syntheaEntries reads every transaction bundle and turns each POST entry
// into a PUT of its urn:uuid as id, rewriting urn:uuid references to
// Type/id, which is what a transaction would do (issue 5 brings real
// transactions).
func syntheaEntries(t *testing.T, dir string) []syntheaEntry {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	var out []syntheaEntry
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var b struct {
			Type  string `json:"type"`
			Entry []struct {
				FullURL  string          `json:"fullUrl"`
				Resource json.RawMessage `json:"resource"`
			} `json:"entry"`
		}
		require.NoError(t, json.Unmarshal(raw, &b), f)
		if b.Type != "transaction" {
			continue // the Group file
		}
		types := map[string]string{}
		for _, e := range b.Entry {
			var head struct {
				ResourceType string `json:"resourceType"`
			}
			require.NoError(t, json.Unmarshal(e.Resource, &head))
			types[strings.TrimPrefix(e.FullURL, "urn:uuid:")] = head.ResourceType
		}
		for _, e := range b.Entry {
			id := strings.TrimPrefix(e.FullURL, "urn:uuid:")
			body := uuidRef.ReplaceAllFunc(e.Resource, func(m []byte) []byte {
				u := string(m[len("urn:uuid:"):])
				if typ, ok := types[u]; ok {
					return []byte(typ + "/" + u)
				}
				return m
			})
			var obj map[string]any
			require.NoError(t, json.Unmarshal(body, &obj))
			obj["id"] = id
			body, err = json.Marshal(obj)
			require.NoError(t, err)
			out = append(out, syntheaEntry{typ: types[id], id: id, body: body})
		}
	}
	return out
}

// TestSyntheaSearchPaging loads all Synthea bundles into the embedded store
// through the API and walks a search through every page: exactly the
// matches, each once. The expected ids are computed here from the bundles,
// with plain Go, not through the server's index.
func TestSyntheaSearchPaging(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: loads 39,000 resources")
	}
	entries := syntheaEntries(t, syntheaDir(t))
	c := startAPI(t, stores[0].open(t))

	var wg sync.WaitGroup
	work := make(chan syntheaEntry)
	var mu sync.Mutex
	var failures []string
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range work {
				r := c.do("PUT", "/"+e.typ+"/"+e.id, string(e.body), "Prefer", "return=minimal")
				// Organizations and Practitioners recur across bundles: the later PUTs update.
				if r.status != http.StatusCreated && r.status != http.StatusOK {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%s/%s: %d %s", e.typ, e.id, r.status, r.body))
					mu.Unlock()
				}
			}
		}()
	}
	for _, e := range entries {
		work <- e
	}
	close(work)
	wg.Wait()
	require.Empty(t, failures, "every Synthea resource is accepted")

	// Platelets (777-3) on or after 2015-01-01, worked out from the bundles.
	since := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	var want []string
	for _, e := range entries {
		if e.typ != "Observation" {
			continue
		}
		var o struct {
			Code struct {
				Coding []struct{ System, Code string }
			}
			EffectiveDateTime string
		}
		require.NoError(t, json.Unmarshal(e.body, &o))
		platelets := false
		for _, cd := range o.Code.Coding {
			platelets = platelets || (cd.System == "http://loinc.org" && cd.Code == "777-3")
		}
		if !platelets || o.EffectiveDateTime == "" {
			continue
		}
		eff, err := time.Parse(time.RFC3339, o.EffectiveDateTime)
		require.NoError(t, err)
		if !eff.Before(since) {
			want = append(want, e.id)
		}
	}
	sort.Strings(want)
	require.NotEmpty(t, want)

	var got []string
	next := c.base + "/Observation?" + escapeQuery("code=http://loinc.org|777-3&date=ge2015-01-01&_count=10")
	for pages := 0; next != ""; pages++ {
		require.Less(t, pages, len(want)/10+2, "more pages than matches")
		res, err := http.Get(next)
		require.NoError(t, err)
		body, err := readAll(res)
		require.NoError(t, err)
		r := reply{status: res.StatusCode, body: body}
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		ids := bundleIDs(t, r)
		require.LessOrEqual(t, len(ids), 10)
		got = append(got, ids...)
		next = linkOf(t, r, "next")
	}
	require.Equal(t, want, got, "every match once, in order, no gaps")
}
