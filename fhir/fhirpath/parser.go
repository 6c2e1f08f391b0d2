package fhirpath

import (
	"encoding/json"
	"strings"
)

// Limits that keep Compile and Evaluate within a small stack whatever the
// input: every nesting level is a recursive call in both.
const (
	maxExpressionLength = 1 << 16 // bytes
	maxNesting          = 128     // parentheses, arguments and operators nested
)

// parser is a precedence-climbing parser over the tokens of one expression,
// following the grammar of http://hl7.org/fhirpath/N1/#grammar.
type parser struct {
	toks  []token
	pos   int
	depth int
}

// precedences of the binary operators, higher binding tighter
// (http://hl7.org/fhirpath/N1/#operator-precedence).
var precedences = map[string]int{
	"implies": 1,
	"or":      2, "xor": 2,
	"and": 3,
	"in":  4, "contains": 4,
	"=": 5, "~": 5, "!=": 5, "!~": 5,
	"<": 6, ">": 6, "<=": 6, ">=": 6,
	"|":  7,
	"is": 8, "as": 8,
	"+": 9, "-": 9, "&": 9,
	"*": 10, "/": 10, "div": 10, "mod": 10,
}

// keywords are the operator words that cannot start a term unless quoted.
var keywords = map[string]bool{"and": true, "or": true, "xor": true, "implies": true, "div": true, "mod": true}

// constants are the environment variables that stand for a string
// (http://hl7.org/fhir/R4/fhirpath.html#variables).
var constants = map[string]string{
	"ucum":  "http://unitsofmeasure.org",
	"sct":   "http://snomed.info/sct",
	"loinc": "http://loinc.org",
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

func (p *parser) atSymbol(s string) bool {
	t := p.peek()
	return t.kind == tokSymbol && t.text == s
}

func (p *parser) expect(s string) error {
	if t := p.next(); t.kind != tokSymbol || t.text != s {
		return syntaxError(t.pos, "expected %q, found %s", s, t.describe())
	}
	return nil
}

// binaryOperator returns the operator t stands for and its precedence, 0 if
// it is none.
func binaryOperator(t token) (string, int) {
	if t.kind != tokSymbol && (t.kind != tokIdent || t.quoted) {
		return "", 0
	}
	return t.text, precedences[t.text]
}

// parseExpression parses operators of at least precedence minPrec.
func (p *parser) parseExpression(minPrec int) (node, error) {
	if p.depth++; p.depth > maxNesting {
		return nil, syntaxError(p.peek().pos, "expression nested deeper than %d", maxNesting)
	}
	defer func() { p.depth-- }()
	left, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		op, prec := binaryOperator(t)
		if prec == 0 || prec < minPrec {
			return left, nil
		}
		p.next()
		switch op {
		case "is", "as":
			typ, err := p.parseTypeSpecifier()
			if err != nil {
				return nil, err
			}
			if op == "is" {
				left = &isNode{left, typ}
			} else {
				left = newAsNode(left, typ)
			}
			continue
		case "+", "-", "&", "*", "/", "div", "mod":
			return nil, unsupported(t.pos, "operator %q", op)
		}
		right, err := p.parseExpression(prec + 1)
		if err != nil {
			return nil, err
		}
		left = binary(op, left, right)
	}
}

// binary builds the node of a binary operator other than is, as and arithmetic.
func binary(op string, l, r node) node {
	switch op {
	case "|":
		if u, ok := l.(*unionNode); ok {
			u.branches = append(u.branches, r)
			return u
		}
		return &unionNode{branches: []node{l, r}}
	case "=", "!=", "~", "!~":
		return &equalityNode{left: l, right: r, negate: op[0] == '!', equivalence: strings.HasSuffix(op, "~")}
	case "<", "<=", ">", ">=":
		return &comparisonNode{l, r, op}
	case "in":
		return &membershipNode{element: l, collection: r}
	case "contains":
		return &membershipNode{element: r, collection: l}
	}
	return &logicNode{l, r, op} // and, or, xor, implies
}

// parseUnary parses a term with its invocations; a sign is only allowed on a
// number literal.
func (p *parser) parseUnary() (node, error) {
	if p.atSymbol("-") || p.atSymbol("+") {
		sign := p.next()
		t := p.next()
		if t.kind != tokNumber {
			return nil, unsupported(sign.pos, "unary %q on %s", sign.text, t.describe())
		}
		text := t.text
		if sign.text == "-" {
			text = "-" + text
		}
		return p.parsePostfix(numberLiteral(text))
	}
	term, err := p.parseTerm()
	if err != nil {
		return nil, err
	}
	return p.parsePostfix(term)
}

func (p *parser) parseTerm() (node, error) {
	t := p.next()
	switch t.kind {
	case tokNumber:
		return numberLiteral(t.text), nil
	case tokString:
		return literalNode{[]item{{node: t.text, typ: "string"}}}, nil
	case tokDateTime:
		return dateTimeLiteral(t.text), nil
	case tokVariable:
		return variable(t)
	case tokSpecial:
		switch t.text {
		case "this":
			return thisNode{}, nil
		case "index":
			return indexVarNode{}, nil
		}
		return nil, unsupported(t.pos, "$%s", t.text)
	case tokSymbol:
		switch t.text {
		case "(":
			e, err := p.parseExpression(0)
			if err != nil {
				return nil, err
			}
			return e, p.expect(")")
		case "{":
			return literalNode{}, p.expect("}")
		}
	case tokIdent:
		if !t.quoted {
			switch {
			case t.text == "true" || t.text == "false":
				return literalNode{boolItems(t.text == "true")}, nil
			case keywords[t.text]:
				return nil, syntaxError(t.pos, "unexpected %s", t.describe())
			}
		}
		if p.atSymbol("(") {
			return p.parseCall(thisNode{}, t)
		}
		return newMemberNode(thisNode{}, t.text, true), nil
	}
	return nil, syntaxError(t.pos, "unexpected %s", t.describe())
}

