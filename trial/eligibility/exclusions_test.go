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
		{name: "positive by interpretation only", id: "X4", want: el.Applies,
			facts: el.Facts{Observations: []el.Observation{{Ref: "Observation/hiv", Concept: "hiv", Date: d("2025-01-05"), Status: "final", Interpretation: "POS"}}}},
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
