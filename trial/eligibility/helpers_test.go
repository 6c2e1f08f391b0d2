package eligibility_test

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	el "github.com/trialfhir/trialfhir/trial/eligibility"
)

// index is the index date of every case unless a case says otherwise.
var index = time.Date(2025, 6, 30, 10, 0, 0, 0, time.UTC)

// c1d1 is the first neoadjuvant dose of the regimen helper.
const c1d1 = "2025-03-03"

// d parses "2025", "2025-06", "2025-06-30" or "2025-06-30T08:00" into a
// Date of the matching precision.
func d(s string) el.Date {
	for _, f := range []struct {
		layout string
		p      el.Precision
	}{{"2006-01-02T15:04", el.PrecisionTime}, {"2006-01-02", el.PrecisionDay}, {"2006-01", el.PrecisionMonth}, {"2006", el.PrecisionYear}} {
		if t, err := time.Parse(f.layout, s); err == nil {
			return el.Date{Time: t, Precision: f.p}
		}
	}
	panic("bad date " + s)
}

func num(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("bad number " + s)
	}
	return r
}

type obsOpt func(*el.Observation)

func uln(s string) obsOpt { return func(o *el.Observation) { o.High = num(s) } }
func lln(s string) obsOpt { return func(o *el.Observation) { o.Low = num(s) } }
func rng(lo, hi string) obsOpt {
	return func(o *el.Observation) { o.Low, o.High = num(lo), num(hi) }
}
func status(s string) obsOpt    { return func(o *el.Observation) { o.Status = s } }
func cmp(c string) obsOpt       { return func(o *el.Observation) { o.Value.Comparator = c } }
func related(r string) obsOpt   { return func(o *el.Observation) { o.Related = r } }
func received(r string) obsOpt  { return func(o *el.Observation) { o.Value.Received = r } }
func ref(r string) obsOpt       { return func(o *el.Observation) { o.Ref = el.Ref(r) } }
func fasting(o *el.Observation) { o.Fasting = true }
func fromText(o *el.Observation) {
	o.RangeFromText = true
}

// lab is a final quantitative Observation of concept on date.
func lab(concept, date, value, unit string, opts ...obsOpt) el.Observation {
	o := el.Observation{
		Ref: el.Ref("Observation/" + concept + "-" + date), Concept: concept, Date: d(date), Status: "final",
		Value: &el.Quantity{Value: num(value), Unit: unit, Received: value + " " + unit},
	}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// qual is a final qualitative Observation (Result key) of concept on date.
func qual(concept, date, result string, opts ...obsOpt) el.Observation {
	o := el.Observation{Ref: el.Ref("Observation/" + concept + "-" + date), Concept: concept, Date: d(date), Status: "final", Result: result}
	for _, f := range opts {
		f(&o)
	}
	return o
}

type condOpt func(*el.Condition)

func clinical(s string) condOpt     { return func(c *el.Condition) { c.Clinical = s } }
func verification(s string) condOpt { return func(c *el.Condition) { c.Verification = s } }
func onset(s string) condOpt        { return func(c *el.Condition) { c.Onset = d(s) } }
func abated(s string) condOpt       { return func(c *el.Condition) { c.Abatement = d(s) } }
func morphology(s string) condOpt   { return func(c *el.Condition) { c.Morphology = s } }
func severity(s string) condOpt     { return func(c *el.Condition) { c.Severity = s } }

// cond is an active, confirmed Condition with categories (comma-separated).
func cond(cats, code string, opts ...condOpt) el.Condition {
	c := el.Condition{Ref: el.Ref("Condition/" + strings.ReplaceAll(cats, ",", "-")), Categories: strings.Split(cats, ","),
		Codes: []string{"http://hl7.org/fhir/sid/icd-10|" + code}, Clinical: "active", Verification: "confirmed"}
	for _, f := range opts {
		f(&c)
	}
	return c
}

// oral is the index cancer: SCC of the tongue.
func oral(opts ...condOpt) el.Condition {
	return cond("cancer-oral,malignancy", "C02.1", append([]condOpt{morphology("scc"), onset("2025-01-10")}, opts...)...)
}

type medOpt func(*el.Medication)

func until(s string) medOpt      { return func(m *el.Medication) { m.End = d(s) } }
func reasons(r ...string) medOpt { return func(m *el.Medication) { m.Reasons = r } }
func kind(k, st string) medOpt   { return func(m *el.Medication) { m.Kind, m.Status = k, st } }
func medRef(r string) medOpt     { return func(m *el.Medication) { m.Ref = el.Ref(r) } }

// med is a completed MedicationAdministration of classes (comma-separated).
func med(classes, start string, opts ...medOpt) el.Medication {
	m := el.Medication{Ref: el.Ref("MedicationAdministration/" + strings.ReplaceAll(classes, ",", "-") + "-" + start),
		Classes: strings.Split(classes, ","), Kind: "administration", Status: "completed", Start: d(start), Text: classes}
	for _, f := range opts {
		f(&m)
	}
	return m
}

// regimen is the protocol regimen (toripalimab, nab-paclitaxel, carboplatin)
// with the first cycle on c1d1 and a second three weeks later.
func regimen() []el.Medication {
	var out []el.Medication
	for _, day := range []string{c1d1, "2025-03-24"} {
		out = append(out, med("pd1-inhibitor", day), med("nab-paclitaxel", day), med("carboplatin", day))
	}
	return out
}

func proc(classes, date string) el.Procedure {
	return el.Procedure{Ref: el.Ref("Procedure/" + classes + "-" + date), Classes: strings.Split(classes, ","), Status: "completed", Date: d(date), Text: classes}
}

// tc is one named case: a literal Facts, the criterion looked at and the
// outcome expected, with flags, a reason fragment and an evidence value
// that must appear when given.
type tc struct {
	name     string
	id       string
	facts    el.Facts
	opts     el.Options
	want     el.Outcome
	flags    []string
	reason   string
	evidence string
	// withoutFlag must not be set.
	withoutFlag string
}

func run(t *testing.T, cases []tc) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.id+"/"+c.name, func(t *testing.T) {
			o := c.opts
			if o.IndexDate.IsZero() {
				o.IndexDate = index
			}
			o.Now = index.AddDate(0, 1, 0)
			a := el.Evaluate(c.facts, o)
			r, ok := a.Result(c.id)
			require.True(t, ok, "no result for %s", c.id)
			require.Equal(t, c.want, r.Outcome, "reason: %s", r.Reason)
			require.NotEmpty(t, r.Reason)
			for _, f := range c.flags {
				require.Contains(t, r.Flags, f, "reason: %s", r.Reason)
			}
			if c.withoutFlag != "" {
				require.NotContains(t, r.Flags, c.withoutFlag)
			}
			if c.reason != "" {
				require.Contains(t, r.Reason, c.reason)
			}
			if c.evidence != "" {
				var vals []string
				for _, ev := range r.Evidence {
					vals = append(vals, ev.Value+"|"+ev.Note)
				}
				require.Contains(t, strings.Join(vals, " ; "), c.evidence)
			}
		})
	}
}
