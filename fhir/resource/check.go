package resource

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/internal/jsonscan"
)

// checkJSON enforces the JSON rules of R4 2.6.2 that google/fhir lets pass:
// the body is one JSON object, no property is null, an empty string, an
// empty object or an empty array ("empty values are not allowed"), and no
// object has a property twice.
func checkJSON(body []byte) error {
	if json.Valid(body) && plainlyClean(body) {
		return nil
	}
	return explainJSON(body)
}

// plainlyClean scans valid JSON for anything checkJSON may object to,
// without decoding it: an empty string, object or array, a null member, a
// repeated property, nesting deeper than MaxDepth, or no top-level
// resourceType string. It may
// flag what is fine (an empty key); explainJSON then decides, with paths.
// Decoding every resource only to find nothing cost a tenth of ingest.
func plainlyClean(b []byte) bool {
	var inArray [MaxDepth + 2]bool
	var names [MaxDepth + 2][][]byte // the property names of each open object
	depth := 0
	hasType := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			end := jsonscan.Skip(b, i)
			if end == i+2 {
				return false // ""
			}
			if hasSurrogateEscape(b[i:end]) {
				return false // explainJSON checks the pairs
			}
			if j := jsonscan.SkipSpace(b, end); !inArray[depth] && j < len(b) && b[j] == ':' {
				name := b[i:end]
				if bytes.IndexByte(name, '\\') >= 0 || capitalised(string(name[1:len(name)-1])) {
					return false
				}
				for _, seen := range names[depth] {
					if bytes.Equal(seen, name) {
						return false // a repeated property
					}
				}
				names[depth] = append(names[depth], name)
				if depth == 1 && string(name) == `"resourceType"` {
					j = jsonscan.SkipSpace(b, j+1)
					hasType = j+2 < len(b) && b[j] == '"' && b[j+1] != '"'
				}
			}
			i = end - 1
		case '{', '[':
			depth++
			if depth > MaxDepth {
				return false
			}
			inArray[depth] = c == '['
			names[depth] = names[depth][:0]
			if j := jsonscan.SkipSpace(b, i+1); j < len(b) && (b[j] == '}' || b[j] == ']') {
				return false // {} or []
			}
		case '}', ']':
			depth--
		case 'n':
			if !inArray[depth] {
				return false // a null member
			}
		}
	}
	return hasType && len(b) > 0 && b[jsonscan.SkipSpace(b, 0)] == '{'
}

// explainJSON is checkJSON's decoding check, which names every problem.
func explainJSON(body []byte) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return fhir.Errorf(fhir.CodeStructure, "the body is empty")
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fhir.Errorf(fhir.CodeStructure, "invalid JSON").WithDiagnostics(err.Error())
	}
	if dec.More() {
		return fhir.Errorf(fhir.CodeStructure, "invalid JSON: content after the resource")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return fhir.Errorf(fhir.CodeStructure, "the body is not a JSON object")
	}
	root, _ := obj["resourceType"].(string)
	if root == "" {
		return fhir.Errorf(fhir.CodeRequired, "missing resourceType").At("resourceType")
	}
	var issues collector
	walkEmpty(obj, root, &issues, 0)
	if problem := memberProblem(body, root); problem != nil {
		issues = append(issues, problem)
	}
	if len(issues) > 0 {
		return issues.err()
	}
	return nil
}

// memberProblem finds, in the JSON value v at path, a property repeated
// in one object or one whose name starts with a capital letter. Decoding
// keeps only the last of two, and google/fhir reads "Gender" as "gender";
// but the server stores what the client sent, where readers would differ
// on which value counts or not know the name at all. No R4 element name
// starts with a capital.
func memberProblem(v []byte, path string) *fhir.Error {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return nil
	}
	switch v[0] {
	case '{':
		props, err := properties(v)
		if err != nil {
			return nil
		}
		seen := make(map[string]bool, len(props))
		for _, p := range props {
			at := path + "." + p.name
			switch {
			case capitalised(p.name):
				return fhir.Errorf(fhir.CodeStructure, "unknown element %q: element names start with a lower-case letter", p.name).At(at)
			case seen[p.name]:
				return fhir.Errorf(fhir.CodeStructure, "property %q appears twice in one object", p.name).At(at)
			}
			seen[p.name] = true
			if problem := memberProblem(p.value, at); problem != nil {
				return problem
			}
		}
	case '[':
		for i, e := range elements(v) {
			if problem := memberProblem(e, fmt.Sprintf("%s[%d]", path, i)); problem != nil {
				return problem
			}
		}
	case '"':
		if loneSurrogate(v) {
			return fhir.Errorf(fhir.CodeValue, "the string has an unpaired UTF-16 surrogate escape, which is not Unicode text").At(path)
		}
	}
	return nil
}

