package screening

import (
	"context"
	"net/url"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/search"
)

// patientLinks are the resource types the rules read and the search
// parameter that ties each to its patient.
var patientLinks = []struct{ typ, param string }{
	{"Observation", "subject"},
	{"Condition", "subject"},
	{"MedicationAdministration", "subject"},
	{"MedicationStatement", "subject"},
	{"MedicationRequest", "subject"},
	{"Procedure", "subject"},
	{"Consent", "patient"},
	{"AdverseEvent", "subject"},
	{"ResearchSubject", "individual"},
	{"DiagnosticReport", "subject"},
	{"BodyStructure", "patient"},
}

// linked reports whether a resource type is one a patient's evaluation
// reads, and by which parameter.
func linked(typ string) (string, bool) {
	for _, l := range patientLinks {
		if l.typ == typ {
			return l.param, true
		}
	}
	return "", false
}

// records loads the patient and every record of patientLinks that refers
// to it, current versions only.
func (s *Screener) records(ctx context.Context, patientID string) (*fhir.Resource, []fhir.Resource, error) {
	pat, err := s.svc.Read(ctx, "Patient", patientID)
	if err != nil {
		return nil, nil, err
	}
	var out []fhir.Resource
	for _, l := range patientLinks {
		req, err := search.Parse(l.typ, url.Values{l.param: {"Patient/" + patientID}}, false)
		if err != nil {
			return nil, nil, err
		}
		found, err := s.svc.Search(ctx, req.Query)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, found...)
	}
	return pat, out, nil
}
