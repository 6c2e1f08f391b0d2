// Package fhirpatch applies a FHIRPath Patch (http://hl7.org/fhir/R4/fhirpatch.html):
// a Parameters resource whose "operation" parameters add, insert, delete,
// replace or move elements named by FHIRPath. It is pure: JSON bytes in,
// JSON bytes out; the caller stores the result as an update, which
// validates it.
//
// A path is split at its last element name: what comes before is evaluated
// by package fhirpath (and must yield objects, the elements holding the
// target); the name then selects their children, and what follows the name
// (indexers [n], first(), last(), single(), where(...), ofType(T)) filters
// them, so that the patch knows where each selected element sits and can
// change it in place. A last step extension(url) is extension.where(url =
// url). Inside those filters the element is the whole input: %resource
// names it, not the resource. Lists and choice elements the JSON lacks are told
// apart by the R4 model (resource.ElementOf).
//
// Errors are *fhir.Error: CodeInvalid for a malformed Parameters (an unknown
// operation type, a missing part, a path that is not FHIRPath or that names
// no element), CodeProcessing for a patch that does not fit the resource (a
// path selecting nothing where something must be, or several elements where
// one must be, an index out of range, an element added twice).
//
// A path may reach into a contained resource by resolve() ("#id"); a
// reference to another resource resolves to nothing, so a patch never
// crosses resources (R4 fhirpatch.html, the base rules).
//
// A primitive value part may carry its id and extensions ("_valueString"
// beside "valueString"); they become the element's companion ("_given").
//
// Not supported: the companion "_name" elements of primitives as targets
// (a primitive's extensions follow it when it is deleted, moved or
// replaced, but cannot be patched themselves), and operators between the
// steps of a path ("a | b" is refused as CodeInvalid).
package fhirpatch
