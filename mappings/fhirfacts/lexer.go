package fhirfacts

import (
	"encoding/json"
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// lexer is a strict single-pass JSON reader for decode.go. encoding/json
// scans every document twice (validation, then reflection-driven
// decoding) and was most of Build's time; this reads each byte once into
// the known structs. Anything it does not accept (invalid JSON, invalid
// UTF-8, a value of an unexpected type) sets err, and Build then decodes
// the record with encoding/json, which decides and words the error.
type lexer struct {
	data []byte
	pos  int
	err  error
}

var errSyntax = errors.New("fhirfacts: fast path: unexpected input")

func (l *lexer) fail() {
	if l.err == nil {
		l.err = errSyntax
	}
	l.pos = len(l.data)
}

func (l *lexer) ws() {
	for l.pos < len(l.data) {
		switch l.data[l.pos] {
		case ' ', '\t', '\n', '\r':
			l.pos++
		default:
			return
		}
	}
}

func (l *lexer) peek() byte {
	l.ws()
	if l.pos < len(l.data) {
		return l.data[l.pos]
	}
	return 0
}

func (l *lexer) expect(c byte) {
	if l.peek() != c {
		l.fail()
		return
	}
	l.pos++
}

// null consumes a null and reports whether there was one.
func (l *lexer) null() bool {
	if l.peek() == 'n' && l.literal("null") {
		return true
	}
	return false
}

func (l *lexer) literal(word string) bool {
	if len(l.data)-l.pos >= len(word) && string(l.data[l.pos:l.pos+len(word)]) == word {
		l.pos += len(word)
		return true
	}
	return false
}

// object starts an object; it returns false (having consumed it) for null.
func (l *lexer) object() bool {
	if l.null() {
		return false
	}
	l.expect('{')
	return l.err == nil
}

// key returns the next key of the object, or false at its end; first is
// the caller's state (true before the first key).
// The key aliases the input (no allocation; switch on string(k) does not
// copy either).
func (l *lexer) key(first *bool) ([]byte, bool) {
	c := l.peek()
	if c == '}' {
		l.pos++
		return nil, false
	}
	if !*first {
		if c != ',' {
			l.fail()
			return nil, false
		}
		l.pos++
	}
	*first = false
	if l.peek() != '"' {
		l.fail()
		return nil, false
	}
	k := l.keyBytes()
	l.expect(':')
	return k, l.err == nil
}

// keyBytes reads a key at pos; a key with escapes (never in FHIR) is
// decoded into a copy.
func (l *lexer) keyBytes() []byte {
	start := l.pos + 1
	for i := start; i < len(l.data); i++ {
		switch l.data[i] {
		case '"':
			l.pos = i + 1
			return l.data[start:i]
		case '\\':
			return []byte(l.rawString())
		}
		if l.data[i] < 0x20 {
			break
		}
	}
	l.fail()
	return nil
}

// array starts an array; false (consumed) for null.
func (l *lexer) array() bool {
	if l.null() {
		return false
	}
	l.expect('[')
	return l.err == nil
}

// more reports whether the array has another element.
func (l *lexer) more(first *bool) bool {
	c := l.peek()
	if c == ']' {
		l.pos++
		return false
	}
	if !*first {
		if c != ',' {
			l.fail()
			return false
		}
		l.pos++
	}
	*first = false
	return l.err == nil
}

// str reads a string value ("" for null).
func (l *lexer) str() string {
	if l.null() {
		return ""
	}
	if l.peek() != '"' {
		l.fail()
		return ""
	}
	return l.rawString()
}

// rawString reads a string at pos (which holds the opening quote).
func (l *lexer) rawString() string {
	start := l.pos + 1
	for i := start; i < len(l.data); i++ {
		switch c := l.data[i]; {
		case c == '"':
			l.pos = i + 1
			s := l.data[start:i]
			if !utf8.Valid(s) {
				l.fail() // encoding/json substitutes U+FFFD: let it
				return ""
			}
			return string(s)
		case c == '\\':
			return l.escaped(start)
		case c < 0x20:
			l.fail()
			return ""
		}
	}
	l.fail()
	return ""
}

// escaped reads a string that has escapes, from start.
func (l *lexer) escaped(start int) string {
	buf := make([]byte, 0, 32)
	for i := start; i < len(l.data); {
		c := l.data[i]
		switch {
		case c == '"':
			l.pos = i + 1
			if !utf8.Valid(buf) {
				l.fail()
				return ""
			}
			return string(buf)
		case c < 0x20:
			l.fail()
			return ""
		case c != '\\':
			buf = append(buf, c)
			i++
			continue
		}
		if i+1 >= len(l.data) {
			break
		}
		e := l.data[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := hex4(l.data, i)
			if !ok {
				l.fail()
				return ""
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok := rune(0), false
				if i+6 <= len(l.data) && l.data[i] == '\\' && l.data[i+1] == 'u' {
					r2, ok = hex4(l.data, i+2)
				}
				if d := utf16.DecodeRune(r, r2); ok && d != utf8.RuneError {
					r, i = d, i+6
				} else {
					r = utf8.RuneError
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			l.fail()
			return ""
		}
	}
	l.fail()
	return ""
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number reads a JSON number as written ("" for null).
func (l *lexer) number() json.Number {
	if l.null() {
		return ""
	}
	l.ws()
	start, i := l.pos, l.pos
	d := l.data
	if i < len(d) && d[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i, n = i+1, n+1
		}
		return n
	}
	if i < len(d) && d[i] == '0' {
		i++
	} else if digits() == 0 {
		l.fail()
		return ""
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			l.fail()
			return ""
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			l.fail()
			return ""
		}
	}
	l.pos = i
	return json.Number(d[start:i])
}

// boolean reads true or false into a new bool (nil for null).
func (l *lexer) boolean() *bool {
	if l.null() {
		return nil
	}
	l.ws()
	var v bool
	switch {
	case l.literal("true"):
		v = true
	case l.literal("false"):
	default:
		l.fail()
		return nil
	}
	return &v
}

// skip reads and drops any value.
func (l *lexer) skip() {
	switch l.peek() {
	case '{':
		l.pos++
		for first := true; ; {
			if _, ok := l.key(&first); !ok {
				return
			}
			l.skip()
		}
	case '[':
		l.pos++
		for first := true; l.more(&first); {
			l.skip()
		}
	case '"':
		l.rawString()
	case 't', 'f':
		l.boolean()
	case 'n':
		if !l.null() {
			l.fail()
		}
	default:
		l.number()
	}
}

// end checks that nothing but white space follows the document.
func (l *lexer) end() {
	if l.peek() != 0 || l.pos != len(l.data) {
		l.fail()
	}
}
