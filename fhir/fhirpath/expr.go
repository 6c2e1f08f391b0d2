package fhirpath

import (
	"errors"
	"fmt"
	"sync"
)

// ErrUnsupported is wrapped by the error Compile returns for valid FHIRPath
// that this subset does not implement (arithmetic, string functions, ...), so
// that a caller can tell "not for us" from "malformed".
var ErrUnsupported = errors.New("fhirpath: not supported")

// SyntaxError is the error Compile returns for a malformed expression.
type SyntaxError struct {
	Offset int    // byte offset in the expression
	Msg    string // what is wrong, lower-case
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("fhirpath: %s at offset %d", e.Msg, e.Offset)
}

func syntaxError(offset int, format string, args ...any) error {
	return &SyntaxError{Offset: offset, Msg: fmt.Sprintf(format, args...)}
}

func unsupported(offset int, format string, args ...any) error {
	return fmt.Errorf("%w: %s at offset %d", ErrUnsupported, fmt.Sprintf(format, args...), offset)
}

// Expr is a compiled expression. It is immutable, so one Expr may be
// evaluated by many goroutines at once.
type Expr struct {
	src  string
	root node
}

// Compile parses an expression once. It returns a *SyntaxError for malformed
// input and an error wrapping ErrUnsupported for FHIRPath outside the subset.
func Compile(expr string) (*Expr, error) {
	if len(expr) > maxExpressionLength {
		return nil, syntaxError(0, "expression longer than %d bytes", maxExpressionLength)
	}
	toks, err := lex(expr)
	if err != nil {
		return nil, err
	}
	p := parser{toks: toks}
	root, err := p.parseExpression(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, syntaxError(t.pos, "unexpected %s", t.describe())
	}
	return &Expr{src: expr, root: root}, nil
}

// MustCompile is Compile for expressions known to be valid, such as
// constants; it panics on error.
func MustCompile(expr string) *Expr {
	e, err := Compile(expr)
	if err != nil {
		panic(err)
	}
	return e
}

// String returns the source of the expression.
func (e *Expr) String() string { return e.src }

// Evaluate returns the collection the expression yields on resource (a
// decoded JSON object). The resource is also %resource, %rootResource and
// %context, and it is where resolve() looks for contained resources.
//
// Evaluate never modifies resource. It returns nil when the expression yields
// nothing, and an error only where FHIRPath defines one (a boolean operator or
// comparison given more than one item, single() on many items, ...).
func (e *Expr) Evaluate(resource map[string]any) ([]Value, error) {
	c := contexts.Get().(*context)
	c.rootBuf[0] = item{node: resource}
	c.root = c.rootBuf[:1:1]
	c.this = c.root
	c.rootType, c.rootIsResource = typeOf(c.rootBuf[0])
	items, err := e.root.eval(c)
	// Copy the result out before the context goes back to the pool: it may
	// alias c.rootBuf. Clearing it lets the pool not keep the resource alive.
	var out []Value
	if err == nil {
		out = values(items)
	}
	*c = context{}
	contexts.Put(c)
	if err != nil {
		return nil, fmt.Errorf("fhirpath: evaluating %q: %w", e.src, err)
	}
	return out, nil
}

// contexts recycles evaluation state: a context escapes to the heap, and
// indexing evaluates dozens of expressions per write.
var contexts = sync.Pool{New: func() any { return new(context) }}

// values converts the internal items to the public result, leaving out the
// items that have no JSON value.
func values(items []item) []Value {
	n := 0
	for i := range items {
		if items[i].node != nil {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]Value, 0, n)
	for _, it := range items {
		if it.node != nil {
			out = append(out, Value{Node: it.node, Type: it.typ})
		}
	}
	return out
}
