package fhir

import "strings"

// Index is what one resource version contributes to the search index. The
// index package computes it from the resource when the version is written;
// stores keep it and answer Query predicates from it with their own indexes.
type Index struct {
	// Keys are exact-match keys: tokens, references and URIs. Their layout
	// is private to the index package.
	Keys []string
	// Present names the parameters that have a value (:missing). They are
	// apart from Keys so that a store may keep them with the resource
	// rather than as index entries: 8 of a Synthea resource's 20 keys were
	// presence markers, and few searches ask for them.
	Present []string
	// Strings are the values of string parameters, normalised (lower case,
	// accents removed) for the default starts-with and :contains searches.
	Strings []IndexString
	// Ranges are the intervals of date, number and quantity values: every
	// value stands for a range (a date its whole precision, a decimal its
	// implied precision, R4 3.1.1.4.2 ff).
	Ranges []IndexRange
}

// IndexString is one normalised string value of a parameter.
type IndexString struct {
	Param, Value string
}

// IndexRange is one interval value of a parameter; Lo <= Hi. Dates are
// Unix milliseconds.
type IndexRange struct {
	Param  string
	Lo, Hi float64
}

// MatchKind says what a Match compares.
type MatchKind int

// The kinds of Match.
const (
	MatchKey      MatchKind = iota + 1 // Index.Keys holds Key
	MatchPrefix                        // an Index.Strings value of Param starts with Text
	MatchContains                      // an Index.Strings value of Param contains Text
	MatchRange                         // an Index.Ranges interval of Param satisfies every Bound
	MatchPresent                       // Index.Present holds Param
)

// Bound compares one end of an index interval with a value.
type Bound struct {
	Hi bool   // compare the interval's Hi end, else its Lo end
	Op string // one of < <= > >=
	V  float64
}

// Match is one condition on a single index entry.
type Match struct {
	Kind   MatchKind
	Key    string  // MatchKey
	Param  string  // MatchPrefix, MatchContains, MatchRange, MatchPresent
	Text   string  // MatchPrefix, MatchContains: normalised like Index.Strings
	Bounds []Bound // MatchRange: all must hold on the same interval
}

// Pred is one search condition: a resource satisfies it when one of its
// index entries satisfies any Match (OR), or, with Not, when none does.
type Pred struct {
	Not bool
	Any []Match
}

// KeyPred is the predicate "has any of these keys".
func KeyPred(keys ...string) Pred {
	p := Pred{Any: make([]Match, len(keys))}
	for i, k := range keys {
		p.Any[i] = Match{Kind: MatchKey, Key: k}
	}
	return p
}

// Holds reports whether an index satisfies the predicate: the reference
// semantics every store's compiled query must agree with.
func (p Pred) Holds(ix *Index) bool {
	for _, m := range p.Any {
		if m.holds(ix) {
			return !p.Not
		}
	}
	return p.Not
}

func (m Match) holds(ix *Index) bool {
	switch m.Kind {
	case MatchKey:
		for _, k := range ix.Keys {
			if k == m.Key {
				return true
			}
		}
	case MatchPrefix, MatchContains:
		for _, s := range ix.Strings {
			if s.Param == m.Param && (m.Kind == MatchPrefix && strings.HasPrefix(s.Value, m.Text) || m.Kind == MatchContains && strings.Contains(s.Value, m.Text)) {
				return true
			}
		}
	case MatchRange:
		for _, r := range ix.Ranges {
			if r.Param == m.Param && boundsHold(m.Bounds, r) {
				return true
			}
		}
	case MatchPresent:
		for _, p := range ix.Present {
			if p == m.Param {
				return true
			}
		}
	}
	return false
}

func boundsHold(bounds []Bound, r IndexRange) bool {
	for _, b := range bounds {
		v := r.Lo
		if b.Hi {
			v = r.Hi
		}
		ok := false
		switch b.Op {
		case "<":
			ok = v < b.V
		case "<=":
			ok = v <= b.V
		case ">":
			ok = v > b.V
		case ">=":
			ok = v >= b.V
		}
		if !ok {
			return false
		}
	}
	return true
}
