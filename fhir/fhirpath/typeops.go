package fhirpath

import (
	"fmt"
	"slices"
)

// isNode is "x is T" and "x.is(T)" (http://hl7.org/fhirpath/N1/#is-type-specifier).
type isNode struct {
	src node
	typ string
}

func (n *isNode) eval(c *context) ([]item, error) {
	in, err := n.src.eval(c)
	if err != nil || len(in) == 0 {
		return nil, err
	}
	if len(in) > 1 {
		return nil, fmt.Errorf("is %s on %d items", n.typ, len(in))
	}
	return boolItems(isType(in[0], n.typ)), nil
}

// newAsNode builds "x as T", "x.as(T)" and "x.ofType(T)": the items of x of
// type T (http://hl7.org/fhirpath/N1/#as-type-specifier).
//
// FHIRPath N1 makes "as" on several items an error, but the R4 search
// parameters apply it to repeating elements ("Observation.component.value as
// Quantity"), so here it filters like ofType, as the reference implementations
// do.
func newAsNode(src node, typ string) node {
	m, ok := src.(*memberNode)
	if !ok || !m.choice || m.typeFilter {
		return &asNode{src, typ}
	}
	n := &choiceAsNode{member: m, typ: typ}
	for suffix, t := range choiceTypes {
		if isType(item{typ: t}, typ) {
			n.keys = append(n.keys, m.name+suffix)
		}
	}
	slices.Sort(n.keys) // the order choiceValue gives several values in
	for _, k := range n.keys {
		n.types = append(n.types, choiceTypes[k[len(m.name):]])
	}
	return n
}

// asNode filters its input by type.
type asNode struct {
	src node
	typ string
}

func (n *asNode) eval(c *context) ([]item, error) {
	in, err := n.src.eval(c)
	if err != nil || len(in) == 0 {
		return nil, err
	}
	if len(in) == 1 && in[0].typ != "" && isType(in[0], n.typ) {
		return in, nil // a choice value already typed: no allocation
	}
	var out []item
	for _, it := range in {
		out = appendAs(out, it, n.typ)
	}
	return out, nil
}

// appendAs appends it to out if it is a typ.
func appendAs(out []item, it item, typ string) []item {
	if !isType(it, typ) {
		return out
	}
	if _, resource := typeOf(it); !resource && it.typ == "" {
		// The type was inferred from the JSON kind; record it.
		it.typ = typ
	}
	return append(out, it)
}

// choiceAsNode is "x.name as T" where name may be a choice element. Rather
// than scan each object of x for name[x], it looks up the keys that spell
// name with T or a subtype of T: (Observation.value as Quantity) looks up
// valueQuantity, valueAge, valueCount, valueDistance and valueDuration.
type choiceAsNode struct {
	member *memberNode
	typ    string
	keys   []string // sorted
	types  []string // the type of each key
}

func (n *choiceAsNode) eval(c *context) ([]item, error) {
	in, err := n.member.src.eval(c)
	if err != nil || len(in) == 0 {
		return nil, err
	}
	var out []item
	for _, it := range in {
		m, ok := it.node.(map[string]any)
		if !ok {
			m = it.elem
		}
		if v, ok := m[n.member.name]; (ok && v != nil) || m[n.member.under] != nil {
			// Not a choice here: an ordinary element of that name.
			for _, child := range n.member.child(nil, it) {
				out = appendAs(out, child, n.typ)
			}
			continue
		}
		for i, k := range n.keys {
			if _, ok := m[k]; ok {
				out = appendChoice(out, m, k, n.types[i])
			}
		}
	}
	return out, nil
}
