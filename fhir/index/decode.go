package index

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/trialfhir/trialfhir/internal/jsonscan"
)

// decode reads a resource into the generic form FHIRPath walks: what
// encoding/json gives with UseNumber (map[string]any, []any, string,
// json.Number, bool, nil). It is a plain recursive descent because
// encoding/json's reflective decoder took two fifths of extraction; on
// anything it does not vouch for (a syntax error, bytes that are not
// UTF-8) it leaves the whole document to encoding/json,
// so both always agree.
func decode(body []byte) (map[string]any, error) {
	d := decoder{b: body}
	d.space()
	if v, ok := d.value(0); ok {
		if d.space(); d.i == len(d.b) {
			if m, isObj := v.(map[string]any); isObj {
				return m, nil
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var res map[string]any
	if err := dec.Decode(&res); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	return res, nil
}

// maxDecodeDepth is far beyond any valid resource (Parse refuses deeper
// ones); past it the decoder gives up rather than recurse on.
const maxDecodeDepth = 200

type decoder struct {
	b []byte
	i int
}

func (d *decoder) space() { d.i = jsonscan.SkipSpace(d.b, d.i) }

// value reads the value at d.i; ok is false when decode must fall back.
func (d *decoder) value(depth int) (any, bool) {
	if d.i >= len(d.b) || depth > maxDecodeDepth {
		return nil, false
	}
	switch c := d.b[d.i]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		return d.str()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return nil, false
}

func (d *decoder) object(depth int) (any, bool) {
	m := map[string]any{}
	d.i++
	if d.space(); d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return m, true
	}
	for {
		if d.space(); d.i >= len(d.b) || d.b[d.i] != '"' {
			return nil, false
		}
		k, ok := d.str()
		if !ok {
			return nil, false
		}
		if d.space(); d.i >= len(d.b) || d.b[d.i] != ':' {
			return nil, false
		}
		d.i++
		d.space()
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		m[k.(string)] = v
		if d.space(); d.i >= len(d.b) {
			return nil, false
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return m, true
		default:
			return nil, false
		}
	}
}

func (d *decoder) array(depth int) (any, bool) {
	a := []any{}
	d.i++
	if d.space(); d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		return a, true
	}
	for {
		d.space()
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		a = append(a, v)
		if d.space(); d.i >= len(d.b) {
			return nil, false
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return a, true
		default:
			return nil, false
		}
	}
}

// str reads a string; one encoding/json would refuse or repair is left to
// it.
func (d *decoder) str() (any, bool) {
	s, end, ok := jsonscan.Read(d.b, d.i)
	if !ok {
		return nil, false
	}
	d.i = end
	return s, true
}

func (d *decoder) literal(word string) bool {
	if !bytes.HasPrefix(d.b[d.i:], []byte(word)) {
		return false
	}
	d.i += len(word)
	return true
}

// number reads a number as written.
func (d *decoder) number() (any, bool) {
	end := jsonscan.NumberEnd(d.b, d.i)
	if end < 0 {
		return nil, false
	}
	n := json.Number(d.b[d.i:end])
	d.i = end
	return n, true
}
