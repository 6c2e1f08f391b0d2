package eligibility

import (
	"slices"
	"strings"
	"time"
)

// eval is one evaluation: the facts, the resolved options and what every
// rule shares (index day, C1D1, observations by concept, the primary cancer).
type eval struct {
	f           *Facts
	o           Options
	indexTime   time.Time
	indexSource IndexSource
	index       int // civil day of the index date
	c1d1        *Medication
	c1d1Day     int
	obs         map[string][]*Observation // by concept, newest first
	conds       []*Condition              // conditions with no onset after the index date
	primary     *Condition
}

func newEval(f *Facts, o Options) *eval {
	e := &eval{f: f, o: o, obs: make(map[string][]*Observation)}
	e.setIndex()
	for i := range f.Observations {
		ob := &f.Observations[i]
		e.obs[ob.Concept] = append(e.obs[ob.Concept], ob)
	}
	for _, list := range e.obs {
		// Newest first; the same instant keeps input order (stable).
		slices.SortStableFunc(list, func(a, b *Observation) int { return b.Date.Time.Compare(a.Date.Time) })
	}
	for i := range f.Conditions {
		c := &f.Conditions[i]
		if lo, _, ok := dayRange(c.Onset); ok && lo > e.index {
			continue // not yet present on the index date
		}
		e.conds = append(e.conds, c)
	}
	e.setC1D1()
	e.primary = primaryCancer(e.conds)
	return e
}

// setIndex applies criteria.md's index date default: caller, else
// ResearchSubject.period.start (randomisation), else the evaluation time.
func (e *eval) setIndex() {
	switch {
	case !e.o.IndexDate.IsZero():
		e.indexTime, e.indexSource = e.o.IndexDate, IndexFromCaller
	case e.f.Subject != nil && e.f.Subject.PeriodStart.Precision >= PrecisionDay:
		e.indexTime, e.indexSource = e.f.Subject.PeriodStart.Time, IndexFromRandomisation
	default:
		e.indexTime, e.indexSource = e.o.Now, IndexFromEvaluation
	}
	e.index = civil(e.indexTime)
}

// regimenClasses are the drugs whose first administration is C1D1
// (criteria.md defaults; domain.md §3 I2a "C1D1 = earliest administration").
var regimenClasses = []string{
	"pd1-inhibitor", "nab-paclitaxel", "cisplatin", "carboplatin",
	"pdl1-inhibitor", "paclitaxel", "docetaxel", "nedaplatin", "lobaplatin",
}

func (e *eval) setC1D1() {
	for i := range e.f.Medications {
		m := &e.f.Medications[i]
		if !administered(m) || !hasAny(m.Classes, regimenClasses...) {
			continue
		}
		day, ok := exactDay(m.Start)
		if !ok || day > e.index {
			continue
		}
		if e.c1d1 == nil || m.Start.Time.Before(e.c1d1.Start.Time) {
			e.c1d1, e.c1d1Day = m, day
		}
	}
}

// administered reports whether a medication record says the drug was given
// (requests and intentions do not; domain.md §1 status filter).
func administered(m *Medication) bool {
	if m.Kind == "request" {
		return false
	}
	switch m.Status {
	case "not-done", "not-taken", "entered-in-error", "cancelled", "intended":
		return false
	}
	return true
}

// medSpan is the civil-day span a medication covers: from its start to its
// end, or open-ended while an ongoing statement or request is active.
func medSpan(m *Medication) (lo, hi int, ok bool) {
	lo, hi, ok = dayRange(m.Start)
	if !ok {
		return 0, 0, false
	}
	if _, endHi, endOK := dayRange(m.End); endOK {
		hi = endHi
	} else if m.Kind != "administration" && (m.Status == "active" || m.Status == "in-progress") {
		hi = farFuture
	}
	return lo, hi, true
}

// medsIn lists administered medications of any of classes whose span meets
// [from, to].
func (e *eval) medsIn(from, to int, classes ...string) []*Medication {
	var out []*Medication
	for i := range e.f.Medications {
		m := &e.f.Medications[i]
		if !administered(m) || !hasAny(m.Classes, classes...) {
			continue
		}
		if lo, hi, ok := medSpan(m); ok && lo <= to && hi >= from {
			out = append(out, m)
		}
	}
	return out
}

// procsIn lists procedures of any of classes dated in [from, to].
func (e *eval) procsIn(from, to int, classes ...string) []*Procedure {
	var out []*Procedure
	for i := range e.f.Procedures {
		p := &e.f.Procedures[i]
		if p.Status == "not-done" || p.Status == "entered-in-error" || !hasAny(p.Classes, classes...) {
			continue
		}
		if lo, hi, ok := dayRange(p.Date); ok && lo <= to && hi >= from {
			out = append(out, p)
		}
	}
	return out
}

