package index

import (
	"github.com/trialfhir/trialfhir/fhir/searchparam"
)

// composite indexes a composite parameter whose first component is a token
// (every composite R4 defines on the resources we serve): the values of the
// second component are kept under a parameter named after the first
// component's key, so that both parts must hold on the same element
// (R4 3.1.1.4.9), e.g. code-value-quantity on the same Observation or
// component.
func (x *Extractor) composite(b *builder, res map[string]any, d *searchparam.Definition) {
	if len(d.Component) != 2 {
		return
	}
	first, ok1 := x.reg.ByURL(d.Component[0].Definition)
	second, ok2 := x.reg.ByURL(d.Component[1].Definition)
	if !ok1 || !ok2 || first.Type != searchparam.Token {
		return
	}
	for _, base := range x.eval(d.Expression, res) {
		elem, ok := base.Node.(map[string]any)
		if !ok {
			continue
		}
		var firstKeys []string
		for _, v := range x.eval(d.Component[0].Expression, elem) {
			for _, t := range tokensOf(v.Node) {
				// The first part of a composite search names a code, with or
				// without its system; both forms are kept.
				if t.code != "" {
					firstKeys = append(firstKeys, TokenKey("", t.system+"|"+t.code), TokenKey("", t.code))
				}
			}
		}
		if len(firstKeys) == 0 {
			continue
		}
		seconds := x.eval(d.Component[1].Expression, elem)
		for _, k := range firstKeys {
			param := CompositeParam(d.Code, k)
			for _, v := range seconds {
				if second.Type == searchparam.Token {
					for _, t := range tokensOf(v.Node) {
						for _, k2 := range (Token{System: t.system, Code: t.code}).Keys() {
							b.key(CompositeTokenKey(d.Code, k, k2))
						}
					}
					continue
				}
				if second.Type == searchparam.Quantity {
					b.quantity(param, v.Node, true)
					continue
				}
				b.value(param, second.Type, v)
			}
		}
	}
}
