package fhirpatch

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/fhirpath"
	"github.com/trialfhir/trialfhir/fhir/resource"
)

// target is a path split at its last element name: the expression of the
// elements holding it (empty for the resource itself), the name, and the
// filters after it.
type target struct {
	container string
	name      string
	filters   []string // "[n]", "first()", "where(...)", ...
}

// split parses path into a target. It scans the expression for its
// top-level steps ("." separated, and indexers), skipping strings and
// parentheses, and takes the last step that is a plain name.
func split(path string) (target, error) {
	steps, err := steps(path)
	if err != nil {
		return target{}, err
	}
	for i := len(steps) - 1; i >= 0; i-- {
		name := steps[i].text
		if strings.HasPrefix(name, "`") && strings.HasSuffix(name, "`") && len(name) > 1 {
			name = name[1 : len(name)-1]
		}
		var filters []string
		if arg, ok := strings.CutPrefix(name, "extension("); ok {
			// The FHIR shortcut extension(url) is extension.where(url = url)
			// (http://hl7.org/fhir/R4/fhirpath.html#functions).
			name, filters = "extension", []string{"where(url = " + strings.TrimSuffix(arg, ")") + ")"}
		}
		if !plainName(name) {
			continue
		}
		t := target{container: strings.TrimSuffix(path[:steps[i].at], "."), name: name, filters: filters}
		for _, s := range steps[i+1:] {
			t.filters = append(t.filters, s.text)
		}
		return t, nil
	}
	return target{}, fhir.Errorf(fhir.CodeInvalid, "path %q names no element", path)
}

type step struct {
	text string
	at   int // offset of the step in the path
}

