package eligibility_test

import (
	"testing"

	el "github.com/trialfhir/trialfhir/trial/eligibility"
)

func TestHistoryExclusions(t *testing.T) {
	withNeo := func(m ...el.Medication) []el.Medication { return append(regimen(), m...) }
	ra := cond("autoimmune", "M05.9", onset("2018-01-01"))
	run(t, []tc{
		{name: "methotrexate for RA within 2 years before C1D1", id: "X2", want: el.Applies,
			facts: el.Facts{Conditions: []el.Condition{ra}, Medications: withNeo(med("immunosuppressant", "2024-01-10", reasons("autoimmune")))}},
		{name: "therapy ending exactly C1D1-2y counts", id: "X2", want: el.Applies,
			facts: el.Facts{Conditions: []el.Condition{ra}, Medications: withNeo(med("immunosuppressant", "2022-01-10", until("2023-03-03"), reasons("autoimmune")))}},
		{name: "therapy ending the day before C1D1-2y does not", id: "X2", want: el.DoesNotApply,
			facts: el.Facts{Conditions: []el.Condition{ra}, Medications: withNeo(med("immunosuppressant", "2022-01-10", until("2023-03-02"), reasons("autoimmune")))}},
		{name: "dexamethasone premedication does not count", id: "X2", want: el.DoesNotApply,
			facts: el.Facts{Conditions: []el.Condition{ra}, Medications: withNeo(med("systemic-steroid", c1d1))}},
		{name: "levothyroxine replacement does not count", id: "X2", want: el.DoesNotApply,
			facts: el.Facts{Conditions: []el.Condition{cond("autoimmune", "E06.3")}, Medications: withNeo(med("replacement-levothyroxine,systemic-steroid", "2024-01-01", reasons("autoimmune")))}},
		{name: "irAE steroid is not autoimmune therapy", id: "X2", want: el.DoesNotApply, flags: []string{el.FlagNoData},
			facts: el.Facts{Conditions: []el.Condition{cond("immune-related-ae,autoimmune", "E03.9")}, Medications: withNeo(med("systemic-steroid", "2025-04-01", reasons("immune-related-ae")))}},
		{name: "nothing recorded", id: "X2", want: el.DoesNotApply, flags: []string{el.FlagNoData}},
		{name: "nothing recorded, sponsor requires evidence", id: "X2", want: el.Unknown, flags: []string{el.FlagNoData}, opts: el.Options{NoEvidence: el.Unknown}},

		{name: "allogeneic kidney transplant", id: "X3", want: el.Applies, facts: el.Facts{Conditions: []el.Condition{cond("transplant-allogeneic", "Z94.0", clinical(""))}}},
		{name: "allogeneic HSCT procedure", id: "X3", want: el.Applies, facts: el.Facts{Procedures: []el.Procedure{proc("hsct-allogeneic", "2010-01-01")}}},
		{name: "cornea transplant allowed", id: "X3", want: el.DoesNotApply, facts: el.Facts{Conditions: []el.Condition{cond("transplant-cornea", "Z94.7")}}},
		{name: "autologous HSCT allowed", id: "X3", want: el.DoesNotApply, facts: el.Facts{Procedures: []el.Procedure{proc("hsct-autologous", "2010-01-01")}}},
		{name: "Z94.8 is review", id: "X3", want: el.Review, facts: el.Facts{Conditions: []el.Condition{cond("transplant-review", "Z94.8")}}},
		{name: "none", id: "X3", want: el.DoesNotApply, flags: []string{el.FlagNoData}},

		{name: "HIV diagnosis", id: "X4", want: el.Applies, facts: el.Facts{Conditions: []el.Condition{cond("hiv", "B20", clinical(""))}}},
		{name: "positive HIV test", id: "X4", want: el.Applies, facts: el.Facts{Observations: []el.Observation{qual("hiv", "2025-01-05", "positive")}}},
		{name: "negative HIV test", id: "X4", want: el.DoesNotApply, facts: el.Facts{Observations: []el.Observation{qual("hiv", "2025-01-05", "negative")}}},
		{name: "indeterminate HIV test", id: "X4", want: el.Review, facts: el.Facts{Observations: []el.Observation{qual("hiv", "2025-01-05", "indeterminate")}}},
		{name: "unconfirmed HIV diagnosis", id: "X4", want: el.Review, facts: el.Facts{Conditions: []el.Condition{cond("hiv", "B20", verification("unconfirmed"))}}},
		{name: "negative test decides even when no-evidence is unknown", id: "X4", want: el.DoesNotApply, opts: el.Options{NoEvidence: el.Unknown},
			facts: el.Facts{Observations: []el.Observation{qual("hiv", "2025-01-05", "negative")}}},
		{name: "nothing known", id: "X4", want: el.DoesNotApply, flags: []string{el.FlagNoData}},
	})
}

