package screening

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strings"

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
	{"Specimen", "subject"}, // fasting status of a glucose specimen (domain.md X8.9)
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
	meds, err := s.medications(ctx, out)
	if err != nil {
		return nil, nil, err
	}
	return pat, append(out, meds...), nil
}

// medications reads the Medication resources that the patient's
// administrations, statements and requests name by medicationReference:
// a hospital often sends the drug that way, and a Medication has no
// patient to search by. Contained ("#m") and missing ones are skipped.
func (s *Screener) medications(ctx context.Context, records []fhir.Resource) ([]fhir.Resource, error) {
	var out []fhir.Resource
	seen := map[string]bool{}
	for _, r := range records {
		if !strings.HasPrefix(r.Type, "Medication") || !bytes.Contains(r.Body, []byte(`"medicationReference"`)) {
			continue
		}
		var doc struct {
			MedicationReference struct{ Reference string } `json:"medicationReference"`
		}
		if json.Unmarshal(r.Body, &doc) != nil {
			continue
		}
		id, ok := strings.CutPrefix(doc.MedicationReference.Reference, "Medication/")
		if !ok || id == "" || strings.Contains(id, "/") || seen[id] {
			continue
		}
		seen[id] = true
		m, err := s.svc.Read(ctx, "Medication", id)
		switch {
		case fhir.ErrorCode(err) == fhir.CodeNotFound || fhir.ErrorCode(err) == fhir.CodeDeleted:
			continue // a dangling reference: the drug stays unnamed
		case err != nil:
			return nil, err
		}
		out = append(out, *m)
	}
	return out, nil
}