// hasSurrogateEscape reports whether a JSON string has a \uD800-\uDFFF
// escape: paired, they spell one character outside the BMP; alone, the
// string is not valid Unicode, and since the server stores the JSON as
// sent, a strict reader of it would fail.
func hasSurrogateEscape(s []byte) bool {
	for i := 0; i+5 < len(s); i++ {
		if s[i] == '\\' {
			if s[i+1] == 'u' && (s[i+2] == 'd' || s[i+2] == 'D') && strings.IndexByte("89abAB", s[i+3]) >= 0 {
				return true
			}
			i++ // the escaped character
		}
	}
	return false
}

// loneSurrogate reports whether a JSON string has a high surrogate escape
// not followed by a low one, or a low one not preceded by a high one.
func loneSurrogate(s []byte) bool {
	wantLow := false
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			if wantLow {
				return true
			}
			continue
		}
		if s[i+1] != 'u' || i+5 >= len(s) {
			if wantLow {
				return true
			}
			i++
			continue
		}
		v, err := strconv.ParseUint(string(s[i+2:i+6]), 16, 16)
		if err != nil {
			return false // not valid JSON; the parser says so
		}
		switch {
		case v >= 0xD800 && v <= 0xDBFF:
			if wantLow {
				return true
			}
			wantLow = true
		case v >= 0xDC00 && v <= 0xDFFF:
			if !wantLow {
				return true
			}
			wantLow = false
		default:
			if wantLow {
				return true
			}
		}
		i += 5
	}
	return wantLow
}

// capitalised reports whether a property name (or its primitive extension
// twin, _name) starts with a capital letter.
func capitalised(name string) bool {
	name = strings.TrimPrefix(name, "_")
	return name != "" && name[0] >= 'A' && name[0] <= 'Z'
}

// elements lists the values of a valid JSON array.
func elements(arr []byte) [][]byte {
	var out [][]byte
	for i := jsonscan.SkipSpace(arr, 1); i < len(arr) && arr[i] != ']'; {
		end := jsonscan.ValueEnd(arr, i)
		if end <= i {
			return out
		}
		out = append(out, arr[i:end])
		i = jsonscan.SkipSpace(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = jsonscan.SkipSpace(arr, i+1)
		}
	}
	return out
}

func walkEmpty(v any, path string, issues *collector, depth int) {
	if depth > MaxDepth {
		*issues = append(*issues, fhir.Errorf(fhir.CodeStructure, "nested deeper than %d levels", MaxDepth).At(path))
		return
	}
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			*issues = append(*issues, fhir.Errorf(fhir.CodeInvalid, "empty object is not allowed").At(path))
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys) // stable issue order
		for _, k := range keys {
			e, p := x[k], path+"."+k
			if e == nil {
				*issues = append(*issues, fhir.Errorf(fhir.CodeInvalid, "null is not allowed").At(p))
				continue
			}
			walkEmpty(e, p, issues, depth+1)
		}
	case []any:
		if len(x) == 0 {
			*issues = append(*issues, fhir.Errorf(fhir.CodeInvalid, "empty array is not allowed").At(path))
		}
		// null stays allowed inside arrays: it pads primitive arrays against
		// their _element extension arrays (R4 2.6.2.3).
		for i, e := range x {
			if e != nil {
				walkEmpty(e, fmt.Sprintf("%s[%d]", path, i), issues, depth+1)
			}
		}
	case string:
		if x == "" {
			*issues = append(*issues, fhir.Errorf(fhir.CodeValue, "empty string is not allowed").At(path))
		}
	}
}
