package eligibility

import (
	"math/big"
	"strings"
)

// tri is a three-valued truth: a comparison on a value with a comparator
// ("<20") or a partial date can be undecidable.
type tri int8

const (
	no tri = iota
	yes
	maybe
)

func (t tri) not() tri {
	switch t {
	case yes:
		return no
	case no:
		return yes
	}
	return maybe
}

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("eligibility: bad constant " + s)
	}
	return r
}

func mul(a, b *big.Rat) *big.Rat { return new(big.Rat).Mul(a, b) }

// holds reports whether the true value behind v with FHIR comparator cmp
// satisfies "x op t". Comparisons are exact (domain.md §1: unrounded values,
// thresholds as written); a comparator is applied conservatively: "<20"
// against a limit of 200 is decided, "<1000" against 200 is not.
func holds(v *big.Rat, cmp, op string, t *big.Rat) tri {
	switch op {
	case "<=":
		return holds(v, cmp, ">", t).not()
	case "<":
		return holds(v, cmp, ">=", t).not()
	}
	var lo, hi *big.Rat
	var loStrict, hiStrict bool
	switch cmp {
	case "":
		lo, hi = v, v
	case "<":
		hi, hiStrict = v, true
	case "<=":
		hi = v
	case ">":
		lo, loStrict = v, true
	case ">=":
		lo = v
	}
	strict := op == ">"
	if lo != nil {
		if c := lo.Cmp(t); c > 0 || (c == 0 && (!strict || loStrict)) {
			return yes
		}
	}
	if hi != nil {
		if c := hi.Cmp(t); c < 0 || (c == 0 && (strict || hiStrict)) {
			return no
		}
	}
	return maybe
}

// decimal renders an exact value for evidence: exact when it terminates
// within 6 places, else rounded to 6 places.
func decimal(r *big.Rat) string {
	if r == nil {
		return ""
	}
	if r.IsInt() {
		return r.Num().String()
	}
	s := r.FloatString(6)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func has(list []string, key string) bool {
	for _, k := range list {
		if k == key {
			return true
		}
	}
	return false
}

func hasAny(list []string, keys ...string) bool {
	for _, k := range keys {
		if has(list, k) {
			return true
		}
	}
	return false
}

// qual reduces a qualitative result to pos, neg, ind or "" (domain.md §1
// qualitative results), falling back to the interpretation.
func qual(o *Observation) string {
	switch o.Result {
	case "positive", "detected":
		return "pos"
	case "negative", "not-detected":
		return "neg"
	case "indeterminate":
		return "ind"
	}
	switch o.Interpretation {
	case "POS", "DET":
		return "pos"
	case "NEG", "ND":
		return "neg"
	case "IND":
		return "ind"
	}
	return ""
}
