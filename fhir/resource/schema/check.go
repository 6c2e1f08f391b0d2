package schema

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/trialfhir/trialfhir/internal/jsonscan"
)

// maxDepth bounds the nesting Check follows, counted as google/fhir counts
// it against MaxNestingDepth 64: the dots of its path to an object (one per
// property, one more per contained resource's type). Deeper, Check defers.
const maxDepth = 60

// Check reports whether google/fhir v0.7.4's validating unmarshaller
// (NewUnmarshaller("UTC", fhirversion.R4), MaxNestingDepth 64) certainly
// accepts body, a JSON resource, with no error and no validation issue.
// When it does, it returns the resource's type and id ("" if none); when
// ok is false, the answer is "not sure", never "invalid": the caller must
// ask google/fhir. body must be valid JSON (encoding/json.Valid); Check
// does not re-validate its syntax.
func Check(body []byte) (typ, id string, ok bool) {
	if !utf8.Valid(body) {
		return "", "", false
	}
	c := checker{b: body, top: true}
	c.space()
	rt, ok := c.resource(0)
	if !ok {
		return "", "", false
	}
	c.space()
	if c.i != len(c.b) {
		return "", "", false
	}
	return rt, c.id, true
}

type checker struct {
	b   []byte
	i   int
	top bool   // the next object is the resource itself, not a contained one
	id  string // the resource's id, once read
}

// resource checks the resource object at c.i (the body, a contained
// resource or a Bundle entry's) and returns its type.
func (c *checker) resource(depth int) (string, bool) {
	if !c.peek('{') {
		return "", false
	}
	rt, ok := c.resourceType()
	if !ok {
		return "", false
	}
	m := load().resources[rt]
	return rt, m != nil && c.object(m, depth, nil, rt)
}

func (c *checker) space() { c.i = jsonscan.SkipSpace(c.b, c.i) }

func (c *checker) peek(b byte) bool { return c.i < len(c.b) && c.b[c.i] == b }

// resourceType finds the resourceType of the object at c.i without moving
// c. It is usually the first property; otherwise the object is skimmed.
func (c *checker) resourceType() (string, bool) {
	d := checker{b: c.b, i: c.i}
	rt, found := "", false
	ok := d.members(func(key []byte) bool {
		if string(key) != "resourceType" {
			return d.skip(0)
		}
		v, esc, ok := d.str()
		rt, found = string(v), ok && !esc && len(v) > 0
		return false // found (or not a plain string): stop here
	})
	return rt, found && !ok
}

// members walks the object at c.i, calling member with each key and c at
// its value; member must pass over the value. members reports whether
// the object had at least one member and every call returned true.
func (c *checker) members(member func(key []byte) bool) bool {
	return c.list('{', '}', func() bool {
		key, esc, ok := c.str()
		if !ok || esc {
			return false // keys with escapes are left to google/fhir
		}
		c.space()
		if !c.peek(':') {
			return false
		}
		c.i++
		c.space()
		return member(key)
	})
}

// list walks the object or array at c.i (open and close its brackets),
// calling item with c at each member or element. It reports whether there
// was at least one and every call returned true; google/fhir is left to
// judge empty ones.
func (c *checker) list(open, close byte, item func() bool) bool {
	if !c.peek(open) {
		return false
	}
	c.i++
	for n := 0; ; n++ {
		c.space()
		if c.peek(close) {
			c.i++
			return n > 0
		}
		if n > 0 {
			if !c.peek(',') {
				return false
			}
			c.i++
			c.space()
		}
		if !item() {
			return false
		}
	}
}

// str reads a JSON string and returns its raw content and whether it
// holds an escape.
func (c *checker) str() (raw []byte, escaped, ok bool) {
	if !c.peek('"') {
		return nil, false, false
	}
	end := jsonscan.End(c.b, c.i)
	if end < 0 {
		return nil, false, false
	}
	raw = c.b[c.i+1 : end-1]
	c.i = end
	return raw, bytes.IndexByte(raw, '\\') >= 0, true
}

// skip passes over one JSON value (an empty object or array counts as
// a failure: only resourceType's search skips, and gives up on it).
func (c *checker) skip(depth int) bool {
	if depth > maxDepth || c.i >= len(c.b) {
		return false
	}
	switch c.b[c.i] {
	case '"':
		_, _, ok := c.str()
		return ok
	case '{':
		return c.members(func([]byte) bool { return c.skip(depth + 1) })
	case '[':
		return c.list('[', ']', func() bool { return c.skip(depth + 1) })
	default:
		c.scalar()
		return true
	}
}

