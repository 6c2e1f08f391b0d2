package search

import (
	"math/big"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/ucum"
)

const ucumSystem = "http://unitsofmeasure.org"

// quantityMatches parses [prefix]number|system|code (R4 3.1.1.4.6). A UCUM
// unit is converted to canonical units on both sides, so 100 g/L finds
// 10 g/dL; another unit must match as written; no unit matches any.
func quantityMatches(param, value string) ([]fhir.Match, bool, error) {
	parts := strings.SplitN(value, "|", 3)
	prefix, num := cutPrefix(parts[0])
	n, plo, phi, err := index.NumberRange(num)
	if err != nil {
		return nil, false, fhir.Errorf(fhir.CodeInvalid, "%s: %q is not a quantity search value", param, value).At(param)
	}
	system, code := "", ""
	if len(parts) == 3 {
		system, code = parts[1], parts[2]
	} else if len(parts) == 2 {
		code = parts[1]
	}
	target := index.QuantityParam(param)
	if code != "" {
		target = index.QuantityCodeParam(param, system, code)
		if system == ucumSystem {
			if canon, ok := canonical(param, code); ok {
				target = canon.param
				scale := canon.scale
				n, plo, phi = n*scale, plo*scale, phi*scale
			}
		}
	}
	ms, not := pointMatches(target, prefix, n, plo, phi)
	return ms, not, nil
}

type canonicalUnit struct {
	param string
	scale float64 // canonical value of 1 unit
}

func canonical(param, code string) (canonicalUnit, bool) {
	one, unit, err := ucum.Canonical(big.NewRat(1, 1), code)
	if err != nil {
		return canonicalUnit{}, false
	}
	f, _ := one.Float64()
	return canonicalUnit{param: index.QuantityCanonicalParam(param, unit), scale: f}, true
}
