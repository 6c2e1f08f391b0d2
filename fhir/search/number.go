package search

import (
	"math"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
)

// numberMatches parses a number search value. Index values are points, so
// eq and ne use the search value's implied precision ("100" means
// [99.5, 100.5)), while gt, lt, ge and le compare with the value itself
// (R4 3.1.1.4.3).
func numberMatches(param, value string) ([]fhir.Match, bool, error) {
	prefix, v := cutPrefix(value)
	n, plo, phi, err := index.NumberRange(v)
	if err != nil {
		return nil, false, fhir.Errorf(fhir.CodeInvalid, "%s: %q is not a number search value", param, value).At(param)
	}
	ms, not := pointMatches(param, prefix, n, plo, phi)
	return ms, not, nil
}

// pointMatches compares point values (lo == hi) with a search value n of
// implied precision [plo, phi).
func pointMatches(param, prefix string, n, plo, phi float64) ([]fhir.Match, bool) {
	m := func(bounds ...fhir.Bound) []fhir.Match {
		return []fhir.Match{{Kind: fhir.MatchRange, Param: param, Bounds: bounds}}
	}
	switch prefix {
	case "ne":
		return m(lo(">=", plo), lo("<", phi)), true
	case "gt", "sa":
		return m(lo(">", n)), false
	case "lt", "eb":
		return m(lo("<", n)), false
	case "ge":
		return m(lo(">=", n)), false
	case "le":
		return m(lo("<=", n)), false
	case "ap":
		gap := math.Abs(n) * 0.1
		return m(lo(">=", n-gap), lo("<=", n+gap)), false
	}
	return m(lo(">=", plo), lo("<", phi)), false
}
