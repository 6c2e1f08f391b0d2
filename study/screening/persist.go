package screening

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/search"
	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/trial/eligibility"
)

// selfKey marks a context whose writes are the screener's own, so that
// Observer does not re-screen because of them.
type selfKey struct{}

func own(ctx context.Context) context.Context { return context.WithValue(ctx, selfKey{}, true) }

func isOwn(ctx context.Context) bool { v, _ := ctx.Value(selfKey{}).(bool); return v }

// persist stores the assessment when its decision or any outcome changed,
// then moves the patient's ResearchSubject.
func (s *Screener) persist(ctx context.Context, req Request, facts eligibility.Facts, obs *observation, res *Result) (*Result, error) {
	ctx = own(ctx)
	studyID := req.StudyID
	patientID := strings.TrimPrefix(string(facts.Patient.Ref), "Patient/")
	obs.ID = AssessmentID(studyID, patientID)
	body, err := json.Marshal(obs)
	if err != nil {
		return nil, fhir.AsError(err)
	}
	cur, err := s.svc.Read(ctx, "Observation", obs.ID)
	switch {
	case err == nil && req.OnlyIfChanged && sameOutcomes(cur.Body, obs), err == nil && sameContent(cur.Body, body):
		// Nothing to store: skip the service's parse and validation.
		res.Observation = cur.Body
	case err == nil || fhir.ErrorCode(err) == fhir.CodeNotFound || fhir.ErrorCode(err) == fhir.CodeDeleted:
		w, err := s.svc.Update(ctx, "Observation", obs.ID, body, nil)
		if err != nil {
			return nil, err
		}
		res.Observation, res.Changed = w.Resource.Body, w.Outcome != service.Matched && (cur == nil || w.Resource.VersionID != cur.VersionID)
	default:
		return nil, err
	}
	if err := s.moveSubject(ctx, studyID, patientID, obs.ID, res.Assessment.Decision); err != nil {
		return nil, err
	}
	return res, nil
}

// sameContent reports whether two resource bodies are equal as JSON but
// for id and meta (what the server sets): the stored body went through the
// FHIR renderer, so keys may come in another order.
func sameContent(a, b []byte) bool {
	var x, y map[string]any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil || len(x) == 0 {
		return false
	}
	for _, k := range []string{"id", "meta"} {
		delete(x, k)
		delete(y, k)
	}
	return reflect.DeepEqual(x, y)
}

// sameOutcomes reports whether a stored assessment has the decision and
// criterion outcomes of o: only a change of those makes a new version.
func sameOutcomes(stored []byte, o *observation) bool {
	var old observation
	if json.Unmarshal(stored, &old) != nil || len(old.Component) != len(o.Component) {
		return false
	}
	if codeOf(old.ValueCodeableConcept) != codeOf(o.ValueCodeableConcept) {
		return false
	}
	for i := range o.Component {
		if codeOf(old.Component[i].Code) != codeOf(o.Component[i].Code) ||
			codeOf(old.Component[i].ValueCodeableConcept) != codeOf(o.Component[i].ValueCodeableConcept) {
			return false
		}
	}
	return true
}

func codeOf(c concept) string {
	if len(c.Coding) == 0 {
		return ""
	}
	return c.Coding[0].System + "|" + c.Coding[0].Code
}

// preEnrolment are the ResearchSubject statuses screening may change; a
// subject already on study keeps its status (R4 research-subject-status).
var preEnrolment = map[string]bool{"candidate": true, "eligible": true, "ineligible": true, "screening": true}

// subjectStatus maps a decision to the ResearchSubject status (issue 6:
// needs-review keeps the subject in screening).
var subjectStatus = map[eligibility.Decision]string{
	eligibility.Eligible: "eligible", eligibility.Ineligible: "ineligible", eligibility.NeedsReview: "screening",
}

// moveSubject finds or creates (status candidate) the patient's
// ResearchSubject in the study, sets its status from the decision and
// points it to the assessment. A concurrent change of the subject is
// retried on the newer version.
func (s *Screener) moveSubject(ctx context.Context, studyID, patientID, assessmentID string, d eligibility.Decision) error {
	cond := url.Values{"individual": {"Patient/" + patientID}, "study": {"ResearchStudy/" + studyID}}
	for attempt := 0; ; attempt++ {
		sub, err := s.subject(ctx, cond)
		if err != nil {
			return err
		}
		var doc map[string]any
		if err := json.Unmarshal(sub.Body, &doc); err != nil {
			return fhir.AsError(err)
		}
		if st, _ := doc["status"].(string); preEnrolment[st] {
			doc["status"] = subjectStatus[d]
		}
		var exts []any
		if old, ok := doc["extension"].([]any); ok {
			for _, e := range old {
				if m, ok := e.(map[string]any); !ok || m["url"] != AssessmentExt {
					exts = append(exts, e)
				}
			}
		}
		doc["extension"] = append(exts, map[string]any{"url": AssessmentExt,
			"valueReference": map[string]any{"reference": "Observation/" + assessmentID}})
		body, err := json.Marshal(doc)
		if err != nil {
			return fhir.AsError(err)
		}
		if sameContent(sub.Body, body) {
			return nil
		}
		vid := sub.VersionID
		_, err = s.svc.Update(ctx, "ResearchSubject", sub.ID, body, &vid)
		if c := fhir.ErrorCode(err); (c == fhir.CodePreconditionFailed || c == fhir.CodeConflict) && attempt < 3 {
			continue
		}
		return err
	}
}

// subject returns the patient's ResearchSubject in the study, creating it
// with status candidate when there is none; the conditional create makes
// concurrent evaluations create one.
func (s *Screener) subject(ctx context.Context, cond url.Values) (*fhir.Resource, error) {
	req, err := search.Parse("ResearchSubject", cond, false)
	if err != nil {
		return nil, err
	}
	found, err := s.svc.Search(ctx, req.Query)
	if err != nil {
		return nil, err
	}
	if len(found) > 0 {
		return &found[0], nil
	}
	body, _ := json.Marshal(map[string]any{"resourceType": "ResearchSubject", "status": "candidate",
		"study": map[string]any{"reference": cond.Get("study")}, "individual": map[string]any{"reference": cond.Get("individual")}})
	created, err := s.svc.Create(ctx, "ResearchSubject", body, cond.Encode())
	if err != nil {
		return nil, err
	}
	return created.Resource, nil
}
