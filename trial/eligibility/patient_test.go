package eligibility_test

import (
	"testing"
	"time"

	el "github.com/trialfhir/trialfhir/trial/eligibility"
)

func born(date, gender string) el.Patient {
	return el.Patient{Ref: "Patient/p", BirthDate: d(date), Gender: gender}
}

func TestPatient(t *testing.T) {
	woman := born("1980-05-01", "female")
	hcg := func(concept, date, result string) el.Observation { return qual(concept, date, result) }
	// C1D1 is 2025-03-03: a test on 2025-02-28 is 3 days before.
	run(t, []tc{
		{name: "18th birthday on the index date", id: "I4", want: el.Met, facts: el.Facts{Patient: born("2007-06-30", "male")}},
		{name: "one day short of 18", id: "I4", want: el.NotMet, facts: el.Facts{Patient: born("2007-07-01", "male")}},
		{name: "75 years 11 months is 75", id: "I4", want: el.Met, evidence: "75|", facts: el.Facts{Patient: born("1949-07-31", "male")}},
		{name: "76th birthday on the index date", id: "I4", want: el.NotMet, facts: el.Facts{Patient: born("1949-06-30", "male")}},
		{name: "year-only birth date far from limits", id: "I4", want: el.Met, facts: el.Facts{Patient: born("1960", "male")}},
		{name: "year-only birth date straddling 75/76", id: "I4", want: el.Unknown, facts: el.Facts{Patient: born("1949", "male")}},
		{name: "year-only birth date all above 75", id: "I4", want: el.NotMet, facts: el.Facts{Patient: born("1940", "male")}},
		{name: "month-only birth date before the birthday month", id: "I4", want: el.Met, facts: el.Facts{Patient: born("1949-07", "male")}},
		{name: "month-only birth date in the index month straddles", id: "I4", want: el.Unknown,
			opts: el.Options{IndexDate: time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)}, facts: el.Facts{Patient: born("1949-06", "male")}},
		{name: "no birth date", id: "I4", want: el.Unknown},

		{name: "male", id: "I6", want: el.NotApplicable, facts: el.Facts{Patient: born("1980-05-01", "male")}},
		{name: "postmenopausal", id: "I6", want: el.NotApplicable,
			facts: el.Facts{Patient: woman, Observations: []el.Observation{qual("menopause-status", "2025-01-10", "postmenopausal")}}},
		{name: "hysterectomy", id: "I6", want: el.NotApplicable, facts: el.Facts{Patient: woman, Procedures: []el.Procedure{proc("hysterectomy", "2015-04-01")}}},
		{name: "negative urine test 3 days before C1D1", id: "I6", want: el.Met,
			facts: el.Facts{Patient: woman, Medications: regimen(), Observations: []el.Observation{hcg("hcg-urine", "2025-02-28", "negative")}}},
		{name: "negative serum test on C1D1", id: "I6", want: el.Met,
			facts: el.Facts{Patient: woman, Medications: regimen(), Observations: []el.Observation{hcg("hcg-serum", c1d1, "negative")}}},
		{name: "test 4 days before C1D1 is too early", id: "I6", want: el.Unknown,
			facts: el.Facts{Patient: woman, Medications: regimen(), Observations: []el.Observation{hcg("hcg-urine", "2025-02-27", "negative")}}},
		{name: "test after C1D1 does not count", id: "I6", want: el.Unknown,
			facts: el.Facts{Patient: woman, Medications: regimen(), Observations: []el.Observation{hcg("hcg-urine", "2025-03-04", "negative")}}},
		{name: "positive test", id: "I6", want: el.NotMet,
			facts: el.Facts{Patient: woman, Medications: regimen(), Observations: []el.Observation{hcg("hcg-serum", "2025-03-01", "positive")}}},
		{name: "urine indeterminate and no serum", id: "I6", want: el.Unknown, reason: "indeterminate",
			facts: el.Facts{Patient: woman, Medications: regimen(), Observations: []el.Observation{hcg("hcg-urine", "2025-03-01", "indeterminate")}}},
		{name: "urine indeterminate, serum negative", id: "I6", want: el.Met,
			facts: el.Facts{Patient: woman, Medications: regimen(), Observations: []el.Observation{hcg("hcg-urine", "2025-03-01", "indeterminate"), hcg("hcg-serum", "2025-03-02", "negative")}}},
		{name: "quantitative hCG below the lab ULN", id: "I6", want: el.Met,
			facts: el.Facts{Patient: woman, Medications: regimen(), Observations: []el.Observation{lab("hcg-quant", "2025-03-01", "2", "m[IU]/mL", uln("5"))}}},
		{name: "quantitative hCG above the lab ULN", id: "I6", want: el.NotMet,
			facts: el.Facts{Patient: woman, Medications: regimen(), Observations: []el.Observation{lab("hcg-quant", "2025-03-01", "50", "m[IU]/mL", uln("5"))}}},
		{name: "no test", id: "I6", want: el.Unknown, facts: el.Facts{Patient: woman, Medications: regimen()}},
		{name: "no C1D1", id: "I6", want: el.Unknown, reason: "C1D1",
			facts: el.Facts{Patient: woman, Observations: []el.Observation{hcg("hcg-urine", "2025-02-28", "negative")}}},

		{name: "agreement yes", id: "I7", want: el.Met, facts: el.Facts{Observations: []el.Observation{qual("contraception-agreement", "2025-06-01", "yes")}}},
		{name: "agreement no", id: "I7", want: el.NotMet, facts: el.Facts{Observations: []el.Observation{qual("contraception-agreement", "2025-06-01", "no")}}},
		{name: "not documented", id: "I7", want: el.Unknown},
	})
}

