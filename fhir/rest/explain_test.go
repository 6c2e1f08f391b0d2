package rest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSearchExplain asks both stores how they ran a two-predicate search:
// one step per predicate with the index it used and its own candidate
// count (counted by hand from testdata/search), the size of the answer,
// and the database's plan, with no searched value in any of it.
func TestSearchExplain(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			c := startAPI(t, st.open(t))
			loadSearchFixtures(t, c)
			r := c.do("GET", "/Observation?"+escapeQuery("code=http://loinc.org|718-7&date=ge2026-03-01&_explain=true"), "")
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			require.Equal(t, []string{"obs-hb1", "obs-hb2"}, entryIDs(t, r))
			var lines []string
			for _, e := range r.decodeJSON(t)["entry"].([]any) {
				em := e.(map[string]any)
				if em["search"].(map[string]any)["mode"] != "outcome" {
					continue
				}
				for _, is := range em["resource"].(map[string]any)["issue"].([]any) {
					lines = append(lines, is.(map[string]any)["diagnostics"].(string))
				}
			}
			require.GreaterOrEqual(t, len(lines), 4, "%s", r.body)
			require.Contains(t, lines[0], "2 resources match")
			require.Contains(t, lines[1], "predicate 1: exact key on code")
			require.Contains(t, lines[1], "2 candidates")
			require.Contains(t, lines[2], "predicate 2: range on date")
			if st.name == "embedded" {
				require.Contains(t, lines[2], "3 candidates")
			} // MongoDB's step counts its filter's superset, rechecked after

			require.True(t, strings.HasPrefix(lines[3], "plan: "))
			joined := strings.Join(lines, "\n")
			require.NotContains(t, joined, "718-7")
			require.NotContains(t, joined, "2026")
		})
	}
	newEmbedded(t).do("GET", "/Patient?_explain=maybe", "").requireOutcome(t, 400, "invalid", "_explain")
}
