package fhirpath

import "strings"

// fnResolve is resolve() (http://hl7.org/fhir/R4/fhirpath.html#functions)
// without a store behind it. Search indexing only asks what type of resource
// a reference points at ("subject.where(resolve() is Patient)"), and the
// reference says that itself:
//
//   - "#id" is a contained resource of %resource, which it yields; "#" is
//     %resource itself;
//   - "Patient/123", "Patient/123/_history/2", "http://x/fhir/Patient/123" and
//     the conditional "Patient?identifier=x" yield a Patient known only by
//     type: "is Patient" holds, but it has no elements;
//   - anything else ("urn:uuid:...") yields the type in Reference.type if
//     there is one ("Patient" or its StructureDefinition URL), else nothing,
//     as for a reference that cannot be resolved.
//
// Its input may be References, or canonical and uri strings.
func fnResolve(c *context, in []item) ([]item, error) {
	var out []item
	for _, it := range in {
		var ref, hint string
		switch n := it.node.(type) {
		case map[string]any:
			ref, _ = n["reference"].(string)
			hint, _ = n["type"].(string)
		case string:
			ref = n
		default:
			continue
		}
		if r, ok := resolveReference(c, ref, hint); ok {
			out = append(out, r)
		}
	}
	return out, nil
}

func resolveReference(c *context, ref, hint string) (item, bool) {
	if id, ok := strings.CutPrefix(ref, "#"); ok {
		return containedResource(c, id)
	}
	if t := referenceType(ref); t != "" {
		return item{typ: t, resource: true}, true
	}
	if t := hint[strings.LastIndexByte(hint, '/')+1:]; isTypeName(t) {
		return item{typ: t, resource: true}, true
	}
	return item{}, false
}

// referenceType returns the resource type a literal reference names, "" when
// it names none (http://hl7.org/fhir/R4/references.html#literal).
func referenceType(ref string) string {
	if t, _, ok := strings.Cut(ref, "?"); ok {
		if isTypeName(t) {
			return t
		}
		return ""
	}
	if i := strings.Index(ref, "/_history/"); i >= 0 {
		ref = ref[:i]
	}
	j := strings.LastIndexByte(ref, '/')
	if j <= 0 || j == len(ref)-1 {
		return ""
	}
	rest := ref[:j]
	if t := rest[strings.LastIndexByte(rest, '/')+1:]; isTypeName(t) {
		return t
	}
	return ""
}

// containedResource finds a contained resource of %resource by id
// (http://hl7.org/fhir/R4/references.html#contained).
func containedResource(c *context, id string) (item, bool) {
	root, ok := c.root[0].node.(map[string]any)
	if !ok {
		return item{}, false
	}
	if id == "" {
		return c.root[0], true
	}
	contained, _ := root["contained"].([]any)
	for _, r := range contained {
		if m, ok := r.(map[string]any); ok && m["id"] == id {
			return item{node: m}, true
		}
	}
	return item{}, false
}
