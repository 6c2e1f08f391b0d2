package screening

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/search"
)

// Observer returns a service.OnWrite function that re-screens, for studyID,
// every patient whose records were written and who has a ResearchSubject
// in the study (issue 6: automatic re-screening). A new assessment version
// is stored only when an outcome changes. Failures are logged, never
// returned: the write that triggered them has succeeded.
func (s *Screener) Observer(studyID string) func(ctx context.Context, written []fhir.Resource) {
	return func(ctx context.Context, written []fhir.Resource) {
		if isOwn(ctx) {
			return
		}
		done := map[string]bool{}
		for _, r := range written {
			pid := patientOf(r)
			if pid == "" || done[pid] {
				continue
			}
			done[pid] = true
			req, err := search.Parse("ResearchSubject", url.Values{"individual": {"Patient/" + pid}, "study": {"ResearchStudy/" + studyID}}, false)
			if err != nil {
				continue
			}
			req.Query.Limit = 1
			found, err := s.svc.Search(ctx, req.Query)
			if err != nil || len(found) == 0 {
				continue
			}
			if _, err := s.Evaluate(ctx, Request{StudyID: studyID, PatientID: pid, Persist: true, OnlyIfChanged: true}); err != nil {
				s.log.Warn("re-screening failed", "study", studyID, "code", fhir.ErrorCode(err))
			}
		}
	}
}

// patientOf returns the id of the patient a written resource belongs to,
// "" when it is not one the rules read.
func patientOf(r fhir.Resource) string {
	if r.Deleted || r.Body == nil {
		return ""
	}
	if r.Type == "Patient" {
		return r.ID
	}
	param, ok := linked(r.Type)
	if !ok {
		return ""
	}
	field := map[string]string{"subject": "subject", "patient": "patient", "individual": "individual"}[param]
	var doc map[string]json.RawMessage
	if json.Unmarshal(r.Body, &doc) != nil {
		return ""
	}
	var ref struct {
		Reference string `json:"reference"`
	}
	if json.Unmarshal(doc[field], &ref) != nil {
		return ""
	}
	// Consent.patient, BodyStructure.patient and the others are single
	// references; a relative "Patient/x" is what the server stores.
	if id, ok := strings.CutPrefix(ref.Reference, "Patient/"); ok && !strings.Contains(id, "/") {
		return id
	}
	return ""
}
