package ucum

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on an expression, so that a search parameter cannot make the parser
// build huge numbers or recurse deeply. Real unit codes are far inside them.
const (
	maxExprLen  = 256 // bytes
	maxDepth    = 16  // nested parentheses
	maxExponent = 99  // |exponent| of one simple unit
)

// The micro sign (U+00B5) and the Greek small mu (U+03BC) stand for the prefix
// "u". Feeds use both; UCUM's case-sensitive codes are ASCII only.
var microReplacer = strings.NewReplacer("\u00b5", "u", "\u03bc", "u")

// parser reads one expression by recursive descent over the grammar of
// ucum.html §7-§10 (Exhibit 1):
//
//	main-term  = "/" term | term
//	term       = term "." component | term "/" component | component
//	component  = annotatable [annotation] | annotation | factor | "(" term ")"
//	annotatable = simple-unit [exponent]
//
// "." and "/" have the same precedence and associate to the left (§7 ■4):
// "mg/kg.h" is (mg/kg)·h, not mg/(kg·h).
type parser struct {
	in    string // the expression as given, for messages
	s     string // in with micro signs replaced; byte i is character i+1 of in
	pos   int
	depth int
}

// parse parses expr without the laboratory-shorthand checks of Parse.
func parse(expr string) (*Unit, error) {
	p := &parser{in: expr, s: microReplacer.Replace(expr)}
	if expr == "" {
		return nil, p.fail(ErrSyntax, "empty unit expression (the unity is \"1\")")
	}
	if len(expr) > maxExprLen {
		return nil, p.fail(ErrSyntax, "unit expression longer than %d bytes", maxExprLen)
	}
	var u *Unit
	var err error
	if p.peek() == '/' {
		p.pos++
		if u, err = p.term(); err != nil {
			return nil, err
		}
		if u, err = p.combine(one(), u, '/', 0); err != nil {
			return nil, err
		}
	} else if u, err = p.term(); err != nil {
		return nil, err
	}
	if p.pos < len(p.s) {
		return nil, p.unexpected()
	}
	// Keep the canonical unit itself parseable: "l70" is m210.
	for i, e := range u.dim.exp {
		if e > maxExponent || e < -maxExponent {
			return nil, p.fail(ErrSyntax, "%q has %s to the power %d, out of range -%d..%d", expr, dimSymbol(i), e, maxExponent, maxExponent)
		}
	}
	u.expr = expr
	return u, nil
}

