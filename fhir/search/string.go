package search

import (
	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
)

// stringMatches parses a string search value (R4 3.1.1.4.8): by default a
// case- and accent-insensitive prefix of any part; :contains anywhere;
// :exact the whole value as written.
func stringMatches(param, modifier, value string) ([]fhir.Match, error) {
	switch modifier {
	case "":
		return []fhir.Match{{Kind: fhir.MatchPrefix, Param: param, Text: index.Normalize(value)}}, nil
	case "contains":
		return []fhir.Match{{Kind: fhir.MatchContains, Param: param, Text: index.Normalize(value)}}, nil
	case "exact":
		return []fhir.Match{{Kind: fhir.MatchKey, Key: index.ExactKey(param, value)}}, nil
	}
	return nil, unsupportedModifier(param, modifier)
}
