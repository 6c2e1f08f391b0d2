package mongo_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/store/mongo/mongotest"
)

// TestSearchRandom compares Search with fhir.Pred.Holds on random indexes
// and predicates aimed at the edges of the compiled filters: values with
// regex metacharacters, newlines and accents, several intervals of one
// parameter, negations, repeated and invalid bounds. A page with a small
// limit catches a filter wrongly taken as exact: MongoDB then applies the
// limit before the Go check drops documents, and a match goes missing.
func TestSearchRandom(t *testing.T) {
	ctx := context.Background()
	s := mongotest.Open(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	g := gen{rnd: rnd}
	var fixtures []*fhir.Resource
	for i := 0; i < 40; i++ {
		r := &fhir.Resource{Type: "Observation", ID: fmt.Sprintf("r%02d", i), VersionID: 1, LastUpdated: base, Method: "POST",
			Body: []byte(`{"resourceType":"Observation"}`), Index: g.index()}
		require.NoError(t, s.Write(ctx, r, 0))
		fixtures = append(fixtures, r)
	}
	for n := 0; n < 100; n++ {
		preds := []fhir.Pred{g.pred()}
		if rnd.IntN(3) == 0 {
			preds = append(preds, g.pred())
		}
		var want []string
		for _, r := range fixtures {
			if holdsAll(preds, &r.Index) {
				want = append(want, r.ID)
			}
		}
		got, err := s.Search(ctx, fhir.Query{Type: "Observation", Preds: preds})
		require.NoError(t, err)
		require.Equal(t, want, ids(got), "query %d: %+v", n, preds)

		// One page from a random position.
		after := fixtures[rnd.IntN(len(fixtures))].ID
		limit := 1 + rnd.IntN(4)
		var page []string
		for _, id := range want {
			if id > after && len(page) < limit {
				page = append(page, id)
			}
		}
		got, err = s.Search(ctx, fhir.Query{Type: "Observation", Preds: preds, After: after, Limit: limit})
		require.NoError(t, err)
		require.Equal(t, page, ids(got), "query %d: %+v after %s limit %d", n, preds, after, limit)
	}
}

func ids(rs []fhir.Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func holdsAll(preds []fhir.Pred, ix *fhir.Index) bool {
	for _, p := range preds {
		if !p.Holds(ix) {
			return false
		}
	}
	return true
}

type gen struct{ rnd *rand.Rand }

var (
	params = []string{"a", "b"}
	words  = []string{"mü", "m.", "x\ny", "(a|b)*", "ab", "b", `\Q`, "^$"}
	ops    = []string{"<", "<=", ">", ">="}
)

func (g gen) pick(s []string) string { return s[g.rnd.IntN(len(s))] }

func (g gen) index() fhir.Index {
	var ix fhir.Index
	for i := g.rnd.IntN(3); i > 0; i-- {
		ix.Keys = append(ix.Keys, fmt.Sprintf("k%d", g.rnd.IntN(4)))
	}
	for i := g.rnd.IntN(4); i > 0; i-- {
		ix.Strings = append(ix.Strings, fhir.IndexString{Param: g.pick(params), Value: g.pick(words) + g.pick(words)})
	}
	for i := g.rnd.IntN(4); i > 0; i-- {
		lo := float64(g.rnd.IntN(10))
		ix.Ranges = append(ix.Ranges, fhir.IndexRange{Param: g.pick(params), Lo: lo, Hi: lo + float64(g.rnd.IntN(4))})
	}
	return ix
}

func (g gen) pred() fhir.Pred {
	p := fhir.Pred{Not: g.rnd.IntN(3) == 0}
	for i := g.rnd.IntN(4); i > 0; i-- {
		p.Any = append(p.Any, g.match())
	}
	return p
}

func (g gen) match() fhir.Match {
	switch g.rnd.IntN(4) {
	case 0:
		return fhir.Match{Kind: fhir.MatchKey, Key: fmt.Sprintf("k%d", g.rnd.IntN(5))}
	case 1, 2:
		kind := fhir.MatchPrefix
		if g.rnd.IntN(2) == 0 {
			kind = fhir.MatchContains
		}
		w := g.pick(words) + g.pick(words)
		return fhir.Match{Kind: kind, Param: g.pick(params), Text: w[:g.rnd.IntN(len(w)+1)]}
	}
	m := fhir.Match{Kind: fhir.MatchRange, Param: g.pick(params)}
	for i := g.rnd.IntN(4); i > 0; i-- {
		b := fhir.Bound{Hi: g.rnd.IntN(2) == 0, Op: g.pick(ops), V: float64(g.rnd.IntN(14) - 1)}
		switch g.rnd.IntN(20) {
		case 0:
			b.Op = "=" // not an operator: the bound never holds
		case 1:
			b.V = math.NaN()
		}
		m.Bounds = append(m.Bounds, b)
	}
	return m
}
