// Package ops adapts the trial's components (study/screening and the
// RECIST component) to FHIR operations served by fhir/rest: it reads
// Parameters, calls one function, and writes the answer. Nothing here
// decides anything clinical.
package ops