func (p *parser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *parser) term() (*Unit, error) {
	u, err := p.component()
	if err != nil {
		return nil, err
	}
	for op := p.peek(); op == '.' || op == '/'; op = p.peek() {
		at := p.pos
		p.pos++
		v, err := p.component()
		if err != nil {
			return nil, err
		}
		if u, err = p.combine(u, v, op, at); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// combine returns u.v or u/v; special units take part in no operation
// (ucum.html §22 ■1).
func (p *parser) combine(u, v *Unit, op byte, at int) (*Unit, error) {
	for _, w := range []*Unit{u, v} {
		if w.special != nil {
			return nil, p.fail(ErrNotRatioScale, "special unit %q cannot be combined with other units in %q (interval scale, ucum.html §22)", w.expr, p.in)
		}
	}
	r := &Unit{factor: new(big.Rat)}
	if op == '.' {
		r.factor.Mul(u.factor, v.factor)
		r.dim = u.dim.mul(v.dim)
	} else {
		r.factor.Quo(u.factor, v.factor) // factors are never zero
		r.dim = u.dim.div(v.dim)
	}
	return r, nil
}

func (p *parser) component() (*Unit, error) {
	switch c := p.peek(); c {
	case '(':
		open := p.pos
		if p.depth++; p.depth > maxDepth {
			return nil, p.fail(ErrSyntax, "parentheses nested deeper than %d in %q", maxDepth, p.in)
		}
		p.pos++
		u, err := p.term()
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			if p.pos < len(p.s) {
				return nil, p.unexpected()
			}
			return nil, p.fail(ErrSyntax, "missing \")\" for the \"(\" at position %d in %q", open+1, p.in)
		}
		p.pos++
		p.depth--
		return u, nil
	case '{':
		// An annotation alone means the unity (ucum.html §6 ■4).
		if err := p.annotation(); err != nil {
			return nil, err
		}
		return one(), nil
	case 0, '.', '/', ')', '}', ']':
		return nil, p.unexpected()
	default:
		return p.simpleUnit()
	}
}

// annotation skips "{...}". Annotations carry no meaning (ucum.html §6 ■2).
func (p *parser) annotation() error {
	open := p.pos
	for p.pos++; p.pos < len(p.s); p.pos++ {
		switch c := p.s[p.pos]; {
		case c == '}':
			p.pos++
			return nil
		case c == '{':
			return p.fail(ErrSyntax, "nested \"{\" at position %d in %q", p.pos+1, p.in)
		case c < 33 || c > 126:
			return p.badChar("in an annotation")
		}
	}
	return p.fail(ErrSyntax, "missing \"}\" for the \"{\" at position %d in %q", open+1, p.in)
}

// simpleUnit reads a symbol with its optional exponent and annotation, or a
// positive integer factor.
func (p *parser) simpleUnit() (*Unit, error) {
	start := p.pos
scan:
	for p.pos < len(p.s) {
		switch c := p.s[p.pos]; {
		case c == '[':
			// Square brackets are part of an atom and may enclose any
			// character 33-126 except brackets (ucum.html §5).
			open := p.pos
			for p.pos++; p.pos < len(p.s) && p.s[p.pos] != ']'; p.pos++ {
				if c := p.s[p.pos]; c == '[' || c < 33 || c > 126 {
					return nil, p.badChar("in square brackets")
				}
			}
			if p.pos == len(p.s) {
				return nil, p.fail(ErrSyntax, "missing \"]\" for the \"[\" at position %d in %q", open+1, p.in)
			}
			p.pos++
		case c == '.' || c == '/' || c == '(' || c == ')' || c == '{':
			break scan
		case c == ']' || c == '}':
			return nil, p.unexpected()
		case c < 33 || c > 126:
			return nil, p.badChar("")
		default:
			p.pos++
		}
	}
	run := p.s[start:p.pos]
	u, err := p.resolve(run, start)
	if err != nil {
		return nil, err
	}
	if p.peek() == '{' {
		if err := p.annotation(); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// resolve turns a symbol run such as "mg", "m2", "10*-3", "24" or "2+10"
// into a unit.
func (p *parser) resolve(run string, start int) (*Unit, error) {
	if isDigits(run) {
		return p.factor(run, 1, start)
	}
	// A trailing integer, with an optional sign, is the exponent (§9).
	stem, exp := run, 1
	i := len(run)
	for i > 0 && isDigit(run[i-1]) {
		i--
	}
	if i < len(run) {
		j := i
		if run[j-1] == '+' || run[j-1] == '-' {
			j--
		}
		n, err := strconv.Atoi(run[j:])
		if err != nil || n > maxExponent || n < -maxExponent {
			return nil, p.fail(ErrSyntax, "exponent %q out of range -%d..%d in %q", run[j:], maxExponent, maxExponent, p.in)
		}
		if j == 0 {
			return nil, p.fail(ErrSyntax, "exponent %q without a unit at position %d in %q", run, start+1, p.in)
		}
		stem, exp = run[:j], n
		if isDigits(stem) { // "2+10" is 2 to the power 10 (§9)
			return p.factor(stem, exp, start)
		}
	} else if last := run[len(run)-1]; last == '+' || last == '-' {
		return nil, p.fail(ErrSyntax, "sign without exponent digits in %q at position %d in %q", run, start+len(run), p.in)
	}

	a, pre, err := p.lookup(stem)
	if err != nil {
		return nil, err
	}
	if a.special != nil {
		if pre != nil || exp != 1 {
			return nil, p.fail(ErrNotRatioScale, "special unit %q cannot take a prefix or an exponent in %q (interval scale, ucum.html §22)", a.code, p.in)
		}
		return &Unit{expr: a.code, factor: a.factor, dim: a.dim, special: a.special}, nil
	}
	f := a.factor
	if pre != nil { // the prefix is raised to the power too: cm3 = (0.01 m)^3
		f = new(big.Rat).Mul(pre, f)
	}
	return &Unit{expr: run, factor: ratPow(f, exp), dim: a.dim.pow(exp)}, nil
}

// lookup finds the atom for a symbol, with its prefix value or nil.
func (p *parser) lookup(sym string) (*atom, *big.Rat, error) {
	if a := atoms[sym]; a != nil {
		return a, nil, nil
	}
	var nonMetric string
	for _, pr := range prefixes {
		rest, ok := strings.CutPrefix(sym, pr.code)
		if !ok {
			continue
		}
		if a := atoms[rest]; a != nil {
			if a.metric {
				return a, prefixValues[pr.code], nil
			}
			nonMetric = fmt.Sprintf("; prefix %q cannot be used with the non-metric unit %q", pr.code, rest)
		}
	}
	return nil, nil, p.fail(ErrUnknownUnit, "unknown unit %q in %q%s", sym, p.in, nonMetric)
}

func (p *parser) factor(digits string, exp, start int) (*Unit, error) {
	n, ok := new(big.Int).SetString(digits, 10)
	if !ok || n.Sign() == 0 {
		return nil, p.fail(ErrSyntax, "number %q at position %d in %q is not a positive integer", digits, start+1, p.in)
	}
	return &Unit{expr: digits, factor: ratPow(new(big.Rat).SetInt(n), exp)}, nil
}

func (p *parser) unexpected() error {
	if p.pos >= len(p.s) {
		return p.fail(ErrSyntax, "unexpected end of %q: expected a unit, a number, \"(\" or \"{\"", p.in)
	}
	return p.fail(ErrSyntax, "unexpected %q at position %d in %q", p.s[p.pos:p.pos+1], p.pos+1, p.in)
}

func (p *parser) badChar(where string) error {
	r, _ := utf8.DecodeRuneInString(p.s[p.pos:])
	what := "character"
	if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
		what = "whitespace"
	}
	if where != "" {
		where = " " + where
	}
	return p.fail(ErrSyntax, "%s %q not allowed%s at position %d in %q (UCUM uses ASCII 33-126 only)", what, r, where, p.pos+1, p.in)
}

func (p *parser) fail(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Expr: p.in, Msg: fmt.Sprintf(format, args...)}
}

func one() *Unit { return &Unit{expr: "1", factor: big.NewRat(1, 1)} }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// ratPow returns r^n for a non-zero r.
func ratPow(r *big.Rat, n int) *big.Rat {
	if n == 0 {
		return big.NewRat(1, 1)
	}
	e := big.NewInt(int64(n))
	if n < 0 {
		e.Neg(e)
	}
	num := new(big.Int).Exp(r.Num(), e, nil)
	den := new(big.Int).Exp(r.Denom(), e, nil)
	if n < 0 {
		num, den = den, num
	}
	return new(big.Rat).SetFrac(num, den)
}
