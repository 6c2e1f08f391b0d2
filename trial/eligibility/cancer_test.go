package eligibility_test

import (
	"testing"

	el "github.com/trialfhir/trialfhir/trial/eligibility"
)

func stage(group, edition, typ, date string) el.Stage {
	return el.Stage{Ref: el.Ref("Observation/stage-" + typ + "-" + date), Group: group, Edition: edition, Type: typ, Date: d(date)}
}

func tnm(t, n, m string) el.Stage {
	return el.Stage{Ref: "Observation/tnm", T: t, N: n, M: m, Edition: "8", Type: "clinical", Date: d("2025-02-20")}
}

func TestDisease(t *testing.T) {
	run(t, []tc{
		{name: "SCC oral stage III", id: "I1", want: el.Met, facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{stage("III", "8", "clinical", "2025-02-20")}}},
		{name: "stage IVA", id: "I1", want: el.Met, facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{stage("IVA", "8", "clinical", "2025-02-20")}}},
		{name: "stage II", id: "I1", want: el.NotMet, facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{stage("II", "8", "clinical", "2025-02-20")}}},
		{name: "stage I", id: "I1", want: el.NotMet, facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{stage("I", "8", "clinical", "2025-02-20")}}},
		{name: "stage IVB", id: "I1", want: el.NotMet, facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{stage("IVB", "8", "clinical", "2025-02-20")}}},
		{name: "stage IVC", id: "I1", want: el.NotMet, facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{stage("IVC", "8", "clinical", "2025-02-20")}}},
		{name: "7th edition is unknown", id: "I1", want: el.Unknown, reason: "edition 7", facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{stage("III", "7", "clinical", "2025-02-20")}}},
		{name: "IV without letter is unknown", id: "I1", want: el.Unknown, facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{stage("IV", "8", "clinical", "2025-02-20")}}},
		{name: "post-neoadjuvant yp stage is ignored", id: "I1", want: el.NotMet, facts: el.Facts{Conditions: []el.Condition{oral()},
			Stages: []el.Stage{stage("IVB", "8", "clinical", "2025-02-20"), stage("III", "8", "post-therapy", "2025-06-25")}}},
		{name: "only pathologic stage is unknown", id: "I1", want: el.Unknown, facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{stage("III", "8", "pathologic", "2025-02-20")}}},
		{name: "edition unstated is accepted, flagged", id: "I1", want: el.Met, flags: []string{el.FlagEditionUnstated},
			facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{stage("IVA", "", "clinical", "2025-02-20")}}},
		{name: "derived T4a N0 M0 is IVA", id: "I1", want: el.Met, reason: "IVA", facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{tnm("T4a", "N0", "M0")}}},
		{name: "derived T2 N1 M0 is III", id: "I1", want: el.Met, reason: "III", facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{tnm("T2", "N1", "M0")}}},
		{name: "derived T1 N2b M0 is IVA", id: "I1", want: el.Met, reason: "IVA", facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{tnm("T1", "N2b", "M0")}}},
		{name: "derived T2 N0 M0 is II", id: "I1", want: el.NotMet, facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{tnm("T2", "N0", "M0")}}},
		{name: "derived T4b N0 M0 is IVB", id: "I1", want: el.NotMet, facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{tnm("T4b", "N0", "M0")}}},
		{name: "derived T1 N3a M0 is IVB", id: "I1", want: el.NotMet, facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{tnm("T1", "N3a", "M0")}}},
		{name: "derived any M1 is IVC", id: "I1", want: el.NotMet, facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{tnm("T2", "N1", "M1")}}},
		{name: "derived T4 without letter is unknown", id: "I1", want: el.Unknown, facts: el.Facts{Conditions: []el.Condition{oral()}, Stages: []el.Stage{tnm("T4", "N1", "M0")}}},
		{name: "non-SCC histology", id: "I1", want: el.NotMet, facts: el.Facts{Conditions: []el.Condition{oral(morphology("other"))}, Stages: []el.Stage{stage("III", "8", "clinical", "2025-02-20")}}},
		{name: "histology not recorded", id: "I1", want: el.Unknown, facts: el.Facts{Conditions: []el.Condition{oral(morphology(""))}, Stages: []el.Stage{stage("III", "8", "clinical", "2025-02-20")}}},
		{name: "no cancer condition", id: "I1", want: el.Unknown},
		{name: "oropharynx SCC stage III meets I1 (X1b excludes)", id: "I1", want: el.Met,
			facts: el.Facts{Conditions: []el.Condition{cond("cancer-head-neck-other,malignancy", "C10.9", morphology("scc"))}, Stages: []el.Stage{stage("III", "8", "clinical", "2025-02-20")}}},

		{name: "oral cavity primary", id: "X1b", want: el.DoesNotApply, facts: el.Facts{Conditions: []el.Condition{oral()}}},
		{name: "C05.9 primary is review", id: "X1b", want: el.Review, facts: el.Facts{Conditions: []el.Condition{cond("cancer-oral-review,malignancy", "C05.9")}}},
		{name: "base of tongue primary applies", id: "X1b", want: el.Applies, facts: el.Facts{Conditions: []el.Condition{cond("cancer-head-neck-other,malignancy", "C01")}}},
		{name: "no primary", id: "X1b", want: el.Unknown},

		{name: "nodal metastasis is not another malignancy", id: "I3", want: el.Met,
			facts: el.Facts{Conditions: []el.Condition{oral(), cond("malignancy-metastasis,malignancy", "C77.0")}}},
		{name: "no conditions at all", id: "I3", want: el.Met},
		{name: "other malignancy", id: "I3", want: el.NotMet, facts: el.Facts{Conditions: []el.Condition{oral(), cond("malignancy", "C34.1", clinical("remission"))}}},
		{name: "personal history of malignancy", id: "I3", want: el.NotMet, facts: el.Facts{Conditions: []el.Condition{oral(), cond("malignancy-history", "Z85.3", clinical(""))}}},
		{name: "second head and neck primary elsewhere", id: "I3", want: el.NotMet,
			facts: el.Facts{Conditions: []el.Condition{oral(), cond("cancer-head-neck-other,malignancy", "C32.0")}}},
		{name: "carcinoma in situ is review", id: "I3", want: el.Review, facts: el.Facts{Conditions: []el.Condition{oral(), cond("in-situ", "D05.1")}}},
		{name: "unconfirmed other malignancy is review", id: "I3", want: el.Review,
			facts: el.Facts{Conditions: []el.Condition{oral(), cond("malignancy", "C73", verification("provisional"))}}},
		{name: "second record of the oral cancer is the same cancer", id: "I3", want: el.Met, flags: []string{el.FlagSameCancerRecords},
			facts: el.Facts{Conditions: []el.Condition{oral(), cond("cancer-oral,malignancy", "C03.1")}}},
	})
}

