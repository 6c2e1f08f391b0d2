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
