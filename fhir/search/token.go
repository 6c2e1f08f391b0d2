package search

import (
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
)

// tokenMatches parses a token search value (R4 3.1.1.4.10): code,
// system|code, |code or system|; with :text a prefix of the display text,
// with :of-type an Identifier's type|value.
func tokenMatches(param, modifier, value string) ([]fhir.Match, error) {
	switch modifier {
	case "", "not":
		return []fhir.Match{{Kind: fhir.MatchKey, Key: index.TokenKey(param, value)}}, nil
	case "text":
		return []fhir.Match{{Kind: fhir.MatchPrefix, Param: index.TextParam(param), Text: index.Normalize(value)}}, nil
	case "of-type":
		parts := strings.SplitN(value, "|", 3)
		if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
			return nil, fhir.Errorf(fhir.CodeInvalid, "%s:of-type needs system|code|value", param).At(param + ":of-type")
		}
		return []fhir.Match{{Kind: fhir.MatchKey, Key: index.OfTypeKey(param, parts[0], parts[1], parts[2])}}, nil
	}
	return nil, unsupportedModifier(param, modifier)
}
