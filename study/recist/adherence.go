package recist

import (
	"context"
	"net/url"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/mappings/lesions"
	"github.com/trialfhir/trialfhir/profiles"
	"github.com/trialfhir/trialfhir/trial/deescalation"
)

// Adherence is the check of one primary resection.
type Adherence struct {
	Surgery     lesions.Surgery
	Result      deescalation.Result
	Observation lesions.Derived
}

// AssessAdherence runs the adherence check of a Procedure (domain.md §11)
// with interp (empty: the component's, by default A); nothing is written. A
// Procedure with no planned-margin or resection-diameter Observation partOf
// it is not a primary resection: a business-rule error.
func (c *Component) AssessAdherence(ctx context.Context, procedureID string, interp deescalation.Interpretation) (*Adherence, error) {
	proc, err := c.svc.Read(ctx, "Procedure", procedureID)
	if err != nil {
		return nil, err
	}
	s, err := lesions.SurgeryOf(lesions.Record{Ref: "Procedure/" + procedureID, Body: proc.Body}, nil)
	if err != nil {
		return nil, err
	}
	recs, err := c.all(ctx, "Observation", url.Values{"part-of": {"Procedure/" + procedureID}})
	if err != nil {
		return nil, err
	}
	if s.Patient != "" {
		more, err := c.imaging(ctx, s.Patient)
		if err != nil {
			return nil, err
		}
		subj, err := c.all(ctx, "ResearchSubject", url.Values{"individual": {"Patient/" + s.Patient}})
		if err != nil {
			return nil, err
		}
		recs = append(append(recs, more...), subj...)
	}
	if s, err = lesions.SurgeryOf(lesions.Record{Ref: "Procedure/" + procedureID, Body: proc.Body}, recs); err != nil {
		return nil, err
	}
	if !s.Primary {
		return nil, fhir.Errorf(fhir.CodeBusinessRule, "Procedure/%s has no planned-margin or resection-diameter Observation partOf it", procedureID)
	}
	if interp == "" {
		interp = c.opt.Interpretation
	}
	res := deescalation.Assess(s.Input, deescalation.Options{Interpretation: interp})
	return &Adherence{Surgery: s, Result: res, Observation: lesions.Adherence(s, res)}, nil
}

// DeriveAdherence assesses a primary resection with the component's
// interpretation and stores the deescalation-adherence Observation
// (id lesions.AdherenceID). A Procedure that is not a primary resection is
// skipped: it returns nil and no error.
func (c *Component) DeriveAdherence(ctx context.Context, procedureID string) (*Adherence, bool, error) {
	defer c.locks.lock("Procedure/" + procedureID)()
	a, err := c.AssessAdherence(ctx, procedureID, "")
	if fhir.ErrorCode(err) == fhir.CodeBusinessRule {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	_, err = c.svc.Update(ctx, "Observation", a.Observation.ID, a.Observation.Body, nil)
	return a, err == nil, err
}

// surgeries returns the ids of the patient's primary resections: the
// Procedures that planned-margin or resection-diameter Observations are
// partOf.
func (c *Component) surgeries(ctx context.Context, patient string) ([]string, error) {
	recs, err := c.all(ctx, "Observation", url.Values{
		"subject": {"Patient/" + patient},
		"code":    {profiles.ObservationSystem + "|planned-margin," + profiles.ObservationSystem + "|resection-diameter"},
	})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var ids []string
	for _, r := range recs {
		if id := lesions.Classify(r.Body).Procedure; id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}
