package search

import (
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/resource"
)

// referenceMatches parses a reference search value (R4 3.1.1.4.11):
// Type/id, a bare id (any type), or an absolute URL; the :Type modifier
// turns a bare id into Type/id; :identifier matches the reference's
// identifier as a token.
func referenceMatches(param, modifier, value string, targets []string) ([]fhir.Match, error) {
	switch {
	case modifier == "identifier":
		return []fhir.Match{{Kind: fhir.MatchKey, Key: index.TokenKey(index.IdentifierParam(param), value)}}, nil
	case modifier != "" && resource.Known(modifier):
		if !allowed(targets, modifier) {
			return nil, fhir.Errorf(fhir.CodeInvalid, "%s cannot refer to %s", param, modifier).At(param + ":" + modifier)
		}
		return []fhir.Match{{Kind: fhir.MatchKey, Key: index.RefKey(param, modifier+"/"+value)}}, nil
	case modifier != "":
		return nil, unsupportedModifier(param, modifier)
	}
	if i := strings.LastIndexByte(strings.TrimSuffix(value, "/"), '/'); i >= 0 && !strings.Contains(value, "://") {
		typ := value[:i]
		if !resource.Known(typ) {
			return nil, fhir.Errorf(fhir.CodeInvalid, "%s: %q is not a known resource type", param, typ).At(param)
		}
	}
	return []fhir.Match{{Kind: fhir.MatchKey, Key: index.RefKey(param, value)}}, nil
}

func allowed(targets []string, typ string) bool {
	if len(targets) == 0 {
		return true
	}
	for _, t := range targets {
		if t == typ || t == "Resource" {
			return true
		}
	}
	return false
}