func TestViralHepatitis(t *testing.T) {
	hbsag := func(r string) el.Observation { return qual("hbsag", "2025-01-05", r) }
	dna := func(date, v string, opts ...obsOpt) el.Observation {
		return lab("hbv-dna", date, v, "[IU]/mL", append([]obsOpt{uln("20")}, opts...)...)
	}
	antiviral := med("hbv-antiviral", "2024-06-01", kind("statement", "active"))
	run(t, []tc{
		{name: "HBsAg negative", id: "X5", want: el.DoesNotApply, facts: el.Facts{Observations: []el.Observation{hbsag("negative")}}},
		{name: "HBsAg negative, anti-HBc positive: monitoring flag", id: "X5", want: el.DoesNotApply, flags: []string{el.FlagAntiHBcPositive},
			facts: el.Facts{Observations: []el.Observation{hbsag("negative"), qual("anti-hbc", "2025-01-05", "positive")}}},
		{name: "HBsAg negative, DNA detected: occult flag", id: "X5", want: el.DoesNotApply, flags: []string{el.FlagOccultHBV},
			facts: el.Facts{Observations: []el.Observation{hbsag("negative"), dna("2025-01-05", "150")}}},
		{name: "HBsAg positive, DNA at site ULN", id: "X5", want: el.DoesNotApply, facts: el.Facts{Observations: []el.Observation{hbsag("positive"), dna("2025-06-20", "20")}}},
		{name: "HBsAg positive, DNA <20 with ULN 20", id: "X5", want: el.DoesNotApply, facts: el.Facts{Observations: []el.Observation{hbsag("positive"), dna("2025-06-20", "20", cmp("<"))}}},
		{name: "HBsAg positive, DNA <1000 with ULN 20 is undecidable", id: "X5", want: el.Unknown, facts: el.Facts{Observations: []el.Observation{hbsag("positive"), dna("2025-06-20", "1000", cmp("<"))}}},
		{name: "HBsAg positive, DNA above ULN", id: "X5", want: el.Applies, facts: el.Facts{Observations: []el.Observation{hbsag("positive"), dna("2025-06-20", "5000")}}},
		{name: "exception (a): DNA < 200 before C1D1 on antiviral", id: "X5", want: el.DoesNotApply, reason: "exception a",
			facts: el.Facts{Medications: append(regimen(), antiviral), Observations: []el.Observation{hbsag("positive"), dna("2025-02-20", "150")}}},
		{name: "DNA > ULN but < 200 without antiviral applies", id: "X5", want: el.Applies,
			facts: el.Facts{Medications: regimen(), Observations: []el.Observation{hbsag("positive"), dna("2025-02-20", "150")}}},
		{name: "exception (a) needs the DNA before C1D1", id: "X5", want: el.Applies,
			facts: el.Facts{Medications: append(regimen(), antiviral), Observations: []el.Observation{hbsag("positive"), dna("2025-03-10", "150")}}},
		{name: "exception (a) at exactly 200 IU/mL does not hold", id: "X5", want: el.Applies,
			facts: el.Facts{Medications: append(regimen(), antiviral), Observations: []el.Observation{hbsag("positive"), dna("2025-02-20", "200")}}},
		{name: "HBsAg positive, no DNA", id: "X5", want: el.Unknown, facts: el.Facts{Observations: []el.Observation{hbsag("positive")}}},
		{name: "HBsAg positive, DNA without ULN", id: "X5", want: el.Unknown,
			facts: el.Facts{Observations: []el.Observation{hbsag("positive"), lab("hbv-dna", "2025-06-20", "50", "[IU]/mL")}}},
		{name: "no HBsAg is a missing lab", id: "X5", want: el.Unknown},

		{name: "HCV antibody negative", id: "X6", want: el.DoesNotApply, facts: el.Facts{Observations: []el.Observation{qual("hcv-ab", "2025-01-05", "negative")}}},
		{name: "HCV antibody positive, RNA not detected", id: "X6", want: el.DoesNotApply,
			facts: el.Facts{Observations: []el.Observation{qual("hcv-ab", "2025-01-05", "positive"), lab("hcv-rna", "2025-01-05", "15", "[IU]/mL", cmp("<"))}}},
		{name: "HCV antibody positive, RNA detected", id: "X6", want: el.Applies,
			facts: el.Facts{Observations: []el.Observation{qual("hcv-ab", "2025-01-05", "positive"), qual("hcv-rna-presence", "2025-01-05", "detected")}}},
		{name: "HCV antibody positive, no RNA", id: "X6", want: el.Unknown, facts: el.Facts{Observations: []el.Observation{qual("hcv-ab", "2025-01-05", "positive")}}},
		{name: "no HCV test", id: "X6", want: el.Unknown},
	})
}

