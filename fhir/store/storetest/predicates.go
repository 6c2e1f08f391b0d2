package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
)

// indexed is a version with a hand-made index, so these cases test the
// store's evaluation of predicates, independent of extraction.
func indexed(typ, id string, vid int64, ix fhir.Index) *fhir.Resource {
	return &fhir.Resource{Type: typ, ID: id, VersionID: vid, LastUpdated: base, Method: "PUT",
		Body: []byte(fmt.Sprintf(`{"resourceType":%q,"id":%q}`, typ, id)), Index: ix}
}

func rng(param string, lo, hi float64) fhir.IndexRange {
	return fhir.IndexRange{Param: param, Lo: lo, Hi: hi}
}

func str(param, v string) fhir.IndexString { return fhir.IndexString{Param: param, Value: v} }

func rangeMatch(param string, bounds ...fhir.Bound) fhir.Match {
	return fhir.Match{Kind: fhir.MatchRange, Param: param, Bounds: bounds}
}

func lo(op string, v float64) fhir.Bound { return fhir.Bound{Op: op, V: v} }
func hi(op string, v float64) fhir.Bound { return fhir.Bound{Hi: true, Op: op, V: v} }

func testSearchPredicates(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	fixtures := []*fhir.Resource{
		indexed("Patient", "a", 1, fhir.Index{Keys: []string{"k1", "k2"}, Strings: []fhir.IndexString{str("family", "muller"), str("given", "anna")},
			Ranges: []fhir.IndexRange{rng("birthdate", 100, 199)}, Present: []string{"family", "given", "birthdate"}}),
		indexed("Patient", "b", 1, fhir.Index{Keys: []string{"k2"}, Strings: []fhir.IndexString{str("family", "mullins"), str("family", "smith")},
			Ranges: []fhir.IndexRange{rng("birthdate", 200, 299)}, Present: []string{"family", "birthdate", "k2"}}),
		// Two intervals: a search must test both bounds on the same one.
		indexed("Patient", "c", 1, fhir.Index{Keys: []string{"k3"}, Strings: []fhir.IndexString{str("given", "muller")},
			Ranges: []fhir.IndexRange{rng("birthdate", 1, 2), rng("birthdate", 10, 20)}}),
		indexed("Patient", "d", 1, fhir.Index{}),
		indexed("Observation", "e", 1, fhir.Index{Keys: []string{"k1"}, Strings: []fhir.IndexString{str("family", "muller")},
			Ranges: []fhir.IndexRange{rng("birthdate", 100, 199)}, Present: []string{"family", "given"}}),
	}
	for _, r := range fixtures {
		write(t, s, r)
	}
	prefix := func(param, text string) fhir.Match {
		return fhir.Match{Kind: fhir.MatchPrefix, Param: param, Text: text}
	}
	contains := func(param, text string) fhir.Match {
		return fhir.Match{Kind: fhir.MatchContains, Param: param, Text: text}
	}
	present := func(param string) fhir.Match { return fhir.Match{Kind: fhir.MatchPresent, Param: param} }
	cases := []struct {
		name  string
		preds []fhir.Pred
		want  []string
	}{
		{"key", []fhir.Pred{fhir.KeyPred("k2")}, []string{"a", "b"}},
		{"not key", []fhir.Pred{{Not: true, Any: fhir.KeyPred("k2").Any}}, []string{"c", "d"}},
		{"prefix", []fhir.Pred{{Any: []fhir.Match{prefix("family", "mull")}}}, []string{"a", "b"}},
		{"prefix is per parameter", []fhir.Pred{{Any: []fhir.Match{prefix("given", "mull")}}}, []string{"c"}},
		{"prefix whole value", []fhir.Pred{{Any: []fhir.Match{prefix("family", "muller")}}}, []string{"a"}},
		{"prefix no match", []fhir.Pred{{Any: []fhir.Match{prefix("family", "mullerx")}}}, nil},
		{"contains", []fhir.Pred{{Any: []fhir.Match{contains("family", "ll")}}}, []string{"a", "b"}},
		{"contains any value", []fhir.Pred{{Any: []fhir.Match{contains("family", "mit")}}}, []string{"b"}},
		{"not prefix", []fhir.Pred{{Not: true, Any: []fhir.Match{prefix("family", "mull")}}}, []string{"c", "d"}},
		{"range lower", []fhir.Pred{{Any: []fhir.Match{rangeMatch("birthdate", hi(">=", 150))}}}, []string{"a", "b"}},
		{"range upper", []fhir.Pred{{Any: []fhir.Match{rangeMatch("birthdate", lo("<", 150))}}}, []string{"a", "c"}},
		{"range both ends on one interval", []fhir.Pred{{Any: []fhir.Match{rangeMatch("birthdate", lo(">=", 5), hi("<=", 8))}}}, nil},
		{"range contained", []fhir.Pred{{Any: []fhir.Match{rangeMatch("birthdate", lo(">=", 5), hi("<=", 25))}}}, []string{"c"}},
		{"range strict", []fhir.Pred{{Any: []fhir.Match{rangeMatch("birthdate", lo(">", 100))}}}, []string{"b"}},
		{"range or", []fhir.Pred{{Any: []fhir.Match{rangeMatch("birthdate", lo(">=", 200)), rangeMatch("birthdate", hi("<=", 2))}}}, []string{"b", "c"}},
		{"not range", []fhir.Pred{{Not: true, Any: []fhir.Match{rangeMatch("birthdate", lo(">=", 100))}}}, []string{"c", "d"}},
		{"mixed or", []fhir.Pred{{Any: []fhir.Match{{Kind: fhir.MatchKey, Key: "k3"}, prefix("family", "smi")}}}, []string{"b", "c"}},
		{"and", []fhir.Pred{fhir.KeyPred("k2"), {Any: []fhir.Match{rangeMatch("birthdate", lo(">=", 150))}}}, []string{"b"}},
		{"present", []fhir.Pred{{Any: []fhir.Match{present("given")}}}, []string{"a"}},
		{"present is per type", []fhir.Pred{{Any: []fhir.Match{present("birthdate")}}}, []string{"a", "b"}},
		{"missing", []fhir.Pred{{Not: true, Any: []fhir.Match{present("given")}}}, []string{"b", "c", "d"}},
		{"present is no key", []fhir.Pred{{Any: []fhir.Match{present("k1")}}}, nil},
		{"a key is no presence", []fhir.Pred{fhir.KeyPred("family")}, nil},
		{"present or key", []fhir.Pred{{Any: []fhir.Match{present("given"), {Kind: fhir.MatchKey, Key: "k3"}}}}, []string{"a", "c"}},
		{"present and range", []fhir.Pred{{Any: []fhir.Match{present("family")}}, {Any: []fhir.Match{rangeMatch("birthdate", lo(">=", 150))}}}, []string{"b"}},
		{"missing and key", []fhir.Pred{{Not: true, Any: []fhir.Match{present("given")}}, fhir.KeyPred("k2")}, []string{"b"}},
		{"empty or", []fhir.Pred{{}}, nil},
		{"empty not", []fhir.Pred{{Not: true}}, []string{"a", "b", "c", "d"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Search(ctx, fhir.Query{Type: "Patient", Preds: tc.preds})
			require.NoError(t, err)
			require.Equal(t, tc.want, ids(got))
			// The expectations agree with the reference semantics.
			var byHolds []string
			for _, r := range fixtures {
				if r.Type != "Patient" {
					continue
				}
				all := true
				for _, p := range tc.preds {
					all = all && p.Holds(&r.Index)
				}
				if all {
					byHolds = append(byHolds, r.ID)
				}
			}
			require.Equal(t, tc.want, byHolds, "fhir.Pred.Holds disagrees with the expectation")
		})
	}

	// A new version replaces every entry; a deleted resource has none.
	write(t, s, indexed("Patient", "a", 2, fhir.Index{Strings: []fhir.IndexString{str("family", "zimmer")}, Ranges: []fhir.IndexRange{rng("birthdate", 500, 599)},
		Present: []string{"family"}}))
	write(t, s, tombstone("Patient", "b", 2))
	for _, tc := range []struct {
		name string
		pred fhir.Pred
		want []string
	}{
		{"old string gone", fhir.Pred{Any: []fhir.Match{prefix("family", "mull")}}, nil},
		{"new string", fhir.Pred{Any: []fhir.Match{prefix("family", "zim")}}, []string{"a"}},
		{"old range gone", fhir.Pred{Any: []fhir.Match{rangeMatch("birthdate", hi("<=", 300), lo(">=", 100))}}, nil},
		{"new range", fhir.Pred{Any: []fhir.Match{rangeMatch("birthdate", lo(">=", 500))}}, []string{"a"}},
		{"old key gone", fhir.KeyPred("k1", "k2"), nil},
		{"presence follows the version", fhir.Pred{Any: []fhir.Match{present("given")}}, nil},
		{"a deletion has none", fhir.Pred{Any: []fhir.Match{present("k2")}}, nil},
		{"missing after update", fhir.Pred{Not: true, Any: []fhir.Match{present("family")}}, []string{"c", "d"}},
	} {
		t.Run("after update/"+tc.name, func(t *testing.T) {
			got, err := s.Search(ctx, fhir.Query{Type: "Patient", Preds: []fhir.Pred{tc.pred}})
			require.NoError(t, err)
			require.Equal(t, tc.want, ids(got))
		})
	}
}

