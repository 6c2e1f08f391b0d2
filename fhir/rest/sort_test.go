package rest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSearchSort checks _sort orders worked out by hand from
// testdata/search (birth dates 1958-11-30, 1970-05-12, 1985 and none;
// families Müller, Mullins, Smith, 张), each walked one page at a time.
func TestSearchSort(t *testing.T) {
	cases := []struct {
		query string
		want  []string
	}{
		{"Patient?_sort=birthdate", []string{"pat-zhang", "pat-muller", "pat-mullins", "pat-nobirth"}},
		{"Patient?_sort=-birthdate", []string{"pat-mullins", "pat-muller", "pat-zhang", "pat-nobirth"}},
		{"Patient?_sort=family", []string{"pat-muller", "pat-mullins", "pat-nobirth", "pat-zhang"}},
		{"Patient?_sort=-family,_id", []string{"pat-zhang", "pat-nobirth", "pat-mullins", "pat-muller"}},
		{"Patient?_sort=-_id", []string{"pat-zhang", "pat-nobirth", "pat-mullins", "pat-muller"}},
		{"Patient?gender=male&_sort=-birthdate", []string{"pat-mullins", "pat-zhang"}},
		{"Patient?_sort=gender,birthdate", nil},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			c := startAPI(t, st.open(t))
			loadSearchFixtures(t, c)
			for _, tc := range cases {
				t.Run(tc.query, func(t *testing.T) {
					typ, query, _ := strings.Cut(tc.query, "?")
					if tc.want == nil {
						c.do("GET", "/"+typ+"?"+escapeQuery(query), "").requireOutcome(t, 400, "not-supported", "_sort")
						return
					}
					whole := c.do("GET", "/"+typ+"?"+escapeQuery(query), "")
					require.Equal(t, http.StatusOK, whole.status, "%s", whole.body)
					require.Equal(t, tc.want, entryIDs(t, whole))
					var walked []string
					next := c.base + "/" + typ + "?" + escapeQuery(query+"&_count=1")
					for pages := 0; next != "" && pages < 10; pages++ {
						r := getURL(t, next)
						walked = append(walked, entryIDs(t, r)...)
						next = linkOf(t, r, "next")
					}
					require.Equal(t, tc.want, walked)
				})
			}
		})
	}
	c := newEmbedded(t)
	for _, q := range []string{"_sort=", "_sort=birthdate,birthdate", "_sort=-"} {
		c.do("GET", "/Patient?"+q, "").requireOutcome(t, 400, "invalid", "_sort")
	}
	c.do("GET", "/Patient?_sort=colour", "").requireOutcome(t, 400, "not-supported", "_sort")
}

// entryIDs lists the ids of a searchset's matches in bundle order.
func entryIDs(t *testing.T, r reply) []string {
	t.Helper()
	var ids []string
	entries, _ := r.decodeJSON(t)["entry"].([]any)
	for _, e := range entries {
		em := e.(map[string]any)
		if s, _ := em["search"].(map[string]any); s != nil && s["mode"] != "match" {
			continue
		}
		ids = append(ids, em["resource"].(map[string]any)["id"].(string))
	}
	return ids
}
