package fhirpath

import "fmt"

// Result collections of boolean operators and functions. They are shared:
// nodes never modify the collections they get.
var (
	trueItems  = []item{{node: true, typ: "boolean"}}
	falseItems = []item{{node: false, typ: "boolean"}}
)

func boolItems(b bool) []item {
	if b {
		return trueItems
	}
	return falseItems
}

// toBool reads a collection as a boolean by singleton evaluation
// (http://hl7.org/fhirpath/N1/#singleton-evaluation-of-collections): known is
// false for the empty collection, a single non-boolean item is true, and
// more than one item is an error.
func toBool(items []item) (value, known bool, err error) {
	switch len(items) {
	case 0:
		return false, false, nil
	case 1:
		if b, ok := items[0].node.(bool); ok {
			return b, true, nil
		}
		return true, true, nil
	}
	return false, false, fmt.Errorf("expected a single boolean, got %d items", len(items))
}

// unionNode is "a | b | c": the items of all its branches, without
// duplicates (http://hl7.org/fhirpath/N1/#union-collections). A chain of
// unions is one node, so that duplicates are removed once.
type unionNode struct{ branches []node }

func (n *unionNode) eval(c *context) ([]item, error) {
	var first []item // the only non-empty branch so far
	var out []item
	for _, b := range n.branches {
		items, err := b.eval(c)
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			continue
		}
		if first == nil && out == nil {
			first = items
			continue
		}
		if out == nil {
			out = appendDistinct(nil, first)
		}
		out = appendDistinct(out, items)
	}
	if out == nil && len(first) > 1 {
		out = appendDistinct(nil, first)
	} else if out == nil {
		return first, nil
	}
	return out, nil
}

// appendDistinct appends to out the items not already in it. Items without a
// value (a primitive with only extensions, a reference resolved by type) are
// never merged.
func appendDistinct(out, items []item) []item {
	for _, it := range items {
		if it.node == nil || !contains(out, it) {
			out = append(out, it)
		}
	}
	return out
}

// equalityNode is "=", "!=", "~" and "!~" (http://hl7.org/fhirpath/N1/#equality).
type equalityNode struct {
	left, right         node
	negate, equivalence bool
}

func (n *equalityNode) eval(c *context) ([]item, error) {
	l, err := n.left.eval(c)
	if err != nil {
		return nil, err
	}
	r, err := n.right.eval(c)
	if err != nil {
		return nil, err
	}
	if n.equivalence {
		return boolItems(equivalent(l, r) != n.negate), nil
	}
	if len(l) == 0 || len(r) == 0 {
		return nil, nil
	}
	if len(l) != len(r) {
		return boolItems(n.negate), nil
	}
	for i := range l {
		if l[i].node == nil || r[i].node == nil {
			return nil, nil
		}
		if !equalNodes(l[i].node, r[i].node) {
			return boolItems(n.negate), nil
		}
	}
	return boolItems(!n.negate), nil
}

// equivalent compares two collections regardless of order.
func equivalent(l, r []item) bool {
	if len(l) != len(r) {
		return false
	}
	for _, x := range l {
		found := false
		for _, y := range r {
			if equivalentNodes(x.node, y.node) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// comparisonNode is "<", "<=", ">" and ">=" (http://hl7.org/fhirpath/N1/#comparison).
type comparisonNode struct {
	left, right node
	op          string
}

func (n *comparisonNode) eval(c *context) ([]item, error) {
	l, err := n.left.eval(c)
	if err != nil {
		return nil, err
	}
	r, err := n.right.eval(c)
	if err != nil {
		return nil, err
	}
	if len(l) == 0 || len(r) == 0 {
		return nil, nil
	}
	if len(l) > 1 || len(r) > 1 {
		return nil, fmt.Errorf("%s needs single items, got %d and %d", n.op, len(l), len(r))
	}
	if l[0].node == nil || r[0].node == nil {
		return nil, nil
	}
	cmp, ok := compareNodes(l[0].node, r[0].node)
	if !ok {
		return nil, fmt.Errorf("cannot compare %T with %T", l[0].node, r[0].node)
	}
	switch n.op {
	case "<":
		return boolItems(cmp < 0), nil
	case "<=":
		return boolItems(cmp <= 0), nil
	case ">":
		return boolItems(cmp > 0), nil
	}
	return boolItems(cmp >= 0), nil
}

// membershipNode is "a in b" and "b contains a"
// (http://hl7.org/fhirpath/N1/#collections-2).
type membershipNode struct {
	element, collection node
}

func (n *membershipNode) eval(c *context) ([]item, error) {
	e, err := n.element.eval(c)
	if err != nil || len(e) == 0 {
		return nil, err
	}
	if len(e) > 1 {
		return nil, fmt.Errorf("membership test on %d items", len(e))
	}
	coll, err := n.collection.eval(c)
	if err != nil {
		return nil, err
	}
	return boolItems(contains(coll, e[0])), nil
}

// logicNode is "and", "or", "xor" and "implies" with the three-valued logic
// of http://hl7.org/fhirpath/N1/#boolean-logic, where the empty collection is
// "unknown".
type logicNode struct {
	left, right node
	op          string
}

func (n *logicNode) eval(c *context) ([]item, error) {
	l, lKnown, err := n.operand(c, n.left)
	if err != nil {
		return nil, err
	}
	// Short cuts that do not depend on the right operand.
	switch {
	case n.op == "and" && lKnown && !l:
		return falseItems, nil
	case n.op == "or" && lKnown && l:
		return trueItems, nil
	case n.op == "implies" && lKnown && !l:
		return trueItems, nil
	}
	r, rKnown, err := n.operand(c, n.right)
	if err != nil {
		return nil, err
	}
	switch n.op {
	case "and":
		if rKnown && !r {
			return falseItems, nil
		}
		if lKnown && rKnown {
			return trueItems, nil
		}
	case "or":
		if rKnown && r {
			return trueItems, nil
		}
		if lKnown && rKnown {
			return falseItems, nil
		}
	case "xor":
		if lKnown && rKnown {
			return boolItems(l != r), nil
		}
	case "implies":
		if rKnown && r {
			return trueItems, nil
		}
		if lKnown && rKnown {
			return falseItems, nil
		}
	}
	return nil, nil
}

func (n *logicNode) operand(c *context, x node) (value, known bool, err error) {
	items, err := x.eval(c)
	if err != nil {
		return false, false, err
	}
	return toBool(items)
}
