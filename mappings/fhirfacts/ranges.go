package fhirfacts

import (
	"math/big"
	"regexp"
	"strings"

	"github.com/trialfhir/trialfhir/mappings"
	"github.com/trialfhir/trialfhir/trial/eligibility"
	"golang.org/x/text/unicode/norm"
)

// textQuantity is a number written as text, with its comparator and unit.
type textQuantity struct {
	comparator string
	value      *big.Rat
	unit       string
}

// quantityText matches "<2.0E+01 IU/mL", "≤ 20", "1.5×10^2 copies/mL",
// "1.5x10E3 copies/mL".
var quantityText = regexp.MustCompile(`(?i)^(<=|>=|<|>)?\s*([0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)\s*(?:[x×*]\s*10\s*(?:\^|e|\*\*)\s*([+-]?[0-9]+))?\s*(.*)$`)

// comparators spells the comparison signs of text values the FHIR way.
var comparators = strings.NewReplacer("≤", "<=", "≥", ">=", "＜", "<", "＞", ">")

func parseTextQuantity(s string) (textQuantity, bool) {
	s = comparators.Replace(strings.TrimSpace(s))
	m := quantityText.FindStringSubmatch(s)
	if m == nil {
		return textQuantity{}, false
	}
	v, ok := new(big.Rat).SetString(strings.ToLower(m[2]))
	if !ok {
		return textQuantity{}, false
	}
	if m[3] != "" {
		exp, ok := new(big.Rat).SetString("1e" + strings.TrimPrefix(m[3], "+"))
		if !ok {
			return textQuantity{}, false
		}
		v.Mul(v, exp)
	}
	// The unit keeps its case: u/L is not U/L.
	unit := strings.TrimSpace(m[4])
	return textQuantity{comparator: m[1], value: v, unit: unit}, true
}

// rangeText matches "0-40", "3.5~5.5", "3.5–5.5", "3.5 - 5.5 g/dL",
// "<5", "≤40", "0--1.0" as reference range text.
var rangeText = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)\s*(?:-{1,2}|~|～|–|—|至|to)\s*([0-9]+(?:\.[0-9]+)?)\s*(.*)$`)

// referenceRange picks the LLN and ULN of domain.md §1: ranges of type
// normal (or without type) whose appliesTo and age fit the patient on the
// reading's date; a range that states criteria and fits beats one that
// states none. Bounds are converted to the concept's canonical unit (a
// bound without unit takes the value's unit). Text-only ranges are parsed
// and flagged.
func (b *builder) referenceRange(concept string, ranges []refRange, unit, code string, date eligibility.Date) (low, high *big.Rat, fromText bool) {
	var best *refRange
	bestFits := false
	for i := range ranges {
		rr := &ranges[i]
		if rr.Type != nil && !rr.Type.has("", "normal") {
			continue
		}
		fits, stated := b.rangeApplies(rr, date)
		if !fits {
			continue
		}
		if best == nil || stated && !bestFits {
			best, bestFits = rr, stated
		}
	}
	if best == nil {
		return nil, nil, false
	}
	if best.Low == nil && best.High == nil {
		return b.textRange(concept, best.Text, unit, code)
	}
	return b.bound(concept, best.Low, unit, code), b.bound(concept, best.High, unit, code), false
}

func (b *builder) bound(concept string, q *quantity, unit, code string) *big.Rat {
	if q == nil {
		return nil
	}
	v, ok := new(big.Rat).SetString(q.Value.String())
	if !ok {
		return nil
	}
	if q.Unit != "" || ucumCode(q) != "" {
		unit, code = q.Unit, ucumCode(q)
	}
	n, _, problem := b.tables.Convert(concept, v, unit, code)
	if problem != "" {
		return nil
	}
	return n
}

func (b *builder) textRange(concept, text, unit, code string) (low, high *big.Rat, fromText bool) {
	s := comparators.Replace(strings.TrimSpace(norm.NFKC.String(text)))
	convert := func(lit, ownUnit string) *big.Rat {
		v, ok := new(big.Rat).SetString(lit)
		if !ok {
			return nil
		}
		u, c := unit, code
		if ownUnit = strings.TrimSpace(ownUnit); ownUnit != "" {
			u, c = ownUnit, ""
		}
		n, _, problem := b.tables.Convert(concept, v, u, c)
		if problem != "" {
			return nil
		}
		return n
	}
	if m := rangeText.FindStringSubmatch(s); m != nil {
		low, high = convert(m[1], m[3]), convert(m[2], m[3])
		return low, high, low != nil || high != nil
	}
	if tq, ok := parseTextQuantity(s); ok {
		v := convert(tq.value.RatString(), tq.unit)
		switch tq.comparator {
		case "<", "<=":
			return nil, v, v != nil
		case ">", ">=":
			return v, nil, v != nil
		}
	}
	return nil, nil, false
}

// rangeApplies reports whether a range fits the patient and whether it
// states any criterion (appliesTo or age).
func (b *builder) rangeApplies(rr *refRange, date eligibility.Date) (fits, stated bool) {
	gender := b.facts.Patient.Gender
	for i := range rr.AppliesTo {
		sex := rangeSex(&rr.AppliesTo[i])
		if sex == "" {
			continue
		}
		stated = true
		if sex != gender {
			return false, true
		}
	}
	if rr.Age != nil {
		stated = true
		age := ageOn(b.facts.Patient.BirthDate, date)
		if age < 0 {
			return false, true
		}
		a := big.NewRat(int64(age), 1)
		if lo := ageYears(rr.Age.Low); lo != nil && a.Cmp(lo) < 0 {
			return false, true
		}
		if hi := ageYears(rr.Age.High); hi != nil && a.Cmp(hi) > 0 {
			return false, true
		}
	}
	return true, stated
}

// rangeSex reads male/female from administrative-gender, SNOMED 248153007
// / 248152002, or text (男/女).
func rangeSex(c *concept) string {
	for _, cd := range c.Coding {
		switch cd.Code {
		case "male", "248153007", "M":
			return "male"
		case "female", "248152002", "F":
			return "female"
		}
	}
	switch mappings.NormaliseText(c.label()) {
	case "male", "男", "男性":
		return "male"
	case "female", "女", "女性":
		return "female"
	}
	return ""
}

// ageYears reads a range age bound in years (unit "a", "yr", "岁" or none).
func ageYears(q *quantity) *big.Rat {
	if q == nil {
		return nil
	}
	v, ok := new(big.Rat).SetString(q.Value.String())
	if !ok {
		return nil
	}
	switch strings.ToLower(firstNonEmpty(q.Code, q.Unit)) {
	case "", "a", "yr", "y", "year", "years", "岁":
		return v
	case "mo":
		return v.Quo(v, big.NewRat(12, 1))
	}
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
