package eligibility_test

import (
	"testing"

	el "github.com/trialfhir/trialfhir/trial/eligibility"
)

func TestBloodCounts(t *testing.T) {
	run(t, []tc{
		{name: "ANC 1.5 exactly meets >=", id: "L1", want: el.Met,
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-28", "1.5", "10*9/L")}}},
		{name: "ANC 1.49 fails", id: "L1", want: el.NotMet,
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-28", "1.49", "10*9/L")}}},
		{name: "no ANC in window is unknown", id: "L1", want: el.Unknown,
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-15", "3.0", "10*9/L")}}},
		{name: "look-back includes index-14d", id: "L1", want: el.Met,
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-16", "3.0", "10*9/L")}}},
		{name: "result after the index date ignored", id: "L1", want: el.NotMet,
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-20", "1.0", "10*9/L"), lab("anc", "2025-07-01", "3.0", "10*9/L")}}},
		{name: "result on the index day after the index time counts", id: "L1", want: el.Met,
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-20", "1.0", "10*9/L"), lab("anc", "2025-06-30T18:00", "3.0", "10*9/L")}}},
		{name: "most recent wins, never the best", id: "L1", want: el.NotMet,
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-20", "4.0", "10*9/L"), lab("anc", "2025-06-27", "1.2", "10*9/L")}}},
		{name: "same day: latest time wins", id: "L1", want: el.Met,
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-27T16:00", "2.0", "10*9/L"), lab("anc", "2025-06-27T07:00", "1.0", "10*9/L")}}},
		{name: "preliminary is unknown", id: "L1", want: el.Unknown, reason: "preliminary",
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-28", "3.0", "10*9/L", status("preliminary"))}}},
		{name: "unusable unit is unknown", id: "L1", want: el.Unknown, reason: "cannot be used",
			facts: el.Facts{Observations: []el.Observation{{Ref: "Observation/x", Concept: "anc", Date: d("2025-06-28"), Status: "final", Problem: "unknown unit \"K\""}}}},
		{name: "comparator >2 meets", id: "L1", want: el.Met,
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-28", "2", "10*9/L", cmp(">"))}}},
		{name: "comparator <2 undecidable", id: "L1", want: el.Unknown,
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-28", "2", "10*9/L", cmp("<"))}}},
		{name: "G-CSF 14 days before the specimen invalidates", id: "L1", want: el.NotMet, reason: "gcsf",
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-28", "5.0", "10*9/L")}, Medications: []el.Medication{med("gcsf", "2025-06-14")}}},
		{name: "G-CSF 15 days before the specimen is fine", id: "L1", want: el.Met,
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-28", "5.0", "10*9/L")}, Medications: []el.Medication{med("gcsf", "2025-06-13")}}},
		{name: "G-CSF after the specimen does not count", id: "L1", want: el.Met,
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-20", "5.0", "10*9/L")}, Medications: []el.Medication{med("gcsf", "2025-06-21")}}},
		{name: "GM-CSF is review", id: "L1", want: el.Review,
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-28", "5.0", "10*9/L")}, Medications: []el.Medication{med("gm-csf", "2025-06-20")}}},
		{name: "GM-CSF not-met when configured", id: "L1", want: el.NotMet, opts: el.Options{GMCSF: el.NotMet},
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-28", "5.0", "10*9/L")}, Medications: []el.Medication{med("gm-csf", "2025-06-20")}}},
		{name: "requested G-CSF was not given", id: "L1", want: el.Met,
			facts: el.Facts{Observations: []el.Observation{lab("anc", "2025-06-28", "5.0", "10*9/L")}, Medications: []el.Medication{med("gcsf", "2025-06-20", kind("request", "active"))}}},

		{name: "platelets 100 meets", id: "L2", want: el.Met,
			facts: el.Facts{Observations: []el.Observation{lab("platelets", "2025-06-28", "100", "10*9/L")}}},
		{name: "platelets 99.9 fails", id: "L2", want: el.NotMet,
			facts: el.Facts{Observations: []el.Observation{lab("platelets", "2025-06-28", "99.9", "10*9/L")}}},
		{name: "platelets missing", id: "L2", want: el.Unknown},
		{name: "transfusion procedure in window", id: "L2", want: el.NotMet,
			facts: el.Facts{Observations: []el.Observation{lab("platelets", "2025-06-28", "150", "10*9/L")}, Procedures: []el.Procedure{proc("transfusion", "2025-06-20")}}},
		{name: "transfusion product administration in window", id: "L2", want: el.NotMet,
			facts: el.Facts{Observations: []el.Observation{lab("platelets", "2025-06-28", "150", "10*9/L")}, Medications: []el.Medication{med("transfusion-product", "2025-06-14")}}},
		{name: "TPO agent only flags", id: "L2", want: el.Met, flags: []string{el.FlagTPOAgent},
			facts: el.Facts{Observations: []el.Observation{lab("platelets", "2025-06-28", "150", "10*9/L")}, Medications: []el.Medication{med("tpo-agent", "2025-06-20")}}},

		{name: "Hb 9 g/dL fails (strict >)", id: "L3", want: el.NotMet,
			facts: el.Facts{Observations: []el.Observation{lab("hemoglobin", "2025-06-28", "9", "g/dL")}}},
		{name: "Hb 90 g/L normalised to exactly 9 g/dL fails", id: "L3", want: el.NotMet, evidence: "9|",
			facts: el.Facts{Observations: []el.Observation{lab("hemoglobin", "2025-06-28", "9", "g/dL", received("90 g/L"))}}},
		{name: "Hb 91 g/L meets", id: "L3", want: el.Met,
			facts: el.Facts{Observations: []el.Observation{lab("hemoglobin", "2025-06-28", "9.1", "g/dL", received("91 g/L"))}}},
		{name: "Hb missing", id: "L3", want: el.Unknown},
		{name: "ESA in window", id: "L3", want: el.NotMet,
			facts: el.Facts{Observations: []el.Observation{lab("hemoglobin", "2025-06-28", "12", "g/dL")}, Medications: []el.Medication{med("esa", "2025-06-18")}}},
		{name: "transfusion in window", id: "L3", want: el.NotMet,
			facts: el.Facts{Observations: []el.Observation{lab("hemoglobin", "2025-06-28", "12", "g/dL")}, Procedures: []el.Procedure{proc("transfusion", "2025-06-28")}}},
	})
}

func TestChemistry(t *testing.T) {
	run(t, []tc{
		{name: "TBil exactly 1.5 x ULN meets", id: "L4", want: el.Met, evidence: "1.50 x ULN",
			facts: el.Facts{Observations: []el.Observation{lab("bilirubin-total", "2025-06-28", "25.65", "umol/L", uln("17.1"))}}},
		{name: "TBil above 1.5 x ULN fails", id: "L4", want: el.NotMet,
			facts: el.Facts{Observations: []el.Observation{lab("bilirubin-total", "2025-06-28", "25.66", "umol/L", uln("17.1"))}}},
		{name: "TBil without ULN is unknown", id: "L4", want: el.Unknown, reason: "upper limit",
			facts: el.Facts{Observations: []el.Observation{lab("bilirubin-total", "2025-06-28", "10", "umol/L")}}},
		{name: "TBil with site default ULN, flagged", id: "L4", want: el.Met, flags: []string{el.FlagSiteDefaultRange},
			opts:  el.Options{SiteRanges: map[string]el.Range{"bilirubin-total": {High: num("21")}}},
			facts: el.Facts{Observations: []el.Observation{lab("bilirubin-total", "2025-06-28", "10", "umol/L")}}},
		{name: "TBil range from text, flagged", id: "L4", want: el.Met, flags: []string{el.FlagRangeFromText},
			facts: el.Facts{Observations: []el.Observation{lab("bilirubin-total", "2025-06-28", "10", "umol/L", uln("21"), fromText)}}},
		{name: "TBil missing", id: "L4", want: el.Unknown},

		{name: "AST and ALT at 2.5 x ULN meet", id: "L5", want: el.Met,
			facts: el.Facts{Observations: []el.Observation{lab("ast", "2025-06-28", "100", "U/L", uln("40")), lab("alt", "2025-06-28", "125", "U/L", uln("50"))}}},
		{name: "AST above 2.5 x ULN fails", id: "L5", want: el.NotMet,
			facts: el.Facts{Observations: []el.Observation{lab("ast", "2025-06-28", "101", "U/L", uln("40")), lab("alt", "2025-06-28", "20", "U/L", uln("50"))}}},
		{name: "ALT missing is unknown", id: "L5", want: el.Unknown,
			facts: el.Facts{Observations: []el.Observation{lab("ast", "2025-06-28", "20", "U/L", uln("40"))}}},
		{name: "ALT failing decides even with AST missing", id: "L5", want: el.NotMet,
			facts: el.Facts{Observations: []el.Observation{lab("alt", "2025-06-28", "200", "U/L", uln("50"))}}},

		{name: "INR within 1.5 x ULN", id: "L7", want: el.Met,
			facts: el.Facts{Observations: []el.Observation{lab("inr", "2025-06-28", "1.1", "{INR}", uln("1.2"))}}},
		{name: "INR fails but PT passes: either suffices", id: "L7", want: el.Met,
			facts: el.Facts{Observations: []el.Observation{lab("inr", "2025-06-28", "2.0", "{INR}", uln("1.2")), lab("pt", "2025-06-28", "13", "s", uln("13.5"))}}},
		{name: "INR and PT both fail", id: "L7", want: el.NotMet,
			facts: el.Facts{Observations: []el.Observation{lab("inr", "2025-06-28", "2.0", "{INR}", uln("1.2")), lab("pt", "2025-06-28", "25", "s", uln("13.5"))}}},
		{name: "INR fails and PT missing is unknown", id: "L7", want: el.Unknown,
			facts: el.Facts{Observations: []el.Observation{lab("inr", "2025-06-28", "2.0", "{INR}", uln("1.2"))}}},
		{name: "only PT activity is review", id: "L7", want: el.Review,
			facts: el.Facts{Observations: []el.Observation{lab("pt-percent", "2025-06-28", "85", "%")}}},
		{name: "anticoagulant is review", id: "L7", want: el.Review,
			facts: el.Facts{Observations: []el.Observation{lab("inr", "2025-06-28", "1.1", "{INR}", uln("1.2"))}, Medications: []el.Medication{med("anticoagulant", "2025-06-01", kind("statement", "active"))}}},
		{name: "no coagulation result", id: "L7", want: el.Unknown},
	})
}

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
