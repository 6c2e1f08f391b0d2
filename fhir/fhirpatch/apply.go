package fhirpatch

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
)

// Apply parses a FHIRPath Patch (params, a Parameters resource in JSON) and
// applies it to body, a resource in JSON, returning the patched resource.
func Apply(body, params []byte) ([]byte, error) {
	ops, err := Parse(params)
	if err != nil {
		return nil, err
	}
	return ApplyOperations(body, ops)
}

// ApplyOperations applies ops to body in order, all or nothing: the first
// failing operation fails the patch, its error naming the operation.
func ApplyOperations(body []byte, ops []Operation) ([]byte, error) {
	var root map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // numbers keep their exact decimal form
	if err := dec.Decode(&root); err != nil || root == nil {
		return nil, fhir.Errorf(fhir.CodeStructure, "the resource to patch is not a JSON object")
	}
	for i, op := range ops {
		if err := apply(root, op); err != nil {
			fe := fhir.AsError(err)
			fe.Message = "FHIRPath Patch operation " + strconv.Itoa(i) + " (" + op.Type + " " + op.Path + "): " + fe.Message
			return nil, fe.At("Parameters.parameter[" + strconv.Itoa(i) + "]")
		}
		// FHIR JSON has no empty arrays or objects: deleting the last item
		// of a list, or the last child of an element, removes it, before
		// the next operation looks (an add of the element emptied is then
		// an add of a missing one).
		Prune(root)
	}
	return json.Marshal(root)
}

func apply(root map[string]any, op Operation) error {
	t, err := split(op.Path)
	if err != nil {
		return err
	}
	switch op.Type {
	case "add":
		return add(root, op)
	case "insert", "move":
		return list(root, t, op)
	}
	slots, err := resolve(root, t)
	if err != nil {
		return err
	}
	if op.Type == "delete" && len(slots) == 0 {
		return nil // "the element to delete (if found)"
	}
	if len(slots) != 1 {
		return fhir.Errorf(fhir.CodeProcessing, "the path selects %d elements; it must select one", len(slots))
	}
	s := slots[0]
	if op.Type == "delete" {
		remove(s)
		return nil
	}
	return replace(root, s, t.name, op.Value)
}

// add appends the value to the one element the path selects, as its child
// op.Name: an item of a list, or a single element that must not yet be there.
func add(root map[string]any, op Operation) error {
	holders, err := containers(root, op.Path)
	if err != nil {
		return err
	}
	if len(holders) != 1 {
		return fhir.Errorf(fhir.CodeProcessing, "the path selects %d elements to add to; it must select one", len(holders))
	}
	m := holders[0]
	typ, path, _ := locate(root, m)
	path = append(path, op.Name)
	v, suffix, err := value(op.Value, typ, path)
	if err != nil {
		return err
	}
	el, known := elementOf(typ, path)
	key := op.Name
	if el.Choice {
		if suffix == "" {
			return fhir.Errorf(fhir.CodeInvalid, "%s is a choice element: its value needs a value[x] type", op.Name)
		}
		key += suffix
		for _, s := range children(root, m, op.Name) {
			return fhir.Errorf(fhir.CodeProcessing, "%s is already present as %s", op.Name, s.key)
		}
	}
	ext := extensionOf(op.Value)
	switch cur := m[key].(type) {
	case []any:
		m[key] = append(cur, v)
		if under, ok := m["_"+key].([]any); ok && len(under) == len(cur) {
			m["_"+key] = append(under, nil) // a primitive list's companion keeps its length
		}
		if ext != nil {
			setCompanion(m, key, len(cur), len(cur)+1, ext)
		}
	case nil:
		if el.Repeated {
			m[key] = []any{v}
			if ext != nil {
				setCompanion(m, key, 0, 1, ext)
			}
		} else {
			m[key] = v
			if ext != nil {
				setCompanion(m, key, -1, 0, ext)
			}
		}
	default:
		if !known || !el.Repeated {
			return fhir.Errorf(fhir.CodeProcessing, "%s is already present and does not repeat", op.Name)
		}
		m[key] = []any{cur, v}
	}
	return nil
}