func TestSystemicExclusions(t *testing.T) {
	woman := born("1980-05-01", "female")
	run(t, []tc{
		{name: "pregnant", id: "X7", want: el.Applies, facts: el.Facts{Patient: woman, Observations: []el.Observation{qual("pregnancy-status", "2025-06-20", "pregnant")}}},
		{name: "breastfeeding", id: "X7", want: el.Applies, facts: el.Facts{Patient: woman, Observations: []el.Observation{qual("breastfeeding", "2025-06-20", "yes")}}},
		{name: "positive hCG in the look-back", id: "X7", want: el.Applies, facts: el.Facts{Patient: woman, Observations: []el.Observation{qual("hcg-serum", "2025-06-25", "positive")}}},
		{name: "unconfirmed pregnancy", id: "X7", want: el.Review, facts: el.Facts{Patient: woman, Conditions: []el.Condition{cond("pregnancy", "Z33.1", verification("provisional"))}}},
		{name: "not pregnant", id: "X7", want: el.DoesNotApply, reason: "not pregnant", facts: el.Facts{Patient: woman, Observations: []el.Observation{qual("pregnancy-status", "2025-06-20", "not-pregnant")}}},
		{name: "not pregnant decides even when no-evidence is unknown", id: "X7", want: el.DoesNotApply, opts: el.Options{NoEvidence: el.Unknown},
			facts: el.Facts{Patient: woman, Observations: []el.Observation{qual("pregnancy-status", "2025-06-20", "not-pregnant")}}},
		{name: "male", id: "X7", want: el.DoesNotApply, facts: el.Facts{Patient: born("1970-01-01", "male")}},
		{name: "nothing", id: "X7", want: el.DoesNotApply, flags: []string{el.FlagNoData}, facts: el.Facts{Patient: woman}},

		{name: "bleeding diathesis coded", id: "X8.0", want: el.Review, facts: el.Facts{Conditions: []el.Condition{cond("other-severe-systemic", "D68.9")}}},
		{name: "none", id: "X8.0", want: el.DoesNotApply, flags: []string{el.FlagNoData}},

		{name: "complete LBBB", id: "X8.1", want: el.Applies, facts: el.Facts{Conditions: []el.Condition{cond("arrhythmia-excluding", "I44.7")}}},
		{name: "heart failure NYHA II", id: "X8.1", want: el.Applies,
			facts: el.Facts{Conditions: []el.Condition{cond("heart-failure", "I50.9")}, Observations: []el.Observation{qual("nyha-class", "2025-06-01", "2")}}},
		{name: "heart failure NYHA I", id: "X8.1", want: el.DoesNotApply,
			facts: el.Facts{Conditions: []el.Condition{cond("heart-failure", "I50.9")}, Observations: []el.Observation{qual("nyha-class", "2025-06-01", "1")}}},
		{name: "heart failure without NYHA", id: "X8.1", want: el.Review, facts: el.Facts{Conditions: []el.Condition{cond("heart-failure", "I50.9")}}},
		{name: "none", id: "X8.1", want: el.DoesNotApply, flags: []string{el.FlagNoData}},

		{name: "MI 3 months ago", id: "X8.2", want: el.Applies, facts: el.Facts{Conditions: []el.Condition{cond("mi", "I21.9", onset("2025-03-30"), clinical("resolved"))}}},
		{name: "stroke exactly 6 months before", id: "X8.2", want: el.Applies, facts: el.Facts{Conditions: []el.Condition{cond("stroke", "I63.9", onset("2024-12-30"))}}},
		{name: "TIA 6 months and 1 day before", id: "X8.2", want: el.DoesNotApply, facts: el.Facts{Conditions: []el.Condition{cond("tia", "G45.9", onset("2024-12-29"))}}},
		{name: "old MI", id: "X8.2", want: el.DoesNotApply, facts: el.Facts{Conditions: []el.Condition{cond("mi-old", "I25.2")}}},
		{name: "MI without onset", id: "X8.2", want: el.Review, facts: el.Facts{Conditions: []el.Condition{cond("mi", "I21.9")}}},
		{name: "none", id: "X8.2", want: el.DoesNotApply, flags: []string{el.FlagNoData}},

		{name: "140/90 does not exclude", id: "X8.3", want: el.DoesNotApply, facts: el.Facts{Observations: []el.Observation{
			lab("bp-systolic", "2025-06-28", "140", "mm[Hg]"), lab("bp-diastolic", "2025-06-28", "90", "mm[Hg]")}}},
		{name: "141 systolic", id: "X8.3", want: el.Applies, facts: el.Facts{Observations: []el.Observation{
			lab("bp-systolic", "2025-06-28", "141", "mm[Hg]"), lab("bp-diastolic", "2025-06-28", "80", "mm[Hg]")}}},
		{name: "91 diastolic", id: "X8.3", want: el.Applies, facts: el.Facts{Observations: []el.Observation{
			lab("bp-systolic", "2025-06-28", "120", "mm[Hg]"), lab("bp-diastolic", "2025-06-28", "91", "mm[Hg]")}}},
		{name: "most recent reading decides", id: "X8.3", want: el.DoesNotApply, facts: el.Facts{Observations: []el.Observation{
			lab("bp-systolic", "2025-06-20", "160", "mm[Hg]"), lab("bp-diastolic", "2025-06-20", "95", "mm[Hg]"),
			lab("bp-systolic", "2025-06-28", "130", "mm[Hg]"), lab("bp-diastolic", "2025-06-28", "85", "mm[Hg]")}}},
		{name: "no reading", id: "X8.3", want: el.Unknown},

		{name: "steroid-treated pneumonitis within a year before C1D1", id: "X8.4", want: el.Applies, facts: el.Facts{Medications: append(regimen(),
			med("systemic-steroid", "2024-05-01", reasons("pneumonitis"))), Conditions: []el.Condition{cond("pneumonitis", "J70.2", clinical("resolved"))}}},
		{name: "steroid-treated pneumonitis 13 months before C1D1", id: "X8.4", want: el.DoesNotApply, facts: el.Facts{Medications: append(regimen(),
			med("systemic-steroid", "2024-02-01", reasons("pneumonitis"))), Conditions: []el.Condition{cond("pneumonitis", "J70.2", clinical("resolved"))}}},
		{name: "active ILD", id: "X8.4", want: el.Applies, facts: el.Facts{Conditions: []el.Condition{cond("ild", "J84.1")}}},
		{name: "steroid-treated pneumonitis during neoadjuvant is review", id: "X8.4", want: el.Review, facts: el.Facts{Medications: append(regimen(),
			med("systemic-steroid", "2025-05-01", reasons("pneumonitis")))}},
		{name: "none", id: "X8.4", want: el.DoesNotApply, flags: []string{el.FlagNoData}},

		{name: "active infection on antibiotics", id: "X8.5", want: el.Applies, facts: el.Facts{Conditions: []el.Condition{cond("infection-active", "J18.9")},
			Medications: []el.Medication{med("anti-infective", "2025-06-25")}}},
		{name: "infection without therapy", id: "X8.5", want: el.Review, facts: el.Facts{Conditions: []el.Condition{cond("infection-active", "J18.9")}}},
		{name: "antibiotic without infection (prophylaxis?)", id: "X8.5", want: el.Review, facts: el.Facts{Medications: []el.Medication{med("anti-infective", "2025-06-25")}}},
		{name: "resolved infection", id: "X8.5", want: el.DoesNotApply, facts: el.Facts{Conditions: []el.Condition{cond("infection-active", "J18.9", clinical("resolved"))}}},

		{name: "active pulmonary TB", id: "X8.6", want: el.Applies, facts: el.Facts{Conditions: []el.Condition{cond("tb-pulmonary", "A15.0")}}},
		{name: "other respiratory TB", id: "X8.6", want: el.Review, facts: el.Facts{Conditions: []el.Condition{cond("tb-respiratory-other", "A15.5")}}},
		{name: "latent TB", id: "X8.6", want: el.DoesNotApply, flags: []string{el.FlagHealedTB}, facts: el.Facts{Conditions: []el.Condition{cond("tb-latent", "R76.1")}}},
		{name: "healed pulmonary TB", id: "X8.6", want: el.DoesNotApply, flags: []string{el.FlagHealedTB},
			facts: el.Facts{Conditions: []el.Condition{cond("tb-pulmonary", "A15.0", clinical("resolved"))}}},
		{name: "none", id: "X8.6", want: el.DoesNotApply, flags: []string{el.FlagNoData}},

		{name: "active diverticulitis", id: "X8.7", want: el.Applies, facts: el.Facts{Conditions: []el.Condition{cond("diverticulitis", "K57.3")}}},
		{name: "resolved obstruction", id: "X8.7", want: el.DoesNotApply, facts: el.Facts{Conditions: []el.Condition{cond("intestinal-obstruction", "K56.6", clinical("resolved"))}}},
		{name: "no status, no abatement: review", id: "X8.7", want: el.Review, facts: el.Facts{Conditions: []el.Condition{cond("abdominal-abscess", "K65.0", clinical(""))}}},
		{name: "no status, abated: history", id: "X8.7", want: el.DoesNotApply,
			facts: el.Facts{Conditions: []el.Condition{cond("abdominal-abscess", "K65.0", clinical(""), abated("2020-01-01"))}}},
		{name: "none", id: "X8.7", want: el.DoesNotApply, flags: []string{el.FlagNoData}},

		{name: "cirrhosis of any status", id: "X8.8", want: el.Applies, facts: el.Facts{Conditions: []el.Condition{cond("cirrhosis", "K74.6", clinical("inactive"))}}},
		{name: "chronic hepatitis B coded active is review", id: "X8.8", want: el.Review, facts: el.Facts{Conditions: []el.Condition{cond("chronic-hbv-active", "B18.1")}}},
		{name: "active drug hepatitis", id: "X8.8", want: el.Applies, facts: el.Facts{Conditions: []el.Condition{cond("active-hepatitis", "K71.6")}}},
		{name: "none", id: "X8.8", want: el.DoesNotApply, flags: []string{el.FlagNoData}},
	})
}

