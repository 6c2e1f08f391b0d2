package storetest

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
)

// Opener returns a fresh, empty store; the suite closes it.
type Opener func(t *testing.T) fhir.Store

// Run runs the whole contract against stores made by open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		run  func(t *testing.T, s fhir.Store)
	}{
		{"CreateReadVRead", testCreateRead},
		{"NotFound", testNotFound},
		{"CompareAndSet", testCompareAndSet},
		{"VersionsAndHistoryOrder", testVersions},
		{"DeleteTombstone", testDelete},
		{"HistoryScopesAndSince", testHistoryScopes},
		{"HistoryPagingStable", testHistoryPaging},
		{"SearchKeys", testSearch},
		{"SearchPaging", testSearchPaging},
		{"SearchPredicates", testSearchPredicates},
		{"SearchPredicatesPaging", testSearchPredicatesPaging},
		{"SearchSort", testSearchSort},
		{"ConcurrentWriters", testConcurrentWriters},
		{"LockExcludes", testLockExcludes},
		{"LockContextCancel", testLockCancel},
		{"ConditionalCreateUnderLock", testConditionalCreate},
		{"WriteAllCommits", testWriteAll},
		{"WriteAllConflictWritesNothing", testWriteAllConflict},
		{"WriteAllRefusesDuplicates", testWriteAllDuplicate},
		{"WriteAllConcurrent", testWriteAllConcurrent},
		{"Reindex", testReindex},
		{"ReindexRacingWrites", testReindexRacingWrites},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { _ = s.Close() })
			tc.run(t, s)
		})
	}
}

var base = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// version builds a resource version whose body carries an identifier, so
// index keys come from the real extractor.
func version(t *testing.T, typ, id string, vid int64, system, value string) *fhir.Resource {
	t.Helper()
	body := []byte(fmt.Sprintf(`{"resourceType":%q,"id":%q,"meta":{"versionId":"%d"},"identifier":[{"system":%q,"value":%q}]}`,
		typ, id, vid, system, value))
	ix, err := index.Extract(body)
	require.NoError(t, err)
	method := "PUT"
	if vid == 1 {
		method = "POST"
	}
	return &fhir.Resource{Type: typ, ID: id, VersionID: vid, LastUpdated: base.Add(time.Duration(vid) * time.Millisecond),
		Method: method, Body: body, Index: ix}
}

func tombstone(typ, id string, vid int64) *fhir.Resource {
	return &fhir.Resource{Type: typ, ID: id, VersionID: vid, Deleted: true, Method: "DELETE",
		LastUpdated: base.Add(time.Duration(vid) * time.Millisecond)}
}

func write(t *testing.T, s fhir.Store, r *fhir.Resource) {
	t.Helper()
	require.NoError(t, s.Write(context.Background(), r, r.VersionID-1))
}

func requireCode(t *testing.T, want fhir.Code, err error) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, want, fhir.ErrorCode(err), "error: %v", err)
}

func testCreateRead(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	v1 := version(t, "Patient", "p1", 1, "urn:mrn", "42")
	write(t, s, v1)

	got, err := s.Read(ctx, "Patient", "p1")
	require.NoError(t, err)
	require.Equal(t, "Patient", got.Type)
	require.Equal(t, "p1", got.ID)
	require.EqualValues(t, 1, got.VersionID)
	require.False(t, got.Deleted)
	require.Equal(t, "POST", got.Method)
	require.JSONEq(t, string(v1.Body), string(got.Body))
	require.True(t, v1.LastUpdated.Equal(got.LastUpdated), "lastUpdated %v != %v", got.LastUpdated, v1.LastUpdated)

	got, err = s.VRead(ctx, "Patient", "p1", 1)
	require.NoError(t, err)
	require.JSONEq(t, string(v1.Body), string(got.Body))

	// Same id under another type is another resource.
	write(t, s, version(t, "Observation", "p1", 1, "urn:lab", "x"))
	got, err = s.Read(ctx, "Patient", "p1")
	require.NoError(t, err)
	require.JSONEq(t, string(v1.Body), string(got.Body))
}

func testNotFound(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	_, err := s.Read(ctx, "Patient", "nope")
	requireCode(t, fhir.CodeNotFound, err)
	write(t, s, version(t, "Patient", "p1", 1, "s", "v"))
	_, err = s.VRead(ctx, "Patient", "p1", 2)
	requireCode(t, fhir.CodeNotFound, err)
	_, err = s.VRead(ctx, "Patient", "nope", 1)
	requireCode(t, fhir.CodeNotFound, err)
}

