package schema_test

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"strings"
)

// A site is one place in a resource's JSON tree: the path to it (object
// keys and array indices) and the value there.
type site struct {
	path []any
	val  any
}

// sites lists every value in the tree v, the root first.
func sites(v any, path []any, out []site) []site {
	out = append(out, site{append([]any(nil), path...), v})
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sortStrings(keys) // a deterministic order, so deterministic mutations
		for _, k := range keys {
			out = sites(x[k], append(path, k), out)
		}
	case []any:
		for i, e := range x {
			out = sites(e, append(path, i), out)
		}
	}
	return out
}

// badStrings are values wrong for most string types: a bad date, dateTime
// without a zone, a bad code, id, integer, decimal, uuid, uri, references
// to the wrong type or of bad shape, base64 with a stray character.
var badStrings = []string{
	"",
	"2020-13-45", "2020-02-30", "2021-02-29T10:00:00Z", "2020-01-01T10:00:00", "2020-01-01T24:00:00Z",
	"10:61:00", "abc", "-1", "1.2.3", "a  b", " x", "x y z!", "urn:uuid:XYZ", "http://a b/%zz",
	"Foo/1", "Medication/1", "Patient/1", "Group/1/_history/a b", "Patient/a b", "DataElement/1",
	"#frag", "AAA=", "A===", "\u0001ctrl", "valid-looking-id-that-is-far-too-long-for-an-fhir-id-because-it-exceeds-64",
}

// badReferences are references of every shape NormalizeReference knows,
// to types most elements do not allow.
var badReferences = []string{
	"Foo/1", "Medication/1", "Patient/1", "Practitioner/1", "Observation/1", "Group/1/_history/2",
	"Patient/1/_history/a b", "Patient/1/_history", "Patient/", "/1", "DataElement/1", "Resource/1",
	"#", "urn:uuid:1", "http://x/Patient/1", "Encounter/1/_history/1",
}

// mutation applies one deterministic change, chosen by r, to a copy of the
// resource; ok is false when the chosen change does not apply there.
func mutation(r *rand.Rand, body []byte) ([]byte, string, bool) {
	root := decode(body)
	all := sites(root, nil, nil)
	s := all[r.Intn(len(all))]
	var nv any
	drop := false
	desc := ""
	switch x := s.val.(type) {
	case string:
		if last, _ := s.path[len(s.path)-1].(string); last == "reference" && r.Intn(3) > 0 {
			nv, desc = badReferences[r.Intn(len(badReferences))], "reference changed"
			break
		}
		switch n := r.Intn(len(badStrings) + 3); {
		case n < len(badStrings):
			nv, desc = badStrings[n], "bad string"
		case n == len(badStrings):
			nv, desc = json.Number("1"), "number for string"
		case n == len(badStrings)+1:
			nv, desc = []any{x}, "wrapped in array"
		default:
			nv, desc = map[string]any{"x": x}, "object for string"
		}
	case json.Number:
		opts := []any{json.Number("-1"), json.Number("0"), json.Number("2147483648"), json.Number("1.5"),
			json.Number("1e2"), string(x), true, []any{x}}
		nv, desc = opts[r.Intn(len(opts))], "bad number"
	case bool:
		opts := []any{"true", json.Number("1"), []any{x}}
		nv, desc = opts[r.Intn(len(opts))], "bad boolean"
	case []any:
		opts := []any{x[0], "x", []any{}, append(append([]any(nil), x...), "x")}
		nv, desc = opts[r.Intn(len(opts))], "array changed"
	case map[string]any:
		if len(s.path) == 0 {
			return mutateRoot(r, x)
		}
		opts := []any{[]any{x}, "x", map[string]any{}}
		nv, desc = opts[r.Intn(len(opts))], "object changed"
		if r.Intn(2) == 0 {
			return mutateKeys(r, root, x)
		}
	default:
		return nil, "", false
	}
	set(root, s.path, nv, drop)
	return encode(root), desc, true
}

// mutateKeys drops, renames or adds a key of obj, or adds a second variant
// of a choice element.
func mutateKeys(r *rand.Rand, root any, obj map[string]any) ([]byte, string, bool) {
	var keys []string
	for k := range obj {
		keys = append(keys, k)
	}
	sortStrings(keys)
	k := keys[r.Intn(len(keys))]
	desc := ""
	switch r.Intn(4) {
	case 0:
		delete(obj, k)
		desc = "key dropped"
	case 1:
		obj[k+"X"] = obj[k]
		delete(obj, k)
		desc = "key renamed"
	case 2:
		if i := strings.IndexFunc(k, func(c rune) bool { return c >= 'A' && c <= 'Z' }); i > 0 {
			obj[k[:i]+"String"], obj[k[:i]+"Boolean"] = "x", true
			desc = "second choice variant"
		} else {
			obj["_"+k] = map[string]any{"id": "x"}
			desc = "primitive extension"
		}
	default:
		obj["resourceType"] = "Patient"
		desc = "resourceType added"
	}
	return encode(root), desc, true
}

func mutateRoot(r *rand.Rand, root map[string]any) ([]byte, string, bool) {
	opts := []any{"Foo", "Bundle", "Patient", "Observation", json.Number("1")}
	root["resourceType"] = opts[r.Intn(len(opts))]
	return encode(root), "resourceType changed", true
}

func set(root any, path []any, v any, drop bool) {
	cur := root
	for i, p := range path {
		last := i == len(path)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[p.(string)] = v
				return
			}
			cur = c[p.(string)]
		case []any:
			if last {
				c[p.(int)] = v
				return
			}
			cur = c[p.(int)]
		}
	}
}

func decode(body []byte) any {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		panic(err)
	}
	return v
}

// encode writes v as JSON without HTML escapes (which Check defers on).
func encode(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimSpace(buf.Bytes())
}
