package ucum_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/ucum"
)

// rat parses an exact decimal or fraction.
func rat(t testing.TB, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	require.True(t, ok, "bad test number %q", s)
	return r
}

// requireRat compares exactly: no tolerance anywhere in this file.
func requireRat(t testing.TB, want string, got *big.Rat) {
	t.Helper()
	require.NotNil(t, got)
	require.Zero(t, rat(t, want).Cmp(got), "want %s, got %s", want, got.RatString())
}

func TestConvert(t *testing.T) {
	cases := []struct {
		name, value, from, to, want string
	}{
		// Haemoglobin, domain.md §8.
		{"hb g/dL to g/L", "10.5", "g/dL", "g/L", "105"},
		{"hb g/L to g/dL", "90", "g/L", "g/dL", "9"},
		{"hb g% to g/dL", "12.1", "g%", "g/dL", "12.1"},
		{"hb g/(100.mL) to g/dL", "12.1", "g/(100.mL)", "g/dL", "12.1"},
		{"mg/dL to g/L", "150", "mg/dL", "g/L", "1.5"},
		{"g/L to mg/dL", "1.5", "g/L", "mg/dL", "150"},
		// Bilirubin, creatinine, glucose in substance concentration.
		{"umol/L to mmol/L", "1100", "umol/L", "mmol/L", "1.1"},
		{"mmol/L to umol/L", "0.0171", "mmol/L", "umol/L", "17.1"},
		{"micro sign", "17.1", "\u00b5mol/L", "umol/L", "17.1"},
		{"greek mu", "17.1", "\u03bcmol/L", "umol/L", "17.1"},
		{"micro sign and greek mu", "88.4", "\u00b5mol/L", "\u03bcmol/L", "88.4"},
		{"meq/L to mmol/L", "140", "meq/L", "mmol/L", "140"},
		// Cell counts.
		{"10*9/L to 10*3/uL", "1.5", "10*9/L", "10*3/uL", "1.5"},
		{"10*9/L to /nL", "1.5", "10*9/L", "/nL", "1.5"},
		{"/mm3 to /uL", "1500", "/mm3", "/uL", "1500"},
		{"/uL to 10*9/L", "1500", "/uL", "10*9/L", "1.5"},
		{"10*6/L to 10*9/L", "1500", "10*6/L", "10*9/L", "1.5"},
		{"10^9/L to 10*9/L", "100", "10^9/L", "10*9/L", "100"},
		{"10*3/mm3 to 10*9/L", "150", "10*3/mm3", "10*9/L", "150"},
		{"cells annotation ignored", "1500", "{cells}/uL", "10*9/L", "1.5"},
		{"annotated count", "1.5", "10*9{cells}/L", "10*3/uL", "1.5"},
		{"RBC annotation is unity", "4.5", "10*12{RBC}/L", "10*6/uL", "4.5"},
		// Exponents and volumes.
		{"m2 to cm2", "1.73", "m2", "cm2", "17300"},
		{"cm3 to mL", "5", "cm3", "mL", "5"},
		{"dm3 to L", "2", "dm3", "L", "2"},
		{"l and L", "2", "l", "mL", "2000"},
		{"negative exponent", "3", "s-1", "Hz", "3"},
		{"plus sign exponent", "1", "m+2", "cm2", "10000"},
		// Rates and times.
		{"1/min to /min", "72", "1/min", "/min", "72"},
		{"/min to /s", "60", "/min", "/s", "1"},
		{"mL/s to mL/min", "1", "mL/s", "mL/min", "60"},
		{"mg/(24.h) to g/d", "1500", "mg/(24.h)", "g/d", "1.5"},
		{"h to min", "1.5", "h", "min", "90"},
		{"wk to d", "3", "wk", "d", "21"},
		{"mo is a mean Julian month", "1", "mo", "d", "30.4375"},
		{"a is a Julian year", "1", "a", "d", "365.25"},
		// Left to right: mg/kg.h is (mg/kg).h, ucum.html §7 ■4.
		{"left to right evaluation", "2", "mg/kg.h", "mg.h/kg", "2"},
		{"parentheses override", "2", "mg/(kg.h)", "mg/kg/h", "2"},
		{"factor 2+10 is 1024", "1", "2+10", "1", "1024"},
		{"10*-3", "5", "10*-3", "1", "0.005"},
		// Dimensionless.
		{"percent to unity", "45", "%", "1", "0.45"},
		{"percent to ppth", "4.5", "%", "[ppth]", "45"},
		{"INR annotation is unity", "1.2", "{INR}", "1", "1.2"},
		// Enzymes and arbitrary units.
		{"U/L to ukat/L", "60", "U/L", "ukat/L", "1"},
		{"U/L to mU/mL", "35", "U/L", "mU/mL", "35"},
		{"[IU]/L to m[IU]/mL", "1", "[IU]/L", "m[IU]/mL", "1"},
		{"m[IU]/L to u[IU]/mL", "2.5", "m[IU]/L", "u[IU]/mL", "2.5"},
		{"[iU] equals [IU]", "20", "[iU]/mL", "[IU]/mL", "20"},
		// Pressure, body measures.
		{"mm[Hg] to kPa", "760", "mm[Hg]", "kPa", "101.32472"},
		{"kPa to mm[Hg]", "13.3322", "kPa", "mm[Hg]", "100"},
		{"cm[H2O] to Pa", "1", "cm[H2O]", "Pa", "98.0665"},
		{"[in_i] to cm", "1", "[in_i]", "cm", "2.54"},
		{"[lb_av] to kg", "1", "[lb_av]", "kg", "0.45359237"},
		{"[ft_i] to m", "1", "[ft_i]", "m", "0.3048"},
		// Temperature, including interval-scale special units.
		{"Cel to [degF]", "37", "Cel", "[degF]", "98.6"},
		{"[degF] to Cel", "212", "[degF]", "Cel", "100"},
		{"Cel to K", "0", "Cel", "K", "273.15"},
		{"K to Cel", "310.15", "K", "Cel", "37"},
		{"[degF] to K", "-459.67", "[degF]", "K", "0"},
		{"Cel to mK", "-273.15", "Cel", "mK", "0"},
		{"Cel to Cel", "36.6", "Cel", "Cel", "36.6"},
		{"[degR] to K", "9", "[degR]", "K", "5"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ucum.Convert(rat(t, tc.value), tc.from, tc.to)
			require.NoError(t, err)
			requireRat(t, tc.want, got)
		})
	}
}