func TestFitnessAndConsent(t *testing.T) {
	ga := func(v string) el.Observation { return qual("anesthesia-ga-tolerable", "2025-06-26", v) }
	ae := func(grade int, resolved bool) el.AdverseEvent {
		return el.AdverseEvent{Ref: "AdverseEvent/1", Grade: grade, Related: true, Resolved: resolved, Date: d("2025-04-10"), Text: "rash"}
	}
	run(t, []tc{
		{name: "ongoing related grade 3 AE", id: "I8", want: el.NotMet, facts: el.Facts{AdverseEvents: []el.AdverseEvent{ae(3, false)}, Observations: []el.Observation{ga("yes")}}},
		{name: "resolved grade 3 AE and GA tolerable", id: "I8", want: el.Met, facts: el.Facts{AdverseEvents: []el.AdverseEvent{ae(3, true)}, Observations: []el.Observation{ga("yes")}}},
		{name: "grade 2 AE and GA tolerable", id: "I8", want: el.Met, facts: el.Facts{AdverseEvents: []el.AdverseEvent{ae(2, false)}, Observations: []el.Observation{ga("yes")}}},
		{name: "unrelated grade 3 AE does not count", id: "I8", want: el.Met, facts: el.Facts{
			AdverseEvents: []el.AdverseEvent{{Ref: "AdverseEvent/2", Grade: 3, Date: d("2025-04-10")}}, Observations: []el.Observation{ga("yes")}}},
		{name: "CTCAE grade 3 observation", id: "I8", want: el.NotMet,
			facts: el.Facts{Observations: []el.Observation{qual("ctcae-grade", "2025-06-20", "3", related("immune-related-ae")), ga("yes")}}},
		{name: "latest CTCAE grade decides", id: "I8", want: el.Met, facts: el.Facts{Observations: []el.Observation{
			qual("ctcae-grade", "2025-05-01", "3", related("neoadjuvant"), ref("Observation/g")), qual("ctcae-grade", "2025-06-20", "1", related("neoadjuvant"), ref("Observation/g")), ga("yes")}}},
		{name: "GA judged not tolerable", id: "I8", want: el.NotMet, facts: el.Facts{Observations: []el.Observation{ga("no")}}},
		{name: "AEs fine but no anaesthesia judgement", id: "I8", want: el.Unknown, facts: el.Facts{AdverseEvents: []el.AdverseEvent{ae(1, false)}}},
		{name: "no structured data", id: "I8", want: el.Unknown},

		{name: "no comorbidity", id: "I9", want: el.NotApplicable, facts: el.Facts{Conditions: []el.Condition{oral()}}},
		{name: "comorbidity and GA tolerable", id: "I9", want: el.Met, facts: el.Facts{Conditions: []el.Condition{oral(), cond("hypertension", "I10")}, Observations: []el.Observation{ga("yes")}}},
		{name: "comorbidity without judgement", id: "I9", want: el.Unknown, facts: el.Facts{Conditions: []el.Condition{oral(), cond("diabetes", "E11.9")}}},
		{name: "resolved comorbidity is not pre-existing", id: "I9", want: el.NotApplicable, facts: el.Facts{Conditions: []el.Condition{cond("infection-active", "J18.9", clinical("resolved"))}}},

		{name: "active research consent before the index date", id: "I10", want: el.Met,
			facts: el.Facts{Consents: []el.Consent{{Ref: "Consent/1", Status: "active", Research: true, Date: d("2025-06-20")}}}},
		{name: "consent linked from the ResearchSubject", id: "I10", want: el.Met,
			facts: el.Facts{Subject: &el.Subject{Ref: "ResearchSubject/1", Consent: "Consent/2"}, Consents: []el.Consent{{Ref: "Consent/2", Status: "active", Date: d("2025-06-20")}}}},
		{name: "consent dated after the index date", id: "I10", want: el.Unknown,
			facts: el.Facts{Consents: []el.Consent{{Ref: "Consent/1", Status: "active", Research: true, Date: d("2025-07-02")}}}},
		{name: "rejected consent", id: "I10", want: el.NotMet,
			facts: el.Facts{Consents: []el.Consent{{Ref: "Consent/1", Status: "rejected", Research: true, Date: d("2025-06-20")}}}},
		{name: "rejected, then signed", id: "I10", want: el.Met,
			facts: el.Facts{Consents: []el.Consent{{Ref: "Consent/1", Status: "rejected", Research: true, Date: d("2025-06-10")},
				{Ref: "Consent/2", Status: "active", Research: true, Date: d("2025-06-20")}}}},
		{name: "no consent on file", id: "I10", want: el.Unknown},
	})
}
