package operations

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/rest"
	"github.com/trialfhir/trialfhir/study/screening"
)

// Eligibility returns $evaluate-eligibility and $screen on ResearchStudy.
func Eligibility(s *screening.Screener) []rest.Operation {
	return []rest.Operation{
		{Name: "evaluate-eligibility", Type: "ResearchStudy", Instance: true, Run: evaluate(s),
			Definition: OperationDefinitionBase + "ResearchStudy-evaluate-eligibility"},
		{Name: "screen", Type: "ResearchStudy", Instance: true, Run: screen(s), Async: true,
			Definition: OperationDefinitionBase + "ResearchStudy-screen"},
	}
}

// evaluate: parameters subject (valueReference Patient) or bundle
// (resource Bundle), date (valueDate), persist (valueBoolean, default true).
func evaluate(s *screening.Screener) func(ctx context.Context, id string, body []byte) ([]byte, error) {
	return func(ctx context.Context, id string, body []byte) ([]byte, error) {
		ps, err := readParameters(body, "subject", "bundle", "date", "persist")
		if err != nil {
			return nil, err
		}
		r := screening.Request{StudyID: id, Persist: true}
		subject, hasSubject := ps["subject"]
		bundle, hasBundle := ps["bundle"]
		switch {
		case hasSubject == hasBundle:
			return nil, fhir.Errorf(fhir.CodeRequired, "give exactly one of subject (a Patient reference) or bundle").At("Parameters.parameter")
		case hasSubject:
			if subject.ValueReference == nil {
				return nil, fhir.Errorf(fhir.CodeInvalid, "subject needs a valueReference").At("subject")
			}
			id, ok := strings.CutPrefix(subject.ValueReference.Reference, "Patient/")
			if !ok || id == "" || strings.Contains(id, "/") {
				return nil, fhir.Errorf(fhir.CodeInvalid, "subject must reference a Patient as Patient/{id}").At("subject")
			}
			r.PatientID = id
		default:
			if r.Records, err = bundleResources(bundle.Resource); err != nil {
				return nil, err
			}
			r.Bundle = bundle.Resource
		}
		if p, ok := ps["date"]; ok {
			if r.Date, err = dateOf(p); err != nil {
				return nil, err
			}
		}
		if p, ok := ps["persist"]; ok {
			if p.ValueBoolean == nil {
				return nil, fhir.Errorf(fhir.CodeInvalid, "persist needs a valueBoolean").At("persist")
			}
			r.Persist = *p.ValueBoolean
		}
		res, err := s.Evaluate(ctx, r)
		if err != nil {
			return nil, err
		}
		return res.Observation, nil
	}
}

// bundleResources lists the resources of a posted Bundle.
func bundleResources(raw json.RawMessage) ([][]byte, error) {
	var b struct {
		ResourceType string `json:"resourceType"`
		Entry        []struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &b) != nil || b.ResourceType != "Bundle" {
		return nil, fhir.Errorf(fhir.CodeInvalid, "bundle must hold a Bundle resource").At("bundle")
	}
	var out [][]byte
	for _, e := range b.Entry {
		if len(e.Resource) > 0 {
			out = append(out, e.Resource)
		}
	}
	return out, nil
}

// screen: parameters search (valueString, a Patient query), date,
// persist (default false: a preview that stores nothing).
func screen(s *screening.Screener) func(ctx context.Context, id string, body []byte) ([]byte, error) {
	return func(ctx context.Context, id string, body []byte) ([]byte, error) {
		ps, err := readParameters(body, "search", "date", "persist")
		if err != nil {
			return nil, err
		}
		query := url.Values{}
		if p, ok := ps["search"]; ok {
			if query, err = url.ParseQuery(p.ValueString); err != nil {
				return nil, fhir.Errorf(fhir.CodeInvalid, "search must be a query string such as gender=female").At("search")
			}
		}
		var date time.Time
		if p, ok := ps["date"]; ok {
			if date, err = dateOf(p); err != nil {
				return nil, err
			}
		}
		persist := false
		if p, ok := ps["persist"]; ok && p.ValueBoolean != nil {
			persist = *p.ValueBoolean
		}
		sum, err := s.Screen(ctx, id, query, persist, date)
		if err != nil {
			return nil, err
		}
		out := parameters{ResourceType: "Parameters"}
		count := func(name string, n int) {
			out.Parameter = append(out.Parameter, parameter{Name: name, ValueInteger: &n})
		}
		count("screened", sum.Screened)
		count("eligible", sum.Decisions["eligible"])
		count("ineligible", sum.Decisions["ineligible"])
		count("needs-review", sum.Decisions["needs-review"])
		count("failed", sum.Failed)
		for _, p := range sum.Patients {
			if p.PatientID == "" {
				continue
			}
			out.Parameter = append(out.Parameter, parameter{Name: "patient", ValueString: "Patient/" + p.PatientID + " " + string(p.Decision)})
		}
		raw, err := json.Marshal(out)
		if err != nil {
			return nil, fhir.AsError(err)
		}
		return raw, nil
	}
}