func testCompareAndSet(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	write(t, s, version(t, "Patient", "p1", 1, "s", "v1"))

	// Creating again is a conflict, and leaves v1 alone.
	requireCode(t, fhir.CodeConflict, s.Write(ctx, version(t, "Patient", "p1", 1, "s", "other"), 0))
	// Expecting a version that is not current is a conflict.
	requireCode(t, fhir.CodeConflict, s.Write(ctx, version(t, "Patient", "p1", 3, "s", "v3"), 2))
	// A version number that does not follow expect is refused.
	requireCode(t, fhir.CodeConflict, s.Write(ctx, version(t, "Patient", "p1", 5, "s", "v5"), 1))

	got, err := s.Read(ctx, "Patient", "p1")
	require.NoError(t, err)
	require.EqualValues(t, 1, got.VersionID)
	require.Contains(t, string(got.Body), `"v1"`)
	_, err = s.VRead(ctx, "Patient", "p1", 3)
	requireCode(t, fhir.CodeNotFound, err)

	write(t, s, version(t, "Patient", "p1", 2, "s", "v2"))
	requireCode(t, fhir.CodeConflict, s.Write(ctx, version(t, "Patient", "p1", 2, "s", "again"), 1))
}

func testVersions(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	for v := int64(1); v <= 5; v++ {
		write(t, s, version(t, "Observation", "o1", v, "s", fmt.Sprint("v", v)))
	}
	page, err := s.History(ctx, fhir.HistoryQuery{Type: "Observation", ID: "o1"})
	require.NoError(t, err)
	require.Equal(t, []int64{5, 4, 3, 2, 1}, versionIDs(page.Versions))
	require.Empty(t, page.Next)
	for v := int64(1); v <= 5; v++ {
		got, err := s.VRead(ctx, "Observation", "o1", v)
		require.NoError(t, err)
		require.Contains(t, string(got.Body), fmt.Sprintf(`"v%d"`, v))
	}
}

func testDelete(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	write(t, s, version(t, "Patient", "p1", 1, "urn:mrn", "42"))
	write(t, s, tombstone("Patient", "p1", 2))

	got, err := s.Read(ctx, "Patient", "p1")
	require.NoError(t, err)
	require.True(t, got.Deleted)
	require.EqualValues(t, 2, got.VersionID)
	require.Equal(t, "DELETE", got.Method)

	// Deleted resources leave search, but their history stays readable.
	found, err := s.Search(ctx, fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(index.TokenKey("identifier", "urn:mrn|42"))}})
	require.NoError(t, err)
	require.Empty(t, found)
	old, err := s.VRead(ctx, "Patient", "p1", 1)
	require.NoError(t, err)
	require.Contains(t, string(old.Body), `"42"`)
	page, err := s.History(ctx, fhir.HistoryQuery{Type: "Patient", ID: "p1"})
	require.NoError(t, err)
	require.Equal(t, []int64{2, 1}, versionIDs(page.Versions))
	require.True(t, page.Versions[0].Deleted)

	// A deleted resource can be brought back; numbering continues.
	requireCode(t, fhir.CodeConflict, s.Write(ctx, version(t, "Patient", "p1", 1, "urn:mrn", "43"), 0))
	write(t, s, version(t, "Patient", "p1", 3, "urn:mrn", "43"))
	found, err = s.Search(ctx, fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(index.TokenKey("identifier", "urn:mrn|43"))}})
	require.NoError(t, err)
	require.Len(t, found, 1)
}

func testHistoryScopes(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	write(t, s, version(t, "Patient", "a", 1, "s", "1"))     // base+1ms
	write(t, s, version(t, "Observation", "b", 1, "s", "2")) // base+1ms
	write(t, s, version(t, "Patient", "a", 2, "s", "3"))     // base+2ms
	write(t, s, version(t, "Observation", "b", 2, "s", "4")) // base+2ms
	write(t, s, version(t, "Observation", "b", 3, "s", "5")) // base+3ms
	write(t, s, version(t, "Patient", "c", 1, "s", "6"))     // base+1ms

	page, err := s.History(ctx, fhir.HistoryQuery{})
	require.NoError(t, err)
	require.Len(t, page.Versions, 6)
	requireNewestFirst(t, page.Versions)

	page, err = s.History(ctx, fhir.HistoryQuery{Type: "Patient"})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"Patient/a@2", "Patient/a@1", "Patient/c@1"}, refs(page.Versions))
	requireNewestFirst(t, page.Versions)

	page, err = s.History(ctx, fhir.HistoryQuery{Since: base.Add(2 * time.Millisecond)})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"Patient/a@2", "Observation/b@2", "Observation/b@3"}, refs(page.Versions))

	page, err = s.History(ctx, fhir.HistoryQuery{Type: "Observation", ID: "b", Since: base.Add(3 * time.Millisecond)})
	require.NoError(t, err)
	require.Equal(t, []string{"Observation/b@3"}, refs(page.Versions))
}

