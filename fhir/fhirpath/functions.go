package fhirpath

import "fmt"

// function describes one supported function: how many arguments it takes and
// how to build its node from the node of its input and those of its arguments.
type function struct {
	min, max int
	build    func(src node, args []node) (node, error)
}

// functions are the supported functions, by name. Arguments that are
// expressions over each item (where, select, exists, all) are evaluated with
// $this set to the item; other arguments are evaluated in the context of the
// term holding the call, as the spec describes.
var functions = map[string]function{
	// Filtering and projection, http://hl7.org/fhirpath/N1/#filtering-and-projection
	"where":  {1, 1, func(src node, args []node) (node, error) { return &whereNode{src, args[0]}, nil }},
	"select": {1, 1, func(src node, args []node) (node, error) { return &selectNode{src, args[0]}, nil }},
	"ofType": {1, 1, typeFunction(func(src node, t string) node { return newAsNode(src, t) })},
	// Existence, http://hl7.org/fhirpath/N1/#existence
	"exists": {0, 1, func(src node, args []node) (node, error) {
		if len(args) == 0 {
			return &collectionNode{src, fnExists}, nil
		}
		return &existsNode{src, args[0]}, nil
	}},
	"all":      {1, 1, func(src node, args []node) (node, error) { return &allNode{src, args[0]}, nil }},
	"empty":    simple(fnEmpty),
	"count":    simple(fnCount),
	"distinct": simple(fnDistinct),
	// Subsetting, http://hl7.org/fhirpath/N1/#subsetting
	"first":  simple(fnFirst),
	"last":   simple(fnLast),
	"tail":   simple(fnTail),
	"single": simple(fnSingle),
	"skip":   {1, 1, func(src node, args []node) (node, error) { return &sliceNode{src, args[0], false}, nil }},
	"take":   {1, 1, func(src node, args []node) (node, error) { return &sliceNode{src, args[0], true}, nil }},
	// Boolean logic and types, http://hl7.org/fhirpath/N1/#boolean-logic
	"not": simple(fnNot),
	"is":  {1, 1, typeFunction(func(src node, t string) node { return &isNode{src, t} })},
	"as":  {1, 1, typeFunction(func(src node, t string) node { return newAsNode(src, t) })},
	// FHIR additions, http://hl7.org/fhir/R4/fhirpath.html#functions
	"extension": {1, 1, func(src node, args []node) (node, error) { return &extensionNode{src, args[0]}, nil }},
	"hasValue":  simple(fnHasValue),
	"resolve":   simple(fnResolve),
}

// simple is a function of its input collection alone.
func simple(f func(c *context, in []item) ([]item, error)) function {
	return function{0, 0, func(src node, _ []node) (node, error) { return &collectionNode{src, f}, nil }}
}

// typeFunction is a function whose argument is a type specifier, not an
// expression: as(Quantity), ofType(FHIR.Patient).
func typeFunction(build func(src node, typ string) node) func(node, []node) (node, error) {
	return func(src node, args []node) (node, error) {
		t, ok := typeArgument(args[0])
		if !ok {
			return nil, fmt.Errorf("argument is not a type name")
		}
		return build(src, t), nil
	}
}

// typeArgument reads a type specifier parsed as a path: Quantity or
// FHIR.Quantity or System.String.
func typeArgument(n node) (string, bool) {
	m, ok := n.(*memberNode)
	if !ok {
		return "", false
	}
	switch src := m.src.(type) {
	case thisNode:
		return typeName("", m.name), true
	case *memberNode:
		if _, ok := src.src.(thisNode); ok && (src.name == "FHIR" || src.name == "System") {
			return typeName(src.name, m.name), true
		}
	}
	return "", false
}

// collectionNode applies a function of the whole input collection.
type collectionNode struct {
	src node
	f   func(c *context, in []item) ([]item, error)
}

func (n *collectionNode) eval(c *context) ([]item, error) {
	in, err := n.src.eval(c)
	if err != nil {
		return nil, err
	}
	return n.f(c, in)
}

func fnExists(_ *context, in []item) ([]item, error) { return boolItems(len(in) > 0), nil }
func fnEmpty(_ *context, in []item) ([]item, error)  { return boolItems(len(in) == 0), nil }

func fnCount(_ *context, in []item) ([]item, error) {
	return []item{{node: intNumber(len(in)), typ: "integer"}}, nil
}

func fnDistinct(_ *context, in []item) ([]item, error) {
	if len(in) < 2 {
		return in, nil
	}
	return appendDistinct(nil, in), nil
}

func fnFirst(_ *context, in []item) ([]item, error) {
	if len(in) == 0 {
		return nil, nil
	}
	return one(in, 0), nil
}

func fnLast(_ *context, in []item) ([]item, error) {
	if len(in) == 0 {
		return nil, nil
	}
	return one(in, len(in)-1), nil
}

func fnTail(_ *context, in []item) ([]item, error) {
	if len(in) < 2 {
		return nil, nil
	}
	return in[1:], nil
}

func fnSingle(_ *context, in []item) ([]item, error) {
	if len(in) > 1 {
		return nil, fmt.Errorf("single() on %d items", len(in))
	}
	return in, nil
}

func fnNot(_ *context, in []item) ([]item, error) {
	b, known, err := toBool(in)
	if err != nil || !known {
		return nil, err
	}
	return boolItems(!b), nil
}

// fnHasValue is true for a single primitive that has a value, not only
// extensions (http://hl7.org/fhir/R4/fhirpath.html#functions).
func fnHasValue(_ *context, in []item) ([]item, error) {
	if len(in) != 1 || in[0].node == nil {
		return falseItems, nil
	}
	_, complex := in[0].node.(map[string]any)
	return boolItems(!complex), nil
}

// sliceNode is skip(n) and take(n).
type sliceNode struct {
	src, count node
	take       bool
}

func (n *sliceNode) eval(c *context) ([]item, error) {
	in, err := n.src.eval(c)
	if err != nil || len(in) == 0 {
		return nil, err
	}
	cnt, err := n.count.eval(c)
	if err != nil {
		return nil, err
	}
	k, ok := singleInt(cnt)
	if !ok {
		return nil, fmt.Errorf("skip/take needs a single integer")
	}
	k = max(0, min(k, len(in)))
	if n.take {
		return in[:k:k], nil
	}
	return in[k:], nil
}

// extensionNode is extension(url): the extensions of each item with that
// url, including those of primitives, which live in the companion element.
type extensionNode struct {
	src, url node
}

func (n *extensionNode) eval(c *context) ([]item, error) {
	in, err := n.src.eval(c)
	if err != nil || len(in) == 0 {
		return nil, err
	}
	u, err := n.url.eval(c)
	if err != nil {
		return nil, err
	}
	url, ok := singleString(u)
	if !ok {
		return nil, fmt.Errorf("extension() needs a single string url")
	}
	var out []item
	for _, it := range in {
		m, ok := it.node.(map[string]any)
		if !ok {
			m = it.elem
		}
		exts, _ := m["extension"].([]any)
		for _, e := range exts {
			if ext, ok := e.(map[string]any); ok && ext["url"] == url {
				out = append(out, item{node: ext})
			}
		}
	}
	return out, nil
}