// TestExactArithmetic shows why the package uses big.Rat: at clinical
// thresholds a float64 conversion lands on the wrong side.
func TestExactArithmetic(t *testing.T) {
	t.Run("0.3 g/dL is exactly 3 g/L", func(t *testing.T) {
		tenth, v := 0.1, 0.3 // a float64 implementation divides by the litre factor of dL
		require.NotEqual(t, 3.0, v/tenth, "float64 gives %v", v/tenth)
		got, err := ucum.Convert(rat(t, "0.3"), "g/dL", "g/L")
		require.NoError(t, err)
		requireRat(t, "3", got)
	})
	t.Run("Hb 9 g/dL equals 90 g/L, so strict > 90 g/L fails", func(t *testing.T) {
		got, err := ucum.Convert(rat(t, "9"), "g/dL", "g/L")
		require.NoError(t, err)
		require.Zero(t, got.Cmp(rat(t, "90")))
	})
	t.Run("30/25 stays a fraction", func(t *testing.T) {
		got, err := ucum.Convert(rat(t, "30/25"), "mmol/L", "umol/L")
		require.NoError(t, err)
		requireRat(t, "1200", got)
	})
	t.Run("round trip through every unit of a chain is exact", func(t *testing.T) {
		v := rat(t, "1.1")
		chain := []string{"mmol/L", "umol/dL", "nmol/mL", "mol/m3", "pmol/uL", "mmol/L"}
		for i := 1; i < len(chain); i++ {
			var err error
			v, err = ucum.Convert(v, chain[i-1], chain[i])
			require.NoError(t, err)
		}
		requireRat(t, "1.1", v)
	})
	t.Run("inputs are not modified", func(t *testing.T) {
		v := rat(t, "10.5")
		_, err := ucum.Convert(v, "g/dL", "g/L")
		require.NoError(t, err)
		_, _, err = ucum.Canonical(v, "g/dL")
		require.NoError(t, err)
		_, err = ucum.Convert(v, "Cel", "[degF]")
		require.NoError(t, err)
		requireRat(t, "10.5", v)
		u, err := ucum.Parse("g/dL")
		require.NoError(t, err)
		u.Factor().SetInt64(7)
		requireRat(t, "10000", u.Factor())
	})
}

