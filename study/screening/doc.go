// Package screening runs the trial's eligibility rules against what the
// server holds: it loads a patient's records through the service, has the
// mapping layer turn them into facts, asks the pure rules
// (trial/eligibility) for a decision, and writes it back as an
// eligibility-assessment Observation linked from the patient's
// ResearchSubject (issue 6, criteria.md).
//
// It knows FHIR resources as JSON and the service as its only way to the
// store; it knows nothing of HTTP (the operations in study/operations adapt it).
//
// # Stored results
//
//   - The assessment has a stable id per study and patient
//     (elig-<study>-<patient>), so its history is the patient's screening
//     history. An evaluation asked for ($evaluate-eligibility) is stored
//     when anything in it differs; automatic re-screening stores a new
//     version only when the decision or a criterion outcome changes.
//   - The patient's ResearchSubject in the study (created with status
//     candidate when missing) moves to eligible or ineligible; needs-review
//     keeps it in screening. It points to the assessment through the
//     extension AssessmentExt, since R4 ResearchSubject has no element for it.
//
// # Re-screening
//
// Observer re-evaluates a patient whose records change, when the patient
// already has a ResearchSubject in the study: the subject is what makes a
// patient part of screening.
package screening
