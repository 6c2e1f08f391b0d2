package service

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"reflect"
	"strconv"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/fhirpatch"
)

// JSONPatchType is the media type of a JSON Patch (RFC 6902). In a batch
// or transaction a PATCH entry carries it as a Binary resource with this
// contentType and the patch, base64-encoded, in data (R4 3.1.0.7.1).
const JSONPatchType = "application/json-patch+json"

// patchOp is one operation of a JSON Patch.
type patchOp struct {
	Op    string          `json:"op"`
	Path  *string         `json:"path"`
	From  *string         `json:"from"`
	Value json.RawMessage `json:"value"`
}

// patchOf reads the patch in a PATCH entry's resource: a Parameters is a
// FHIRPath Patch, a Binary holds a JSON Patch (R4 3.1.0.7.1).
func patchOf(resource []byte) (patcher, error) {
	var bin struct {
		ResourceType string `json:"resourceType"`
		ContentType  string `json:"contentType"`
		Data         string `json:"data"`
	}
	if err := json.Unmarshal(resource, &bin); err != nil {
		return nil, fhir.Errorf(fhir.CodeStructure, "the PATCH entry's resource is not JSON").At("resource")
	}
	switch {
	case bin.ResourceType == "Parameters":
		apply, err := fhirPathPatcher(resource)
		if err != nil {
			return nil, fhir.AsError(err).At("resource")
		}
		return apply, nil
	case bin.ResourceType != "Binary":
		return nil, fhir.Errorf(fhir.CodeInvalid, "a PATCH entry's resource is a Parameters (FHIRPath Patch) or a Binary holding a JSON Patch").At("resource")
	case strings.TrimSpace(strings.Split(bin.ContentType, ";")[0]) != JSONPatchType:
		return nil, fhir.Errorf(fhir.CodeNotSupported, "Binary.contentType of a PATCH entry must be %s", JSONPatchType).At("resource.contentType")
	}
	raw, err := base64.StdEncoding.DecodeString(bin.Data)
	if err != nil {
		return nil, fhir.Errorf(fhir.CodeInvalid, "Binary.data is not base64").At("resource.data")
	}
	apply, err := jsonPatcher(raw)
	if err != nil {
		return nil, fhir.AsError(err).At("resource.data")
	}
	return apply, nil
}

// parseJSONPatch reads a JSON Patch document: an array of operations.
func parseJSONPatch(raw []byte) ([]patchOp, error) {
	var ops []patchOp
	if err := json.Unmarshal(raw, &ops); err != nil {
		return nil, fhir.Errorf(fhir.CodeInvalid, "the patch is not a JSON Patch (an array of operations)")
	}
	return ops, nil
}

// applyJSONPatch applies ops to doc (RFC 6902), all or nothing. A failed
// test, or a path that does not exist, is CodeProcessing (422, as RFC 5789
// has it for a patch that cannot be applied); a malformed operation is
// CodeInvalid.
func applyJSONPatch(doc []byte, ops []patchOp) ([]byte, error) {
	var root any
	if err := decodeJSON(doc, &root); err != nil {
		return nil, fhir.AsError(err)
	}
	for i, op := range ops {
		var err error
		if root, err = applyOp(root, op); err != nil {
			fe := fhir.AsError(err)
			fe.Message = "JSON Patch operation " + strconv.Itoa(i) + ": " + fe.Message
			return nil, fe
		}
	}
	// FHIR JSON has no empty arrays or objects: a patch removing the last
	// item of a list removes the list.
	return json.Marshal(fhirpatch.Prune(root))
}

func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // numbers keep their exact decimal form
	return dec.Decode(v)
}

func applyOp(root any, op patchOp) (any, error) {
	if op.Path == nil {
		return nil, fhir.Errorf(fhir.CodeInvalid, "%q has no path", op.Op)
	}
	path := *op.Path
	value := func() (any, error) {
		var v any
		if len(op.Value) == 0 {
			return nil, fhir.Errorf(fhir.CodeInvalid, "%q has no value", op.Op)
		}
		return v, decodeJSON(op.Value, &v)
	}
	from := func() (string, error) {
		if op.From == nil {
			return "", fhir.Errorf(fhir.CodeInvalid, "%q has no from", op.Op)
		}
		return *op.From, nil
	}
	switch op.Op {
	case "add", "replace":
		v, err := value()
		if err != nil {
			return nil, err
		}
		return setAt(root, path, v, op.Op == "add")
	case "remove":
		root, _, err := removeAt(root, path)
		return root, err
	case "test":
		want, err := value()
		if err != nil {
			return nil, err
		}
		got, err := getAt(root, path)
		if err != nil {
			return nil, err
		}
		if !reflect.DeepEqual(normalize(got), normalize(want)) {
			return nil, fhir.Errorf(fhir.CodeProcessing, "test of %s failed", path)
		}
		return root, nil
	case "move", "copy":
		src, err := from()
		if err != nil {
			return nil, err
		}
		var v any
		if op.Op == "move" {
			if strings.HasPrefix(path, src+"/") {
				return nil, fhir.Errorf(fhir.CodeInvalid, "cannot move %s into itself", src)
			}
			root, v, err = removeAt(root, src)
		} else {
			v, err = getAt(root, src)
			v = deepCopy(v) // the copy must not share its maps with the source
		}
		if err != nil {
			return nil, err
		}
		return setAt(root, path, v, true)
	}
	return nil, fhir.Errorf(fhir.CodeInvalid, "unknown JSON Patch op %q", op.Op)
}

