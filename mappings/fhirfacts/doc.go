// Package fhirfacts is the bridge from FHIR R4 JSON to the eligibility
// facts: Build reads a Patient and the patient's records (Observation,
// Condition, Medication*, Procedure, Consent, AdverseEvent, ResearchSubject,
// Specimen, Medication) and returns an eligibility.Facts value with codes
// resolved to the keys of mappings.Tables, quantities converted to canonical
// units with exact arithmetic, and the records domain.md §1 says to ignore
// already dropped.
//
// It decodes into small private structs that hold only the elements it
// reads, never the google/fhir protos: evaluating one patient with 500
// resources must stay well under 5 ms (issue 6). A single-pass reader
// (lexer.go, decode.go) fills them; encoding/json, which scans every
// document twice, fills the same structs only when that reader gives up,
// and words the error.
//
// Decisions (each documented where it is made):
//
//   - Observation status entered-in-error and cancelled are dropped; every
//     other status is kept in Observation.Status for the rules to judge
//     (preliminary -> unknown, domain.md §1).
//   - An Observation whose code maps to no concept is read through its
//     components (a BP panel 85354-9 becomes bp-systolic and bp-diastolic,
//     both citing the panel).
//   - A RECIST time-point response Observation
//     (trialfhir-observation#recist-timepoint-response) becomes a Response;
//     it is Computed only when meta.tag holds (ObservationSystem,
//     ComputedTagCode), the marker the server's RECIST engine sets on what
//     it derives; its derivedFrom becomes the Evidence.
//   - Dates keep the offset they were sent with, so Date.Time's calendar day
//     is the site's day.
package fhirfacts
