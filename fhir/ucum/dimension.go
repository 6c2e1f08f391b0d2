package ucum

import (
	"strconv"
	"strings"
)

// Dimension indices. The first seven are the UCUM base units in the order of
// ucum.html §28 (m, s, g, rad, K, C, cd). UCUM defines mol as the number
// 6.02214076e23 (6.0221367e23 before 2019); this package keeps mol as an eighth
// base dimension instead, so that mol/L is never commensurable with 1/L and no
// conversion ever goes through Avogadro's number.
const (
	dimMetre = iota
	dimSecond
	dimGram
	dimRadian
	dimKelvin
	dimCoulomb
	dimCandela
	dimMole
	numBaseDims
)

// baseSymbols are the canonical symbols of the base dimensions, by index.
var baseSymbols = [numBaseDims]string{"m", "s", "g", "rad", "K", "C", "cd", "mol"}

// arbitraryAtoms are the arbitrary units this package knows (ucum.html §24).
// Each is a dimension of its own: [iU] is never commensurable with U (an
// enzyme unit, umol/min) nor with [arb'U]. [IU] is defined as 1 [iU] in the
// table, so it shares the [iU] dimension.
var arbitraryAtoms = [...]string{
	"[iU]", "[arb'U]", "[USP'U]", "[GPL'U]", "[MPL'U]", "[APL'U]", "[beth'U]",
	"[anti'Xa'U]", "[todd'U]", "[CFU]", "[PFU]", "[AU]", "[BAU]", "[EU]", "[ELU]",
}

// numDims is the length of a dimension vector: base units, then arbitrary units.
const numDims = numBaseDims + len(arbitraryAtoms)

// Dimension is the exponent vector of a unit over the base units (and the
// arbitrary units, each its own base). Two units are commensurable exactly
// when their dimensions are equal; Dimension is comparable with ==.
type Dimension struct {
	exp [numDims]int
}

// IsDimensionless reports whether d is the dimension of the unity "1"
// (%, 10*3, {cells}, {INR}).
func (d Dimension) IsDimensionless() bool { return d == Dimension{} }

// String returns the canonical unit of d: the base symbols joined by "." with
// their integer exponents, those with a positive exponent first, each group in
// the fixed order m, s, g, rad, K, C, cd, mol, then the arbitrary units; "1"
// when d is dimensionless. Examples: "g.m-3" (g/dL), "mol.m-3.s-1" (U/L),
// "m-3" (10*9/L), "[iU].m-3" ([IU]/L), "g.m-1.s-2" (mm[Hg]). The result is
// itself a UCUM expression whose factor is exactly 1, and it depends only on
// d, so commensurable units always give the same string.
func (d Dimension) String() string {
	var parts []string
	for _, positive := range []bool{true, false} {
		for i, e := range d.exp {
			if e == 0 || (e > 0) != positive {
				continue
			}
			s := dimSymbol(i)
			if e != 1 {
				s += strconv.Itoa(e)
			}
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return "1"
	}
	return strings.Join(parts, ".")
}

func dimSymbol(i int) string {
	if i < numBaseDims {
		return baseSymbols[i]
	}
	return arbitraryAtoms[i-numBaseDims]
}

func (d Dimension) mul(o Dimension) Dimension {
	for i := range d.exp {
		d.exp[i] += o.exp[i]
	}
	return d
}

func (d Dimension) div(o Dimension) Dimension {
	for i := range d.exp {
		d.exp[i] -= o.exp[i]
	}
	return d
}

func (d Dimension) pow(n int) Dimension {
	for i := range d.exp {
		d.exp[i] *= n
	}
	return d
}

func baseDimension(i int) Dimension {
	var d Dimension
	d.exp[i] = 1
	return d
}
