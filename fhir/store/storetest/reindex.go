package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
)

// testReindex checks that Reindex replaces the index of current versions
// only, and makes no version.
func testReindex(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	write(t, s, version(t, "Patient", "a", 1, "urn:mrn", "1"))
	write(t, s, version(t, "Patient", "b", 1, "urn:mrn", "2"))
	write(t, s, version(t, "Patient", "b", 2, "urn:mrn", "3"))
	write(t, s, version(t, "Patient", "c", 1, "urn:mrn", "4"))
	write(t, s, tombstone("Patient", "c", 2))
	before, err := s.Read(ctx, "Patient", "a")
	require.NoError(t, err)

	ix := fhir.Index{Keys: []string{"custom|x"}, Strings: []fhir.IndexString{{Param: "p", Value: "hello"}},
		Ranges: []fhir.IndexRange{{Param: "n", Lo: 1, Hi: 2}}, Present: []string{"p", "n"}}
	n, err := s.Reindex(ctx, "Patient", []fhir.Reindexed{
		{ID: "a", VersionID: 1, Index: ix},
		{ID: "b", VersionID: 1, Index: ix}, // stale: b is at 2
		{ID: "c", VersionID: 1, Index: ix}, // deleted since
		{ID: "zz", VersionID: 1, Index: ix},
		{ID: "b", VersionID: 2, Index: ix},
	})
	require.NoError(t, err)
	require.Equal(t, 2, n)

	search := func(p fhir.Pred) []string {
		got, err := s.Search(ctx, fhir.Query{Type: "Patient", Preds: []fhir.Pred{p}})
		require.NoError(t, err)
		return ids(got)
	}
	cases := []struct {
		name string
		pred fhir.Pred
		want []string
	}{
		{"new key", fhir.KeyPred("custom|x"), []string{"a", "b"}},
		{"new string", fhir.Pred{Any: []fhir.Match{{Kind: fhir.MatchPrefix, Param: "p", Text: "hel"}}}, []string{"a", "b"}},
		{"new range", fhir.Pred{Any: []fhir.Match{{Kind: fhir.MatchRange, Param: "n", Bounds: []fhir.Bound{{Hi: true, Op: ">=", V: 1.5}}}}}, []string{"a", "b"}},
		{"old keys gone", fhir.KeyPred(index.TokenKey("identifier", "urn:mrn|1"), index.TokenKey("identifier", "urn:mrn|3")), nil},
		{"deleted stays out", fhir.KeyPred(index.TokenKey("identifier", "urn:mrn|4")), nil},
		{"new presence", fhir.Pred{Any: []fhir.Match{{Kind: fhir.MatchPresent, Param: "n"}}}, []string{"a", "b"}},
		{"old presence gone", fhir.Pred{Any: []fhir.Match{{Kind: fhir.MatchPresent, Param: "identifier"}}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { require.Equal(t, tc.want, search(tc.pred)) })
	}

	after, err := s.Read(ctx, "Patient", "a")
	require.NoError(t, err)
	require.Equal(t, before.VersionID, after.VersionID)
	require.Equal(t, before.LastUpdated, after.LastUpdated)
	require.Equal(t, before.Body, after.Body)
	page, err := s.History(ctx, fhir.HistoryQuery{Type: "Patient", ID: "a"})
	require.NoError(t, err)
	require.Len(t, page.Versions, 1, "a reindex makes no version")

	// The next write indexes as usual, dropping the reindexed entries.
	write(t, s, version(t, "Patient", "a", 2, "urn:mrn", "5"))
	require.Equal(t, []string{"b"}, search(fhir.KeyPred("custom|x")))
	require.Equal(t, []string{"a"}, search(fhir.KeyPred(index.TokenKey("identifier", "urn:mrn|5"))))
}

// testReindexRacingWrites reindexes a resource while it is being updated:
// whatever the interleaving, the index ends as the current version's.
func testReindexRacingWrites(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	ixOf := func(v int64, reindexed bool) fhir.Index {
		ix := fhir.Index{Keys: []string{fmt.Sprint("ver|", v)}}
		if reindexed {
			ix.Keys = append(ix.Keys, "reindexed")
		}
		return ix
	}
	r := version(t, "Patient", "hot", 1, "s", "v")
	r.Index = ixOf(1, false)
	write(t, s, r)
	const versions = 30
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for v := int64(2); v <= versions; v++ {
			next := version(t, "Patient", "hot", v, "s", fmt.Sprint("v", v))
			next.Index = ixOf(v, false)
			if err := s.Write(ctx, next, v-1); err != nil {
				t.Errorf("write %d: %v", v, err)
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 3*versions; i++ {
			cur, err := s.Read(ctx, "Patient", "hot")
			if err != nil {
				t.Errorf("read: %v", err)
				return
			}
			if _, err := s.Reindex(ctx, "Patient", []fhir.Reindexed{{ID: "hot", VersionID: cur.VersionID, Index: ixOf(cur.VersionID, true)}}); err != nil {
				t.Errorf("reindex: %v", err)
				return
			}
		}
	}()
	wg.Wait()
	for v := int64(1); v <= versions; v++ {
		got, err := s.Search(ctx, fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(fmt.Sprint("ver|", v))}})
		require.NoError(t, err)
		if v == versions {
			require.Equal(t, []string{"hot"}, ids(got), "the current version is indexed")
		} else {
			require.Empty(t, got, "version %d's index outlived it", v)
		}
	}
}
