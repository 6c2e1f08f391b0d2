// Package fhirpath evaluates the subset of FHIRPath
// (http://hl7.org/fhirpath/N1/, with the FHIR additions of
// http://hl7.org/fhir/R4/fhirpath.html) that the R4 SearchParameter
// definitions use, on resources held as decoded JSON. It exists to extract
// search-index values at write time: an expression is compiled once and then
// evaluated on every resource written, so evaluation walks a small tree of
// nodes with type switches and no reflection, and never panics on odd input.
//
// Resources are what encoding/json yields with Decoder.UseNumber:
// map[string]any, []any, string, json.Number and bool. There is no FHIR model
// (no StructureDefinitions) behind the evaluator; what it knows of types comes
// from the JSON itself:
//
//   - a choice element is found by its suffix, so Observation.value finds
//     valueQuantity and types the item "Quantity"
//     (http://hl7.org/fhir/R4/formats.html#choice); only the element names
//     R4 declares as name[x] are looked up that way;
//   - a resource is typed by its resourceType, so an expression may start with
//     a type name ("Observation.code | Condition.code") and only the branches
//     naming the resource's type, Resource or DomainResource yield anything;
//   - resolve() reads the type from the reference ("Patient/123"), or finds a
//     contained resource ("#p1"); it fetches nothing;
//   - primitives are typed by their JSON kind when nothing else says
//     (string, boolean, integer, decimal), so "is code" on a plain string is false.
//
// Supported: paths with choice elements, arrays flattened and primitives'
// companion "_name" elements (ids and extensions); indexers; literals
// (strings with escapes, numbers, booleans, dates, {}); $this, $index,
// %resource, %rootResource, %context, %ucum, %sct, %loinc, %`vs-x`, %`ext-x`;
// the operators | = != ~ !~ < <= > >= in contains and or xor implies is as;
// the functions where, select, exists, all, empty, count, distinct, first,
// last, tail, single, skip, take, not, is, as, ofType, extension, hasValue and
// resolve.
//
// Where the R4 search parameters need more than FHIRPath N1 allows, this
// package follows them: "as" on several items filters them like ofType
// ("Observation.component.value as Quantity") instead of failing.
//
// Not supported, and rejected by Compile with an error wrapping
// ErrUnsupported: arithmetic and string concatenation, quantity literals,
// string and math functions, conversions, iif, children/descendants, and the
// terminology functions. Dates and times compare as the strings they are in
// JSON, which orders values of the same precision and time zone correctly.
package fhirpath
