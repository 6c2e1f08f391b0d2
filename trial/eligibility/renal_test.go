package eligibility_test

import (
	"testing"

	el "github.com/trialfhir/trialfhir/trial/eligibility"
)

func TestCreatinineClearance(t *testing.T) {
	scr := func(v string) el.Observation { return lab("creatinine", "2025-06-20", v, "mg/dL", uln("1.2")) }
	w := func(date, v string) el.Observation { return lab("body-weight", date, v, "kg") }
	man := el.Patient{Ref: "Patient/p", BirthDate: d("1965-01-15"), Gender: "male"}
	woman := el.Patient{Ref: "Patient/p", BirthDate: d("1965-01-15"), Gender: "female"}
	run(t, []tc{
		{name: "male 60 y 70 kg 1.0 mg/dL is 77.8", id: "L6", want: el.Met, evidence: "77.8|",
			facts: el.Facts{Patient: man, Observations: []el.Observation{scr("1.0"), w("2025-06-20", "70")}}},
		{name: "female same is 66.1", id: "L6", want: el.Met, evidence: "66.1|",
			facts: el.Facts{Patient: woman, Observations: []el.Observation{scr("1.0"), w("2025-06-20", "70")}}},
		{name: "age in completed years on the SCr date, not the index date", id: "L6", want: el.Met, evidence: "78.8|computed: age 59",
			facts: el.Facts{Patient: el.Patient{BirthDate: d("1965-06-25"), Gender: "male"}, Observations: []el.Observation{scr("1.0"), w("2025-06-20", "70")}}},
		{name: "CrCl exactly 60 meets", id: "L6", want: el.Met, evidence: "60.0|",
			facts: el.Facts{Patient: el.Patient{BirthDate: d("1957-01-15"), Gender: "male"}, Observations: []el.Observation{scr("1.0"), w("2025-06-20", "60")}}},
		{name: "CrCl below 60 fails", id: "L6", want: el.NotMet, evidence: "59.2|",
			facts: el.Facts{Patient: el.Patient{BirthDate: d("1957-01-15"), Gender: "male"}, Observations: []el.Observation{scr("1.0"), w("2025-06-20", "59.2")}}},
		{name: "SCr above 1.5 x ULN fails", id: "L6", want: el.NotMet,
			facts: el.Facts{Patient: man, Observations: []el.Observation{scr("1.81"), w("2025-06-20", "120")}}},
		{name: "weight nearest the SCr date used", id: "L6", want: el.NotMet, evidence: "50|actual body weight",
			facts: el.Facts{Patient: man, Observations: []el.Observation{scr("1.0"), w("2025-06-29", "90"), w("2025-06-18", "50")}}},
		{name: "weight 15 days away is not paired", id: "L6", want: el.Unknown, reason: "no body weight",
			facts: el.Facts{Patient: man, Observations: []el.Observation{scr("1.0"), w("2025-06-05", "70")}}},
		{name: "gender unknown", id: "L6", want: el.Unknown, reason: "gender",
			facts: el.Facts{Patient: el.Patient{BirthDate: d("1965-01-15"), Gender: "unknown"}, Observations: []el.Observation{scr("1.0"), w("2025-06-20", "70")}}},
		{name: "lab-reported CrCl is not used", id: "L6", want: el.Unknown,
			facts: el.Facts{Patient: man, Observations: []el.Observation{scr("1.0"), lab("crcl-reported", "2025-06-20", "90", "mL/min")}}},
		{name: "no creatinine", id: "L6", want: el.Unknown},
	})
}

func TestThyroidAndCardiac(t *testing.T) {
	tsh := func(v string) el.Observation { return lab("tsh", "2025-06-25", v, "m[IU]/L", rng("0.27", "4.2")) }
	ft4 := func(v string) el.Observation { return lab("ft4", "2025-06-25", v, "pmol/L", rng("12", "22")) }
	ft3 := func(v string) el.Observation { return lab("ft3", "2025-06-25", v, "pmol/L", rng("3.1", "6.8")) }
	tt3 := func(v string) el.Observation { return lab("t3-total", "2025-06-25", v, "nmol/L", rng("1.3", "3.1")) }
	run(t, []tc{
		{name: "TSH at ULN is normal", id: "L8", want: el.Met, facts: el.Facts{Observations: []el.Observation{tsh("4.2")}}},
		{name: "TSH high, FT4 and FT3 normal", id: "L8", want: el.Met, facts: el.Facts{Observations: []el.Observation{tsh("8"), ft4("15"), ft3("4")}}},
		{name: "TSH high, FT4 and total T3 normal", id: "L8", want: el.Met, facts: el.Facts{Observations: []el.Observation{tsh("8"), ft4("15"), tt3("2")}}},
		{name: "TSH high, FT4 low", id: "L8", want: el.NotMet, facts: el.Facts{Observations: []el.Observation{tsh("8"), ft4("10"), ft3("4")}}},
		{name: "TSH high, FT3 abnormal and no TT3", id: "L8", want: el.NotMet, facts: el.Facts{Observations: []el.Observation{tsh("8"), ft4("15"), ft3("9")}}},
		{name: "TSH high, FT4 missing", id: "L8", want: el.Unknown, facts: el.Facts{Observations: []el.Observation{tsh("8"), ft3("4")}}},
		{name: "TSH below LLN without FT4", id: "L8", want: el.Unknown, facts: el.Facts{Observations: []el.Observation{tsh("0.1")}}},
		{name: "nothing", id: "L8", want: el.Unknown},

		{name: "all enzymes within range", id: "L9", want: el.Met, facts: el.Facts{Observations: []el.Observation{
			lab("ck", "2025-06-25", "100", "U/L", uln("190")), lab("troponin-i", "2025-06-25", "5", "ng/L", uln("26"))}}},
		{name: "one above ULN is review", id: "L9", want: el.Review, facts: el.Facts{Observations: []el.Observation{
			lab("ck", "2025-06-25", "100", "U/L", uln("190")), lab("ldh", "2025-06-25", "300", "U/L", uln("250"))}}},
		{name: "no ULN is unknown", id: "L9", want: el.Unknown, facts: el.Facts{Observations: []el.Observation{lab("ck", "2025-06-25", "100", "U/L")}}},
		{name: "none is unknown", id: "L9", want: el.Unknown},
	})
}
