package ucum

import (
	"fmt"
	"math/big"
	"strings"
)

// prefix is a metric prefix (ucum.html §27, Table 1).
type prefix struct {
	code  string
	value string // exact decimal
}

// prefixes are the decimal prefixes of UCUM, the two-letter "da" first so
// that the longest matching prefix is tried first (ucum.html §4 ■4). The
// binary prefixes (Ki, Mi, ...) are left out: no clinical unit uses them.
var prefixes = []prefix{
	{"da", "1e1"},
	{"Y", "1e24"}, {"Z", "1e21"}, {"E", "1e18"}, {"P", "1e15"}, {"T", "1e12"},
	{"G", "1e9"}, {"M", "1e6"}, {"k", "1e3"}, {"h", "1e2"},
	{"d", "1e-1"}, {"c", "1e-2"}, {"m", "1e-3"}, {"u", "1e-6"}, {"n", "1e-9"},
	{"p", "1e-12"}, {"f", "1e-15"}, {"a", "1e-18"}, {"z", "1e-21"}, {"y", "1e-24"},
}

// atomKind tells how an atom's magnitude and dimension are found.
type atomKind int

const (
	proper    atomKind = iota // value × def
	base                      // a base dimension, factor 1
	arbitrary                 // an arbitrary unit: its own dimension, factor 1
	special                   // on an interval scale: see specialScale
)

// atomSpec defines one unit atom as in the UCUM tables (ucum.html §28-§45):
// its magnitude is value times the UCUM term def. The definitions are the
// specification's; the selection (about a hundred of its ~300 atoms) is the
// units clinical laboratories, vital signs and dosing use. Deliberately left
// out: "u" (dalton), so that the frequent typo "u/L" for U/L is rejected
// rather than read as a mass concentration; [pi] and the angle units built on
// it, whose factors are irrational; the CGS electromagnetic units (G gauss
// would make the laboratory shorthand "G/L" parse); logarithmic special units
// (B, Np, [pH]).
type atomSpec struct {
	code   string
	metric bool
	kind   atomKind
	value  string // exact decimal or fraction; for base and arbitrary atoms unused
	def    string // UCUM term; may use only atoms listed before this one
	dim    int    // for base atoms: the dimension index
}

