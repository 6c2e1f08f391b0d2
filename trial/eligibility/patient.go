package eligibility

import (
	"fmt"
	"strconv"
)

// Age limits of I4, completed years, both inclusive (domain.md §3 I4: 75 y
// 11 m is 75 and meets).
const (
	minAge = 18
	maxAge = 75
)

// ruleI4: completed years on the index date; a partial birth date is
// unknown only when its possible ages straddle a limit.
func ruleI4(e *eval) Result {
	b := e.f.Patient.BirthDate
	lo, hi, ok := ageRange(b, e.index)
	if !ok {
		return result(Unknown, "no birth date recorded")
	}
	ev := Evidence{Ref: e.f.Patient.Ref, Item: "birthDate", Received: dateString(b), Value: strconv.Itoa(lo), Unit: "a", Date: b}
	age := strconv.Itoa(lo)
	if lo != hi {
		age = fmt.Sprintf("%d-%d", lo, hi)
		ev.Value = age
	}
	in := func(a int) bool { return a >= minAge && a <= maxAge }
	switch {
	case in(lo) && in(hi):
		return result(Met, fmt.Sprintf("age %s on %s is within 18-75", age, dayString(e.index)), ev)
	case hi < minAge || lo > maxAge:
		return result(NotMet, fmt.Sprintf("age %s on %s is outside 18-75", age, dayString(e.index)), ev)
	}
	return result(Unknown, fmt.Sprintf("partial birth date: age %s on %s may be outside 18-75", age, dayString(e.index)), ev)
}

// pregnancyTestDays: negative hCG with 0 ≤ C1D1 − test date ≤ 3 days
// (domain.md §2).
const pregnancyTestDays = 3

// ruleI6: women of childbearing potential need a negative urine or serum
// hCG within 3 days before C1D1 (domain.md §3 I6, §2).
func ruleI6(e *eval) Result {
	switch e.f.Patient.Gender {
	case "male":
		return result(NotApplicable, "male patient")
	case "female":
	default:
		return result(Unknown, fmt.Sprintf("gender %q: childbearing potential cannot be judged", e.f.Patient.Gender))
	}
	if ev, ok := e.notChildbearing(); ok {
		return result(NotApplicable, "not of childbearing potential: "+ev.Item, ev)
	}
	if e.c1d1 == nil {
		return result(Unknown, "no C1D1 recorded to place the pregnancy test")
	}
	var ev []Evidence
	res := map[string]bool{}
	for _, k := range []string{"hcg-serum", "hcg-urine", "hcg-quant"} {
		for _, o := range e.obs[k] {
			d, ok := exactDay(o.Date)
			if !ok || e.c1d1Day-d < 0 || e.c1d1Day-d > pregnancyTestDays || unusable(o) != "" {
				continue
			}
			q := hcgResult(o)
			ev = append(ev, obsEvidence(o, "test within 3 days before C1D1 "+dayString(e.c1d1Day)))
			res[q] = true
			if k == "hcg-urine" {
				res["urine-"+q] = true
			} else {
				res["serum-"+q] = true
			}
		}
	}
	switch {
	case res["pos"]:
		return result(NotMet, "positive pregnancy test within 3 days before C1D1", ev...)
	case res["serum-neg"]:
		return result(Met, "negative serum pregnancy test within 3 days before C1D1", ev...)
	case res["urine-neg"] && !res["urine-ind"]:
		return result(Met, "negative urine pregnancy test within 3 days before C1D1", ev...)
	case res["urine-ind"]:
		return result(Unknown, "urine pregnancy test indeterminate and no serum test", ev...)
	}
	return result(Unknown, fmt.Sprintf("no usable pregnancy test in %s..%s (3 days before C1D1)", dayString(e.c1d1Day-pregnancyTestDays), dayString(e.c1d1Day)), ev...)
}

// hcgResult is pos/neg/ind for qualitative hCG, or for quantitative hCG
// the value against the lab's ULN.
func hcgResult(o *Observation) string {
	if q := qual(o); q != "" || o.Value == nil || o.High == nil {
		return q
	}
	switch holds(o.Value.Value, o.Value.Comparator, "<=", o.High) {
	case yes:
		return "neg"
	case no:
		return "pos"
	}
	return "ind"
}

