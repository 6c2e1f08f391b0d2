package ucum

import (
	"fmt"
	"math/big"
)

// Unit is a parsed UCUM expression: a magnitude (factor) over the base units
// and a dimension. A Unit is immutable and safe for concurrent use; parse a
// search parameter's unit once and reuse it for every candidate value.
type Unit struct {
	expr    string
	factor  *big.Rat      // value in base units of one of this unit; never zero
	dim     Dimension     //
	special *specialScale // non-nil for Cel and [degF]
}

// Parse parses a UCUM case-sensitive code (ucum.html, "c/s" column) such as
// "g/dL", "10*9/L", "/uL", "mm[Hg]", "mL/min/{1.73_m2}" or "m[IU]/mL". Besides
// strict UCUM it accepts the micro sign (U+00B5) and Greek mu (U+03BC) as the
// prefix "u"; "10^9" is UCUM too (the atom "10^" equals "10*").
//
// Errors are *Error values of kind ErrSyntax, ErrUnknownUnit, ErrNotUCUM (a
// laboratory spelling that Normalize maps: the message names the UCUM code)
// or ErrNotRatioScale (Cel or [degF] with a prefix, exponent or other unit).
// Parse rejects the shorthands "K/uL", "K/mm3" and "T/L" with ErrNotUCUM
// although they are well-formed UCUM, because read as UCUM they mean kelvin or
// tesla per volume, never what the laboratory meant.
func Parse(unit string) (*Unit, error) {
	if code, ok := labShorthand[microReplacer.Replace(unit)]; ok {
		meaning := ""
		if m, ok := shorthandMeaning[unit[:1]]; ok {
			meaning = "; read as UCUM it would mean " + m
		}
		return nil, &Error{Kind: ErrNotUCUM, Expr: unit, Msg: fmt.Sprintf(
			"%q is a laboratory shorthand for %q, not UCUM%s (see Normalize)", unit, code, meaning)}
	}
	u, err := parse(unit)
	if err != nil {
		if code, ok := Normalize(unit); ok {
			e := err.(*Error)
			return nil, &Error{Kind: ErrNotUCUM, Expr: unit, Msg: fmt.Sprintf(
				"%q is not UCUM (%s); the UCUM code is %q (see Normalize)", unit, e.Msg, code)}
		}
		return nil, err
	}
	return u, nil
}

// Canonical converts value in unit to base units and returns it with the
// canonical unit: 10.5 "g/dL" gives 105000 "g.m-3", and 105 "g/L" gives the
// same. Commensurable units always give the same canonical unit (see
// Dimension.String for the notation), so a FHIR quantity search compares the
// canonical values of the indexed and the searched quantity whenever their
// canonical units are equal. Annotations do not count: "{cells}/uL" and "/uL"
// are both "m-3".
//
// Errors: those of Parse, ErrNotRatioScale for Cel and [degF] (a temperature
// has no ratio-scale canonical value: convert it with Convert), ErrNilValue.
// value is not modified.
func Canonical(value *big.Rat, unit string) (*big.Rat, string, error) {
	u, err := Parse(unit)
	if err != nil {
		return nil, "", err
	}
	return u.Canonical(value)
}

// Convert converts value from one unit to another: Convert(10.5, "g/dL",
// "g/L") is exactly 105. It converts between Cel, [degF] and kelvin units
// (37 Cel is exactly 98.6 [degF]).
//
// Errors: those of Parse for either unit, ErrIncommensurable when the
// dimensions differ (g/L and mol/L need a molar mass, which is the mapping
// layer's business), ErrNilValue. value is not modified.
func Convert(value *big.Rat, from, to string) (*big.Rat, error) {
	f, err := Parse(from)
	if err != nil {
		return nil, err
	}
	t, err := Parse(to)
	if err != nil {
		return nil, err
	}
	return f.ConvertTo(value, t)
}

// String returns the expression the unit was parsed from.
func (u *Unit) String() string { return u.expr }

// Factor returns the magnitude of one u in its canonical unit (a copy): 1000
// for "g/L" (g.m-3), 1/1000000 for "mL" (m3), 1/100 for "%". For Cel and
// [degF] it is the size of one degree in kelvin.
func (u *Unit) Factor() *big.Rat { return new(big.Rat).Set(u.factor) }

// Dimension returns the dimension of u; its String is the canonical unit.
func (u *Unit) Dimension() Dimension { return u.dim }

// CanonicalUnit returns the canonical unit string of u, as Canonical does. For
// Cel and [degF] it is "K", although Canonical rejects them.
func (u *Unit) CanonicalUnit() string { return u.dim.String() }

// IsSpecial reports whether u is a special unit on an interval scale (Cel,
// [degF]): such a unit converts only with ConvertTo.
func (u *Unit) IsSpecial() bool { return u.special != nil }

// Commensurable reports whether values in u and v can be converted into each
// other: their dimensions are equal.
func (u *Unit) Commensurable(v *Unit) bool { return u.dim == v.dim }

// Canonical returns value × Factor and the canonical unit; see the function
// Canonical.
func (u *Unit) Canonical(value *big.Rat) (*big.Rat, string, error) {
	if value == nil {
		return nil, "", &Error{Kind: ErrNilValue, Expr: u.expr, Msg: "nil value for unit " + quote(u.expr)}
	}
	if u.special != nil {
		return nil, "", &Error{Kind: ErrNotRatioScale, Expr: u.expr, Msg: fmt.Sprintf(
			"%q is on an interval scale and has no canonical ratio-scale form; use Convert", u.expr)}
	}
	return new(big.Rat).Mul(value, u.factor), u.dim.String(), nil
}

// ConvertTo converts value from u to to; see the function Convert.
func (u *Unit) ConvertTo(value *big.Rat, to *Unit) (*big.Rat, error) {
	if value == nil {
		return nil, &Error{Kind: ErrNilValue, Expr: u.expr, Msg: "nil value for unit " + quote(u.expr)}
	}
	if u.dim != to.dim {
		return nil, &Error{Kind: ErrIncommensurable, Expr: u.expr, Msg: fmt.Sprintf(
			"cannot convert %q to %q: not commensurable (%s vs %s)", u.expr, to.expr, u.dim, to.dim)}
	}
	if u.special == nil && to.special == nil {
		r := new(big.Rat).Mul(value, u.factor)
		return r.Quo(r, to.factor), nil
	}
	// Through kelvin: both units have the dimension of K here.
	k := new(big.Rat).Mul(value, u.factor)
	if u.special != nil {
		k = u.special.toKelvin(value)
	}
	if to.special != nil {
		return to.special.fromKelvin(k), nil
	}
	return k.Quo(k, to.factor), nil
}

// labShorthand holds the laboratory count shorthands (thousands, millions,
// giga, tera "per volume") with their UCUM codes. Parse rejects them and
// Normalize maps them. Keys are after micro-sign replacement.
var labShorthand = map[string]string{
	"K/uL":  "10*3/uL",
	"k/uL":  "10*3/uL",
	"K/mm3": "10*3/mm3",
	"k/mm3": "10*3/mm3",
	"M/uL":  "10*6/uL",
	"M/mm3": "10*6/mm3",
	"G/L":   "10*9/L",
	"T/L":   "10*12/L",
}

// shorthandMeaning says what a shorthand's first letter means in UCUM.
var shorthandMeaning = map[string]string{"K": "kelvin per volume", "T": "tesla per volume"}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// Every error this package returns is an *Error.
var _ error = (*Error)(nil)