// deepCopy copies a decoded JSON value, maps and slices included.
func deepCopy(v any) any { return mapLeaves(v, func(l any) any { return l }) }

// exactNumber is a JSON number in lowest terms, exact (math/big.Rat).
type exactNumber string

// normalize makes numbers comparable by exact value (1 and 1.0 are equal).
func normalize(v any) any {
	return mapLeaves(v, func(l any) any {
		if n, ok := l.(json.Number); ok {
			if r, ok := new(big.Rat).SetString(n.String()); ok {
				return exactNumber(r.RatString())
			}
		}
		return l
	})
}

// mapLeaves returns a copy of v with every leaf replaced by f(leaf).
func mapLeaves(v any, f func(any) any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = mapLeaves(x[i], f)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = mapLeaves(e, f)
		}
		return out
	}
	return f(v)
}

// pointer splits a JSON Pointer (RFC 6901) into unescaped tokens.
func pointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if !strings.HasPrefix(p, "/") {
		return nil, fhir.Errorf(fhir.CodeInvalid, "path %q is not a JSON Pointer", p)
	}
	toks := strings.Split(p[1:], "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks, nil
}

func noPath(p string) error { return fhir.Errorf(fhir.CodeProcessing, "path %s does not exist", p) }

// arrayIndex reads an array index token; n is the array length, and "-" or n
// itself are allowed only when end is true (adding at the end).
func arrayIndex(tok string, n int, end bool, p string) (int, error) {
	if tok == "-" && end {
		return n, nil
	}
	i, err := strconv.Atoi(tok)
	if err != nil || i < 0 || (tok != "0" && strings.HasPrefix(tok, "0")) {
		return 0, fhir.Errorf(fhir.CodeInvalid, "path %s has a bad array index", p)
	}
	if i > n || (i == n && !end) {
		return 0, noPath(p)
	}
	return i, nil
}

func getAt(root any, p string) (any, error) {
	toks, err := pointer(p)
	if err != nil {
		return nil, err
	}
	cur := root
	for _, tok := range toks {
		switch x := cur.(type) {
		case map[string]any:
			v, ok := x[tok]
			if !ok {
				return nil, noPath(p)
			}
			cur = v
		case []any:
			i, err := arrayIndex(tok, len(x), false, p)
			if err != nil {
				return nil, err
			}
			cur = x[i]
		default:
			return nil, noPath(p)
		}
	}
	return cur, nil
}

// setAt adds (insert) or replaces the value at p, returning the new root.
func setAt(root any, p string, v any, insert bool) (any, error) {
	toks, err := pointer(p)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return v, nil
	}
	parent, err := getAt(root, p[:strings.LastIndex(p, "/")])
	if err != nil {
		return nil, err
	}
	last := toks[len(toks)-1]
	switch x := parent.(type) {
	case map[string]any:
		if _, ok := x[last]; !ok && !insert {
			return nil, noPath(p)
		}
		x[last] = v
		return root, nil
	case []any:
		i, err := arrayIndex(last, len(x), insert, p)
		if err != nil {
			return nil, err
		}
		if !insert {
			x[i] = v
			return root, nil
		}
		grown := append(x[:i:i], append([]any{v}, x[i:]...)...)
		return setAt(root, p[:strings.LastIndex(p, "/")], grown, false)
	}
	return nil, noPath(p)
}

// removeAt removes the value at p, returning the new root and the value.
func removeAt(root any, p string) (any, any, error) {
	toks, err := pointer(p)
	if err != nil {
		return nil, nil, err
	}
	if len(toks) == 0 {
		return nil, nil, fhir.Errorf(fhir.CodeInvalid, "cannot remove the whole resource")
	}
	v, err := getAt(root, p)
	if err != nil {
		return nil, nil, err
	}
	parentPath := p[:strings.LastIndex(p, "/")]
	parent, _ := getAt(root, parentPath)
	last := toks[len(toks)-1]
	switch x := parent.(type) {
	case map[string]any:
		delete(x, last)
		return root, v, nil
	case []any:
		i, _ := strconv.Atoi(last)
		shrunk := append(x[:i:i], x[i+1:]...)
		root, err = setAt(root, parentPath, shrunk, false)
		return root, v, err
	}
	return nil, nil, noPath(p)
}