// atomTable lists the atoms. Order matters: a definition refers only to atoms
// above it (checked when the package loads).
var atomTable = []atomSpec{
	// Base units (§28), plus mol as a base dimension of its own.
	{code: "m", metric: true, kind: base, dim: dimMetre},
	{code: "s", metric: true, kind: base, dim: dimSecond},
	{code: "g", metric: true, kind: base, dim: dimGram},
	{code: "rad", metric: true, kind: base, dim: dimRadian},
	{code: "K", metric: true, kind: base, dim: dimKelvin},
	{code: "C", metric: true, kind: base, dim: dimCoulomb},
	{code: "cd", metric: true, kind: base, dim: dimCandela},
	{code: "mol", metric: true, kind: base, dim: dimMole},

	// Dimensionless units (§29). "10^" is UCUM's own alternative to "10*".
	{code: "10*", value: "10", def: "1"},
	{code: "10^", value: "10", def: "1"},
	{code: "%", value: "1", def: "10*-2"},
	{code: "[ppth]", value: "1", def: "10*-3"},
	{code: "[ppm]", value: "1", def: "10*-6"},
	{code: "[ppb]", value: "1", def: "10*-9"},
	{code: "[pptr]", value: "1", def: "10*-12"},

	// SI derived units (§30).
	{code: "sr", metric: true, value: "1", def: "rad2"},
	{code: "Hz", metric: true, value: "1", def: "s-1"},
	{code: "N", metric: true, value: "1", def: "kg.m/s2"},
	{code: "Pa", metric: true, value: "1", def: "N/m2"},
	{code: "J", metric: true, value: "1", def: "N.m"},
	{code: "W", metric: true, value: "1", def: "J/s"},
	{code: "A", metric: true, value: "1", def: "C/s"},
	{code: "V", metric: true, value: "1", def: "J/C"},
	{code: "F", metric: true, value: "1", def: "C/V"},
	{code: "Ohm", metric: true, value: "1", def: "V/A"},
	{code: "S", metric: true, value: "1", def: "Ohm-1"},
	{code: "Wb", metric: true, value: "1", def: "V.s"},
	{code: "T", metric: true, value: "1", def: "Wb/m2"},
	{code: "H", metric: true, value: "1", def: "Wb/A"},
	{code: "lm", metric: true, value: "1", def: "cd.sr"},
	{code: "lx", metric: true, value: "1", def: "lm/m2"},
	{code: "Bq", metric: true, value: "1", def: "s-1"},
	{code: "Gy", metric: true, value: "1", def: "J/kg"},
	{code: "Sv", metric: true, value: "1", def: "J/kg"},
	// UCUM marks Cel metric; this package accepts it bare only (see special.go).
	{code: "Cel", metric: true, kind: special},

	// Other units from ISO 1000 (§31). Time units are not metric: no "kh".
	{code: "l", metric: true, value: "1", def: "dm3"},
	{code: "L", metric: true, value: "1", def: "l"},
	{code: "ar", metric: true, value: "100", def: "m2"},
	{code: "min", value: "60", def: "s"},
	{code: "h", value: "60", def: "min"},
	{code: "d", value: "24", def: "h"},
	{code: "a_t", value: "365.24219", def: "d"},
	{code: "a_j", value: "365.25", def: "d"},
	{code: "a_g", value: "365.2425", def: "d"},
	{code: "a", value: "1", def: "a_j"},
	{code: "wk", value: "7", def: "d"},
	{code: "mo_s", value: "29.53059", def: "d"},
	{code: "mo_j", value: "1", def: "a_j/12"},
	{code: "mo_g", value: "1", def: "a_g/12"},
	{code: "mo", value: "1", def: "mo_j"},
	{code: "t", metric: true, value: "1e3", def: "kg"},
	{code: "bar", metric: true, value: "1e5", def: "Pa"},
	{code: "atm", value: "101325", def: "Pa"},
	{code: "Ao", value: "0.1", def: "nm"},

	// International customary units (§34, §37, §39).
	{code: "[in_i]", value: "2.54", def: "cm"},
	{code: "[ft_i]", value: "12", def: "[in_i]"},
	{code: "[yd_i]", value: "3", def: "[ft_i]"},
	{code: "[mi_i]", value: "5280", def: "[ft_i]"},
	{code: "[gal_us]", value: "231", def: "[in_i]3"},
	{code: "[qt_us]", value: "1", def: "[gal_us]/4"},
	{code: "[pt_us]", value: "1", def: "[qt_us]/2"},
	{code: "[gil_us]", value: "1", def: "[pt_us]/4"},
	{code: "[foz_us]", value: "1", def: "[gil_us]/4"},
	{code: "[tbs_us]", value: "1", def: "[foz_us]/2"},
	{code: "[tsp_us]", value: "1", def: "[tbs_us]/3"},
	{code: "[cup_us]", value: "16", def: "[tbs_us]"},
	{code: "[foz_m]", value: "30", def: "mL"},
	{code: "[cup_m]", value: "240", def: "mL"},
	{code: "[tsp_m]", value: "5", def: "mL"},
	{code: "[tbs_m]", value: "15", def: "mL"},
	{code: "[gr]", value: "64.79891", def: "mg"},
	{code: "[lb_av]", value: "7000", def: "[gr]"},
	{code: "[oz_av]", value: "1", def: "[lb_av]/16"},
	{code: "[stone_av]", value: "14", def: "[lb_av]"},

	// Heat (§44).
	{code: "[degF]", kind: special},
	{code: "[degR]", value: "5", def: "K/9"},
	{code: "cal_th", metric: true, value: "4.184", def: "J"},
	{code: "cal_IT", metric: true, value: "4.1868", def: "J"},
	{code: "cal", metric: true, value: "1", def: "cal_th"},
	{code: "[Cal]", value: "1", def: "kcal_th"},

	// Clinical units (§44).
	{code: "m[H2O]", metric: true, value: "9.80665", def: "kPa"},
	{code: "m[Hg]", metric: true, value: "133.3220", def: "kPa"},
	{code: "[in_i'Hg]", value: "1", def: "m[Hg].[in_i]/m"},
	{code: "[PRU]", value: "1", def: "mm[Hg].s/ml"},
	{code: "[wood'U]", value: "1", def: "mm[Hg].min/L"},
	{code: "[diop]", value: "1", def: "/m"},
	{code: "[mesh_i]", value: "1", def: "/[in_i]"},
	{code: "[Ch]", value: "1", def: "mm/3"},
	{code: "[drp]", value: "1", def: "ml/20"},
	{code: "[MET]", value: "3.5", def: "mL/min/kg"},
	{code: "[HPF]", value: "1", def: "1"},
	{code: "[LPF]", value: "100", def: "1"},

	// Chemical and biochemical units (§45).
	{code: "eq", metric: true, value: "1", def: "mol"},
	{code: "osm", metric: true, value: "1", def: "mol"},
	{code: "g%", metric: true, value: "1", def: "g/dl"},
	{code: "kat", metric: true, value: "1", def: "mol/s"},
	{code: "U", metric: true, value: "1", def: "umol/min"},
	{code: "[iU]", metric: true, kind: arbitrary},
	{code: "[IU]", metric: true, value: "1", def: "[iU]"},
	{code: "[arb'U]", kind: arbitrary},
	{code: "[USP'U]", kind: arbitrary},
	{code: "[GPL'U]", kind: arbitrary},
	{code: "[MPL'U]", kind: arbitrary},
	{code: "[APL'U]", kind: arbitrary},
	{code: "[beth'U]", kind: arbitrary},
	{code: "[anti'Xa'U]", kind: arbitrary},
	{code: "[todd'U]", kind: arbitrary},
	{code: "[CFU]", kind: arbitrary},
	{code: "[PFU]", kind: arbitrary},
	{code: "[AU]", kind: arbitrary},
	{code: "[BAU]", kind: arbitrary},
	{code: "[EU]", kind: arbitrary},
	{code: "[ELU]", kind: arbitrary},
}