// parsePostfix parses the invocations and indexers that follow a term.
func (p *parser) parsePostfix(left node) (node, error) {
	for {
		switch {
		case p.atSymbol("."):
			p.next()
			t := p.next()
			if t.kind != tokIdent {
				return nil, syntaxError(t.pos, "expected a name after '.', found %s", t.describe())
			}
			if p.atSymbol("(") {
				call, err := p.parseCall(left, t)
				if err != nil {
					return nil, err
				}
				left = call
				continue
			}
			left = newMemberNode(left, t.text, false)
		case p.atSymbol("["):
			p.next()
			idx, err := p.parseExpression(0)
			if err != nil {
				return nil, err
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			left = &indexNode{left, idx}
		default:
			return left, nil
		}
	}
}

// parseCall parses the arguments of the function called name on src.
func (p *parser) parseCall(src node, name token) (node, error) {
	p.next() // (
	var args []node
	for !p.atSymbol(")") {
		if len(args) > 0 {
			if err := p.expect(","); err != nil {
				return nil, err
			}
		}
		arg, err := p.parseExpression(0)
		if err != nil {
			return nil, err
		}
		args = append(args, arg)
	}
	p.next() // )
	fn, ok := functions[name.text]
	if !ok {
		if specFunctions[name.text] {
			return nil, unsupported(name.pos, "function %s()", name.text)
		}
		return nil, syntaxError(name.pos, "unknown function %s()", name.text)
	}
	if len(args) < fn.min || len(args) > fn.max {
		return nil, syntaxError(name.pos, "%s() takes %d to %d arguments, not %d", name.text, fn.min, fn.max, len(args))
	}
	n, err := fn.build(src, args)
	if err != nil {
		return nil, syntaxError(name.pos, "%s(): %v", name.text, err)
	}
	return n, nil
}

// parseTypeSpecifier parses the type after is and as: a name, qualified or not.
func (p *parser) parseTypeSpecifier() (string, error) {
	t := p.next()
	if t.kind != tokIdent {
		return "", syntaxError(t.pos, "expected a type name, found %s", t.describe())
	}
	if (t.text == "FHIR" || t.text == "System") && p.atSymbol(".") {
		p.next()
		name := p.next()
		if name.kind != tokIdent {
			return "", syntaxError(name.pos, "expected a type name, found %s", name.describe())
		}
		return typeName(t.text, name.text), nil
	}
	return typeName("", t.text), nil
}

// variable resolves %name.
func variable(t token) (node, error) {
	switch t.text {
	case "resource", "rootResource", "context":
		return rootNode{}, nil
	}
	if s, ok := constants[t.text]; ok {
		return literalNode{[]item{{node: s, typ: "uri"}}}, nil
	}
	if name, ok := strings.CutPrefix(t.text, "vs-"); ok {
		return literalNode{[]item{{node: "http://hl7.org/fhir/ValueSet/" + name, typ: "uri"}}}, nil
	}
	if name, ok := strings.CutPrefix(t.text, "ext-"); ok {
		return literalNode{[]item{{node: "http://hl7.org/fhir/StructureDefinition/" + name, typ: "uri"}}}, nil
	}
	return nil, unsupported(t.pos, "variable %%%s", t.text)
}

func numberLiteral(text string) node {
	typ := "integer"
	if strings.Contains(text, ".") {
		typ = "decimal"
	}
	return literalNode{[]item{{node: json.Number(text), typ: typ}}}
}

// dateTimeLiteral is @2019-01-01, @2019-01-01T10:00 or @T10:00, held as the
// string FHIR JSON would hold.
func dateTimeLiteral(text string) node {
	switch {
	case strings.HasPrefix(text, "T"):
		return literalNode{[]item{{node: text[1:], typ: "time"}}}
	case strings.Contains(text, "T"):
		return literalNode{[]item{{node: strings.TrimSuffix(text, "T"), typ: "dateTime"}}}
	}
	return literalNode{[]item{{node: text, typ: "date"}}}
}

// specFunctions are the functions of FHIRPath N1 and the FHIR R4 additions,
// so that Compile can tell one this subset lacks from a misspelling.
var specFunctions = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(`empty exists all allTrue anyTrue allFalse anyFalse subsetOf supersetOf
		count distinct isDistinct where select repeat ofType single first last tail skip take intersect exclude
		union combine iif toBoolean convertsToBoolean toInteger convertsToInteger toDate convertsToDate
		toDateTime convertsToDateTime toDecimal convertsToDecimal toQuantity convertsToQuantity toString
		convertsToString toTime convertsToTime indexOf substring startsWith endsWith contains upper lower
		replace matches replaceMatches length toChars abs ceiling exp floor ln log power round sqrt truncate
		children descendants trace now timeOfDay today not as is aggregate
		extension hasValue getValue resolve elementDefinition slice checkModifiers conformsTo memberOf
		subsumes subsumedBy htmlChecks`) {
		m[f] = true
	}
	return m
}()