func TestCanonical(t *testing.T) {
	cases := []struct {
		name, value, unit, want, wantUnit string
	}{
		{"g/dL", "10.5", "g/dL", "105000", "g.m-3"},
		{"g/L", "105", "g/L", "105000", "g.m-3"},
		{"mg/dL", "1.2", "mg/dL", "12", "g.m-3"},
		{"mmol/L", "5.5", "mmol/L", "5.5", "mol.m-3"},
		{"umol/L", "88.4", "umol/L", "0.0884", "mol.m-3"},
		{"10*9/L", "1.5", "10*9/L", "1500000000000", "m-3"},
		{"/uL", "1500", "/uL", "1500000000000", "m-3"},
		{"U/L", "60", "U/L", "1/1000", "mol.m-3.s-1"},
		{"[IU]/L", "20", "[IU]/L", "20000", "[iU].m-3"},
		{"mm[Hg]", "1", "mm[Hg]", "133322", "g.m-1.s-2"},
		{"kg/m2", "24", "kg/m2", "24000", "g.m-2"},
		{"mL/min", "60", "mL/min", "1/1000000", "m3.s-1"},
		{"percent", "45", "%", "0.45", "1"},
		{"annotation only", "3", "{cells}", "3", "1"},
		{"number 1", "3", "1", "3", "1"},
		{"10*3", "2", "10*3", "2000", "1"},
		{"kelvin is ratio scale", "310.15", "K", "310.15", "K"},
		{"[lb_av]", "1", "[lb_av]", "453.59237", "g"},
		{"leading solidus", "2", "/s", "2", "s-1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, unit, err := ucum.Canonical(rat(t, tc.value), tc.unit)
			require.NoError(t, err)
			require.Equal(t, tc.wantUnit, unit)
			requireRat(t, tc.want, got)
		})
	}
}

// TestCanonicalUnitSameForCommensurable checks the property FHIR quantity
// search relies on: commensurable units give one canonical unit string, and
// that string is itself UCUM with factor 1.
func TestCanonicalUnitSameForCommensurable(t *testing.T) {
	groups := []struct {
		name  string
		units []string
	}{
		{"mass concentration", []string{"g/L", "g/dL", "mg/dL", "ug/mL", "kg/m3", "g%", "mg%", "g/(100.mL)", "ng/uL"}},
		{"number concentration", []string{"10*9/L", "10*3/uL", "/nL", "/mm3", "{cells}/uL", "10^9/L", "10*6/mL", "/L"}},
		{"substance concentration", []string{"mol/L", "mmol/L", "umol/L", "mol/m3", "meq/L", "mosm/L", "pmol/mL"}},
		{"catalytic concentration", []string{"U/L", "ukat/L", "mU/mL", "kat/m3", "umol/min/L"}},
		{"arbitrary concentration", []string{"[IU]/L", "[iU]/L", "m[IU]/mL", "u[IU]/mL", "k[IU]/L"}},
		{"pressure", []string{"mm[Hg]", "kPa", "Pa", "bar", "cm[H2O]", "atm", "N/m2", "[in_i'Hg]"}},
		{"time", []string{"s", "min", "h", "d", "wk", "mo", "a", "ms"}},
		{"dimensionless", []string{"1", "%", "{INR}", "10*3", "[ppm]", "{ratio}", "mmol/mol", "g/g", "L/L"}},
		{"flow", []string{"mL/min", "mL/s", "L/h", "m3/s", "mL/min/{1.73_m2}"}},
		{"mass rate", []string{"g/(24.h)", "mg/d", "g/d", "ug/min"}},
		{"length", []string{"m", "cm", "[in_i]", "[ft_i]", "Ao"}},
		{"mass", []string{"g", "kg", "[lb_av]", "[oz_av]", "t", "[gr]"}},
		{"temperature", []string{"K", "mK", "[degR]"}},
		{"volume", []string{"L", "l", "mL", "cm3", "dm3", "[gal_us]", "[tsp_m]", "[drp]"}},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			var want string
			for _, unit := range g.units {
				_, got, err := ucum.Canonical(big.NewRat(1, 1), unit)
				require.NoError(t, err, unit)
				if want == "" {
					want = got
				}
				require.Equal(t, want, got, "canonical unit of %q", unit)
			}
			c, err := ucum.Parse(want)
			require.NoError(t, err, "canonical unit %q must parse", want)
			requireRat(t, "1", c.Factor())
			require.Equal(t, want, c.CanonicalUnit())
		})
	}
}