// list carries out insert and move, which work on the items of one list.
func list(root map[string]any, t target, op Operation) error {
	if len(t.filters) > 0 {
		return fhir.Errorf(fhir.CodeInvalid, "the path of %s names a list; it cannot end with %s", op.Type, t.filters[0])
	}
	holders, err := containers(root, t.container)
	if err != nil {
		return err
	}
	if len(holders) != 1 {
		return fhir.Errorf(fhir.CodeProcessing, "the path selects %d lists; it must select one", len(holders))
	}
	m := holders[0]
	items, isList := m[t.name].([]any)
	if _, present := m[t.name]; present && !isList {
		return fhir.Errorf(fhir.CodeProcessing, "%s is not a list", t.name)
	}
	if op.Type == "move" {
		from, to := *op.Source, *op.Destination
		if from >= len(items) || to >= len(items) {
			return fhir.Errorf(fhir.CodeProcessing, "move from %d to %d in a list of %d", from, to, len(items))
		}
		m[t.name] = moved(items, from, to)
		if under, ok := m["_"+t.name].([]any); ok && len(under) == len(items) {
			m["_"+t.name] = moved(under, from, to)
		}
		return nil
	}
	typ, path, _ := locate(root, m)
	if el, known := elementOf(typ, append(path, t.name)); known && !el.Repeated {
		return fhir.Errorf(fhir.CodeProcessing, "%s does not repeat: there is no list to insert into", t.name)
	}
	v, _, err := value(op.Value, typ, append(path, t.name))
	if err != nil {
		return err
	}
	i := *op.Index
	if i > len(items) {
		return fhir.Errorf(fhir.CodeProcessing, "insert at %d in a list of %d", i, len(items))
	}
	m[t.name] = append(items[:i:i], append([]any{v}, items[i:]...)...)
	if under, ok := m["_"+t.name].([]any); ok && len(under) == len(items) {
		m["_"+t.name] = append(under[:i:i], append([]any{nil}, under[i:]...)...)
	}
	if ext := extensionOf(op.Value); ext != nil {
		setCompanion(m, t.name, i, len(items)+1, ext)
	}
	return nil
}

func moved(items []any, from, to int) []any {
	v := items[from]
	rest := append(items[:from:from], items[from+1:]...)
	return append(rest[:to:to], append([]any{v}, rest[to:]...)...)
}

// remove deletes the element at s, with a primitive's companion element.
func remove(s slot) {
	under := "_" + s.key
	if s.index < 0 {
		delete(s.parent, s.key)
		delete(s.parent, under)
		return
	}
	items := s.parent[s.key].([]any)
	s.parent[s.key] = append(items[:s.index:s.index], items[s.index+1:]...)
	if u, ok := s.parent[under].([]any); ok && len(u) == len(items) {
		s.parent[under] = append(u[:s.index:s.index], u[s.index+1:]...)
	}
}

// replace puts the value in place of the element at s. A choice element
// may change type: valueQuantity replaced by a valueString is valueString.
func replace(root map[string]any, s slot, name string, part map[string]any) error {
	typ, path, _ := locate(root, s.parent)
	v, suffix, err := value(part, typ, append(path, s.key))
	if err != nil {
		return err
	}
	retyped := s.choice != "" && suffix != "" && suffix != s.choice
	_, wasObject := s.get().(map[string]any)
	if _, isObject := v.(map[string]any); wasObject != isObject && !retyped {
		return fhir.Errorf(fhir.CodeProcessing, "the value does not have the shape of %s (a primitive for a complex element, or the reverse)", name)
	}
	// The element replaced goes with its id and extensions: for a
	// primitive, those are in its companion element, and the value's own
	// ("_valueString") take their place.
	ext := extensionOf(part)
	switch {
	case s.index >= 0:
		list := s.parent[s.key].([]any)
		list[s.index] = v
		setCompanion(s.parent, s.key, s.index, len(list), ext)
	case retyped:
		delete(s.parent, s.key)
		delete(s.parent, "_"+s.key)
		s.parent[name+suffix] = v
		setCompanion(s.parent, name+suffix, -1, 0, ext)
	default:
		s.parent[s.key] = v
		setCompanion(s.parent, s.key, -1, 0, ext)
	}
	return nil
}

// extensionOf returns the id and extensions a value part gives its
// primitive value ("_valueString" beside "valueString"), or nil.
func extensionOf(part map[string]any) any {
	for k, e := range part {
		if strings.HasPrefix(k, "_value") {
			return e
		}
	}
	return nil
}

// setCompanion makes ext (nil for none) the id and extensions of the
// primitive m[key], or of its item index when it is a list of n items.
func setCompanion(m map[string]any, key string, index, n int, ext any) {
	under := "_" + key
	if index < 0 {
		if ext == nil {
			delete(m, under)
		} else {
			m[under] = ext
		}
		return
	}
	u, _ := m[under].([]any)
	if ext == nil && u == nil {
		return
	}
	for len(u) < n {
		u = append(u, nil)
	}
	u[index] = ext
	m[under] = u
}

// Prune drops the empty arrays and objects inside v, a decoded resource,
// which FHIR JSON does not allow (a patch removing a list's last item
// removes the list); JSON Patch results go through it too. The companion
// of a primitive list ("_given") keeps its items in place, an emptied one
// as null, and goes when all are null: [null, null] is not valid FHIR JSON.
func Prune(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if under, ok := e.([]any); ok && strings.HasPrefix(k, "_") {
				e = companion(under)
			} else {
				e = Prune(e)
			}
			if e == nil || empty(e) {
				delete(x, k)
			} else {
				x[k] = e
			}
		}
	case []any:
		kept := x[:0]
		for _, e := range x {
			if e = Prune(e); !empty(e) {
				kept = append(kept, e)
			}
		}
		return kept
	}
	return v
}

// companion prunes the items of a primitive list's companion in place,
// returning nil when none is left but nulls.
func companion(under []any) any {
	kept := false
	for i, e := range under {
		if e = Prune(e); empty(e) {
			e = nil
		}
		under[i], kept = e, kept || e != nil
	}
	if !kept {
		return nil
	}
	return under
}

func empty(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}
