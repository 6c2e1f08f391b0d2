package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
)

// TestPerResourceTestsUsePrimaryKeys: a predicate tested on one resource
// (alias e) and the walk's per-entry checks (y, z) must seek the resource's
// rows by rid. The value indexes also hold rid, and SQLite picked them when
// allowed, scanning every value of the parameter for each entry walked.
func TestPerResourceTestsUsePrimaryKeys(t *testing.T) {
	s, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	ix, err := index.Extract(observation)
	require.NoError(t, err)
	for i := range 20 {
		r := &fhir.Resource{Type: "Observation", ID: fmt.Sprintf("o%02d", i), VersionID: 1,
			LastUpdated: time.Now(), Method: "POST", Body: observation, Index: ix}
		require.NoError(t, s.Write(ctx, r, 0))
	}
	date := fhir.Pred{Any: []fhir.Match{{Kind: fhir.MatchRange, Param: "date", Bounds: []fhir.Bound{{Hi: true, Op: ">=", V: 0}}}}}
	name := fhir.Pred{Any: []fhir.Match{{Kind: fhir.MatchPrefix, Param: "code:text", Text: "hem"}}}
	code := fhir.KeyPred(index.TokenKey("code", "http://loinc.org|718-7"))
	restore := sqlite.SetEstimateCap(0) // every predicate broad: the walks
	defer restore()
	for _, q := range []fhir.Query{
		{Type: "Observation", Preds: []fhir.Pred{code, date, name}, Limit: 5,
			Sort: []fhir.SortKey{{Kind: fhir.SortRange, Param: "date", Desc: true}}},
		{Type: "Observation", Preds: []fhir.Pred{code, date, name}, Limit: 5},
	} {
		plan, err := s.Explain(ctx, q)
		require.NoError(t, err)
		require.Equal(t, 20, plan.Matches)
		seen := 0
		for _, line := range plan.Native {
			for _, alias := range []string{"SEARCH e ", "SEARCH y ", "SEARCH z "} {
				if strings.Contains(line, alias) {
					seen++
					require.Contains(t, line, "PRIMARY KEY", line)
				}
			}
		}
		require.NotZero(t, seen, plan.Native)
	}
}
