package eligibility_test

import (
	"testing"
	"time"

	el "github.com/trialfhir/trialfhir/trial/eligibility"
)

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
		{name: "6 months before 31 Aug is 28 Feb (month end clamped)", id: "X8.2", want: el.Applies, opts: el.Options{IndexDate: time.Date(2025, 8, 31, 0, 0, 0, 0, time.UTC)},
			facts: el.Facts{Conditions: []el.Condition{cond("stroke", "I63.9", onset("2025-02-28"))}}},
		{name: "27 Feb is outside the window ending 31 Aug", id: "X8.2", want: el.DoesNotApply, opts: el.Options{IndexDate: time.Date(2025, 8, 31, 0, 0, 0, 0, time.UTC)},
			facts: el.Facts{Conditions: []el.Condition{cond("stroke", "I63.9", onset("2025-02-27"))}}},
		{name: "onset month straddling the window start is review", id: "X8.2", want: el.Review,
			facts: el.Facts{Conditions: []el.Condition{cond("mi", "I21.9", onset("2024-12"))}}},
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
		{name: "HBV antiviral is not therapy of an active infection", id: "X8.5", want: el.DoesNotApply,
			facts: el.Facts{Medications: []el.Medication{med("hbv-antiviral,anti-infective", "2025-06-25")}}},
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
