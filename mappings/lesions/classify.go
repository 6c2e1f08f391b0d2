package lesions

import "github.com/trialfhir/trialfhir/profiles"

// Change says what a written resource means to the derived results.
type Change struct {
	// Patient is the Patient id the resource belongs to ("" if none).
	Patient string
	// Imaging: a lesion, a measurement or an imaging report changed, so
	// the patient's RECIST responses (and adherence, through D_pre and
	// D_post) must be derived again.
	Imaging bool
	// Arm: the patient's ResearchSubject changed (adherence depends on the
	// arm).
	Arm bool
	// Procedure is the id of a Procedure whose adherence must be derived
	// again: the Procedure itself or an Observation partOf it was written.
	Procedure string
}

// Classify tells what a written resource changes. Observations the server
// derived (ComputedTag) change nothing, so derivation does not loop.
func Classify(body []byte) Change {
	r, err := decode(body)
	if err != nil || r.computed() {
		return Change{}
	}
	var c Change
	switch r.ResourceType {
	case "Patient":
		// Measurements may arrive before their Patient; nothing is derived
		// for an unknown patient until it exists.
		c.Patient, c.Imaging = r.ID, true
	case "BodyStructure":
		c.Patient, _ = refID(refOf(r.Patient), "Patient")
		c.Imaging = true
	case "DiagnosticReport":
		c.Patient, _ = refID(refOf(r.Subject), "Patient")
		c.Imaging = true
	case "ResearchSubject":
		c.Patient, _ = refID(refOf(r.Individual), "Patient")
		c.Arm = true
	case "Procedure":
		c.Patient, _ = refID(refOf(r.Subject), "Patient")
		c.Procedure = r.ID
	case "Observation":
		c.Patient, _ = refID(refOf(r.Subject), "Patient")
		c.Imaging = r.Code.has(profiles.LOINC, profiles.TumorSizeCode)
		for _, p := range r.PartOf {
			if id, ok := refID(p.Reference, "Procedure"); ok {
				c.Procedure = id
			}
		}
	}
	if c.Patient == "" {
		return Change{}
	}
	return c
}