// TestQuantitySearch is the use the package exists for: a FHIR search
// value-quantity=gt100|http://unitsofmeasure.org|g/L matches an Observation of
// 10.5 g/dL when both are compared in canonical form.
func TestQuantitySearch(t *testing.T) {
	cases := []struct {
		name        string
		observed    string
		observedIn  string
		prefix      string
		search      string
		searchUnit  string
		wantMatches bool
	}{
		{"10.5 g/dL gt 100 g/L", "10.5", "g/dL", "gt", "100", "g/L", true},
		{"9 g/dL gt 90 g/L is false", "9", "g/dL", "gt", "90", "g/L", false},
		{"9 g/dL ge 90 g/L", "9", "g/dL", "ge", "90", "g/L", true},
		{"1500 /mm3 ge 1.5 10*9/L", "1500", "/mm3", "ge", "1.5", "10*9/L", true},
		{"120 10*3/uL lt 100 10*9/L is false", "120", "10*3/uL", "lt", "100", "10*9/L", false},
		{"17.1 umol/L eq 0.0171 mmol/L", "17.1", "\u00b5mol/L", "eq", "0.0171", "mmol/L", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ov, ou, err := ucum.Canonical(rat(t, tc.observed), tc.observedIn)
			require.NoError(t, err)
			sv, su, err := ucum.Canonical(rat(t, tc.search), tc.searchUnit)
			require.NoError(t, err)
			require.Equal(t, su, ou, "the index key is the canonical unit")
			cmp := ov.Cmp(sv)
			got := map[string]bool{"gt": cmp > 0, "ge": cmp >= 0, "lt": cmp < 0, "le": cmp <= 0, "eq": cmp == 0}[tc.prefix]
			require.Equal(t, tc.wantMatches, got)
		})
	}
}

func TestUnit(t *testing.T) {
	ml, err := ucum.Parse("mL")
	require.NoError(t, err)
	require.Equal(t, "mL", ml.String())
	requireRat(t, "1/1000000", ml.Factor())
	require.Equal(t, "m3", ml.CanonicalUnit())
	require.Equal(t, "m3", ml.Dimension().String())
	require.False(t, ml.IsSpecial())
	require.False(t, ml.Dimension().IsDimensionless())

	cm3, err := ucum.Parse("cm3")
	require.NoError(t, err)
	require.True(t, ml.Commensurable(cm3))
	require.Equal(t, ml.Dimension(), cm3.Dimension())
	got, err := cm3.ConvertTo(rat(t, "250"), ml)
	require.NoError(t, err)
	requireRat(t, "250", got)

	pct, err := ucum.Parse("%{vol}")
	require.NoError(t, err)
	require.True(t, pct.Dimension().IsDimensionless())
	require.False(t, ml.Commensurable(pct))

	cel, err := ucum.Parse("Cel")
	require.NoError(t, err)
	require.True(t, cel.IsSpecial())
	require.Equal(t, "K", cel.CanonicalUnit())

	iu, err := ucum.Parse("[IU]/L")
	require.NoError(t, err)
	u, err := ucum.Parse("U/L")
	require.NoError(t, err)
	require.False(t, iu.Commensurable(u), "arbitrary units are commensurable with nothing else")
}

