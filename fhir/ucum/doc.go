// Package ucum parses and converts quantities in UCUM, the Unified Code for
// Units of Measure (https://ucum.org/ucum; unit definitions as of UCUM 2.2).
// FHIR quantity search uses it to compare values written in different units
// (a search value-quantity=gt100|http://unitsofmeasure.org|g/L must match an
// Observation of 10.5 g/dL), and the mapping layer uses it to normalise
// laboratory values before eligibility rules compare them (domain.md §8).
// It is pure: no I/O, no state beyond its constant tables, safe for
// concurrent use.
//
// # API
//
//   - Parse turns a case-sensitive UCUM code into a *Unit (factor and
//     Dimension) that can be reused for many values.
//   - Canonical converts a value to base units and returns the canonical
//     unit string; commensurable units always give the same string.
//   - Convert converts a value between two commensurable units, including the
//     temperature scales Cel and [degF].
//   - Normalize maps laboratory spellings that are not UCUM ("K/uL",
//     "x10^9/L", "mcg", "IU/L", "mmHg") to UCUM codes, without guessing.
//   - Atoms lists the unit atoms the package knows.
//
// # Exact arithmetic
//
// Values and factors are math/big.Rat, never float64: every factor in the
// table is an exact rational (decimals from the UCUM tables, fractions such
// as 5/9 for [degR]), so every conversion is exact. A float64
// implementation computes 0.3 g/dL as 2.9999999999999996 g/L, and decides a
// "Hb > 9 g/dL" or "PLT >= 100 10*9/L" boundary case wrongly; here 0.3 g/dL
// is exactly 3 g/L, and 9 g/dL compares equal to 90 g/L.
//
// # Canonical form
//
// A canonical unit is written in base symbols joined by ".", with integer
// exponents: first the symbols with a positive exponent, then those with a
// negative one, each in the order m, s, g, rad, K, C, cd, mol, then the
// arbitrary units; "1" when dimensionless. For example g/dL -> "g.m-3",
// mmol/L -> "mol.m-3", 10*9/L -> "m-3", U/L -> "mol.m-3.s-1", [IU]/L ->
// "[iU].m-3", mm[Hg] -> "g.m-1.s-2", % -> "1". The canonical unit is itself
// valid UCUM with factor 1. The base units are UCUM's (ucum.html §28), so the
// gram, not the kilogram, is the unit of mass.
//
// A FHIR server indexes each quantity as (canonical value, canonical unit) and
// compares a search value canonicalised the same way; because every factor is
// positive, conversion keeps order, so the bounds of an implicit range ("eq"
// with its precision) can be converted one by one.
//
// # Syntax
//
// The full grammar of ucum.html §7-§10: multiplication ".", division "/"
// (same precedence, left to right: "mg/kg.h" is (mg/kg)·h), a leading "/" as
// in "/uL", parentheses, integer exponents with optional sign ("m2", "s-1",
// "10*9", "10*-3"), positive integer factors ("g/(24.h)", "2+10" = 1024),
// annotations in braces ("{cells}/uL", "{RBC}", "{INR}"), square-bracketed
// atoms ("mm[Hg]", "[in_i]"), and the prefixes Y Z E P T G M k h da d c m u n
// p f a z y on metric atoms. Beyond strict UCUM it accepts the micro sign
// (U+00B5) and the Greek mu (U+03BC) as "u"; "10^9" is UCUM's own synonym
// of "10*9". Whitespace is an error (§3). Expressions are limited to 256
// bytes, 16 levels of parentheses and exponents within ±99, because search
// parameters come from clients.
//
// # Units
//
// 113 atoms (see Atoms): the SI base and derived units; L and l; min,
// h, d, wk, mo (mean Julian month, 30.4375 d), a (Julian year, 365.25 d) and
// their variants; %, [ppth], [ppm], [ppb], 10* and 10^; mol, eq, osm, kat,
// U (enzyme unit, umol/min); [iU]/[IU] and other arbitrary units; g%;
// mm[Hg], m[H2O], bar, atm; [in_i], [ft_i], [lb_av], [oz_av], US and metric
// household volumes; cal, [Cal]; [HPF], [LPF]; K, [degR], Cel and [degF].
//
// Decisions, each deliberate:
//
//   - mol is a base dimension of its own, not the number 6.02214076e23, so
//     that mol/L never converts to a count per litre.
//   - Arbitrary units ([iU], [arb'U], [CFU], ...) are each a dimension of
//     their own: [IU]/L converts to m[IU]/mL but never to U/L, nor to another
//     arbitrary unit. (ucum.html §25 forbids even the first; common
//     implementations and the domain's m[IU]/L = u[IU]/mL allow it.) Treating
//     IU/L as U/L for transaminases is a policy of the mapping layer.
//   - Annotations mean nothing (ucum.html §6): "{copies}/mL" equals "/mL" and
//     "{INR}" equals "1". Telling INR from a ratio, or copies from IU, is the
//     job of the LOINC code, not of the unit.
//   - Cel and [degF] lie on interval scales (§21): Convert handles them
//     through kelvin, Canonical rejects them (ErrNotRatioScale), and they must
//     stand alone: no prefix, exponent or other unit.
//   - Parse rejects "K/uL", "K/mm3" and "T/L" although they are well-formed
//     UCUM (kelvin or tesla per volume): no laboratory means that.
//   - The dalton "u" is left out, so that "u/L", a common typo for U/L, is an
//     error rather than a mass concentration. Also left out: [pi] and the
//     angle units built on it (irrational factors), logarithmic units (B, Np,
//     [pH]), CGS electromagnetic units, binary prefixes and UCUM's
//     case-insensitive codes.
//
// # Out of scope
//
// Conversions between mass and substance concentration (creatinine mg/dL <->
// umol/L, glucose mg/dL <-> mmol/L, haemoglobin g/dL <-> mmol/L) need the
// molar mass of the analyte: they are not unit conversions and belong to the
// mapping layer, which knows the analyte. Here they fail with
// ErrIncommensurable. So do copies <-> IU (assay-specific factors).
//
// # Errors
//
// Every error is an *Error whose Kind is one of ErrSyntax, ErrUnknownUnit,
// ErrNotUCUM, ErrIncommensurable, ErrNotRatioScale or ErrNilValue (test with
// errors.Is). Messages name the expression and the position or symbol at
// fault, and, for a known laboratory spelling, the UCUM code to use. They
// hold unit expressions only, never values, so they are safe to log.
package ucum
