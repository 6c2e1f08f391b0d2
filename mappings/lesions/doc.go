// Package lesions maps RECIST data between FHIR R4 JSON and the pure engines
// trial/recist and trial/deescalation (domain.md §10, §11; docs/profiles.md
// "How a site sends RECIST data").
//
// Inbound, SubjectOf turns a patient's lesion BodyStructures, measurement
// Observations (LOINC 21889-1) and imaging DiagnosticReports into a
// recist.Subject: one TimePoint per imaging date (the DiagnosticReport's date
// when a report lists the measurement), the modality from Observation.method,
// role and status from the profile's extensions, sizes in mm (cm and other
// UCUM lengths converted exactly with fhir/ucum). Measurements entered in
// error or cancelled are ignored; what cannot be mapped is listed in
// Mapped.Issues rather than failing the whole subject.
//
// Outbound, Responses renders a recist.Result as recist-response
// Observations (one per follow-up time point) and one
// recist-best-overall-response Observation, and Adherence renders a
// deescalation.Result as a deescalation-adherence Observation. Every derived
// Observation carries the meta.tag ComputedTag (system trialfhir-observation,
// code computed) so readers, such as the eligibility mapping, can tell a
// server-computed response from one a radiologist coded; their ids are
// stable (TimePointID, BestID, AdherenceID) so that re-deriving the same
// result rewrites the same resources.
package lesions