// scalar reads a number or literal token.
func (c *checker) scalar() []byte {
	start := c.i
	for c.i < len(c.b) {
		switch c.b[c.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return c.b[start:c.i]
		}
		c.i++
	}
	return c.b[start:c.i]
}

// object checks the JSON object at c.i against m. refTypes are the types
// a Reference may point to when m is Reference (nil otherwise); rt is the
// resourceType when the object is a resource, whose resourceType property
// it must hold.
func (c *checker) object(m *message, depth int, refTypes []string, rt string) bool {
	if depth > maxDepth {
		return false
	}
	top := c.top
	c.top = false
	var filled, choices uint64
	ok := c.members(func(key []byte) bool {
		if rt != "" && string(key) == "resourceType" {
			// Read again: with the property repeated, google/fhir takes the last.
			v, esc, ok := c.str()
			return ok && !esc && string(v) == rt
		}
		f := m.fields[string(key)]
		if f == nil {
			return false // unknown, "_x", or not modelled
		}
		if f.choice != 0 {
			if choices&f.choice != 0 {
				return false // a second value for one choice element
			}
			choices |= f.choice
		}
		filled |= f.required
		if top && string(key) == "id" {
			if v, esc, ok := c.peekStr(); ok && !esc {
				c.id = string(v)
			}
		}
		return c.value(f, depth, refTypes)
	})
	return ok && filled&m.required == m.required
}

func (c *checker) peekStr() ([]byte, bool, bool) {
	i := c.i
	v, esc, ok := c.str()
	c.i = i
	return v, esc, ok
}

// value checks the value of a property f.
func (c *checker) value(f *field, depth int, refTypes []string) bool {
	if !f.repeated {
		return c.single(f, depth, refTypes)
	}
	return c.list('[', ']', func() bool { return c.single(f, depth, refTypes) })
}

// single checks one value of f (one array element, if f repeats).
func (c *checker) single(f *field, depth int, refTypes []string) bool {
	switch f.kind {
	case kObject:
		return c.object(f.msg, depth+1, f.refTypes, "")
	case kResource:
		// google/fhir's path (which its depth limit counts the dots of)
		// gains the property and then the contained resource's type.
		_, ok := c.resource(depth + 2)
		return ok
	case kBoolean:
		v := c.scalar()
		return string(v) == "true" || string(v) == "false"
	case kInteger, kPositiveInt, kUnsignedInt:
		return validInt(c.scalar(), f.kind)
	case kDecimal:
		return validDecimal(c.scalar())
	}
	raw, esc, ok := c.str()
	if !ok || f.nonEmpty && len(raw) == 0 {
		return false
	}
	switch f.kind {
	case kString:
		return validString(raw, esc)
	case kText:
		return len(raw) <= maxString
	case kURI:
		return validURI(raw, esc)
	case kRefString:
		return validString(raw, esc) && !esc && validReference(string(raw), refTypes)
	}
	if esc {
		return false // the remaining checks read the raw bytes
	}
	switch f.kind {
	case kCode:
		return validCode(raw)
	case kID:
		return validID(raw)
	case kOID:
		return validOID(raw)
	case kUUID:
		return validUUID(raw)
	case kEnum:
		_, ok := f.codes[string(raw)]
		return ok
	case kDate:
		return validDate(raw)
	case kDateTime:
		return validDateTime(raw)
	case kInstant:
		return validInstant(raw)
	case kTime:
		return validTime(raw)
	case kBase64:
		return validBase64(raw)
	}
	return false
}

// validReference mirrors NormalizeReference and ValidateReferenceType: a
// reference of the form Type/id or Type/id/_history/vid, where Type is one
// of the R4 Reference proto's typed fields, becomes that typed field, whose
// type must be one the element allows; a Type google/fhir knows only from
// STU3 fails; anything else ("#frag", "urn:uuid:...", URLs) stays a string.
func validReference(ref string, allowed []string) bool {
	if strings.HasPrefix(ref, "#") {
		return true
	}
	parts := strings.Split(ref, "/")
	if !(len(parts) == 2 || len(parts) == 4 && parts[2] == "_history") {
		return true
	}
	t := load()
	if t.refR3[parts[0]] {
		return false
	}
	if !t.refR4[parts[0]] {
		return true
	}
	// Stricter than google/fhir, which takes any id: a plain one only.
	if !validID([]byte(parts[1])) || len(parts) == 4 && !validID([]byte(parts[3])) {
		return false
	}
	if len(allowed) == 0 {
		return true
	}
	for _, a := range allowed {
		if a == "Resource" || a == parts[0] {
			return true
		}
	}
	return false
}