func TestMetabolicExclusions(t *testing.T) {
	run(t, []tc{
		{name: "FBG 10.0 does not exclude", id: "X8.9", want: el.DoesNotApply, facts: el.Facts{Observations: []el.Observation{lab("glucose-fasting", "2025-06-28", "10.0", "mmol/L")}}},
		{name: "FBG 10.01 excludes", id: "X8.9", want: el.Applies, facts: el.Facts{Observations: []el.Observation{lab("glucose-fasting", "2025-06-28", "10.01", "mmol/L")}}},
		{name: "FBG 180 mg/dL = 9.991 mmol/L does not exclude", id: "X8.9", want: el.DoesNotApply,
			facts: el.Facts{Observations: []el.Observation{{Ref: "Observation/g", Concept: "glucose-fasting", Date: d("2025-06-28"), Status: "final",
				Value: &el.Quantity{Value: num("180000/18016"), Unit: "mmol/L", Received: "180 mg/dL"}}}}},
		{name: "generic glucose with fasting flag", id: "X8.9", want: el.Applies, facts: el.Facts{Observations: []el.Observation{lab("glucose", "2025-06-28", "11", "mmol/L", fasting)}}},
		{name: "random glucose above 10 is review", id: "X8.9", want: el.Review, facts: el.Facts{Observations: []el.Observation{lab("glucose", "2025-06-28", "11", "mmol/L")}}},
		{name: "random glucose only, not above 10", id: "X8.9", want: el.DoesNotApply, flags: []string{el.FlagRandomGlucoseOnly},
			facts: el.Facts{Observations: []el.Observation{lab("glucose", "2025-06-28", "7", "mmol/L")}}},
		{name: "no glucose", id: "X8.9", want: el.Unknown},

		{name: "2+ and 1.2 g/24h", id: "X8.10", want: el.Applies, facts: el.Facts{Observations: []el.Observation{
			qual("urine-protein-dipstick", "2025-06-25", "2+"), lab("urine-protein-24h", "2025-06-27", "1.2", "g/(24.h)")}}},
		{name: "2+ and exactly 1.0 g/24h", id: "X8.10", want: el.DoesNotApply, facts: el.Facts{Observations: []el.Observation{
			qual("urine-protein-dipstick", "2025-06-25", "2+"), lab("urine-protein-24h", "2025-06-27", "1.0", "g/(24.h)")}}},
		{name: "1+ dipstick", id: "X8.10", want: el.DoesNotApply, facts: el.Facts{Observations: []el.Observation{qual("urine-protein-dipstick", "2025-06-25", "1+")}}},
		{name: "3+ without 24-h test", id: "X8.10", want: el.Unknown, facts: el.Facts{Observations: []el.Observation{qual("urine-protein-dipstick", "2025-06-25", "3+")}}},
		{name: "no urine protein", id: "X8.10", want: el.Unknown},

		{name: "schizophrenia coded", id: "X8.11", want: el.Review, facts: el.Facts{Conditions: []el.Condition{cond("psychiatric-severe", "F20.0")}}},
		{name: "none", id: "X8.11", want: el.DoesNotApply, flags: []string{el.FlagNoData}},
	})
}
