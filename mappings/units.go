package mappings

import (
	"fmt"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"

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
	var problem string
	q.Value, q.Unit, problem = t.Convert(concept, value, unit, ucumCode)
	return q, problem
}

// Convert is Normalise without the received text, for values that are not
// evidence themselves (reference range bounds, read for every result): the
// value in the concept's canonical unit, that unit, or a problem.
func (t *Tables) Convert(concept string, value *big.Rat, unit, ucumCode string) (*big.Rat, string, string) {
	ut := t.units[concept]
	switch {
	case value == nil:
		return nil, "", "no value"
	case ut == nil:
		return nil, "", fmt.Sprintf("concept %s has no unit table: a quantity cannot be used", concept)
	}
	v, u, problem := logValue(value, unit, ucumCode)
	if problem != "" {
		return nil, ut.canonical, problem
	}
	// Every conversion here is a multiplication by a positive factor, so
	// the factor of (concept, unit, code) is computed once and cached.
	key := concept + "\x00" + u[0] + "\x00" + u[1]
	f, ok := t.factors.Load(key)
	if !ok {
		factor, problem := ut.convert(big.NewRat(1, 1), u)
		if problem != "" {
			problem = fmt.Sprintf("%s: %s", concept, problem)
		}
		f = conversion{factor: factor, problem: problem}
		if t.factorCount.Load() < unitCacheMax {
			if _, loaded := t.factors.LoadOrStore(key, f); !loaded {
				t.factorCount.Add(1)
			}
		}
	}
	c := f.(conversion)
	if c.problem != "" {
		return nil, ut.canonical, c.problem
	}
	return new(big.Rat).Mul(v, c.factor), ut.canonical, ""
}

// conversion is the cached factor (or problem) of one received unit.
type conversion struct {
	factor  *big.Rat
	problem string
}

// convert converts value in the received unit (code or text) to canonical.
func (ut *unitTable) convert(value *big.Rat, units []string) (*big.Rat, string) {
	var parsed *ucum.Unit
	var code string
	for _, s := range units {
		if s == "" {
			continue
		}
		if pu := parseUnit(s); pu.unit != nil {
			parsed, code = pu.unit, pu.code
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

// parsedUnit is a unit string as Normalize and Parse read it.
type parsedUnit struct {
	code string
	unit *ucum.Unit // nil when the string is not understood
}

// unitCache remembers parsed unit strings: a feed repeats a few dozen unit
// spellings, and parsing dominated Build's profile. It stops growing at
// unitCacheMax entries so that odd input cannot exhaust memory.
var (
	unitCache     sync.Map // string -> parsedUnit
	unitCacheSize atomic.Int64
)

const unitCacheMax = 4096

func parseUnit(s string) parsedUnit {
	if v, ok := unitCache.Load(s); ok {
		return v.(parsedUnit)
	}
	var pu parsedUnit
	if c, ok := ucum.Normalize(s); ok {
		if u, err := ucum.Parse(c); err == nil {
			pu = parsedUnit{code: c, unit: u}
		}
	}
	if unitCacheSize.Load() < unitCacheMax {
		if _, loaded := unitCache.LoadOrStore(s, pu); !loaded {
			unitCacheSize.Add(1)
		}
	}
	return pu
}

// formatRat writes a value as a decimal when it has a finite one (its
// denominator has no prime factors but 2 and 5), else as "a/b".
func formatRat(r *big.Rat) string {
	if r == nil {
		return ""
	}
	if r.IsInt() {
		return r.Num().String()
	}
	if den := r.Denom(); den.IsUint64() {
		d, n2, n5 := den.Uint64(), 0, 0
		for d%2 == 0 {
			d, n2 = d/2, n2+1
		}
		for d%5 == 0 {
			d, n5 = d/5, n5+1
		}
		if d != 1 {
			return r.RatString()
		}
		return r.FloatString(max(n2, n5))
	}
	d := new(big.Int).Set(r.Denom())
	digits := 0
	two, five, rem := big.NewInt(2), big.NewInt(5), new(big.Int)
	for _, p := range []*big.Int{two, five} {
		n := 0
		for {
			q, m := new(big.Int).QuoRem(d, p, rem)
			if m.Sign() != 0 {
				break
			}
			d, n = q, n+1
		}
		digits = max(digits, n)
	}
	if d.Cmp(big.NewInt(1)) != 0 {
		return r.RatString()
	}
	return r.FloatString(digits)
}
