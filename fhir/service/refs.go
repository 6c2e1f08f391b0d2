package service

import (
	"encoding/json"
	"strings"
)

// rewriteRefs returns body with every reference rewritten by resolve: each
// string value of a "reference" property, wherever it is (contained
// resources and extensions included), and the href and src attributes of
// narrative "div" values (R4 3.1.0.11.2: "references ... in the narrative
// must be updated too"). resolve reports whether it changed a value. The
// body is scanned once, without decoding it: strings of other properties,
// identifiers among them, are never touched, however they look.
func rewriteRefs(body []byte, resolve func(string) (string, bool)) []byte {
	var out []byte
	last := 0 // body[:last] is in out already, when out is not nil
	key := ""
	for i := 0; i < len(body); {
		if body[i] != '"' {
			i++
			continue
		}
		end := stringEnd(body, i)
		k := end
		for k < len(body) && (body[k] == ' ' || body[k] == '\t' || body[k] == '\n' || body[k] == '\r') {
			k++
		}
		if k < len(body) && body[k] == ':' {
			key = string(body[i+1 : end-1]) // property names have no escapes in FHIR JSON
			i = end
			continue
		}
		if key == "reference" || key == "div" {
			var v string
			if json.Unmarshal(body[i:end], &v) == nil {
				nv, changed := v, false
				if key == "reference" {
					nv, changed = resolve(v)
				} else {
					nv, changed = rewriteNarrative(v, resolve)
				}
				if changed {
					enc, _ := json.Marshal(nv)
					out = append(append(out, body[last:i]...), enc...)
					last = end
				}
			}
		}
		i = end
	}
	if out == nil {
		return body
	}
	return append(out, body[last:]...)
}

// stringEnd returns the index just after the JSON string starting at
// body[start] (a quote); the end of body if it is not closed.
func stringEnd(body []byte, start int) int {
	for i := start + 1; i < len(body); i++ {
		switch body[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(body)
}

// rewriteNarrative rewrites the href and src attributes of XHTML whose
// value resolve knows.
func rewriteNarrative(div string, resolve func(string) (string, bool)) (string, bool) {
	var b strings.Builder
	changed := false
	rest := div
	for {
		at, attrLen := -1, 0
		for _, attr := range []string{`href="`, `src="`, `href='`, `src='`} {
			if j := strings.Index(rest, attr); j >= 0 && (at < 0 || j < at) {
				at, attrLen = j, len(attr)
			}
		}
		if at < 0 {
			break
		}
		quote := rest[at+attrLen-1]
		valStart := at + attrLen
		valEnd := strings.IndexByte(rest[valStart:], quote)
		if valEnd < 0 {
			break
		}
		valEnd += valStart
		b.WriteString(rest[:valStart])
		if nv, ok := resolve(rest[valStart:valEnd]); ok {
			b.WriteString(nv)
			changed = true
		} else {
			b.WriteString(rest[valStart:valEnd])
		}
		rest = rest[valEnd:]
	}
	if !changed {
		return div, false
	}
	b.WriteString(rest)
	return b.String(), true
}
