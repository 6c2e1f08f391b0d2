package mongo

import (
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/trialfhir/trialfhir/fhir"
)

// predFilter compiles p into conditions for the search filter's $and. They
// select a superset of the resources p holds for, and exactly those when
// exact is set; Search narrows a superset with p.Holds. none means p holds
// for no resource (an OR of no matches), which MongoDB cannot say with an
// empty $or.
func (s *Store) predFilter(p fhir.Pred) (conds []bson.D, exact, none bool) {
	var keys []string
	var fs []bson.D
	exact = true
	for _, m := range p.Any {
		switch m.Kind {
		case fhir.MatchKey:
			keys = append(keys, m.Key)
			continue
		case fhir.MatchPresent:
			keys = append(keys, presenceKey(m.Param))
			continue
		}
		f, ok := s.matchFilter(m)
		if p.Not && m.Kind == fhir.MatchRange {
			// Exact on MongoDB, but a superset on FerretDB: kept out of
			// $nor on both, so that the tests on FerretDB run the path
			// MongoDB takes.
			ok = false
		}
		exact = exact && ok
		if p.Not && !ok {
			// The negation of a superset is a subset: this match is left
			// out of $nor, which widens the result, and checked in Go.
			continue
		}
		if f == nil && !p.Not {
			// A match with no filter allows any document, so does the OR.
			return nil, false, false
		}
		fs = append(fs, f)
	}
	if p.Not {
		if len(keys) > 0 {
			conds = append(conds, bson.D{{Key: "keys", Value: bson.D{{Key: "$nin", Value: keys}}}})
		}
		if len(fs) > 0 {
			conds = append(conds, bson.D{{Key: "$nor", Value: fs}})
		}
		return conds, exact, false
	}
	if len(keys) > 0 {
		fs = append(fs, bson.D{{Key: "keys", Value: bson.D{{Key: "$in", Value: keys}}}})
	}
	switch len(fs) {
	case 0:
		return nil, true, true
	case 1:
		return fs, exact, false
	}
	return []bson.D{{{Key: "$or", Value: fs}}}, exact, false
}

// matchFilter compiles one string or range match. ok reports that the
// filter is exact; otherwise it is a superset, nil when it cannot narrow
// anything.
func (s *Store) matchFilter(m fhir.Match) (f bson.D, ok bool) {
	switch m.Kind {
	case fhir.MatchPrefix, fhir.MatchContains:
		return strFilter(m)
	case fhir.MatchRange:
		return s.rangeFilter(m)
	}
	return nil, false // unknown kind: Holds decides
}

// strFilter tests Strs with a regex anchored at the parameter, which a
// MongoDB index on strs serves as a range scan. Both engines evaluate it
// exactly: Go's QuoteMeta escapes only what PCRE also reads as an escape.
func strFilter(m fhir.Match) (bson.D, bool) {
	if !utf8.ValidString(m.Param) || !utf8.ValidString(m.Text) {
		// MongoDB rejects such a regex, yet Text can be a prefix of a
		// stored value cut inside a rune.
		return nil, false
	}
	// A stored parameter never holds strSep (validIndex), but a pattern
	// with one could match across the separator of an entry.
	exact := !strings.Contains(m.Param, strSep)
	re := bson.Regex{Pattern: "^" + regexp.QuoteMeta(m.Param+strSep)}
	if m.Kind == fhir.MatchPrefix {
		re.Pattern += regexp.QuoteMeta(m.Text)
	} else {
		// s: "." matches a newline in the value too.
		re.Pattern += ".*" + regexp.QuoteMeta(m.Text)
		re.Options = "s"
	}
	return bson.D{{Key: "strs", Value: re}}, exact
}

// rangeFilter tests Rng. MongoDB's $elemMatch tests every bound on one
// interval, exactly. FerretDB 1.x rejects $elemMatch with field conditions,
// so there each bound is tested on any interval of the document, and any
// parameter: a superset.
func (s *Store) rangeFilter(m fhir.Match) (bson.D, bool) {
	exact := s.elemMatch
	var lo, hi bson.D
	for _, b := range m.Bounds {
		op := mongoOp(b.Op)
		if op == "" || math.IsNaN(b.V) {
			// Holds never passes such a bound; leaving it out widens.
			exact = false
			continue
		}
		if b.Hi {
			hi = tighten(hi, op, b.V)
		} else {
			lo = tighten(lo, op, b.V)
		}
	}
	prefix := "rng."
	if s.elemMatch {
		prefix = ""
	}
	f := bson.D{{Key: prefix + "p", Value: m.Param}}
	if lo != nil {
		f = append(f, bson.E{Key: prefix + "lo", Value: lo})
	}
	if hi != nil {
		f = append(f, bson.E{Key: prefix + "hi", Value: hi})
	}
	if s.elemMatch {
		return bson.D{{Key: "rng", Value: bson.D{{Key: "$elemMatch", Value: f}}}}, exact
	}
	return f, false
}

func mongoOp(op string) string {
	switch op {
	case "<":
		return "$lt"
	case "<=":
		return "$lte"
	case ">":
		return "$gt"
	case ">=":
		return "$gte"
	}
	return ""
}

// tighten adds {op: v} to the operator document d. A bound list may repeat
// an operator, and a document cannot: the stricter value is kept.
func tighten(d bson.D, op string, v float64) bson.D {
	for i := range d {
		if d[i].Key == op {
			if lower := op == "$gt" || op == "$gte"; lower == (v > d[i].Value.(float64)) {
				d[i].Value = v
			}
			return d
		}
	}
	return append(d, bson.E{Key: op, Value: v})
}
