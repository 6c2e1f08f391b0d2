package eligibility_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	el "github.com/trialfhir/trialfhir/trial/eligibility"
)

// eligiblePatient is a man of 60 whose records satisfy every criterion; the
// "known history" exclusions have no coded evidence.
func eligiblePatient() el.Facts {
	lab6 := func(concept, v, unit string, opts ...obsOpt) el.Observation {
		return lab(concept, "2025-06-25", v, unit, opts...)
	}
	return el.Facts{
		Patient:       born("1965-01-15", "male"),
		Subject:       &el.Subject{Ref: "ResearchSubject/s", Status: "candidate", PeriodStart: d("2025-06-30"), Consent: "Consent/c"},
		Conditions:    []el.Condition{oral(), cond("malignancy-metastasis,malignancy", "C77.0")},
		Stages:        []el.Stage{{Ref: "Observation/stage", Group: "IVA", Edition: "8", Type: "clinical", Date: d("2025-02-20")}},
		Medications:   regimen(),
		Responses:     []el.Response{{Ref: "Observation/resp", Date: d("2025-06-25"), Code: "PR", Computed: true}},
		Consents:      []el.Consent{{Ref: "Consent/c", Status: "active", Research: true, Date: d("2025-06-26")}},
		AdverseEvents: []el.AdverseEvent{{Ref: "AdverseEvent/a", Grade: 1, Related: true, Date: d("2025-04-01"), Text: "fatigue"}},
		Observations: []el.Observation{
			lab6("anc", "3.2", "10*9/L"), lab6("platelets", "210", "10*9/L"), lab6("hemoglobin", "13.1", "g/dL"),
			lab6("bilirubin-total", "12", "umol/L", uln("21")), lab6("ast", "25", "U/L", uln("40")), lab6("alt", "30", "U/L", uln("50")),
			lab6("creatinine", "0.9", "mg/dL", uln("1.2")), lab6("body-weight", "70", "kg"), lab6("inr", "1.0", "{INR}", uln("1.2")),
			lab6("tsh", "2.0", "m[IU]/L", rng("0.27", "4.2")), lab6("ck", "100", "U/L", uln("190")), lab6("troponin-i", "5", "ng/L", uln("26")),
			lab6("bp-systolic", "128", "mm[Hg]"), lab6("bp-diastolic", "78", "mm[Hg]"), lab6("glucose-fasting", "5.4", "mmol/L"),
			qual("urine-protein-dipstick", "2025-06-25", "negative"), qual("hbsag", "2025-02-20", "negative"),
			qual("hcv-ab", "2025-02-20", "negative"), qual("hiv", "2025-02-20", "negative"),
			qual("contraception-agreement", "2025-06-26", "yes"), qual("anesthesia-ga-tolerable", "2025-06-27", "yes"),
		},
	}
}

func TestOverallDecision(t *testing.T) {
	edit := func(f func(*el.Facts)) el.Facts {
		p := eligiblePatient()
		f(&p)
		return p
	}
	cases := []struct {
		name  string
		facts el.Facts
		want  el.Decision
	}{
		{"every criterion met", eligiblePatient(), el.Eligible},
		{"an inclusion not met", edit(func(f *el.Facts) {
			f.Observations = append(f.Observations, lab("anc", "2025-06-29", "1.0", "10*9/L"))
		}), el.Ineligible},
		{"an exclusion applies", edit(func(f *el.Facts) { f.Conditions = append(f.Conditions, cond("hiv", "B20")) }), el.Ineligible},
		{"a review", edit(func(f *el.Facts) { f.Conditions = append(f.Conditions, cond("psychiatric-severe", "F20.0")) }), el.NeedsReview},
		{"an unknown", edit(func(f *el.Facts) { f.Consents, f.Subject.Consent = nil, "" }), el.NeedsReview},
		{"ineligible beats review", edit(func(f *el.Facts) {
			f.Conditions = append(f.Conditions, cond("psychiatric-severe", "F20.0"), cond("tb-pulmonary", "A15.0"))
		}), el.Ineligible},
		{"not-applicable counts as met", edit(func(f *el.Facts) {
			f.Patient.Gender = "female"
			f.Procedures = append(f.Procedures, proc("hysterectomy", "2010-01-01"))
		}), el.Eligible},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := el.Evaluate(c.facts, el.Options{Now: index.AddDate(0, 0, 3)})
			var odd []string
			for _, r := range a.Results {
				if r.Outcome != el.Met && r.Outcome != el.DoesNotApply && r.Outcome != el.NotApplicable {
					odd = append(odd, r.ID+" "+string(r.Outcome)+": "+r.Reason)
				}
			}
			require.Equal(t, c.want, a.Decision, "%v", odd)
			require.Equal(t, c.want, el.Decide(a.Results))
		})
	}
}