func testHistoryPaging(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	for i := 0; i < 7; i++ {
		write(t, s, version(t, "Patient", fmt.Sprint("p", i), 1, "s", fmt.Sprint(i)))
	}
	var seen []string
	page, err := s.History(ctx, fhir.HistoryQuery{Type: "Patient", Limit: 3})
	require.NoError(t, err)
	require.Len(t, page.Versions, 3)
	require.NotEmpty(t, page.Next)
	seen = append(seen, refs(page.Versions)...)

	// A write between pages lands before the first page and shifts nothing.
	r := version(t, "Patient", "late", 1, "s", "late")
	r.LastUpdated = base.Add(time.Hour)
	write(t, s, r)

	for page.Next != "" {
		page, err = s.History(ctx, fhir.HistoryQuery{Type: "Patient", Limit: 3, Cursor: page.Next})
		require.NoError(t, err)
		seen = append(seen, refs(page.Versions)...)
	}
	require.Len(t, seen, 7)
	require.NotContains(t, seen, "Patient/late@1")
	want := make([]string, 0, 7)
	for i := 0; i < 7; i++ {
		want = append(want, fmt.Sprintf("Patient/p%d@1", i))
	}
	require.ElementsMatch(t, want, seen)

	_, err = s.History(ctx, fhir.HistoryQuery{Type: "Patient", Cursor: "not-a-cursor"})
	requireCode(t, fhir.CodeInvalid, err)
}

func testSearch(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	write(t, s, version(t, "Patient", "a", 1, "urn:mrn", "1"))
	write(t, s, version(t, "Patient", "b", 1, "urn:mrn", "2"))
	write(t, s, version(t, "Patient", "c", 1, "urn:other", "1"))
	write(t, s, version(t, "Observation", "d", 1, "urn:mrn", "1"))

	key := index.TokenKey
	cases := []struct {
		name string
		q    fhir.Query
		want []string
	}{
		{"all of a type", fhir.Query{Type: "Patient"}, []string{"a", "b", "c"}},
		{"system and code", fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(key("identifier", "urn:mrn|1"))}}, []string{"a"}},
		{"code in any system", fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(key("identifier", "1"))}}, []string{"a", "c"}},
		{"system only", fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(key("identifier", "urn:mrn|"))}}, []string{"a", "b"}},
		{"no system", fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(key("identifier", "|1"))}}, nil},
		{"or within a clause", fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(key("identifier", "urn:mrn|2"), key("identifier", "urn:other|1"))}}, []string{"b", "c"}},
		{"and across clauses", fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(key("identifier", "1")), fhir.KeyPred(key("identifier", "urn:mrn|"))}}, []string{"a"}},
		{"ids", fhir.Query{Type: "Patient", IDs: []string{"c", "a", "zz"}}, []string{"a", "c"}},
		{"ids and keys", fhir.Query{Type: "Patient", IDs: []string{"a", "b"}, Preds: []fhir.Pred{fhir.KeyPred(key("identifier", "2"))}}, []string{"b"}},
		{"limit", fhir.Query{Type: "Patient", Limit: 2}, []string{"a", "b"}},
		{"after", fhir.Query{Type: "Patient", After: "a"}, []string{"b", "c"}},
		{"other type", fhir.Query{Type: "Observation", Preds: []fhir.Pred{fhir.KeyPred(key("identifier", "urn:mrn|1"))}}, []string{"d"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Search(ctx, tc.q)
			require.NoError(t, err)
			require.Equal(t, tc.want, ids(got))
		})
	}

	// Updating a resource replaces its keys.
	write(t, s, version(t, "Patient", "a", 2, "urn:mrn", "9"))
	got, err := s.Search(ctx, fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(key("identifier", "urn:mrn|1"))}})
	require.NoError(t, err)
	require.Empty(t, got)
	got, err = s.Search(ctx, fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(key("identifier", "urn:mrn|9"))}})
	require.NoError(t, err)
	require.Equal(t, []string{"a"}, ids(got))
	require.EqualValues(t, 2, got[0].VersionID)
}

func testSearchPaging(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		write(t, s, version(t, "Patient", fmt.Sprintf("p%02d", i), 1, "s", "same"))
	}
	var all []string
	after := ""
	for {
		got, err := s.Search(ctx, fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(index.TokenKey("identifier", "s|same"))}, After: after, Limit: 4})
		require.NoError(t, err)
		if len(got) == 0 {
			break
		}
		all = append(all, ids(got)...)
		after = got[len(got)-1].ID
	}
	require.Len(t, all, 10)
	require.True(t, sort.StringsAreSorted(all))
}