// latest returns the most recent observation of concept dated (wholly) in
// [from, index]: domain.md §1 "which value" - never the best of several.
func (e *eval) latest(concept string, from int) *Observation {
	for _, o := range e.obs[concept] {
		if lo, hi, ok := dayRange(o.Date); ok && lo >= from && hi <= e.index {
			return o
		}
	}
	return nil
}

// latestLab is latest within the lab look-back window [index-N, index].
func (e *eval) latestLab(concept string) *Observation {
	return e.latest(concept, e.index-e.o.LabLookbackDays)
}

// latestEver is latest with no lower bound (serology, judgements).
func (e *eval) latestEver(concept string) *Observation {
	return e.latest(concept, -farFuture)
}

// unusable says why an observation's value cannot be used, or "".
func unusable(o *Observation) string {
	if o.Problem != "" {
		return o.Problem
	}
	switch o.Status {
	case "preliminary", "registered":
		return "result is " + o.Status + ", not final"
	}
	return ""
}

// active is a condition's activity on the index date (domain.md §1 "active
// condition"): active/recurrence/relapse yes; inactive/remission/resolved
// no; missing status judged by abatement, undecided when none.
func (e *eval) active(c *Condition) tri {
	switch c.Clinical {
	case "active", "recurrence", "relapse":
		return yes
	case "inactive", "remission", "resolved":
		return no
	}
	if _, hi, ok := dayRange(c.Abatement); ok && hi <= e.index {
		return no
	}
	return maybe
}

// unconfirmed reports a verification status that makes a coded condition
// a matter for review (domain.md §1 status filter).
func unconfirmed(c *Condition) bool {
	switch c.Verification {
	case "unconfirmed", "provisional", "differential":
		return true
	}
	return false
}

// condsWith lists conditions carrying any of the categories.
func (e *eval) condsWith(cats ...string) []*Condition {
	var out []*Condition
	for _, c := range e.conds {
		if hasAny(c.Categories, cats...) {
			out = append(out, c)
		}
	}
	return out
}

func firstCat(c *Condition, cats []string) string {
	for _, k := range cats {
		if has(c.Categories, k) {
			return k
		}
	}
	if len(c.Categories) > 0 {
		return c.Categories[0]
	}
	return ""
}

func condLabel(c *Condition) string {
	if c.Text != "" {
		return c.Text
	}
	if len(c.Codes) > 0 {
		return c.Codes[0]
	}
	return string(c.Ref)
}

func condEvidence(c *Condition, item string) Evidence {
	d := c.Onset
	if !d.Known() {
		d = c.Recorded
	}
	note := []string{}
	if c.Clinical != "" {
		note = append(note, "clinical "+c.Clinical)
	}
	if c.Verification != "" {
		note = append(note, "verification "+c.Verification)
	}
	return Evidence{Ref: c.Ref, Item: item, Received: strings.TrimSpace(strings.Join(append(append([]string{}, c.Codes...), c.Text), " ")), Date: d, Note: strings.Join(note, ", ")}
}

func medEvidence(m *Medication, item, note string) Evidence {
	return Evidence{Ref: m.Ref, Item: item, Received: m.Text, Date: m.Start, Note: note}
}

func procEvidence(p *Procedure, item string) Evidence {
	return Evidence{Ref: p.Ref, Item: item, Received: p.Text, Date: p.Date}
}

func obsEvidence(o *Observation, note string) Evidence {
	ev := Evidence{Ref: o.Ref, Item: o.Concept, Date: o.Date, Note: note}
	if o.Value != nil {
		ev.Received = o.Value.Received
		ev.Value = o.Value.Comparator + decimal(o.Value.Value)
		ev.Unit = o.Value.Unit
	} else {
		ev.Received, ev.Value = o.Result, o.Result
	}
	return ev
}

// result builds a Result; ID and Kind are filled in by Evaluate.
func result(out Outcome, reason string, ev ...Evidence) Result {
	return Result{Outcome: out, Reason: reason, Evidence: ev}
}

func (r Result) with(ev ...Evidence) Result {
	r.Evidence = append(r.Evidence, ev...)
	return r
}

func (r Result) flag(flags ...string) Result {
	for _, f := range flags {
		if !has(r.Flags, f) {
			r.Flags = append(r.Flags, f)
		}
	}
	return r
}

// noEvidence is the result of a "known history of" exclusion with nothing
// coded (criteria.md defaults; domain.md §1 absence of evidence).
func (e *eval) noEvidence(what string) Result {
	return result(e.o.NoEvidence, "no "+what+" recorded").flag(FlagNoData)
}