// notChildbearing finds evidence a woman is not of childbearing potential:
// postmenopausal, hysterectomy, sterilisation, bilateral oophorectomy
// (domain.md §3 I6).
func (e *eval) notChildbearing() (Evidence, bool) {
	if o := e.latestEver("menopause-status"); o != nil && o.Result == "postmenopausal" && unusable(o) == "" {
		return obsEvidence(o, ""), true
	}
	for _, c := range e.condsWith("postmenopausal") {
		if !unconfirmed(c) {
			return condEvidence(c, "postmenopausal"), true
		}
	}
	cls := []string{"hysterectomy", "sterilisation", "bilateral-oophorectomy"}
	if ps := e.procsIn(-farFuture, e.index, cls...); len(ps) > 0 {
		return procEvidence(ps[0], firstOf(ps[0].Classes, cls)), true
	}
	return Evidence{}, false
}

// judged reads a yes/no judgement Observation (latest on or before the
// index date).
func (e *eval) judged(concept string) (*Observation, string) {
	o := e.latestEver(concept)
	if o == nil || unusable(o) != "" {
		return o, ""
	}
	return o, o.Result
}

// ruleI7: agreement to contraception, rarely structured (domain.md §3 I7).
func ruleI7(e *eval) Result {
	o, v := e.judged("contraception-agreement")
	switch v {
	case "yes":
		return result(Met, "agreement to highly effective contraception documented", obsEvidence(o, ""))
	case "no":
		return result(NotMet, "patient does not agree to highly effective contraception", obsEvidence(o, ""))
	}
	if o != nil {
		return result(Unknown, "contraception agreement not usable", obsEvidence(o, ""))
	}
	return result(Unknown, "no contraception agreement documented")
}

// neoadjuvantRelated are the Related keys of ctcae-grade Observations that
// count as neoadjuvant adverse events (irAEs included, domain.md §3 X2).
var neoadjuvantRelated = []string{"neoadjuvant", "immune-related-ae"}

// ruleI8: any ongoing neoadjuvant-related AE of grade ≥ 3 → not-met;
// anaesthesia judged GA not tolerable → not-met; GA tolerable and all AEs ≤
// 2 → met; otherwise unknown (domain.md §3 I8).
func ruleI8(e *eval) Result {
	var ev, bad []Evidence
	ungraded := false
	for i := range e.f.AdverseEvents {
		a := &e.f.AdverseEvents[i]
		if lo, _, ok := dayRange(a.Date); !a.Related || (ok && lo > e.index) {
			continue
		}
		x := Evidence{Ref: a.Ref, Item: "adverse-event", Received: a.Text, Value: strconv.Itoa(a.Grade), Unit: "CTCAE grade", Date: a.Date}
		switch {
		case a.Resolved:
			x.Note = "resolved"
		case a.Grade >= 3:
			bad = append(bad, x)
		case a.Grade == 0:
			ungraded = true
		}
		ev = append(ev, x)
	}
	latest := map[string]bool{}
	for _, o := range e.obs["ctcae-grade"] {
		if !has(neoadjuvantRelated, o.Related) || latest[o.Related+string(o.Ref)] {
			continue
		}
		if _, hi, ok := dayRange(o.Date); !ok || hi > e.index {
			continue
		}
		latest[o.Related+string(o.Ref)] = true
		g, err := strconv.Atoi(o.Result)
		switch {
		case unusable(o) != "" || err != nil:
			ungraded = true
		case g >= 3:
			bad = append(bad, obsEvidence(o, "grade "+o.Result))
		}
		ev = append(ev, obsEvidence(o, ""))
	}
	for _, c := range e.condsWith("immune-related-ae") {
		if e.active(c) != no {
			ev = append(ev, condEvidence(c, "immune-related-ae"))
		}
	}
	ga, v := e.judged("anesthesia-ga-tolerable")
	if ga != nil {
		ev = append(ev, obsEvidence(ga, "anaesthesia assessment"))
	}
	switch {
	case len(bad) > 0:
		return result(NotMet, "ongoing neoadjuvant-related adverse event of CTCAE grade >= 3", ev...)
	case v == "no":
		return result(NotMet, "anaesthesia judged general anaesthesia not tolerable", ev...)
	case len(ev) == 0:
		return result(Unknown, "no adverse event or anaesthesia assessment recorded")
	case ungraded:
		return result(Unknown, "a neoadjuvant-related adverse event has no usable CTCAE grade", ev...)
	case v == "yes":
		return result(Met, "adverse events at grade <= 2 and general anaesthesia judged tolerable", ev...)
	}
	return result(Unknown, "fitness for general anaesthesia not documented", ev...)
}

