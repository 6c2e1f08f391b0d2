package recist

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// Length is a lesion diameter in whole micrometres (thousandths of a
// millimetre). Radiology reports diameters with one or two decimals (12.5 mm,
// 1.25 cm), so an integer count of micrometres holds every reported value
// exactly and lets every RECIST threshold (domain.md §10) be decided with
// integer arithmetic; a float64 would misjudge the exact +20 % and -30 %
// boundaries.
type Length int64

// Millimetre is one millimetre as a Length.
const Millimetre Length = 1000

// Thresholds of RECIST 1.1 (domain.md §10), in Length units.
const (
	// TooSmallToMeasure is the default diameter of a lesion that is present
	// but too small to measure.
	TooSmallToMeasure = 5 * Millimetre
	// PDAbsoluteIncrease is the smallest absolute SoD increase over the nadir
	// that can be progression.
	PDAbsoluteIncrease = 5 * Millimetre
	// NodeNormal is the short axis below which a lymph node is normal.
	NodeNormal = 10 * Millimetre
	// NodeMeasurable is the smallest short axis of a measurable (target) node.
	NodeMeasurable = 15 * Millimetre
)

// MM returns n whole millimetres as a Length.
func MM(n int64) Length { return Length(n) * Millimetre }

// ErrInexactLength is returned when a value has more precision than one
// micrometre, so it cannot be held exactly.
var ErrInexactLength = errors.New("length is not a whole number of micrometres")

// LengthFromRat converts an exact number of millimetres (for example the
// result of a UCUM conversion of "1.25 cm") to a Length. It fails rather than
// rounds when the value is finer than a micrometre.
func LengthFromRat(mm *big.Rat) (Length, error) {
	if mm == nil {
		return 0, errors.New("length is missing")
	}
	um := new(big.Rat).Mul(mm, big.NewRat(int64(Millimetre), 1))
	if !um.IsInt() {
		return 0, ErrInexactLength
	}
	if !um.Num().IsInt64() {
		return 0, errors.New("length out of range")
	}
	return Length(um.Num().Int64()), nil
}

// ParseMM parses a decimal number of millimetres such as "12.5" exactly.
func ParseMM(s string) (Length, error) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok || strings.ContainsAny(s, "/eE") {
		return 0, fmt.Errorf("invalid length %q", s)
	}
	return LengthFromRat(r)
}

// Rat returns the length in millimetres as an exact rational.
func (l Length) Rat() *big.Rat { return big.NewRat(int64(l), int64(Millimetre)) }

// String renders the length in millimetres with the fewest decimals that keep
// it exact, for example "12.5 mm".
func (l Length) String() string {
	s := l.Rat().FloatString(3)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	return s + " mm"
}

// percentChange returns 100*(s-ref)/ref exactly, or nil when ref is 0 (a
// percentage of nothing is undefined; a nadir of 0 is judged by the absolute
// rule alone).
func percentChange(s, ref Length) *big.Rat {
	if ref == 0 {
		return nil
	}
	return big.NewRat(100*int64(s-ref), int64(ref))
}

// FormatPercent renders an exact percentage with one decimal, rounding half
// away from zero ("-30.0", "19.9", "+" is not written). A nil value, an
// undefined percentage, renders as "NA".
func FormatPercent(p *big.Rat) string {
	if p == nil {
		return "NA"
	}
	tenths := new(big.Rat).Mul(p, big.NewRat(10, 1))
	num, den := new(big.Int).Set(tenths.Num()), tenths.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	// round half away from zero: floor((2*num + den) / (2*den))
	q := new(big.Int).Add(new(big.Int).Lsh(num, 1), den)
	q.Quo(q, new(big.Int).Lsh(den, 1))
	s := q.String()
	if len(s) < 2 {
		s = "0" + s
	}
	s = s[:len(s)-1] + "." + s[len(s)-1:]
	if neg && q.Sign() != 0 {
		s = "-" + s
	}
	return s
}
