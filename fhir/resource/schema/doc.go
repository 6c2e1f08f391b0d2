// Package schema decides, from the raw JSON bytes alone, that google/fhir
// (github.com/google/fhir/go v0.7.4, NewUnmarshaller("UTC",
// fhirversion.R4) with MaxNestingDepth 64) would accept an R4 resource:
// the fast path of resource.Parse, which otherwise spends most of an
// ingest's CPU building a proto only to throw it away.
//
// # The contract
//
// Check(body) returning ok means google/fhir certainly accepts body with
// no error and no validation issue. Not ok means "not sure", never
// "invalid": the caller then asks google/fhir, which also names the
// problems. So Check may defer on anything, and does on everything it
// does not model: primitive extensions ("_birthDate"), escapes in values
// whose format is checked, keys with escapes, null, empty arrays and
// objects, Reference's normalised-form keys ("fragment", "patientId"),
// repeated choice variants, base64Binary with separator spaces, numbers
// in other than their plain form, Type/id references whose ids are not
// plain ids or whose Type google/fhir knows only from STU3, nesting past
// 60 levels, and resource types or elements that are not in the tables.
// It is stricter than google/fhir in places, never looser: contained
// resources are validated like any other (google/fhir packs them into an
// Any that fhirvalidate does not open). body must be valid JSON
// (encoding/json.Valid), as resource.Parse's checkJSON ensures before
// calling it; duplicate keys are harmless (every value is checked, and a
// repeated resourceType must agree).
//
// # The schema
//
// The tables are built once, lazily, from google/fhir's generated R4
// descriptors (build.go, kinds.go): the ContainedResource oneof gives the resource
// types; each message's fields give its JSON property names (choice
// elements expanded as google/fhir's FieldMap does, valueQuantity), their
// cardinality and type; the annotations give primitive types
// (structure_definition_kind), choice types (is_choice_type), references
// (fhir_reference_type, valid_reference_type), required elements
// (validation_requirement) and the codes of bound-code enums
// (fhir_original_code, or the enum value's name). Check then walks the
// bytes once (check.go), mirroring unmarshaller.go's merge, reference.go's
// NormalizeReference and fhirvalidate's primitive, required-field and
// reference-type checks; primitive.go and datetime.go hold the value
// checks, each no looser than the regex and parser it mirrors.
//
// # How it is tested
//
// The differential tests run every official R4 example (and Bundle entry;
// FHIR_R4_EXAMPLES) and every Synthea entry resource (../shared), plus a
// deterministic sample of mutations of them (wrong-typed and malformed
// values, dropped and renamed keys, arrays wrapped and unwrapped, bad
// references, second choice variants, unknown resource types), through
// both Check and google/fhir, and fail if Check accepts anything
// google/fhir rejects. FuzzFastPath checks the same property on
// arbitrary input; its seeds run with the tests. The value checks are
// also compared with google/fhir's own regexes.
package schema