func testConcurrentWriters(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	write(t, s, version(t, "Patient", "hot", 1, "s", "v"))

	// Everyone races for version 2: exactly one wins.
	const writers = 50
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			err := s.Write(ctx, version(t, "Patient", "hot", 2, "s", fmt.Sprint("w", i)), 1)
			if err == nil {
				wins.Add(1)
			} else if fhir.ErrorCode(err) != fhir.CodeConflict {
				t.Errorf("writer %d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	require.EqualValues(t, 1, wins.Load())

	// Then everyone retries until stored: versions stay contiguous, none lost.
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for attempt := 0; attempt < 10000; attempt++ {
				cur, err := s.Read(ctx, "Patient", "hot")
				if err != nil {
					t.Errorf("read: %v", err)
					return
				}
				next := version(t, "Patient", "hot", cur.VersionID+1, "s", fmt.Sprint("r", i))
				err = s.Write(ctx, next, cur.VersionID)
				if err == nil {
					return
				}
				if fhir.ErrorCode(err) != fhir.CodeConflict {
					t.Errorf("writer %d: %v", i, err)
					return
				}
			}
			t.Errorf("writer %d never won", i)
		}(i)
	}
	wg.Wait()

	cur, err := s.Read(ctx, "Patient", "hot")
	require.NoError(t, err)
	require.EqualValues(t, writers+2, cur.VersionID)
	page, err := s.History(ctx, fhir.HistoryQuery{Type: "Patient", ID: "hot", Limit: 1000})
	require.NoError(t, err)
	require.Len(t, page.Versions, writers+2)
	values := map[string]bool{}
	for i, v := range page.Versions {
		require.EqualValues(t, writers+2-i, v.VersionID)
		values[string(v.Body)] = true
	}
	require.Len(t, values, writers+2, "every stored version is distinct: none overwritten")
}

func testLockExcludes(t *testing.T, s fhir.Store) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var inside, maxInside atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := s.Lock(ctx, "Patient?identifier=s|1")
			if err != nil {
				t.Errorf("lock: %v", err)
				return
			}
			n := inside.Add(1)
			for {
				m := maxInside.Load()
				if n <= m || maxInside.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			inside.Add(-1)
			release()
		}()
	}
	wg.Wait()
	require.EqualValues(t, 1, maxInside.Load())

	// Different keys do not exclude each other.
	r1, err := s.Lock(ctx, "a")
	require.NoError(t, err)
	r2, err := s.Lock(ctx, "b")
	require.NoError(t, err)
	r1()
	r2()
}

func testLockCancel(t *testing.T, s fhir.Store) {
	release, err := s.Lock(context.Background(), "k")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = s.Lock(ctx, "k")
	requireCode(t, fhir.CodeTransient, err)
	release()
	again, err := s.Lock(context.Background(), "k")
	require.NoError(t, err)
	again()
}

// testConditionalCreate is the pattern the service layer builds conditional
// create on: lock the condition, search, create only when nothing matches.
func testConditionalCreate(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	const racers = 20
	key := index.TokenKey("identifier", "urn:mrn|777")
	var wg sync.WaitGroup
	for i := 0; i < racers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			release, err := s.Lock(ctx, "Patient?identifier=urn:mrn|777")
			if err != nil {
				t.Errorf("lock: %v", err)
				return
			}
			defer release()
			found, err := s.Search(ctx, fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(key)}, Limit: 2})
			if err != nil {
				t.Errorf("search: %v", err)
				return
			}
			if len(found) == 0 {
				if err := s.Write(ctx, version(t, "Patient", fmt.Sprint("r", i), 1, "urn:mrn", "777"), 0); err != nil {
					t.Errorf("write: %v", err)
				}
			}
		}(i)
	}
	wg.Wait()
	found, err := s.Search(ctx, fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(key)}})
	require.NoError(t, err)
	require.Len(t, found, 1)
}

func versionIDs(rs []fhir.Resource) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.VersionID
	}
	return out
}

func ids(rs []fhir.Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func refs(rs []fhir.Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s@%d", r.Ref(), r.VersionID))
	}
	return out
}

func requireNewestFirst(t *testing.T, rs []fhir.Resource) {
	t.Helper()
	for i := 1; i < len(rs); i++ {
		require.False(t, rs[i].LastUpdated.After(rs[i-1].LastUpdated), "history not newest first at %d", i)
	}
}