func TestAtoms(t *testing.T) {
	atoms := ucum.Atoms()
	require.Greater(t, len(atoms), 100)
	for _, a := range atoms {
		t.Run(a, func(t *testing.T) {
			u, err := ucum.Parse(a)
			require.NoError(t, err)
			c, err := ucum.Parse(u.CanonicalUnit())
			require.NoError(t, err)
			requireRat(t, "1", c.Factor())
			if !u.IsSpecial() {
				one, err := ucum.Convert(big.NewRat(1, 1), a, u.CanonicalUnit())
				require.NoError(t, err)
				require.Zero(t, one.Cmp(u.Factor()))
			}
		})
	}
	for _, a := range []string{"L", "g", "mol", "U", "[IU]", "m[Hg]", "eq", "kat", "Pa", "s"} {
		require.Contains(t, atoms, a)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, unit string
		kind       error
		msg        string // a substring of the message
	}{
		{"unknown unit", "mg/xyz", ucum.ErrUnknownUnit, `unknown unit "xyz" in "mg/xyz"`},
		{"case matters", "MG/DL", ucum.ErrUnknownUnit, `unknown unit "MG"`},
		{"dalton left out so u/L is not guessed", "u/L", ucum.ErrUnknownUnit, `unknown unit "u"`},
		{"prefix on non-metric unit", "kh", ucum.ErrUnknownUnit, `prefix "k" cannot be used with the non-metric unit "h"`},
		{"prefix before parenthesis", "m(g)", ucum.ErrSyntax, `unexpected "(" at position 2 in "m(g)"`},
		{"empty", "", ucum.ErrSyntax, "empty unit expression"},
		{"double solidus", "mg//L", ucum.ErrSyntax, `unexpected "/" at position 4 in "mg//L"`},
		{"trailing operator", "mg/", ucum.ErrSyntax, `unexpected end of "mg/"`},
		{"leading period", ".g", ucum.ErrSyntax, `unexpected "."`},
		{"missing close parenthesis", "g/(24.h", ucum.ErrSyntax, `missing ")" for the "(" at position 3`},
		{"stray close parenthesis", "g)", ucum.ErrSyntax, `unexpected ")" at position 2`},
		{"empty parentheses", "g/()", ucum.ErrSyntax, `unexpected ")"`},
		{"unclosed annotation", "{cells/uL", ucum.ErrSyntax, `missing "}"`},
		{"nested annotation", "{a{b}}", ucum.ErrSyntax, `nested "{"`},
		{"non-ASCII annotation", "{细胞}/L", ucum.ErrSyntax, "not allowed in an annotation"},
		{"unclosed bracket", "mm[Hg", ucum.ErrSyntax, `missing "]"`},
		{"stray bracket", "mmHg]", ucum.ErrSyntax, `unexpected "]"`},
		{"whitespace", "mg dL", ucum.ErrSyntax, `whitespace ' ' not allowed at position 3`},
		{"non-ASCII character", "mg/dL\u263a", ucum.ErrSyntax, "not allowed at position 6"},
		{"zero factor", "0.g", ucum.ErrSyntax, `number "0" at position 1 in "0.g" is not a positive integer`},
		{"exponent out of range", "m100", ucum.ErrSyntax, `exponent "100" out of range`},
		{"dimension exponent out of range", "l70", ucum.ErrSyntax, `"l70" has m to the power 210, out of range -99..99`},
		{"exponent without unit", "2.-3", ucum.ErrSyntax, "without a unit"},
		{"sign without digits", "m-", ucum.ErrSyntax, "sign without exponent digits"},
		{"too deep", strings.Repeat("(", 20) + "g" + strings.Repeat(")", 20), ucum.ErrSyntax, "nested deeper than 16"},
		{"too long", strings.Repeat("g.", 200) + "g", ucum.ErrSyntax, "longer than 256 bytes"},
		{"leading solidus inside parentheses", "(/s)", ucum.ErrSyntax, `unexpected "/"`},
		// Laboratory spellings: rejected, with the UCUM code named.
		{"K/uL is not kelvin per microlitre", "K/uL", ucum.ErrNotUCUM, `"K/uL" is a laboratory shorthand for "10*3/uL", not UCUM; read as UCUM it would mean kelvin per volume`},
		{"K/µL", "K/\u00b5L", ucum.ErrNotUCUM, `shorthand for "10*3/uL"`},
		{"T/L is not tesla per litre", "T/L", ucum.ErrNotUCUM, `shorthand for "10*12/L", not UCUM; read as UCUM it would mean tesla`},
		{"G/L", "G/L", ucum.ErrNotUCUM, `shorthand for "10*9/L"`},
		{"IU/L", "IU/L", ucum.ErrNotUCUM, `"IU/L" is not UCUM (unknown unit "IU" in "IU/L"); the UCUM code is "[IU]/L"`},
		{"mcg", "mcg", ucum.ErrNotUCUM, `the UCUM code is "ug"`},
		{"x10^9/L", "x10^9/L", ucum.ErrNotUCUM, `the UCUM code is "10*9/L"`},
		{"mmHg", "mmHg", ucum.ErrNotUCUM, `the UCUM code is "mm[Hg]"`},
		{"padded", " mg/dL", ucum.ErrNotUCUM, `the UCUM code is "mg/dL"`},
		// Special units stand alone.
		{"Cel in a term", "Cel/h", ucum.ErrNotRatioScale, `special unit "Cel" cannot be combined`},
		{"Cel inverted", "/Cel", ucum.ErrNotRatioScale, `special unit "Cel" cannot be combined`},
		{"prefixed Cel", "mCel", ucum.ErrNotRatioScale, "cannot take a prefix or an exponent"},
		{"Cel squared", "Cel2", ucum.ErrNotRatioScale, "cannot take a prefix or an exponent"},
		{"degF times number", "2.[degF]", ucum.ErrNotRatioScale, `special unit "[degF]" cannot be combined`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u, err := ucum.Parse(tc.unit)
			require.Nil(t, u)
			require.ErrorIs(t, err, tc.kind)
			require.Contains(t, err.Error(), tc.msg)
			require.True(t, strings.HasPrefix(err.Error(), "ucum: "), err.Error())
			var ue *ucum.Error
			require.ErrorAs(t, err, &ue)
			require.Equal(t, tc.unit, ue.Expr)

			// Canonical and Convert report the same error for the unit.
			_, _, cerr := ucum.Canonical(big.NewRat(1, 1), tc.unit)
			require.Equal(t, err.Error(), cerr.Error())
			_, cerr = ucum.Convert(big.NewRat(1, 1), "g", tc.unit)
			require.Equal(t, err.Error(), cerr.Error())
		})
	}
}

