package rest_test

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/rest"
	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/fhir/store/mongo"
	"github.com/trialfhir/trialfhir/fhir/store/mongo/mongotest"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
)

const maidenURL = "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName"

// reopeners give a function that opens a store on the same data each
// time, closing the one it opened before, as a server restart does.
var reopeners = []struct {
	name string
	make func(t *testing.T) func() fhir.Store
}{
	{"embedded", func(t *testing.T) func() fhir.Store {
		dir := filepath.Join(t.TempDir(), "data")
		return reopener(t, func() (fhir.Store, error) { return sqlite.Open(dir, sqlite.Options{}) })
	}},
	{"mongo", func(t *testing.T) func() fhir.Store {
		uri, db := mongotest.URI(t), mongotest.Database()
		return reopener(t, func() (fhir.Store, error) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			return mongo.Open(ctx, uri, db)
		})
	}},
}

func reopener(t *testing.T, open func() (fhir.Store, error)) func() fhir.Store {
	var last fhir.Store
	t.Cleanup(func() {
		if last != nil {
			_ = last.Close()
		}
	})
	return func() fhir.Store {
		if last != nil {
			require.NoError(t, last.Close())
		}
		s, err := open()
		require.NoError(t, err)
		last = s
		return s
	}
}

// startServer starts a service over store as the command does: stored
// SearchParameters loaded first.
func startServer(t *testing.T, store fhir.Store, opts ...service.Option) (*client, *service.Service) {
	svc := service.New(store, opts...)
	require.NoError(t, svc.LoadSearchParameters(context.Background()))
	return startAPIWith(t, svc, rest.Options{}), svc
}

func maidenPatient(id, maiden, family string) string {
	ext := ""
	if maiden != "" {
		ext = fmt.Sprintf(`,"extension":[{"url":%q,"valueString":%q}]`, maidenURL, maiden)
	}
	return fmt.Sprintf(`{"resourceType":"Patient","id":%q,"name":[{"family":%q}]%s}`, id, family, ext)
}

func searchParameter(id, code, expression string) string {
	return fmt.Sprintf(`{"resourceType":"SearchParameter","id":%q,"url":"https://trialfhir.org/fhir/SearchParameter/%s",
		"name":%q,"status":"active","code":%q,"base":["Patient"],"type":"string","description":"test","expression":%q}`,
		id, code, code, code, expression)
}

// waitIndexed polls $reindex until SearchParameter id is done.
func (c *client) waitIndexed(t *testing.T, id string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := c.do("GET", "/SearchParameter/"+id+"/$reindex", "")
		require.Equal(t, 200, r.status, "%s", r.body)
		status := r.decodeJSON(t)["parameter"].([]any)[0].(map[string]any)["valueCode"]
		if status == "done" {
			return
		}
		require.Contains(t, []any{"queued", "running"}, status, "%s", r.body)
		require.True(t, time.Now().Before(deadline), "reindex of %s not done: %s", id, r.body)
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *client) searchIDs(t *testing.T, query string) []string {
	t.Helper()
	r := c.do("GET", "/Patient?_count=1000&"+query, "")
	require.Equal(t, 200, r.status, "%s: %s", query, r.body)
	return bundleIDs(t, r)
}

