package ucum

import "errors"

// The kinds of failure this package reports. Every error it returns is an
// *Error whose Kind is one of these, so callers test with errors.Is and map
// the kind to their own codes (for FHIR search: invalid / 400 for the first
// three, a plain non-match or invalid for the others, as the caller decides).
var (
	// ErrSyntax means the expression breaks the UCUM grammar (ucum.html §7-§10):
	// an empty string, whitespace, an unbalanced parenthesis, bracket or brace,
	// an operator without an operand, a zero factor, an exponent out of range.
	ErrSyntax = errors.New("invalid UCUM syntax")
	// ErrUnknownUnit means a symbol is not a unit atom this package knows, with
	// or without a prefix (UCUM is case-sensitive: "MG" is not "mg").
	ErrUnknownUnit = errors.New("unknown unit")
	// ErrNotUCUM means the expression is a laboratory spelling that is not
	// UCUM but that Normalize maps to a UCUM code, which the message names
	// ("K/uL", "IU/L", "mcg", "x10^9/L"). Parse never guesses: the caller
	// decides whether to normalise.
	ErrNotUCUM = errors.New("not a UCUM code")
	// ErrIncommensurable means Convert was asked to convert between units of
	// different dimensions (g/L and mol/L, U/L and [IU]/L).
	ErrIncommensurable = errors.New("units are not commensurable")
	// ErrNotRatioScale means a special unit on an interval scale (Cel,
	// [degF]) was used where only ratio-scale units make sense: in Canonical,
	// or combined with other units, a prefix or an exponent (ucum.html §21-§22).
	ErrNotRatioScale = errors.New("unit is not on a ratio scale")
	// ErrNilValue means a nil *big.Rat was passed as the value.
	ErrNilValue = errors.New("nil value")
)

// Error describes why an expression could not be parsed or a value not be
// converted. It holds unit expressions only, never a measured value, so it is
// safe to log.
type Error struct {
	// Kind is one of the Err* values of this package.
	Kind error
	// Expr is the unit expression at fault, as the caller gave it.
	Expr string
	// Msg says what is wrong, in lower case, without the "ucum: " prefix.
	Msg string
}

// Error returns the message prefixed with the package name.
func (e *Error) Error() string { return "ucum: " + e.Msg }

// Unwrap returns the kind, so that errors.Is(err, ErrSyntax) works.
func (e *Error) Unwrap() error { return e.Kind }