func TestConvertErrors(t *testing.T) {
	cases := []struct {
		name     string
		value    *big.Rat
		from, to string
		kind     error
		msg      string
	}{
		{"enzyme unit and international unit", big.NewRat(1, 1), "U/L", "[IU]/L", ucum.ErrIncommensurable,
			`cannot convert "U/L" to "[IU]/L": not commensurable (mol.m-3.s-1 vs [iU].m-3)`},
		{"mass and substance need a molar mass", big.NewRat(1, 1), "mg/dL", "umol/L", ucum.ErrIncommensurable,
			"not commensurable (g.m-3 vs mol.m-3)"},
		{"count and volume", big.NewRat(1, 1), "10*9/L", "L", ucum.ErrIncommensurable, "not commensurable (m-3 vs m3)"},
		{"two arbitrary units", big.NewRat(1, 1), "[IU]", "[arb'U]", ucum.ErrIncommensurable, "([iU] vs [arb'U])"},
		{"temperature and mass", big.NewRat(1, 1), "Cel", "g", ucum.ErrIncommensurable, "(K vs g)"},
		{"percent and mass concentration", big.NewRat(1, 1), "%", "g/dL", ucum.ErrIncommensurable, "(1 vs g.m-3)"},
		{"unknown source unit", big.NewRat(1, 1), "foo", "g", ucum.ErrUnknownUnit, `unknown unit "foo"`},
		{"unknown target unit", big.NewRat(1, 1), "g", "foo", ucum.ErrUnknownUnit, `unknown unit "foo"`},
		{"bad syntax", big.NewRat(1, 1), "g/(L", "g/L", ucum.ErrSyntax, `missing ")"`},
		{"nil value", nil, "g", "kg", ucum.ErrNilValue, `nil value for unit "g"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ucum.Convert(tc.value, tc.from, tc.to)
			require.Nil(t, got)
			require.ErrorIs(t, err, tc.kind)
			require.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestCanonicalErrors(t *testing.T) {
	cases := []struct {
		name  string
		value *big.Rat
		unit  string
		kind  error
		msg   string
	}{
		{"Celsius is not ratio scale", big.NewRat(37, 1), "Cel", ucum.ErrNotRatioScale, `"Cel" is on an interval scale and has no canonical ratio-scale form; use Convert`},
		{"Fahrenheit is not ratio scale", big.NewRat(98, 1), "[degF]", ucum.ErrNotRatioScale, "use Convert"},
		{"nil value", nil, "g/L", ucum.ErrNilValue, "nil value"},
		{"unknown unit", big.NewRat(1, 1), "bogus", ucum.ErrUnknownUnit, `unknown unit "bogus"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, unit, err := ucum.Canonical(tc.value, tc.unit)
			require.Nil(t, v)
			require.Empty(t, unit)
			require.ErrorIs(t, err, tc.kind)
			require.Contains(t, err.Error(), tc.msg)
		})
	}
}