// atom is a resolved unit atom.
type atom struct {
	code    string
	metric  bool
	factor  *big.Rat // magnitude in base units
	dim     Dimension
	special *specialScale // nil for ratio-scale atoms
}

var (
	atoms        map[string]*atom
	prefixValues map[string]*big.Rat
)

func init() {
	prefixValues = make(map[string]*big.Rat, len(prefixes))
	for _, p := range prefixes {
		prefixValues[p.code] = mustRat(p.value)
	}
	atoms = make(map[string]*atom, len(atomTable))
	arbIndex := make(map[string]int, len(arbitraryAtoms))
	for i, a := range arbitraryAtoms {
		arbIndex[a] = numBaseDims + i
	}
	for _, spec := range atomTable {
		if _, dup := atoms[spec.code]; dup {
			panic("ucum: atom " + spec.code + " defined twice")
		}
		a := &atom{code: spec.code, metric: spec.metric}
		switch spec.kind {
		case base:
			a.factor, a.dim = big.NewRat(1, 1), baseDimension(spec.dim)
		case arbitrary:
			i, ok := arbIndex[spec.code]
			if !ok {
				panic("ucum: arbitrary atom " + spec.code + " has no dimension")
			}
			a.factor, a.dim = big.NewRat(1, 1), baseDimension(i)
		case special:
			s, ok := specialScales[spec.code]
			if !ok {
				panic("ucum: special atom " + spec.code + " has no scale")
			}
			a.factor, a.dim, a.special = s.step, baseDimension(dimKelvin), s
		default:
			def, err := parse(spec.def)
			if err != nil {
				panic(fmt.Sprintf("ucum: definition of %s: %v", spec.code, err))
			}
			a.factor, a.dim = new(big.Rat).Mul(mustRat(spec.value), def.factor), def.dim
		}
		atoms[spec.code] = a
	}
	// ucum.html §4 ■4 reads a symbol as prefix + metric atom when it can;
	// lookup() tries the whole symbol first. The two agree only if no atom can
	// also be read as prefix + metric atom, which this checks once.
	for code := range atoms {
		for _, p := range prefixes {
			if rest, ok := strings.CutPrefix(code, p.code); ok {
				if b := atoms[rest]; b != nil && b.metric {
					panic("ucum: atom " + code + " is also " + p.code + " + " + rest)
				}
			}
		}
	}
}

// Atoms returns the codes of the unit atoms this package knows, in the order
// of its table (grouped as in the UCUM specification). Metric atoms also take
// the prefixes Y Z E P T G M k h da d c m u n p f a z y.
func Atoms() []string {
	out := make([]string, len(atomTable))
	for i, a := range atomTable {
		out[i] = a.code
	}
	return out
}

func mustRat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("ucum: bad constant " + s)
	}
	return r
}