// TestSearchParameterLifecycle posts a custom SearchParameter and follows
// it through search, updates, restart and delete on both stores.
func TestSearchParameterLifecycle(t *testing.T) {
	for _, st := range reopeners {
		t.Run(st.name, func(t *testing.T) {
			open := st.make(t)
			store := open()
			c, _ := startServer(t, store)
			for _, p := range [][3]string{{"p1", "Smith", "Doe"}, {"p2", "Jones", "Roe"}, {"p3", "", "Smithers"}} {
				require.Equal(t, 201, c.do("PUT", "/Patient/"+p[0], maidenPatient(p[0], p[1], p[2])).status)
			}
			c.do("GET", "/Patient?mothers-maiden-name=smi", "").requireOutcome(t, 400, "not-supported", "mothers-maiden-name")

			expr := "Patient.extension.where(url='" + maidenURL + "').value"
			r := c.do("PUT", "/SearchParameter/mmn", searchParameter("mmn", "mothers-maiden-name", expr))
			require.Equal(t, 201, r.status, "%s", r.body)
			c.waitIndexed(t, "mmn")
			require.Equal(t, []string{"p1"}, c.searchIDs(t, "mothers-maiden-name=smi"), "stored before the parameter")
			require.Equal(t, 201, c.do("PUT", "/Patient/p4", maidenPatient("p4", "Smithson", "Poe")).status)
			require.Equal(t, []string{"p1", "p4"}, c.searchIDs(t, "mothers-maiden-name=smi"), "stored after")
			require.Equal(t, []string{"p4"}, c.searchIDs(t, "mothers-maiden-name:exact=Smithson"))
			require.Equal(t, []string{"p3"}, c.searchIDs(t, "mothers-maiden-name:missing=true&family=smithers"))
			require.Equal(t, 200, c.do("PUT", "/Patient/p1", maidenPatient("p1", "Brown", "Doe")).status)
			require.Equal(t, []string{"p4"}, c.searchIDs(t, "mothers-maiden-name=smi"), "an update moves the entry")

			caps := string(c.do("GET", "/metadata", "").body)
			require.Contains(t, caps, `"name":"mothers-maiden-name","definition":"https://trialfhir.org/fhir/SearchParameter/mothers-maiden-name","type":"string"`)

			// A new expression: results follow it.
			r = c.do("PUT", "/SearchParameter/mmn", searchParameter("mmn", "mothers-maiden-name", "Patient.name.family"))
			require.Equal(t, 200, r.status, "%s", r.body)
			c.waitIndexed(t, "mmn")
			require.Equal(t, []string{"p3"}, c.searchIDs(t, "mothers-maiden-name=smi"))
			require.Equal(t, []string{"p1"}, c.searchIDs(t, "mothers-maiden-name=doe"))

			// A restart keeps it, usable at once: the index is complete.
			c2, svc2 := startServer(t, store)
			require.Equal(t, []string{"p1"}, c2.searchIDs(t, "mothers-maiden-name=doe"))
			st2, ok := svc2.ReindexStatus("mmn")
			require.True(t, ok)
			require.Equal(t, service.ReindexDone, st2.State)

			// Deleted: unknown again, on the spot.
			require.Equal(t, 204, c2.do("DELETE", "/SearchParameter/mmn", "").status)
			c2.do("GET", "/Patient?mothers-maiden-name=doe", "").requireOutcome(t, 400, "not-supported", "mothers-maiden-name")
			c2.waitIndexed(t, "mmn")
			require.NotContains(t, string(c2.do("GET", "/metadata", "").body), "mothers-maiden-name")
			c3, _ := startServer(t, store)
			c3.do("GET", "/Patient?mothers-maiden-name=doe", "").requireOutcome(t, 400, "not-supported", "mothers-maiden-name")
		})
	}
}

// TestSearchParameterRestartReopens reopens the store itself, not only the
// service, after a parameter was indexed.
func TestSearchParameterRestartReopens(t *testing.T) {
	for _, st := range reopeners {
		t.Run(st.name, func(t *testing.T) {
			open := st.make(t)
			store := open()
			c, _ := startServer(t, store)
			require.Equal(t, 201, c.do("PUT", "/Patient/p1", maidenPatient("p1", "Smith", "Doe")).status)
			r := c.do("POST", "/SearchParameter", searchParameter("x", "mothers-maiden-name", "Patient.extension('"+maidenURL+"').value"))
			require.Equal(t, 201, r.status, "%s", r.body)
			c.waitIndexed(t, r.id(t))
			c2, _ := startServer(t, open())
			require.Equal(t, []string{"p1"}, c2.searchIDs(t, "mothers-maiden-name=smith"))
		})
	}
}

// TestSearchParameterRefused checks the OperationOutcomes of parameters
// this server cannot index.
func TestSearchParameterRefused(t *testing.T) {
	c := newEmbedded(t)
	valid := searchParameter("ok", "maiden", "Patient.extension('"+maidenURL+"').value")
	cases := []struct {
		name, body string
		status     int
		code, at   string
	}{
		{"expression does not compile", searchParameter("a", "maiden", "Patient.name.("), 400, "invalid", "SearchParameter.expression"},
		{"unknown function", searchParameter("a", "maiden", "Patient.frobnicate()"), 400, "invalid", "SearchParameter.expression"},
		{"clashes with the spec", searchParameter("a", "family", "Patient.name.family"), 422, "business-rule", "SearchParameter.code"},
		{"clashes with _id", searchParameter("a", "_id", "Patient.id"), 422, "business-rule", "SearchParameter.code"},
		{"dotted code", searchParameter("a", "a.b", "Patient.id"), 422, "business-rule", "SearchParameter.code"},
		{"special type", strings.Replace(valid, `"type":"string"`, `"type":"special"`, 1), 422, "business-rule", "SearchParameter.type"},
		{"abstract base", strings.Replace(valid, `"base":["Patient"]`, `"base":["Resource"]`, 1), 422, "business-rule", "SearchParameter.base"},
		{"unknown base", strings.Replace(valid, `"base":["Patient"]`, `"base":["Patients"]`, 1), 400, "value", "SearchParameter.base[0]"},
		{"no url", strings.Replace(valid, `"url":"https://trialfhir.org/fhir/SearchParameter/maiden",`, ``, 1), 400, "required", "SearchParameter.url"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.do("POST", "/SearchParameter", tc.body).requireOutcome(t, tc.status, tc.code, tc.at)
		})
	}
	require.Equal(t, 201, c.do("POST", "/SearchParameter", valid).status)
	c.do("POST", "/SearchParameter", strings.Replace(valid, `"id":"ok"`, `"id":"other"`, 1)).
		requireOutcome(t, 422, "business-rule", "SearchParameter.code")
}