// testSearchPredicatesPaging pages with a limit through a range predicate
// that many resources fail: pages hold only matches, in id order, and
// together every match once.
func testSearchPredicatesPaging(t *testing.T, s fhir.Store) {
	ctx := context.Background()
	var want []string
	for i := 0; i < 30; i++ {
		id := fmt.Sprintf("p%02d", i)
		v := float64(i)
		write(t, s, indexed("Observation", id, 1, fhir.Index{Ranges: []fhir.IndexRange{rng("value", v, v), rng("value", 100+v, 100+v)}}))
		if i%3 == 0 {
			want = append(want, id)
		}
	}
	// Matches the multiples of 3 below 30 only if both bounds apply to one interval.
	pred := fhir.Pred{Any: []fhir.Match{
		rangeMatch("value", lo(">=", 0), hi("<=", 0)), rangeMatch("value", lo(">=", 3), hi("<=", 3)), rangeMatch("value", lo(">=", 6), hi("<=", 6)),
		rangeMatch("value", lo(">=", 9), hi("<=", 9)), rangeMatch("value", lo(">=", 12), hi("<=", 12)), rangeMatch("value", lo(">=", 15), hi("<=", 15)),
		rangeMatch("value", lo(">=", 18), hi("<=", 18)), rangeMatch("value", lo(">=", 21), hi("<=", 21)), rangeMatch("value", lo(">=", 24), hi("<=", 24)),
		rangeMatch("value", lo(">=", 27), hi("<=", 27)),
	}}
	var got []string
	after := ""
	for page := 0; page < 20; page++ {
		res, err := s.Search(ctx, fhir.Query{Type: "Observation", Preds: []fhir.Pred{pred}, After: after, Limit: 4})
		require.NoError(t, err)
		require.LessOrEqual(t, len(res), 4)
		if len(res) == 0 {
			break
		}
		got = append(got, ids(res)...)
		after = res[len(res)-1].ID
	}
	require.Equal(t, want, got)
}
