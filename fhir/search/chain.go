package search

import (
	"net/url"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/resource"
	"github.com/trialfhir/trialfhir/fhir/searchparam"
)

// MaxChainDepth bounds chains and nested _has (R4 3.1.1.5.5-6 leave the
// depth to the server).
const MaxChainDepth = 4

// Join is a search that depends on another search's result: the resources
// a chained parameter refers to (subject:Patient.name=x) or, reversed, those
// that refer to this one (_has:Observation:patient:code=y). The service runs
// Inner first and turns its ids into a predicate on the outer search.
type Join struct {
	// Param is the reference parameter: on the outer type for a chain, on
	// Inner's type for _has.
	Param   string
	Reverse bool
	Inner   *Request
}

// Include is an _include or _revinclude (R4 3.1.1.5.4): SourceType:Param,
// optionally limited to TargetType; Param "*" means every reference.
type Include struct {
	Reverse    bool
	Iterate    bool
	SourceType string
	Param      string
	TargetType string
}

// chain parses a chained parameter: name is "param[:Type].rest".
func (p *parser) chain(r *Request, typ, name, value string, depth int) error {
	head, rest, _ := strings.Cut(name, ".")
	param, targetType, _ := strings.Cut(head, ":")
	d, ok := p.reg.Lookup(typ, param)
	if !ok || d.Type != searchparam.Reference {
		return fhir.Errorf(fhir.CodeInvalid, "%s is not a reference parameter of %s and cannot be chained", param, typ).At(name)
	}
	if d.Pending {
		return beingIndexed(name)
	}
	targets := d.Target
	if targetType != "" {
		if !allowed(d.Target, targetType) || !resource.Known(targetType) {
			return fhir.Errorf(fhir.CodeInvalid, "%s cannot refer to %s", param, targetType).At(name)
		}
		targets = []string{targetType}
	}
	// Without a type, every target type that has the chained parameter is
	// searched (as HAPI does) and the results are ORed.
	var joins []*Request
	for _, t := range targets {
		innerName, _, _ := strings.Cut(rest, ".")
		innerBase, _, _ := strings.Cut(innerName, ":")
		if _, ok := p.reg.Lookup(t, innerBase); !ok && innerBase != "_id" {
			continue
		}
		inner, err := p.parseDepth(t, url.Values{rest: {value}}, false, depth+1)
		if err != nil {
			return err
		}
		joins = append(joins, inner)
	}
	if len(joins) == 0 {
		return fhir.Errorf(fhir.CodeInvalid, "no type %s refers to has a parameter %s", param, rest).At(name)
	}
	for _, inner := range joins {
		r.Joins = append(r.Joins, Join{Param: param, Inner: inner})
	}
	r.joinGroups = append(r.joinGroups, len(joins))
	return nil
}

// has parses _has:Type:param:rest=value (R4 3.1.1.5.6).
func (p *parser) has(r *Request, typ, name, value string, depth int) error {
	parts := strings.SplitN(name, ":", 4)
	if len(parts) != 4 || !resource.Known(parts[1]) {
		return fhir.Errorf(fhir.CodeInvalid, "_has must be _has:Type:reference:parameter").At(name)
	}
	inType, refParam, rest := parts[1], parts[2], parts[3]
	d, ok := p.reg.Lookup(inType, refParam)
	if !ok || d.Type != searchparam.Reference || !allowed(d.Target, typ) {
		return fhir.Errorf(fhir.CodeInvalid, "%s.%s is not a reference to %s", inType, refParam, typ).At(name)
	}
	if d.Pending {
		return beingIndexed(name)
	}
	inner, err := p.parseDepth(inType, url.Values{rest: {value}}, false, depth+1)
	if err != nil {
		return err
	}
	r.Joins = append(r.Joins, Join{Param: refParam, Reverse: true, Inner: inner})
	r.joinGroups = append(r.joinGroups, 1)
	return nil
}

// include parses an _include or _revinclude value.
func (p *parser) include(r *Request, typ, name, value string) error {
	base, modifier, _ := strings.Cut(name, ":")
	inc := Include{Reverse: base == "_revinclude", Iterate: modifier == "iterate" || modifier == "recurse"}
	if modifier != "" && !inc.Iterate {
		return unsupportedModifier(base, modifier)
	}
	parts := strings.Split(value, ":")
	if len(parts) < 2 || len(parts) > 3 || !resource.Known(parts[0]) {
		return fhir.Errorf(fhir.CodeInvalid, "%s must be Type:parameter[:TargetType]", base).At(name)
	}
	inc.SourceType, inc.Param = parts[0], parts[1]
	if len(parts) == 3 {
		if !resource.Known(parts[2]) {
			return fhir.Errorf(fhir.CodeInvalid, "%s: unknown target type %s", base, parts[2]).At(name)
		}
		inc.TargetType = parts[2]
	}
	if inc.Param != "*" {
		d, ok := p.reg.Lookup(inc.SourceType, inc.Param)
		if !ok || d.Type != searchparam.Reference {
			return fhir.Errorf(fhir.CodeInvalid, "%s: %s is not a reference parameter of %s", base, inc.Param, inc.SourceType).At(name)
		}
		if d.Pending && inc.Reverse {
			return beingIndexed(name) // _revinclude searches the index; _include reads the bodies
		}
	}
	if !inc.Reverse && !inc.Iterate && inc.SourceType != typ {
		return fhir.Errorf(fhir.CodeInvalid, "_include must start with the searched type %s (or use :iterate)", typ).At(name)
	}
	r.Includes = append(r.Includes, inc)
	return nil
}
