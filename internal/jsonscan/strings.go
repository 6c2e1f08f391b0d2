package jsonscan

import (
	"unicode/utf16"
	"unicode/utf8"
)

// Read reads the JSON string whose opening quote is b[i] and returns it
// decoded, with the index just after its closing quote. It decodes as
// encoding/json does, an unpaired surrogate escape becoming U+FFFD. ok is
// false for anything encoding/json would refuse or repair: no closing
// quote, a control character, a bad escape, bytes that are not UTF-8
// (encoding/json substitutes U+FFFD; a caller falls back to it).
func Read(b []byte, i int) (s string, end int, ok bool) {
	start := i + 1
	for j := start; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			raw := b[start:j]
			if !utf8.Valid(raw) {
				return "", 0, false
			}
			return string(raw), j + 1, true
		case c == '\\':
			return escaped(b, start)
		case c < 0x20:
			return "", 0, false
		}
	}
	return "", 0, false
}

// escaped reads, from start, a string that has escapes.
func escaped(b []byte, start int) (string, int, bool) {
	buf := make([]byte, 0, 32)
	for i := start; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			if !utf8.Valid(buf) {
				return "", 0, false
			}
			return string(buf), i + 1, true
		case c < 0x20:
			return "", 0, false
		case c != '\\':
			buf = append(buf, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			break
		}
		e := b[i+1]
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
			r, ok := hex4(b, i)
			if !ok {
				return "", 0, false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok := rune(0), false
				if i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
					r2, ok = hex4(b, i+2)
				}
				if d := utf16.DecodeRune(r, r2); ok && d != utf8.RuneError {
					r, i = d, i+6
				} else {
					r = utf8.RuneError
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", 0, false
		}
	}
	return "", 0, false
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

// End returns the index just after the closing quote of the JSON string
// whose opening quote is b[i], without decoding it; -1 when the string
// does not end.
func End(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// Skip is End for readers of JSON known to be valid: len(b) when the
// string does not end.
func Skip(b []byte, i int) int {
	if end := End(b, i); end >= 0 {
		return end
	}
	return len(b)
}
