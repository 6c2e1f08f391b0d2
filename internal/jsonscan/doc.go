// Package jsonscan reads JSON straight from the bytes: strings, the end of
// a value, the members of an object. It serves the project's single-pass
// readers (index extraction, the eligibility fact reader, the validating
// fast path, rendering a stored version, reference rewriting), which exist because
// encoding/json's reflective decoding dominated their profiles. Functions
// that skip rather than check say so: their input must already be known
// to be valid JSON.
package jsonscan