// gatedStore holds every Reindex until released, so a test can look at a
// parameter while it is being indexed.
type gatedStore struct {
	fhir.Store
	gate chan struct{}
}

func (g gatedStore) Reindex(ctx context.Context, typ string, rs []fhir.Reindexed) (int, error) {
	<-g.gate
	return g.Store.Reindex(ctx, typ, rs)
}

// TestSearchParameterPending checks that a parameter cannot be searched
// while its reindex runs, rather than answering from a partial index.
func TestSearchParameterPending(t *testing.T) {
	gate := make(chan struct{})
	c, _ := startServer(t, gatedStore{Store: stores[0].open(t), gate: gate})
	require.Equal(t, 201, c.do("PUT", "/Patient/p1", maidenPatient("p1", "Smith", "Doe")).status)
	require.Equal(t, 201, c.do("PUT", "/SearchParameter/mmn", searchParameter("mmn", "maiden", "Patient.extension('"+maidenURL+"').value")).status)
	c.do("GET", "/Patient?maiden=smith", "").requireOutcome(t, 400, "transient", "maiden")
	c.do("GET", "/Patient?_sort=maiden", "").requireOutcome(t, 400, "transient", "maiden")
	r := c.do("GET", "/SearchParameter/mmn/$reindex", "")
	require.Contains(t, string(r.body), `"valueCode":"running"`)
	require.NotContains(t, string(c.do("GET", "/metadata", "").body), `"name":"maiden"`)
	// Written meanwhile: indexed with the new parameter already.
	require.Equal(t, 201, c.do("PUT", "/Patient/p2", maidenPatient("p2", "Smithers", "Roe")).status)
	close(gate)
	c.waitIndexed(t, "mmn")
	require.Equal(t, []string{"p1", "p2"}, c.searchIDs(t, "maiden=smith"))
	c.do("GET", "/SearchParameter/nope/$reindex", "").requireOutcome(t, 404, "not-found")
}

// TestSearchParameterConcurrentWrites updates and creates patients while
// their reindex runs, then checks every search against their final content.
func TestSearchParameterConcurrentWrites(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			// Several reindex pages of 16; MongoDB under FerretDB writes
			// slowly, so it gets fewer resources.
			c, svc := startServer(t, st.open(t), service.WithReindexPage(16))
			n := 240
			if st.name == "mongo" {
				n = 60
			}
			names := []string{"alpha", "bravo", "charlie"}
			ctx := context.Background()
			for i := 0; i < n; i++ {
				id := fmt.Sprintf("p%03d", i)
				_, err := svc.Update(ctx, "Patient", id, []byte(maidenPatient(id, names[i%3], "F")), nil)
				require.NoError(t, err)
			}
			done := make(chan error)
			go func() {
				// Moves every third patient to the next name, and adds
				// new ones, while the reindex walks the same ids.
				for i := 0; i < n; i += 3 {
					id := fmt.Sprintf("p%03d", i)
					if _, err := svc.Update(ctx, "Patient", id, []byte(maidenPatient(id, names[(i+1)%3], "F")), nil); err != nil {
						done <- err
						return
					}
					nid := fmt.Sprintf("q%03d", i)
					if _, err := svc.Update(ctx, "Patient", nid, []byte(maidenPatient(nid, names[i%3], "F")), nil); err != nil {
						done <- err
						return
					}
				}
				done <- nil
			}()
			r := c.do("PUT", "/SearchParameter/mmn", searchParameter("mmn", "maiden", "Patient.extension('"+maidenURL+"').value"))
			require.Equal(t, 201, r.status, "%s", r.body)
			require.NoError(t, <-done)
			c.waitIndexed(t, "mmn")

			want := map[string][]string{}
			all, err := svc.Store().Search(ctx, fhir.Query{Type: "Patient"})
			require.NoError(t, err)
			for _, p := range all {
				for _, name := range names {
					if strings.Contains(string(p.Body), `"valueString":"`+name+`"`) {
						want[name] = append(want[name], p.ID)
					}
				}
			}
			for _, name := range names {
				sort.Strings(want[name])
				require.Equal(t, want[name], c.searchIDs(t, "maiden="+url.QueryEscape(name)), name)
			}
			// Every third patient moved from alpha to bravo, and as many
			// new ones came with alpha.
			for name, count := range map[string]int{"alpha": n / 3, "bravo": 2 * n / 3, "charlie": n / 3} {
				require.Len(t, want[name], count, name)
			}
		})
	}
}
