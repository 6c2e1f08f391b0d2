package mappings

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/trialfhir/trialfhir/fhir/ucum"
	"github.com/trialfhir/trialfhir/trial/eligibility"
)

// NoUnit is how a unit table writes "no unit sent" (an INR without unit).
const NoUnit = "(none)"

// unitTable is the canonical unit of one concept and its conversions.
type unitTable struct {
	canonical string
	canon     *ucum.Unit
	// guarded concepts have a dimensionless canonical unit ({INR}, %, 1):
	// only their listed units apply, never UCUM commensurability, because
	// INR, PT %, PT ratio and any other ratio are all "dimensionless" and
	// must never be converted into one another (domain.md §8).
	guarded bool
	rows    []unitRow
}

type unitRow struct {
	from   string     // normalised (ucum.Normalize) unit, or NoUnit
	unit   *ucum.Unit // nil for NoUnit
	factor *big.Rat   // canonical value = value in from x factor
}

// addUnit reads "concept canonical from factor note".
func (t *Tables) addUnit(cols []string) error {
	concept, canonical, from, factor := col(cols, 0), col(cols, 1), col(cols, 2), col(cols, 3)
	if concept == "" || canonical == "" {
		return fmt.Errorf("unit row needs concept and canonical unit")
	}
	ut := t.units[concept]
	if ut == nil {
		u, err := ucum.Parse(canonical)
		if err != nil {
			return fmt.Errorf("concept %s: canonical unit: %w", concept, err)
		}
		ut = &unitTable{canonical: canonical, canon: u, guarded: u.Dimension().IsDimensionless()}
		t.units[concept] = ut
	} else if ut.canonical != canonical {
		return fmt.Errorf("concept %s: canonical unit %q contradicts %q", concept, canonical, ut.canonical)
	}
	if from == "" || from == "-" {
		return nil
	}
	f, err := parseFactor(factor)
	if err != nil {
		return fmt.Errorf("concept %s, unit %s: %w", concept, from, err)
	}
	r := unitRow{from: NoUnit, factor: f}
	if from != NoUnit {
		code, ok := ucum.Normalize(from)
		if !ok {
			return fmt.Errorf("concept %s: unit %q is not UCUM", concept, from)
		}
		if r.unit, err = ucum.Parse(code); err != nil {
			return fmt.Errorf("concept %s: unit %q: %w", concept, from, err)
		}
		r.from = code
	}
	ut.rows = append(ut.rows, r)
	return nil
}

// parseFactor reads an exact factor: a decimal ("1.611") or a quotient of
// decimals ("1/88.4", "1/18.016").
func parseFactor(s string) (*big.Rat, error) {
	num, den, isQuot := strings.Cut(s, "/")
	n, ok := new(big.Rat).SetString(num)
	if !ok {
		return nil, fmt.Errorf("bad factor %q", s)
	}
	if isQuot {
		d, ok := new(big.Rat).SetString(den)
		if !ok || d.Sign() == 0 {
			return nil, fmt.Errorf("bad factor %q", s)
		}
		n.Quo(n, d)
	}
	if n.Sign() <= 0 {
		return nil, fmt.Errorf("factor %q must be positive", s)
	}
	return n, nil
}

// CanonicalUnit returns the canonical unit of concept ("g/dL" for
// hemoglobin), or "" when the concept has no unit table (qualitative).
func (t *Tables) CanonicalUnit(concept string) string {
	if ut := t.units[concept]; ut != nil {
		return ut.canonical
	}
	return ""
}

// Normalise converts value, sent with the unit text unit and the UCUM code
// ucumCode (either may be empty; the code wins when it parses), to the
// canonical unit of concept. Order: a unit listed for the concept (the
// analyte-specific factors of domain.md §8: Hb mmol/L x1.611, creatinine
// umol/L / 88.4, bilirubin mg/dL x17.1, glucose mg/dL / 18.016, HBV DNA
// copies/mL / 5, BP kPa x7.50062, transaminases [IU]/L x1) or any unit
// commensurable with one; else a unit commensurable with the canonical unit
// (fhir/ucum, exact). A unit written "log10 IU/mL" converts 10^value.
//
// On failure the Quantity has a nil Value and the problem says why; the
// caller keeps the value as received. Received is always "value unit".
func (t *Tables) Normalise(concept string, value *big.Rat, unit, ucumCode string) (eligibility.Quantity, string) {
	sent := strings.TrimSpace(unit)
	if sent == "" {
		sent = strings.TrimSpace(ucumCode)
	}
	q := eligibility.Quantity{Received: strings.TrimSpace(formatRat(value) + " " + sent)}
	ut := t.units[concept]
	switch {
	case value == nil:
		return q, "no value"
	case ut == nil:
		return q, fmt.Sprintf("concept %s has no unit table: a quantity cannot be used", concept)
	}
	q.Unit = ut.canonical
	v, u, problem := logValue(value, unit, ucumCode)
	if problem != "" {
		return q, problem
	}
	out, problem := ut.convert(v, u)
	if problem != "" {
		return q, fmt.Sprintf("%s: %s", concept, problem)
	}
	q.Value = out
	return q, ""
}

// convert converts value in the received unit (code or text) to canonical.
func (ut *unitTable) convert(value *big.Rat, units []string) (*big.Rat, string) {
	var parsed *ucum.Unit
	var code string
	for _, s := range units {
		if s == "" {
			continue
		}
		c, ok := ucum.Normalize(s)
		if !ok {
			continue
		}
		if u, err := ucum.Parse(c); err == nil {
			parsed, code = u, c
			break
		}
	}
	if parsed == nil {
		if units[0] == "" && units[1] == "" {
			code = NoUnit
		} else {
			return nil, fmt.Sprintf("unit %q is not understood", firstNonEmpty(units))
		}
	}
	// A listed unit, spelled the same: the table's factor decides (it may
	// differ from UCUM's, as kPa x7.50062 does).
	for _, r := range ut.rows {
		if r.from == code {
			return new(big.Rat).Mul(value, r.factor), ""
		}
	}
	if parsed == nil || ut.guarded {
		return nil, fmt.Sprintf("unit %q is not accepted (only the listed units convert to %s)", firstNonEmpty(units), ut.canonical)
	}
	if parsed.Commensurable(ut.canon) {
		out, err := parsed.ConvertTo(value, ut.canon)
		if err != nil {
			return nil, err.Error()
		}
		return out, ""
	}
	for _, r := range ut.rows {
		if r.unit != nil && parsed.Commensurable(r.unit) {
			out, err := parsed.ConvertTo(value, r.unit)
			if err != nil {
				return nil, err.Error()
			}
			return out.Mul(out, r.factor), ""
		}
	}
	return nil, fmt.Sprintf("unit %q does not convert to %s", firstNonEmpty(units), ut.canonical)
}

func firstNonEmpty(s []string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// formatRat writes a value as a decimal when it has a finite one.
func formatRat(r *big.Rat) string {
	if r == nil {
		return ""
	}
	if r.IsInt() {
		return r.Num().String()
	}
	for prec := 1; prec <= 12; prec++ {
		s := r.FloatString(prec)
		if back, ok := new(big.Rat).SetString(s); ok && back.Cmp(r) == 0 {
			return s
		}
	}
	return r.RatString()
}
