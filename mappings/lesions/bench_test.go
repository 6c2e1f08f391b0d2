package lesions_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/trialfhir/trialfhir/mappings/lesions"
	"github.com/trialfhir/trialfhir/trial/recist"
)

// history is 12 time points of 10 lesions (5 targets, 5 non-targets) as
// FHIR records.
func history() []lesions.Record {
	var recs []lesions.Record
	for l := range 10 {
		recs = append(recs, lesions.Record{Ref: fmt.Sprintf("BodyStructure/L%d", l), Body: fmt.Appendf(nil,
			`{"resourceType":"BodyStructure","id":"L%d","patient":{"reference":"Patient/p"},"identifier":[{"system":"s","value":"L%d"}],"location":{"coding":[{"code":"organ%d"}]}}`, l, l, l)})
	}
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for tp := range 12 {
		for l := range 10 {
			role, comp := "target", fmt.Sprintf(`,"component":[{"code":{"coding":[{"system":"http://loinc.org","code":"33728-7"}]},"valueQuantity":{"value":%d.5,"code":"mm","system":"http://unitsofmeasure.org"}}]`, 30-tp)
			if l >= 5 {
				role, comp = "non-target", ""
			}
			id := fmt.Sprintf("m%d-%d", tp, l)
			recs = append(recs, lesions.Record{Ref: "Observation/" + id, Body: fmt.Appendf(nil, `{"resourceType":"Observation","id":"%s","status":"final",
"code":{"coding":[{"system":"http://loinc.org","code":"21889-1"}]},"subject":{"reference":"Patient/p"},"focus":[{"reference":"BodyStructure/L%d"}],
"effectiveDateTime":"%s","extension":[{"url":"https://trialfhir.org/fhir/StructureDefinition/recist-lesion-role","valueCodeableConcept":{"coding":[{"system":"https://trialfhir.org/fhir/CodeSystem/recist-lesion-role","code":"%s"}]}}]%s}`,
				id, l, day.AddDate(0, 0, 42*tp).Format(time.DateOnly), role, comp)})
		}
	}
	return recs
}

// BenchmarkMapEvaluateRender is the whole computation of one subject with
// 12 time points and 10 lesions, from FHIR JSON to response Observations
// (issue 7: < 1 ms); storage excluded.
func BenchmarkMapEvaluateRender(b *testing.B) {
	recs := history()
	for b.Loop() {
		m := lesions.SubjectOf("p", recs)
		res := recist.Evaluate(m.Subject, recist.Options{})
		if len(lesions.Responses("p", res, m)) != 12 {
			b.Fatal("want 11 time points and a best overall response")
		}
	}
}
