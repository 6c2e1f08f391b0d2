package fhirpatch

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
)

// Operation is one "operation" parameter of a FHIRPath Patch.
type Operation struct {
	Type        string // add | insert | delete | replace | move
	Path        string
	Name        string         // add
	Value       map[string]any // add, insert, replace: the "value" part itself
	Index       *int           // insert
	Source      *int           // move
	Destination *int           // move
}

// required lists the parts each operation type needs
// (http://hl7.org/fhir/R4/fhirpatch.html, the table of operations).
var required = map[string][]string{
	"add":     {"path", "name", "value"},
	"insert":  {"path", "value", "index"},
	"delete":  {"path"},
	"replace": {"path", "value"},
	"move":    {"path", "source", "destination"},
}

// Parse reads a FHIRPath Patch: a Parameters resource of "operation"
// parameters. Anything malformed is CodeInvalid.
func Parse(params []byte) ([]Operation, error) {
	var doc struct {
		ResourceType string `json:"resourceType"`
		Parameter    []struct {
			Name string           `json:"name"`
			Part []map[string]any `json:"part"`
		} `json:"parameter"`
	}
	dec := json.NewDecoder(bytes.NewReader(params))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fhir.Errorf(fhir.CodeInvalid, "a FHIRPath Patch is a Parameters resource in JSON")
	}
	if doc.ResourceType != "Parameters" {
		return nil, fhir.Errorf(fhir.CodeInvalid, "a FHIRPath Patch is a Parameters resource, not %q", doc.ResourceType).At("resourceType")
	}
	ops := make([]Operation, 0, len(doc.Parameter))
	for i, p := range doc.Parameter {
		at := "Parameters.parameter[" + strconv.Itoa(i) + "]"
		if p.Name != "operation" {
			return nil, fhir.Errorf(fhir.CodeInvalid, "a FHIRPath Patch parameter is named operation, not %q", p.Name).At(at + ".name")
		}
		op, err := operation(p.Part)
		if err != nil {
			return nil, fhir.AsError(err).At(at)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func operation(parts []map[string]any) (Operation, error) {
	var op Operation
	seen := map[string]bool{}
	for _, part := range parts {
		name, _ := part["name"].(string)
		if seen[name] {
			return op, fhir.Errorf(fhir.CodeInvalid, "the operation has two %q parts", name)
		}
		seen[name] = true
		var err error
		switch name {
		case "type":
			op.Type, err = primitive[string](part, "valueCode", name)
		case "path":
			op.Path, err = primitive[string](part, "valueString", name)
		case "name":
			op.Name, err = primitive[string](part, "valueString", name)
		case "value":
			op.Value = part
		case "index":
			op.Index, err = integer(part, name)
		case "source":
			op.Source, err = integer(part, name)
		case "destination":
			op.Destination, err = integer(part, name)
		default:
			return op, fhir.Errorf(fhir.CodeInvalid, "unknown operation part %q", name)
		}
		if err != nil {
			return op, err
		}
	}
	need, ok := required[op.Type]
	if !ok {
		return op, fhir.Errorf(fhir.CodeInvalid, "unknown FHIRPath Patch operation type %q", op.Type)
	}
	for _, n := range need {
		if !seen[n] {
			return op, fhir.Errorf(fhir.CodeInvalid, "a FHIRPath Patch %s operation needs a %s part", op.Type, n)
		}
	}
	for n := range seen {
		if n != "type" && !contains(need, n) {
			return op, fhir.Errorf(fhir.CodeInvalid, "a FHIRPath Patch %s operation has no %s part", op.Type, n)
		}
	}
	return op, nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// primitive reads the one value[x] a part must have, of JSON type T. The
// spec types "type" as code and the others as string; either is taken.
func primitive[T any](part map[string]any, key, name string) (T, error) {
	var zero T
	v, ok := part[key]
	if !ok && key == "valueString" {
		v, ok = part["valueCode"]
	} else if !ok && key == "valueCode" {
		v, ok = part["valueString"]
	}
	t, isT := v.(T)
	if !ok || !isT {
		return zero, fhir.Errorf(fhir.CodeInvalid, "the %s part needs a %s", name, key)
	}
	return t, nil
}

func integer(part map[string]any, name string) (*int, error) {
	n, err := primitive[json.Number](part, "valueInteger", name)
	if err != nil {
		return nil, err
	}
	i, err := strconv.Atoi(n.String())
	if err != nil || i < 0 {
		return nil, fhir.Errorf(fhir.CodeInvalid, "the %s part is not an index (%s)", name, n)
	}
	return &i, nil
}

// value returns the JSON of a "value" part (its value[x], its resource,
// or its parts) and, when it is given as a value[x], the type suffix
// ("Quantity", "String"). A complex value without a value[x] type (a
// BackboneElement) comes as parts named for its children; path is the JSON path of the element from resource type typ,
// which says which children repeat.
func value(part map[string]any, typ string, path []string) (v any, suffix string, err error) {
	for k, e := range part {
		if !strings.HasPrefix(k, "value") || len(k) == len("value") {
			continue
		}
		if suffix != "" {
			return nil, "", fhir.Errorf(fhir.CodeInvalid, "a value part has one value[x]")
		}
		v, suffix = e, k[len("value"):]
	}
	sub, hasParts := part["part"].([]any)
	if res, ok := part["resource"].(map[string]any); ok && suffix == "" && !hasParts {
		return res, "", nil // a resource, as one to add to contained
	}
	switch {
	case suffix != "" && hasParts:
		return nil, "", fhir.Errorf(fhir.CodeInvalid, "a value part has a value[x] or parts, not both")
	case suffix != "":
		return v, suffix, nil
	case !hasParts || len(sub) == 0:
		return nil, "", fhir.Errorf(fhir.CodeInvalid, "a value part needs a value[x] or parts")
	}
	obj := map[string]any{}
	for _, s := range sub {
		p, _ := s.(map[string]any)
		name, _ := p["name"].(string)
		if name == "" {
			return nil, "", fhir.Errorf(fhir.CodeInvalid, "a part of a complex value has no name")
		}
		child := append(path[:len(path):len(path)], name)
		cv, csuf, err := value(p, typ, child)
		if err != nil {
			return nil, "", err
		}
		el, known := elementOf(typ, child)
		key := name
		if el.Choice && csuf != "" {
			key = name + csuf
		}
		prev, dup := obj[key]
		switch list, isList := prev.([]any); {
		case isList:
			obj[key] = append(list, cv)
		case dup && known:
			return nil, "", fhir.Errorf(fhir.CodeInvalid, "the complex value has %q twice, which does not repeat", name)
		case dup: // outside the model: a name given twice is a list
			obj[key] = []any{prev, cv}
		case el.Repeated:
			obj[key] = []any{cv}
		default:
			obj[key] = cv
		}
		if ext := extensionOf(p); ext != nil {
			list, _ := obj[key].([]any) // the item just added, or the single element
			setCompanion(obj, key, len(list)-1, len(list), ext)
		}
	}
	return obj, "", nil
}
