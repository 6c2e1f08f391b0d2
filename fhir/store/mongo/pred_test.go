package mongo

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/trialfhir/trialfhir/fhir"
)

// TestPredFilterShapes pins the filters compiled for MongoDB proper, which
// the tests against FerretDB never send (see rangeFilter).
func TestPredFilterShapes(t *testing.T) {
	mongoDB, ferret := &Store{elemMatch: true}, &Store{}
	rng := func(bounds ...fhir.Bound) fhir.Match {
		return fhir.Match{Kind: fhir.MatchRange, Param: "date", Bounds: bounds}
	}
	d := func(k string, v any) bson.D { return bson.D{{Key: k, Value: v}} }
	for _, tc := range []struct {
		name  string
		s     *Store
		p     fhir.Pred
		want  []bson.D
		exact bool
	}{
		{"keys", mongoDB, fhir.KeyPred("a", "b"), []bson.D{d("keys", d("$in", []string{"a", "b"}))}, true},
		{"not keys", mongoDB, fhir.Pred{Not: true, Any: fhir.KeyPred("a").Any}, []bson.D{d("keys", d("$nin", []string{"a"}))}, true},
		{"prefix quoted", mongoDB, fhir.Pred{Any: []fhir.Match{{Kind: fhir.MatchPrefix, Param: "name", Text: "a.b("}}},
			[]bson.D{d("strs", bson.Regex{Pattern: "^name\x1fa\\.b\\("})}, true},
		{"contains", mongoDB, fhir.Pred{Any: []fhir.Match{{Kind: fhir.MatchContains, Param: "name", Text: "x"}}},
			[]bson.D{d("strs", bson.Regex{Pattern: "^name\x1f.*x", Options: "s"})}, true},
		{"range correlated, repeated bound tightened", mongoDB,
			fhir.Pred{Any: []fhir.Match{rng(fhir.Bound{Op: ">=", V: 1}, fhir.Bound{Op: ">=", V: 3}, fhir.Bound{Hi: true, Op: "<", V: 9}, fhir.Bound{Hi: true, Op: "<", V: 7})}},
			[]bson.D{d("rng", d("$elemMatch", bson.D{{Key: "p", Value: "date"}, {Key: "lo", Value: d("$gte", 3.0)}, {Key: "hi", Value: d("$lt", 7.0)}}))}, true},
		{"range uncorrelated on FerretDB", ferret, fhir.Pred{Any: []fhir.Match{rng(fhir.Bound{Op: ">", V: 1}, fhir.Bound{Hi: true, Op: "<=", V: 2})}},
			[]bson.D{{{Key: "rng.p", Value: "date"}, {Key: "rng.lo", Value: d("$gt", 1.0)}, {Key: "rng.hi", Value: d("$lte", 2.0)}}}, false},
		{"not range left to Go", mongoDB, fhir.Pred{Not: true, Any: []fhir.Match{fhir.KeyPred("a").Any[0], rng(fhir.Bound{Op: ">", V: 1})}},
			[]bson.D{d("keys", d("$nin", []string{"a"}))}, false},
		{"or", mongoDB, fhir.Pred{Any: []fhir.Match{{Kind: fhir.MatchPrefix, Param: "n", Text: "x"}, fhir.KeyPred("a").Any[0]}},
			[]bson.D{d("$or", []bson.D{d("strs", bson.Regex{Pattern: "^n\x1fx"}), d("keys", d("$in", []string{"a"}))})}, true},
		{"or with an unpushable match", mongoDB, fhir.Pred{Any: []fhir.Match{fhir.KeyPred("a").Any[0], {Kind: fhir.MatchPrefix, Param: "n", Text: "\xc3"}}}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, exact, none := tc.s.predFilter(tc.p)
			require.False(t, none)
			require.Equal(t, tc.want, got)
			require.Equal(t, tc.exact, exact)
		})
	}
	_, _, none := mongoDB.predFilter(fhir.Pred{})
	require.True(t, none, "an OR of nothing")
	require.Equal(t, `a\.b\(`, regexp.QuoteMeta("a.b("))
}
