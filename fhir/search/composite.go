package search

import (
	"strings"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/searchparam"
)

// compositeMatches parses first$second (R4 3.1.1.4.9) for composites whose
// first component is a token, as the index keeps them.
func (p *parser) compositeMatches(d *searchparam.Definition, value string, now time.Time) ([]fhir.Match, bool, error) {
	first, second, ok := strings.Cut(value, "$")
	if !ok || len(d.Component) != 2 {
		return nil, false, fhir.Errorf(fhir.CodeInvalid, "%s needs two values joined by $", d.Code).At(d.Code)
	}
	c1, ok1 := p.reg.ByURL(d.Component[0].Definition)
	c2, ok2 := p.reg.ByURL(d.Component[1].Definition)
	if !ok1 || !ok2 || c1.Type != searchparam.Token {
		return nil, false, fhir.Errorf(fhir.CodeNotSupported, "composite %s is not supported", d.Code).At(d.Code).WithStatus(400)
	}
	firstKey := index.TokenKey("", first)
	param := index.CompositeParam(d.Code, firstKey)
	switch c2.Type {
	case searchparam.Token:
		return []fhir.Match{{Kind: fhir.MatchKey, Key: index.CompositeTokenKey(d.Code, firstKey, index.TokenKey("", second))}}, false, nil
	case searchparam.Quantity:
		// The index keeps composite quantities in canonical units only, so
		// "||code" is searched as UCUM when the code is UCUM.
		if parts := strings.SplitN(second, "|", 3); len(parts) == 3 && parts[1] == "" && parts[2] != "" {
			if _, ok := canonical(param, parts[2]); ok {
				second = parts[0] + "|" + ucumSystem + "|" + parts[2]
			}
		}
		return quantityMatches(param, second)
	case searchparam.Date:
		return dateMatches(param, second, now)
	case searchparam.Number:
		return numberMatches(param, second)
	case searchparam.String:
		ms, err := stringMatches(param, "", second)
		return ms, false, err
	}
	return nil, false, fhir.Errorf(fhir.CodeNotSupported, "composite %s is not supported", d.Code).At(d.Code).WithStatus(400)
}