func TestTreatmentAndResponse(t *testing.T) {
	resp := func(date, code string, computed bool) el.Response {
		return el.Response{Ref: el.Ref("Observation/resp-" + date + "-" + code), Date: d(date), Code: code, Computed: computed}
	}
	withNeo := func(r ...el.Response) el.Facts { return el.Facts{Medications: regimen(), Responses: r} }
	run(t, []tc{
		{name: "protocol regimen", id: "I2a", want: el.Met, facts: el.Facts{Medications: regimen()}},
		{name: "cisplatin instead of carboplatin", id: "I2a", want: el.Met,
			facts: el.Facts{Medications: []el.Medication{med("pd1-inhibitor", c1d1), med("nab-paclitaxel", c1d1), med("cisplatin", c1d1)}}},
		{name: "nedaplatin is not-met by default", id: "I2a", want: el.NotMet, reason: "nedaplatin",
			facts: el.Facts{Medications: []el.Medication{med("pd1-inhibitor", c1d1), med("nab-paclitaxel", c1d1), med("nedaplatin", c1d1)}}},
		{name: "PD-L1 inhibitor is review when configured", id: "I2a", want: el.Review, opts: el.Options{RegimenVariants: el.Review},
			facts: el.Facts{Medications: []el.Medication{med("pdl1-inhibitor", c1d1), med("nab-paclitaxel", c1d1), med("cisplatin", c1d1)}}},
		{name: "solvent paclitaxel is a variant", id: "I2a", want: el.NotMet,
			facts: el.Facts{Medications: []el.Medication{med("pd1-inhibitor", c1d1), med("paclitaxel", c1d1), med("cisplatin", c1d1)}}},
		{name: "protocol regimen plus docetaxel is met, flagged", id: "I2a", want: el.Met, flags: []string{el.FlagAdditionalDrugs},
			facts: el.Facts{Medications: append(regimen(), med("docetaxel", "2025-04-14"))}},
		{name: "platinum not recorded", id: "I2a", want: el.Unknown, reason: "cisplatin or carboplatin",
			facts: el.Facts{Medications: []el.Medication{med("pd1-inhibitor", c1d1), med("nab-paclitaxel", c1d1)}}},
		{name: "no neoadjuvant drugs", id: "I2a", want: el.Unknown},
		{name: "drugs only requested", id: "I2a", want: el.Unknown,
			facts: el.Facts{Medications: []el.Medication{med("pd1-inhibitor", c1d1, kind("request", "active"))}}},

		{name: "PR after neoadjuvant", id: "I2b", want: el.Met, evidence: "computed from measurements", withoutFlag: el.FlagScanOlderThan7Days,
			facts: withNeo(resp("2025-06-25", "PR", true))},
		{name: "CR coded by the site, said so", id: "I2b", want: el.Met, evidence: "coded response", facts: withNeo(resp("2025-06-25", "CR", false))},
		{name: "SD", id: "I2b", want: el.NotMet, facts: withNeo(resp("2025-06-25", "SD", true))},
		{name: "PD", id: "I2b", want: el.NotMet, facts: withNeo(resp("2025-06-25", "PD", true))},
		{name: "NE", id: "I2b", want: el.NotMet, facts: withNeo(resp("2025-06-25", "NE", true))},
		{name: "non-CR-non-PD", id: "I2b", want: el.NotMet, facts: withNeo(resp("2025-06-25", "non-CR-non-PD", false))},
		{name: "most recent time point, not the best", id: "I2b", want: el.NotMet, facts: withNeo(resp("2025-04-20", "PR", true), resp("2025-06-25", "SD", true))},
		{name: "response after the index date ignored", id: "I2b", want: el.Met, facts: withNeo(resp("2025-06-25", "PR", true), resp("2025-07-02", "PD", true))},
		{name: "baseline on C1D1 is not a response after it", id: "I2b", want: el.Unknown, facts: withNeo(resp(c1d1, "PR", true))},
		{name: "computed and coded disagree", id: "I2b", want: el.Review, facts: withNeo(resp("2025-06-25", "PR", true), resp("2025-06-25", "SD", false))},
		{name: "computed and coded agree", id: "I2b", want: el.Met, facts: withNeo(resp("2025-06-25", "PR", true), resp("2025-06-25", "PR", false))},
		{name: "scan 8 days before the index date is flagged", id: "I2b", want: el.Met, flags: []string{el.FlagScanOlderThan7Days}, facts: withNeo(resp("2025-06-22", "PR", true))},
		{name: "scan 7 days before is not flagged", id: "I2b", want: el.Met, withoutFlag: el.FlagScanOlderThan7Days, facts: withNeo(resp("2025-06-23", "PR", true))},
		{name: "no response", id: "I2b", want: el.Unknown, facts: withNeo()},
		{name: "no C1D1", id: "I2b", want: el.Unknown, reason: "C1D1", facts: el.Facts{Responses: []el.Response{resp("2025-06-25", "PR", true)}}},
	})
}
