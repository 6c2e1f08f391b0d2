package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
)

func keyQuery(typ, system, value string) fhir.Query {
	return fhir.Query{Type: typ, Preds: []fhir.Pred{fhir.KeyPred(index.TokenKey("identifier", system+"|"+value))}}
}

func testWriteAll(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	write(t, s, version(t, "Patient", "old", 1, "s", "before"))
	write(t, s, version(t, "Observation", "gone", 1, "s", "obs"))
	ws := []fhir.Write{
		{R: version(t, "Patient", "new", 1, "s", "created"), Entry: 0},
		{R: version(t, "Patient", "old", 2, "s", "after"), Expect: 1, Entry: 1},
		{R: tombstone("Observation", "gone", 2), Expect: 1, Entry: 2},
		{R: version(t, "Encounter", "e", 1, "s", "enc"), Entry: 3},
	}
	require.NoError(t, s.WriteAll(ctx, ws))
	for _, w := range ws {
		got, err := s.Read(ctx, w.R.Type, w.R.ID)
		require.NoError(t, err)
		require.Equal(t, w.R.VersionID, got.VersionID, w.R.Ref())
		require.Equal(t, w.R.Deleted, got.Deleted, w.R.Ref())
	}
	for _, c := range []struct {
		typ, value string
		n          int
	}{{"Patient", "created", 1}, {"Patient", "after", 1}, {"Patient", "before", 0}, {"Observation", "obs", 0}, {"Encounter", "enc", 1}} {
		found, err := s.Search(ctx, keyQuery(c.typ, "s", c.value))
		require.NoError(t, err)
		require.Len(t, found, c.n, "%s %s", c.typ, c.value)
	}
	page, err := s.History(ctx, fhir.HistoryQuery{Limit: 100})
	require.NoError(t, err)
	require.Len(t, page.Versions, 6)
	require.NoError(t, s.WriteAll(ctx, nil), "nothing to write")
}

func testWriteAllConflict(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	write(t, s, version(t, "Patient", "a", 1, "s", "a1"))
	write(t, s, version(t, "Patient", "b", 1, "s", "b1"))
	write(t, s, version(t, "Patient", "b", 2, "s", "b2"))
	for _, tc := range []struct {
		name  string
		ws    []fhir.Write
		entry string
	}{
		{"stale update", []fhir.Write{
			{R: version(t, "Patient", "c", 1, "s", "c1"), Entry: 0},
			{R: version(t, "Patient", "a", 2, "s", "a2"), Expect: 1, Entry: 1},
			{R: version(t, "Patient", "b", 2, "s", "b2x"), Expect: 1, Entry: 7},
		}, "Bundle.entry[7]"},
		{"create of existing", []fhir.Write{
			{R: version(t, "Patient", "a", 1, "s", "a1x"), Entry: 4},
			{R: version(t, "Patient", "c", 1, "s", "c1"), Entry: 5},
		}, "Bundle.entry[4]"},
		{"version not following", []fhir.Write{
			{R: version(t, "Patient", "c", 1, "s", "c1"), Entry: 0},
			{R: version(t, "Patient", "a", 3, "s", "a3"), Expect: 1, Entry: 2},
		}, "Bundle.entry[2]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.WriteAll(ctx, tc.ws)
			requireCode(t, fhir.CodeConflict, err)
			require.Equal(t, []string{tc.entry}, fhir.AsError(err).Expression)
			_, err = s.Read(ctx, "Patient", "c")
			requireCode(t, fhir.CodeNotFound, err)
			got, err := s.Read(ctx, "Patient", "a")
			require.NoError(t, err)
			require.EqualValues(t, 1, got.VersionID)
			found, err := s.Search(ctx, keyQuery("Patient", "s", "c1"))
			require.NoError(t, err)
			require.Empty(t, found)
			page, err := s.History(ctx, fhir.HistoryQuery{Limit: 100})
			require.NoError(t, err)
			require.Len(t, page.Versions, 3)
		})
	}
}

func testWriteAllDuplicate(t *testing.T, s fhir.Store) {
	err := s.WriteAll(context.Background(), []fhir.Write{
		{R: version(t, "Patient", "a", 1, "s", "x"), Entry: 0},
		{R: version(t, "Patient", "a", 2, "s", "y"), Expect: 1, Entry: 1},
	})
	requireCode(t, fhir.CodeInvalid, err)
	_, err = s.Read(context.Background(), "Patient", "a")
	requireCode(t, fhir.CodeNotFound, err)
}

// testWriteAllConcurrent races transactions that each move a pair of
// resources on by one version, against single writes on one of them: the
// pair is only ever written together, so if every WriteAll is atomic the
// two end at the same version, and no success is lost.
func testWriteAllConcurrent(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	write(t, s, version(t, "Patient", "x", 1, "s", "x"))
	write(t, s, version(t, "Patient", "y", 1, "s", "y"))
	const writers, rounds = 8, 6
	var wins atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				x, errX := s.Read(ctx, "Patient", "x")
				y, errY := s.Read(ctx, "Patient", "y")
				if errX != nil || errY != nil {
					t.Errorf("read: %v %v", errX, errY)
					return
				}
				tag := fmt.Sprint("w", i, "r", r)
				err := s.WriteAll(ctx, []fhir.Write{
					{R: version(t, "Patient", "x", x.VersionID+1, "s", tag), Expect: x.VersionID},
					{R: version(t, "Patient", "y", y.VersionID+1, "s", tag), Expect: y.VersionID, Entry: 1},
				})
				switch fhir.ErrorCode(err) {
				case "":
					wins.Add(1)
				case fhir.CodeConflict:
				default:
					t.Errorf("writer %d: %v", i, err)
					return
				}
			}
		}(i)
	}
	wg.Wait()
	x, err := s.Read(ctx, "Patient", "x")
	require.NoError(t, err)
	y, err := s.Read(ctx, "Patient", "y")
	require.NoError(t, err)
	require.Equal(t, x.VersionID, y.VersionID, "the pair moved together")
	require.Equal(t, wins.Load()+1, x.VersionID, "every success is a version")
	require.Positive(t, wins.Load())
	tag := string(x.Body)
	require.Equal(t, tag[len(tag)-20:], string(y.Body)[len(y.Body)-20:], "the same transaction wrote both")
	for _, id := range []string{"x", "y"} {
		page, err := s.History(ctx, fhir.HistoryQuery{Type: "Patient", ID: id, Limit: 1000})
		require.NoError(t, err)
		require.Len(t, page.Versions, int(x.VersionID))
	}
}