// nonComorbidity are condition categories that are not pre-existing
// comorbidities for I9: the cancer itself, its treatment effects, states.
var nonComorbidity = []string{"cancer-oral", "cancer-oral-review", "cancer-head-neck-other", "malignancy",
	"malignancy-metastasis", "malignancy-history", "in-situ", "immune-related-ae", "postmenopausal", "pregnancy", "lactation"}

// ruleI9 exactly as criteria.md: not-applicable without a pre-existing
// comorbidity (a categorised, not resolved condition), met when anaesthesia
// judged general anaesthesia tolerable, unknown otherwise.
func ruleI9(e *eval) Result {
	var ev []Evidence
	for _, c := range e.conds {
		if len(c.Categories) == 0 || e.active(c) == no {
			continue
		}
		for _, k := range c.Categories {
			if !has(nonComorbidity, k) {
				ev = append(ev, condEvidence(c, k))
				break
			}
		}
	}
	if len(ev) == 0 {
		return result(NotApplicable, "no pre-existing comorbidity recorded")
	}
	ga, v := e.judged("anesthesia-ga-tolerable")
	if v == "yes" {
		return result(Met, "comorbidities present; anaesthesia judged general anaesthesia tolerable", append(ev, obsEvidence(ga, ""))...)
	}
	if ga != nil {
		ev = append(ev, obsEvidence(ga, ""))
	}
	return result(Unknown, "comorbidities present; no anaesthesia judgement that general anaesthesia is tolerable", ev...)
}

// ruleI10: an active research Consent dated on or before the index date, or
// the ResearchSubject's consent → met; else a rejected research consent
// (the patient declined; R4 consent-state "rejected") → not-met, because
// that is evidence, not absence. No record at all → unknown, not
// not-met: consent is usually signed on paper and its absence from the
// FHIR data is not evidence that it was not given; unknown sends the
// patient to review instead of excluding him for a missing document.
func ruleI10(e *eval) Result {
	var linked Ref
	if e.f.Subject != nil {
		linked = e.f.Subject.Consent
	}
	var later, rejected []Evidence
	for i := range e.f.Consents {
		c := &e.f.Consents[i]
		isLinked := linked != "" && c.Ref == linked
		if c.Status == "rejected" && (c.Research || isLinked) {
			if lo, _, ok := dayRange(c.Date); !ok || lo <= e.index {
				rejected = append(rejected, Evidence{Ref: c.Ref, Item: "consent", Value: c.Status, Date: c.Date})
			}
			continue
		}
		if c.Status != "active" || !(c.Research || isLinked) {
			continue
		}
		ev := Evidence{Ref: c.Ref, Item: "consent", Value: c.Status, Date: c.Date}
		if lo, _, ok := dayRange(c.Date); ok && lo > e.index {
			later = append(later, ev)
			continue
		}
		if !c.Date.Known() && !isLinked {
			later = append(later, ev)
			continue
		}
		return result(Met, "active research consent signed "+dateString(c.Date), ev)
	}
	switch {
	case len(rejected) > 0:
		return result(NotMet, "the patient declined: research consent rejected", rejected...)
	case len(later) > 0:
		return result(Unknown, "research consent not dated on or before the index date", later...)
	case linked != "":
		return result(Unknown, "ResearchSubject.consent "+string(linked)+" is not an active consent on file", Evidence{Ref: linked, Item: "consent"})
	}
	return result(Unknown, "no signed research consent on file")
}