func TestDecide(t *testing.T) {
	res := func(outs ...el.Outcome) []el.Result {
		var rs []el.Result
		for _, o := range outs {
			rs = append(rs, el.Result{Outcome: o})
		}
		return rs
	}
	cases := []struct {
		name string
		in   []el.Result
		want el.Decision
	}{
		{"all met", res(el.Met, el.DoesNotApply, el.NotApplicable), el.Eligible},
		{"not-met", res(el.Met, el.NotMet, el.Review), el.Ineligible},
		{"applies", res(el.Unknown, el.Applies), el.Ineligible},
		{"unknown", res(el.Met, el.Unknown), el.NeedsReview},
		{"review", res(el.Review, el.DoesNotApply), el.NeedsReview},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { require.Equal(t, c.want, el.Decide(c.in)) })
	}
}

func TestIndexDate(t *testing.T) {
	now := time.Date(2025, 8, 1, 9, 0, 0, 0, time.UTC)
	caller := time.Date(2025, 7, 25, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		subject *el.Subject
		opts    el.Options
		want    time.Time
		source  el.IndexSource
	}{
		{"caller date wins", &el.Subject{PeriodStart: d("2025-06-30")}, el.Options{IndexDate: caller, Now: now}, caller, el.IndexFromCaller},
		{"randomisation date next", &el.Subject{PeriodStart: d("2025-06-30")}, el.Options{Now: now}, d("2025-06-30").Time, el.IndexFromRandomisation},
		{"evaluation time without a subject", nil, el.Options{Now: now}, now, el.IndexFromEvaluation},
		{"evaluation time when the period start is partial", &el.Subject{PeriodStart: d("2025-06")}, el.Options{Now: now}, now, el.IndexFromEvaluation},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := el.Evaluate(el.Facts{Subject: c.subject, Patient: born("1949-07-20", "male")}, c.opts)
			require.Equal(t, c.want, a.IndexDate)
			require.Equal(t, c.source, a.IndexSource)
		})
	}
	t.Run("the index date moves the age", func(t *testing.T) {
		f := el.Facts{Subject: &el.Subject{PeriodStart: d("2025-06-30")}, Patient: born("1949-07-20", "male")}
		r, _ := el.Evaluate(f, el.Options{Now: now}).Result("I4")
		require.Equal(t, el.Met, r.Outcome) // 75 on the randomisation date
		r, _ = el.Evaluate(f, el.Options{IndexDate: caller, Now: now}).Result("I4")
		require.Equal(t, el.NotMet, r.Outcome) // 76 on the caller's date
	})
}

func TestAssessmentShape(t *testing.T) {
	want := []string{"I1", "I2a", "I2b", "I3", "I4", "L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9", "I6", "I7", "I8", "I9", "I10",
		"X1b", "X2", "X3", "X4", "X5", "X6", "X7", "X8.0", "X8.1", "X8.2", "X8.3", "X8.4", "X8.5", "X8.6", "X8.7", "X8.8", "X8.9", "X8.10", "X8.11"}
	a := el.Evaluate(eligiblePatient(), el.Options{Now: index})
	var got []string
	for _, r := range a.Results {
		got = append(got, r.ID)
		require.NotEmpty(t, r.Reason, r.ID)
		wantKind := el.Inclusion
		if r.ID[0] == 'X' {
			wantKind = el.Exclusion
			require.Contains(t, []el.Outcome{el.Applies, el.DoesNotApply, el.Unknown, el.Review}, r.Outcome, r.ID)
		} else {
			require.Contains(t, []el.Outcome{el.Met, el.NotMet, el.Unknown, el.Review, el.NotApplicable}, r.Outcome, r.ID)
		}
		require.Equal(t, wantKind, r.Kind, r.ID)
	}
	require.Equal(t, want, got)
	var ids []string
	for _, c := range el.Criteria() {
		ids = append(ids, c.ID)
	}
	require.Equal(t, want, ids)
	require.Equal(t, el.RuleVersion, a.RuleVersion)
	require.Equal(t, d(c1d1), a.C1D1)
	settings := map[string]string{}
	for _, s := range a.Options.Settings() {
		settings[s.Name] = s.Value
	}
	require.Equal(t, "14", settings["lab-lookback-days"])
	require.Equal(t, "14", settings["weight-pairing-days"])
	require.Equal(t, "not-met", settings["regimen-variants"])
	require.Equal(t, "review", settings["gm-csf"])
	require.Equal(t, "does-not-apply", settings["known-history-without-evidence"])
	require.Equal(t, "none", settings["site-default-ranges"])

	o := el.Options{RegimenVariants: el.Review, SiteRanges: map[string]el.Range{"ast": {High: num("40")}, "tsh": {Low: num("0.27"), High: num("4.2")}}}
	settings = map[string]string{}
	for _, s := range o.Settings() {
		settings[s.Name] = s.Value
	}
	require.Equal(t, "review", settings["regimen-variants"])
	require.Equal(t, "ast -40; tsh 0.27-4.2", settings["site-default-ranges"])
}
