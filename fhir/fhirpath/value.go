package fhirpath

// Value is one item of a result collection.
//
// Node is the JSON node as encoding/json decoded it with UseNumber:
// map[string]any for a complex element or resource, or a string, json.Number
// or bool for a primitive. Never []any: arrays are flattened into the
// collection. A primitive with a companion "_name" element (which carries its
// id and extensions) is still the primitive.
//
// Type is the FHIR type when it is known: from the suffix of a choice
// element (valueQuantity gives "Quantity", effectiveDateTime "dateTime"),
// from as/ofType, or for values the expression computes ("boolean" for
// the result of "=", "integer" for count()); otherwise "".
//
// Items that have no JSON value take part in evaluation but are left out of
// the result: a primitive that carries only extensions ("_birthDate" without
// "birthDate"), and a resource that resolve() knows only by the type in a
// reference.
type Value struct {
	Node any
	Type string
}

// item is a Value during evaluation, with what the JSON alone cannot say.
type item struct {
	node any
	typ  string
	// elem is the companion "_name" object of a primitive, holding its id and
	// extensions (http://hl7.org/fhir/R4/json.html#primitive).
	elem map[string]any
	// resource marks a node that is a resource of type typ although node does
	// not hold it: what resolve() yields for "Patient/123".
	resource bool
}

// context is the state of one evaluation.
type context struct {
	root    []item  // %resource, one item
	this    []item  // $this: the focus of a term, one item inside where() and friends
	index   int     // $index inside where() and friends
	rootBuf [1]item // backs root without another allocation
	// rootType is the resourceType of %resource, looked up once since every
	// path of a shared expression starts by testing it.
	rootType       string
	rootIsResource bool
}

// node is a compiled expression. eval must not modify the slices it is given
// or gets from other nodes, since they may alias the input or a literal.
type node interface {
	eval(c *context) ([]item, error)
}

// thisNode yields the focus of the enclosing term: the resource at the top
// level, the current item inside where(), select(), exists() and all().
type thisNode struct{}

func (thisNode) eval(c *context) ([]item, error) { return c.this, nil }

// rootNode yields %resource, %rootResource and %context.
type rootNode struct{}

func (rootNode) eval(c *context) ([]item, error) { return c.root, nil }

// indexVarNode yields $index.
type indexVarNode struct{}

func (indexVarNode) eval(c *context) ([]item, error) {
	return []item{{node: intNumber(c.index), typ: "integer"}}, nil
}

// literalNode yields a constant collection.
type literalNode struct{ items []item }

func (n literalNode) eval(*context) ([]item, error) { return n.items, nil }

// one returns the i-th item of items as a collection of its own whose
// capacity ends with it, so that no append can reach its neighbours.
func one(items []item, i int) []item { return items[i : i+1 : i+1] }
