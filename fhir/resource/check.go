package resource

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/trialfhir/trialfhir/fhir"
)

// checkJSON enforces the JSON rules of R4 2.6.2 that google/fhir lets pass:
// the body is one JSON object, and no property is null, an empty string, an
// empty object or an empty array ("empty values are not allowed").
func checkJSON(body []byte) error {
	if json.Valid(body) && plainlyClean(body) {
		return nil
	}
	return explainJSON(body)
}

// plainlyClean scans valid JSON for anything checkJSON may object to,
// without decoding it: an empty string, object or array, a null member,
// nesting deeper than MaxDepth, or no top-level resourceType string. It may
// flag what is fine (an empty key); explainJSON then decides, with paths.
// Decoding every resource only to find nothing cost a tenth of ingest.
func plainlyClean(b []byte) bool {
	var inArray [MaxDepth + 2]bool
	depth := 0
	hasType := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			end := stringEnd(b, i)
			if end == i+2 {
				return false // ""
			}
			if depth == 1 && !inArray[1] && string(b[i:end]) == `"resourceType"` {
				j := skipSpace(b, end)
				if j < len(b) && b[j] == ':' {
					j = skipSpace(b, j+1)
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
			if j := skipSpace(b, i+1); j < len(b) && (b[j] == '}' || b[j] == ']') {
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
	return hasType && len(b) > 0 && b[skipSpace(b, 0)] == '{'
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
	if len(issues) > 0 {
		return issues.err()
	}
	return nil
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
