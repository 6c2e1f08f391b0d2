package fhirfacts

import (
	"encoding/json"
	"errors"

	"github.com/trialfhir/trialfhir/internal/jsonscan"
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

func (l *lexer) ws() { l.pos = jsonscan.SkipSpace(l.data, l.pos) }

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
	s, end, ok := jsonscan.Read(l.data, l.pos)
	if !ok {
		l.fail() // encoding/json refuses it, or substitutes U+FFFD: let it
		return ""
	}
	l.pos = end
	return s
}

// number reads a JSON number as written ("" for null).
func (l *lexer) number() json.Number {
	if l.null() {
		return ""
	}
	l.ws()
	start, i := l.pos, jsonscan.NumberEnd(l.data, l.pos)
	if i < 0 {
		l.fail()
		return ""
	}
	l.pos = i
	return json.Number(l.data[start:i])
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
