package fhirpath

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokenKind classifies a token of the FHIRPath lexical grammar
// (http://hl7.org/fhirpath/N1/#lexical-elements).
type tokenKind int

const (
	tokEOF      tokenKind = iota
	tokIdent              // identifier or keyword; quoted when written in backticks
	tokString             // string literal, text holds the unescaped value
	tokNumber             // integer or decimal literal
	tokDateTime           // @2019-01-01, @2019-01-01T10:00, @T10:00; text without the @
	tokVariable           // %resource, text without the %
	tokSpecial            // $this, $index, $total; text without the $
	tokSymbol             // punctuation and operators: . , ( ) [ ] { } | = != ~ !~ < <= > >= + - * / &
)

// token is one lexical element; pos is its byte offset in the expression.
type token struct {
	kind   tokenKind
	text   string
	pos    int
	quoted bool
}

// lex splits an expression into tokens, ending with tokEOF.
func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; ; {
		i = skipSpaceAndComments(src, i)
		if i >= len(src) {
			return append(toks, token{kind: tokEOF, pos: len(src)}), nil
		}
		tok, next, err := lexOne(src, i)
		if err != nil {
			return nil, err
		}
		toks = append(toks, tok)
		i = next
	}
}

// skipSpaceAndComments returns the offset of the next token at or after i.
func skipSpaceAndComments(src string, i int) int {
	for i < len(src) {
		switch {
		case src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r' || src[i] == '\f':
			i++
		case strings.HasPrefix(src[i:], "//"):
			end := strings.IndexByte(src[i:], '\n')
			if end < 0 {
				return len(src)
			}
			i += end + 1
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return len(src)
			}
			i += end + 4
		default:
			return i
		}
	}
	return i
}

// lexOne reads the token starting at i and returns it with the offset after it.
func lexOne(src string, i int) (token, int, error) {
	c := src[i]
	switch {
	case isIdentStart(c):
		j := i + 1
		for j < len(src) && isIdentPart(src[j]) {
			j++
		}
		return token{kind: tokIdent, text: src[i:j], pos: i}, j, nil
	case c == '`':
		text, j, err := lexQuoted(src, i, '`')
		if err == nil && text == "" {
			err = syntaxError(i, "empty delimited identifier")
		}
		return token{kind: tokIdent, text: text, pos: i, quoted: true}, j, err
	case c == '\'':
		text, j, err := lexQuoted(src, i, '\'')
		return token{kind: tokString, text: text, pos: i}, j, err
	case isDigit(c):
		j := i + 1
		for j < len(src) && isDigit(src[j]) {
			j++
		}
		// A dot belongs to the number only when a digit follows: 1.5 but a[0].b.
		if j+1 < len(src) && src[j] == '.' && isDigit(src[j+1]) {
			j += 2
			for j < len(src) && isDigit(src[j]) {
				j++
			}
		}
		return token{kind: tokNumber, text: src[i:j], pos: i}, j, nil
	case c == '@':
		j := i + 1
		for j < len(src) && isDateTimePart(src[j]) {
			j++
		}
		if j == i+1 {
			return token{}, 0, syntaxError(i, "empty date/time literal")
		}
		return token{kind: tokDateTime, text: src[i+1 : j], pos: i}, j, nil
	case c == '%' || c == '$':
		kind := tokVariable
		if c == '$' {
			kind = tokSpecial
		}
		if i+1 < len(src) && src[i+1] == '`' {
			text, j, err := lexQuoted(src, i+1, '`')
			if err == nil && text == "" {
				err = syntaxError(i, "empty delimited name")
			}
			return token{kind: kind, text: text, pos: i}, j, err
		}
		j := i + 1
		for j < len(src) && isIdentPart(src[j]) {
			j++
		}
		if j == i+1 {
			return token{}, 0, syntaxError(i, "%q without a name", string(c))
		}
		return token{kind: kind, text: src[i+1 : j], pos: i}, j, nil
	}
	for _, sym := range symbols {
		if strings.HasPrefix(src[i:], sym) {
			return token{kind: tokSymbol, text: sym, pos: i}, i + len(sym), nil
		}
	}
	r, _ := utf8.DecodeRuneInString(src[i:])
	return token{}, 0, syntaxError(i, "unexpected character %q", r)
}

// symbols are the punctuation tokens, two-character ones first so that "!="
// is not read as "!" and "=".
var symbols = []string{"!=", "!~", "<=", ">=", ".", ",", "(", ")", "[", "]", "{", "}", "|", "=", "~", "<", ">", "+", "-", "*", "/", "&"}

// lexQuoted reads a string or delimited identifier opened by quote at i,
// resolving the escapes of http://hl7.org/fhirpath/N1/#string.
func lexQuoted(src string, i int, quote byte) (string, int, error) {
	var b strings.Builder
	for j := i + 1; j < len(src); j++ {
		c := src[j]
		if c == quote {
			return b.String(), j + 1, nil
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		j++
		if j >= len(src) {
			break
		}
		switch src[j] {
		case '\'', '"', '`', '\\', '/':
			b.WriteByte(src[j])
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			if j+4 >= len(src) {
				return "", 0, syntaxError(j-1, "short \\u escape")
			}
			n, err := strconv.ParseUint(src[j+1:j+5], 16, 16)
			if err != nil {
				return "", 0, syntaxError(j-1, "bad \\u escape %q", src[j-1:j+5])
			}
			b.WriteRune(rune(n))
			j += 4
		default:
			return "", 0, syntaxError(j-1, "unknown escape \\%c", src[j])
		}
	}
	return "", 0, syntaxError(i, "unterminated %c", quote)
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isDateTimePart(c byte) bool {
	return isDigit(c) || c == '-' || c == ':' || c == 'T' || c == '.' || c == '+' || c == 'Z'
}

// describe names a token for error messages.
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of expression"
	case tokString:
		return fmt.Sprintf("string %q", t.text)
	default:
		return fmt.Sprintf("%q", t.text)
	}
}