// steps splits a FHIRPath expression into its top-level steps.
func steps(path string) ([]step, error) {
	var out []step
	depth, start := 0, 0
	flush := func(end int) {
		if s := strings.TrimSpace(path[start:end]); s != "" {
			out = append(out, step{text: s, at: start + strings.Index(path[start:end], s)})
		}
	}
	for i := 0; i < len(path); i++ {
		switch c := path[i]; c {
		case '\'', '`':
			j := i + 1
			for j < len(path) && path[j] != c {
				if path[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(path) {
				return nil, fhir.Errorf(fhir.CodeInvalid, "path %q has an unterminated string", path)
			}
			i = j
		case '(', '[':
			if c == '[' && depth == 0 {
				flush(i)
				start = i
			}
			depth++
		case ')', ']':
			if depth--; depth < 0 {
				return nil, fhir.Errorf(fhir.CodeInvalid, "path %q has unbalanced brackets", path)
			}
		case '.':
			if depth == 0 && !(i+1 < len(path) && path[i+1] >= '0' && path[i+1] <= '9') {
				flush(i)
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, fhir.Errorf(fhir.CodeInvalid, "path %q has unbalanced brackets", path)
	}
	flush(len(path))
	for _, s := range out {
		if !navigation(s.text) {
			return nil, fhir.Errorf(fhir.CodeInvalid, "path %q is not a navigation: %s is not a name, an indexer or a function call", path, s.text)
		}
	}
	return out, nil
}

// navigation reports whether a step is a name, an indexer or a function
// call: a patch path navigates to elements, with no operators between
// steps ("a | b" would name no element to change).
func navigation(s string) bool {
	switch {
	case len(s) > 1 && s[0] == '`' && s[len(s)-1] == '`':
		return true
	case s[0] == '[':
		return s[len(s)-1] == ']' && strings.IndexByte(s, ']') == len(s)-1
	}
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return plainName(s)
	}
	return plainName(s[:open]) && s[len(s)-1] == ')' && closing(s, open) == len(s)-1
}

// closing returns the offset of the parenthesis closing the one at open,
// skipping strings.
func closing(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '`':
			for i++; i < len(s) && s[i] != c; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

func plainName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// slot is where one selected element sits: parent[key], or
// parent[key][index] when index >= 0.
type slot struct {
	parent map[string]any
	key    string
	index  int
	choice string // the type suffix of a choice element's key ("Quantity"), or ""
}

func (s slot) get() any {
	if s.index < 0 {
		return s.parent[s.key]
	}
	return s.parent[s.key].([]any)[s.index]
}

// containers evaluates the expression of the elements holding a target.
// Only objects hold elements; a primitive in the result holds nothing.
func containers(root map[string]any, expr string) ([]map[string]any, error) {
	if expr == "" {
		return []map[string]any{root}, nil
	}
	vals, err := evaluate(root, expr)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, v := range vals {
		if m, ok := v.Node.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out, nil
}

func evaluate(root map[string]any, expr string) ([]fhirpath.Value, error) {
	x, err := fhirpath.Compile(expr)
	if err != nil {
		return nil, fhir.Errorf(fhir.CodeInvalid, "path %q is not FHIRPath this server evaluates", expr).WithDiagnostics(err.Error())
	}
	vals, err := x.Evaluate(root)
	if err != nil {
		return nil, fhir.Errorf(fhir.CodeProcessing, "path %q cannot be evaluated on the resource", expr).WithDiagnostics(err.Error())
	}
	return vals, nil
}

// resolve returns the slots a path selects, in FHIRPath order.
func resolve(root map[string]any, t target) ([]slot, error) {
	holders, err := containers(root, t.container)
	if err != nil {
		return nil, err
	}
	var out []slot
	for _, m := range holders {
		out = append(out, children(root, m, t.name)...)
	}
	for _, f := range t.filters {
		if out, err = filter(out, f); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// children returns the slots of m's elements called name: a list's items,
// a single element, or a choice element under its typed key.
func children(root, m map[string]any, name string) []slot {
	key, suffix := name, ""
	if _, ok := m[name]; !ok {
		if typ, path, found := locate(root, m); found {
			if el, _ := elementOf(typ, append(path, name)); el.Choice {
				for k := range m {
					if len(k) > len(name) && strings.HasPrefix(k, name) && k[len(name)] >= 'A' && k[len(name)] <= 'Z' {
						key, suffix = k, k[len(name):]
					}
				}
			}
		}
	}
	switch v := m[key].(type) {
	case nil:
		return nil
	case []any:
		out := make([]slot, len(v))
		for i := range v {
			out[i] = slot{parent: m, key: key, index: i}
		}
		return out
	}
	return []slot{{parent: m, key: key, index: -1, choice: suffix}}
}

// filter applies one filter step to the slots.
func filter(in []slot, f string) ([]slot, error) {
	switch {
	case strings.HasPrefix(f, "[") && strings.HasSuffix(f, "]"):
		i, err := strconv.Atoi(strings.TrimSpace(f[1 : len(f)-1]))
		if err != nil {
			return nil, fhir.Errorf(fhir.CodeInvalid, "indexer %s is not an integer", f)
		}
		if i < 0 || i >= len(in) {
			return nil, nil
		}
		return in[i : i+1], nil
	case f == "first()":
		return in[:min(1, len(in))], nil
	case f == "last()":
		return in[max(0, len(in)-1):], nil
	case f == "single()":
		if len(in) > 1 {
			return nil, fhir.Errorf(fhir.CodeProcessing, "single() on %d elements", len(in))
		}
		return in, nil
	case strings.HasPrefix(f, "where(") && strings.HasSuffix(f, ")"),
		strings.HasPrefix(f, "ofType(") && strings.HasSuffix(f, ")"):
		return keep(in, f)
	}
	return nil, fhir.Errorf(fhir.CodeInvalid, "a patch path cannot end with %s", f)
}

// keep keeps the slots whose element passes f, evaluated by fhirpath on
// the element alone ($this is the element; %resource is not the resource).
func keep(in []slot, f string) ([]slot, error) {
	if strings.HasPrefix(f, "ofType(") {
		typ := strings.TrimSpace(f[len("ofType(") : len(f)-1])
		typ = typ[strings.LastIndex(typ, ".")+1:]
		if len(in) > 0 && in[0].choice != "" {
			var out []slot
			for _, s := range in {
				if strings.EqualFold(s.choice, typ) && s.choice[1:] == typ[1:] {
					out = append(out, s)
				}
			}
			return out, nil
		}
	}
	x, err := fhirpath.Compile("x." + f)
	if err != nil {
		return nil, fhir.Errorf(fhir.CodeInvalid, "filter %s is not FHIRPath this server evaluates", f).WithDiagnostics(err.Error())
	}
	var out []slot
	for _, s := range in {
		vals, err := x.Evaluate(map[string]any{"x": s.get()})
		if err != nil {
			return nil, fhir.Errorf(fhir.CodeProcessing, "filter %s cannot be evaluated", f).WithDiagnostics(err.Error())
		}
		if len(vals) > 0 {
			out = append(out, s)
		}
	}
	return out, nil
}

// locate finds the object m inside root, returning the resource type
// holding it and the JSON keys leading there from that resource (a
// contained resource is a resource of its own).
func locate(root, m map[string]any) (typ string, path []string, ok bool) {
	want := reflect.ValueOf(m).UnsafePointer()
	var walk func(v any, typ string, path []string) (string, []string, bool)
	walk = func(v any, typ string, path []string) (string, []string, bool) {
		switch x := v.(type) {
		case map[string]any:
			if rt, isRes := x["resourceType"].(string); isRes {
				typ, path = rt, nil
			}
			if reflect.ValueOf(x).UnsafePointer() == want {
				return typ, path, true
			}
			for k, e := range x {
				if t, p, ok := walk(e, typ, append(path[:len(path):len(path)], k)); ok {
					return t, p, ok
				}
			}
		case []any:
			for _, e := range x {
				if t, p, ok := walk(e, typ, path); ok {
					return t, p, ok
				}
			}
		}
		return "", nil, false
	}
	return walk(root, "", nil)
}

// elementOf is resource.ElementOf on a path whose keys may be typed choice
// keys; ok is false outside the model.
func elementOf(typ string, path []string) (resource.Element, bool) {
	return resource.ElementOf(typ, path...)
}
