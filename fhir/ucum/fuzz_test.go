package ucum_test

import (
	"math/big"
	"testing"

	"github.com/trialfhir/trialfhir/fhir/ucum"
)

// FuzzParse checks that no input panics, that every accepted unit has a
// canonical unit that parses with factor 1, and that Normalize only ever
// returns codes Parse accepts. `go test` runs the seeds; run
// `go test -fuzz FuzzParse ./fhir/ucum/` to explore.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"g/dL", "10*9/L", "/mm3", "µmol/L", "{cells}/uL", "mm[Hg]", "Cel", "2+10",
		"mL/min/{1.73_m2}", "K/uL", "x10^9/L", "((g))", "m-", "[", "{", "10*-99", "g/(24.h)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if u, err := ucum.Parse(s); err == nil {
			c, err := ucum.Parse(u.CanonicalUnit())
			if err != nil {
				t.Fatalf("canonical unit %q of %q does not parse: %v", u.CanonicalUnit(), s, err)
			}
			if c.Factor().Cmp(big.NewRat(1, 1)) != 0 {
				t.Fatalf("canonical unit %q of %q has factor %s", u.CanonicalUnit(), s, c.Factor())
			}
		}
		if code, ok := ucum.Normalize(s); ok {
			if _, err := ucum.Parse(code); err != nil {
				t.Fatalf("Normalize(%q) = %q, which Parse rejects: %v", s, code, err)
			}
		}
	})
}
