package search

import (
	"github.com/trialfhir/trialfhir/fhir"
)

// prefixes of ordered parameter values (R4 3.1.1.4.1).
var prefixes = []string{"eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"}

// cutPrefix splits "ge2020" into "ge" and "2020"; no prefix is "eq".
func cutPrefix(v string) (string, string) {
	if len(v) >= 2 {
		for _, p := range prefixes {
			if v[:2] == p {
				return p, v[2:]
			}
		}
	}
	return "eq", v
}

func lo(op string, v float64) fhir.Bound { return fhir.Bound{Op: op, V: v} }
func hi(op string, v float64) fhir.Bound { return fhir.Bound{Hi: true, Op: op, V: v} }

// rangeMatches turns a prefix and the interval [slo, shi] of a search value
// into matches on an index interval [lo, hi], following the wording of R4
// 3.1.1.4.1 for ranges: "eq" the search range contains the target, "gt"
// the range above the search value overlaps it, and so on. approx is the
// margin "ap" allows on each side. ne is returned as eq with not set.
func rangeMatches(param, prefix string, slo, shi, approx float64) (ms []fhir.Match, not bool) {
	m := func(bounds ...fhir.Bound) fhir.Match {
		return fhir.Match{Kind: fhir.MatchRange, Param: param, Bounds: bounds}
	}
	contained := m(lo(">=", slo), hi("<=", shi))
	switch prefix {
	case "ne":
		return []fhir.Match{contained}, true
	case "gt":
		return []fhir.Match{m(hi(">", shi))}, false
	case "lt":
		return []fhir.Match{m(lo("<", slo))}, false
	case "ge":
		return []fhir.Match{m(hi(">", shi)), contained}, false
	case "le":
		return []fhir.Match{m(lo("<", slo)), contained}, false
	case "sa":
		return []fhir.Match{m(lo(">", shi))}, false
	case "eb":
		return []fhir.Match{m(hi("<", slo))}, false
	case "ap":
		return []fhir.Match{m(lo("<=", shi+approx), hi(">=", slo-approx))}, false
	}
	return []fhir.Match{contained}, false
}
