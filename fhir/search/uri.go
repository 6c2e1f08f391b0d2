package search

import (
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
)

// uriMatches parses a uri search value (R4 3.1.1.4.13): exact by default;
// :below finds URIs that start with the value; :above finds URIs the value
// starts with, at a path boundary.
func uriMatches(param, modifier, value string) ([]fhir.Match, error) {
	switch modifier {
	case "":
		return []fhir.Match{{Kind: fhir.MatchKey, Key: index.URIKey(param, value)}}, nil
	case "below":
		return []fhir.Match{{Kind: fhir.MatchPrefix, Param: index.URIParam(param), Text: value}}, nil
	case "above":
		var ms []fhir.Match
		for i := len(value); i > 0; i = strings.LastIndexByte(value[:i], '/') {
			ms = append(ms, fhir.Match{Kind: fhir.MatchKey, Key: index.URIKey(param, value[:i])})
		}
		return ms, nil
	}
	return nil, unsupportedModifier(param, modifier)
}

func unsupportedModifier(param, modifier string) error {
	return fhir.Errorf(fhir.CodeNotSupported, "modifier :%s is not supported on %s", modifier, param).
		At(param + ":" + modifier).WithStatus(400)
}
