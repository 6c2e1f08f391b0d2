package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
)

// testSearchSort checks _sort orders worked out by hand from these
// fixtures: several values per parameter (lowest ascending, highest
// descending), ties broken by id, missing values last both ways; and that
// keyset paging through every order gives it back without gaps or repeats.
func testSearchSort(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	fixtures := map[string]fhir.Index{}
	for _, r := range []*fhir.Resource{
		indexed("Patient", "a", 1, fhir.Index{Keys: []string{"k1"}, Strings: []fhir.IndexString{str("family", "muller")},
			Ranges: []fhir.IndexRange{rng("birthdate", 100, 199)}}),
		indexed("Patient", "b", 1, fhir.Index{Strings: []fhir.IndexString{str("family", "smith"), str("family", "adams")},
			Ranges: []fhir.IndexRange{rng("birthdate", 200, 299)}}),
		indexed("Patient", "c", 1, fhir.Index{Keys: []string{"k1"}, Ranges: []fhir.IndexRange{rng("birthdate", 1, 2), rng("birthdate", 300, 400)}}),
		indexed("Patient", "d", 1, fhir.Index{}),
		indexed("Patient", "e", 1, fhir.Index{Keys: []string{"k1"}, Strings: []fhir.IndexString{str("family", "muller")},
			Ranges: []fhir.IndexRange{rng("birthdate", 100, 250)}}),
		indexed("Patient", "f", 1, fhir.Index{Strings: []fhir.IndexString{str("family", "zeta")},
			Ranges: []fhir.IndexRange{rng("birthdate", 200, 299)}}),
	} {
		write(t, s, r)
		fixtures[r.ID] = r.Index
	}
	birth := fhir.SortKey{Param: "birthdate", Kind: fhir.SortRange}
	family := fhir.SortKey{Param: "family", Kind: fhir.SortString}
	id := fhir.SortKey{Param: "_id", Kind: fhir.SortID}
	desc := func(k fhir.SortKey) fhir.SortKey { k.Desc = true; return k }
	cases := []struct {
		name  string
		sort  []fhir.SortKey
		preds []fhir.Pred
		want  []string
	}{
		{"date ascending by lowest value", []fhir.SortKey{birth}, nil, []string{"c", "a", "e", "b", "f", "d"}},
		{"date descending by highest value", []fhir.SortKey{desc(birth)}, nil, []string{"c", "b", "f", "e", "a", "d"}},
		{"string ascending", []fhir.SortKey{family}, nil, []string{"b", "a", "e", "f", "c", "d"}},
		{"string descending", []fhir.SortKey{desc(family)}, nil, []string{"f", "b", "a", "e", "c", "d"}},
		{"two keys", []fhir.SortKey{desc(family), desc(birth)}, nil, []string{"f", "b", "e", "a", "c", "d"}},
		{"id descending", []fhir.SortKey{desc(id)}, nil, []string{"f", "e", "d", "c", "b", "a"}},
		{"filtered", []fhir.SortKey{desc(birth)}, []fhir.Pred{fhir.KeyPred("k1")}, []string{"c", "e", "a"}},
		// A range predicate on the sort parameter: every match has a value
		// (stores may walk that parameter's index in order).
		{"range on the sort parameter, descending", []fhir.SortKey{desc(birth)}, []fhir.Pred{{Any: []fhir.Match{rangeMatch("birthdate", lo(">=", 0))}}},
			[]string{"c", "b", "f", "e", "a"}},
		{"range on the sort parameter, ascending", []fhir.SortKey{birth}, []fhir.Pred{{Any: []fhir.Match{rangeMatch("birthdate", hi("<=", 299))}}},
			[]string{"c", "a", "e", "b", "f"}},
		{"range on the sort parameter and a key", []fhir.SortKey{desc(birth)}, []fhir.Pred{fhir.KeyPred("k1"), {Any: []fhir.Match{rangeMatch("birthdate", lo(">=", 50))}}},
			[]string{"c", "e", "a"}},
		{"range on the sort parameter and a negated key", []fhir.SortKey{birth}, []fhir.Pred{{Not: true, Any: []fhir.Match{{Kind: fhir.MatchKey, Key: "k1"}}}, {Any: []fhir.Match{rangeMatch("birthdate", lo(">=", 0))}}},
			[]string{"b", "f"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := fhir.Query{Type: "Patient", Preds: tc.preds, Sort: tc.sort}
			got, err := s.Search(ctx, q)
			require.NoError(t, err)
			require.Equal(t, tc.want, ids(got))
			for _, r := range got {
				ix := fixtures[r.ID]
				require.Equal(t, fhir.SortValues(tc.sort, r.ID, &ix), r.Sort, "sort values of %s", r.ID)
			}
			for size := 1; size <= 4; size++ {
				var walked []string
				page := q
				page.Limit = size
				for range 10 {
					found, err := s.Search(ctx, page)
					require.NoError(t, err)
					walked = append(walked, ids(found)...)
					if len(found) < size {
						break
					}
					last := found[len(found)-1]
					page.After, page.AfterSort = last.ID, last.Sort
				}
				require.Equal(t, tc.want, walked, "pages of %d", size)
			}
		})
	}
}
