package fhirpath

import (
	"fmt"
	"slices"
)

// memberNode navigates to the child elements called name of every item of
// src (http://hl7.org/fhirpath/N1/#path-selection), flattening arrays.
//
// When the name starts a term and starts with an upper-case letter it may be
// a type instead (http://hl7.org/fhirpath/N1/#type-safety-and-strict-evaluation):
// on a resource, "Observation" yields the resource when it is an Observation
// and nothing otherwise, and "Resource" and "DomainResource" match any
// resource they describe. That is what lets one SearchParameter expression
// serve many bases: "Observation.subject | Procedure.subject".
type memberNode struct {
	src        node
	name       string
	under      string // "_" + name, the companion element of a primitive
	typeFilter bool   // name may be a type: it starts a term and is capitalized
	choice     bool   // name may be a choice element: name[x]
}

func newMemberNode(src node, name string, startsTerm bool) *memberNode {
	return &memberNode{
		src:        src,
		name:       name,
		under:      "_" + name,
		typeFilter: startsTerm && name != "" && name[0] >= 'A' && name[0] <= 'Z',
		choice:     choiceElements[name],
	}
}

func (n *memberNode) eval(c *context) ([]item, error) {
	in, err := n.src.eval(c)
	if err != nil || len(in) == 0 {
		return nil, err
	}
	if n.typeFilter && len(in) == 1 {
		// The common case, the resource at the start of a path: no allocation,
		// and its type looked up once per evaluation.
		if &in[0] == &c.rootBuf[0] {
			if c.rootIsResource {
				if resourceIs(c.rootType, n.name) {
					return in, nil
				}
				return nil, nil
			}
		} else if _, resource := typeOf(in[0]); resource {
			if isType(in[0], n.name) {
				return in, nil
			}
			return nil, nil
		}
	}
	var out []item
	for _, it := range in {
		if n.typeFilter {
			if _, resource := typeOf(it); resource {
				if isType(it, n.name) {
					out = append(out, it)
				}
				continue
			}
		}
		out = n.child(out, it)
	}
	return out, nil
}

// child appends the children of it called n.name to out.
func (n *memberNode) child(out []item, it item) []item {
	m, ok := it.node.(map[string]any)
	if !ok {
		// A primitive has no children of its own; its id and extension are
		// in the companion element.
		if m = it.elem; m == nil {
			return out
		}
	}
	if v, ok := m[n.name]; ok && v != nil {
		var under any
		if mayBePrimitive(v) {
			under = m[n.under]
		}
		return appendJSON(out, v, under, "")
	}
	if under, ok := m[n.under]; ok {
		return appendJSON(out, nil, under, "")
	}
	if !n.choice {
		return out
	}
	return n.choiceValue(out, m)
}

// mayBePrimitive reports whether a JSON value may have a companion element:
// it is not an object, nor an array starting with one.
func mayBePrimitive(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return false
	case []any:
		if len(x) > 0 {
			_, complex := x[0].(map[string]any)
			return !complex
		}
	}
	return true
}

// choiceValue appends the value of the choice element n.name[x] to out, typed by
// its suffix. Valid FHIR has at most one; several are taken in key order so
// that results do not depend on map iteration.
func (n *memberNode) choiceValue(out []item, m map[string]any) []item {
	var key string
	var more []string
	for k := range m {
		if len(k) <= len(n.name) || k[:len(n.name)] != n.name {
			continue
		}
		if _, ok := choiceTypes[k[len(n.name):]]; !ok {
			continue
		}
		if key == "" {
			key = k
		} else {
			more = append(more, k)
		}
	}
	if key == "" {
		return out
	}
	if more == nil {
		return appendChoice(out, m, key, choiceTypes[key[len(n.name):]])
	}
	more = append(more, key)
	slices.Sort(more)
	for _, k := range more {
		out = appendChoice(out, m, k, choiceTypes[k[len(n.name):]])
	}
	return out
}

func appendChoice(out []item, m map[string]any, key, typ string) []item {
	var under any
	if primitiveTypes[typ] {
		under = m["_"+key]
	}
	return appendJSON(out, m[key], under, typ)
}

// appendJSON appends the items of a JSON value to out: the elements of an
// array, or the value itself. under is the companion of a primitive value
// ("_given" for "given"), aligned with it element by element in arrays; a
// value that is null or absent but has a companion yields an item without a
// value, which still carries its extensions.
func appendJSON(out []item, v, under any, typ string) []item {
	switch x := v.(type) {
	case []any:
		us, _ := under.([]any)
		for i, e := range x {
			var u any
			if i < len(us) {
				u = us[i]
			}
			out = appendJSON(out, e, u, typ)
		}
		return out
	case nil:
		switch u := under.(type) {
		case map[string]any:
			out = append(out, item{elem: u, typ: typ})
		case []any:
			for _, e := range u {
				if m, ok := e.(map[string]any); ok {
					out = append(out, item{elem: m, typ: typ})
				}
			}
		}
		return out
	case map[string]any:
		return append(out, item{node: x, typ: typ})
	default:
		elem, _ := under.(map[string]any)
		return append(out, item{node: x, typ: typ, elem: elem})
	}
}

// indexNode yields the item of src at a zero-based index
// (http://hl7.org/fhirpath/N1/#index-integer-collection).
type indexNode struct {
	src, index node
}

func (n *indexNode) eval(c *context) ([]item, error) {
	in, err := n.src.eval(c)
	if err != nil || len(in) == 0 {
		return nil, err
	}
	idx, err := n.index.eval(c)
	if err != nil || len(idx) == 0 {
		return nil, err
	}
	i, ok := singleInt(idx)
	if !ok {
		return nil, fmt.Errorf("index is not a single integer")
	}
	if i < 0 || i >= len(in) {
		return nil, nil
	}
	return one(in, i), nil
}
