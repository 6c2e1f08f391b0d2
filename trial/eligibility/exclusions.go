package eligibility

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// anchorC1D1 is C1D1 for windows anchored on "first dosing"; without one
// the index date stands in, flagged.
func (e *eval) anchorC1D1() (int, []string) {
	if e.c1d1 != nil {
		return e.c1d1Day, nil
	}
	return e.index, []string{FlagAnchorIndexDate}
}

var replacementClasses = []string{"replacement-levothyroxine", "replacement-insulin", "replacement-hydrocortisone"}

// ruleX2: systemic therapy for autoimmune disease in [C1D1-2y, C1D1]:
// only drugs whose reasons include autoimmune count; replacement therapy
// does not; irAEs are AEs, not autoimmune disease (domain.md §3 X2, §2).
func ruleX2(e *eval) Result {
	anchor, flags := e.anchorC1D1()
	from := addMonths(anchor, -24)
	var treat, unlinked []Evidence
	for _, m := range e.medsIn(from, anchor, "immunosuppressant", "systemic-steroid") {
		switch {
		case hasAny(m.Classes, replacementClasses...):
		case has(m.Reasons, "autoimmune"):
			treat = append(treat, medEvidence(m, firstOf(m.Classes, []string{"immunosuppressant", "systemic-steroid"}), "for autoimmune disease within 2 years before C1D1"))
		case len(m.Reasons) == 0 && has(m.Classes, "immunosuppressant"):
			unlinked = append(unlinked, medEvidence(m, "immunosuppressant", "no reason recorded; not counted"))
		}
	}
	var disease []Evidence
	for _, c := range e.condsWith("autoimmune") {
		if !has(c.Categories, "immune-related-ae") {
			disease = append(disease, condEvidence(c, "autoimmune"))
		}
	}
	ev := append(append(disease, treat...), unlinked...)
	var r Result
	switch {
	case len(treat) > 0:
		r = result(Applies, fmt.Sprintf("systemic therapy for autoimmune disease in %s..%s", dayString(from), dayString(anchor)), ev...)
	case len(disease) > 0:
		r = result(DoesNotApply, "autoimmune disease without systemic therapy within 2 years before C1D1", ev...)
	default:
		r = e.noEvidence("autoimmune disease or its systemic therapy").with(unlinked...)
	}
	if len(unlinked) > 0 {
		r = r.flag(FlagUnlinkedTherapy)
	}
	return r.flag(flags...)
}

// ruleX3: allogeneic organ (not cornea) or allogeneic HSCT; Z94.5/Z94.6/
// WHO Z94.8 → review; autologous and cornea do not exclude (domain.md §3 X3).
func ruleX3(e *eval) Result {
	parts := []Result{
		e.condExclusion(condSpec{cats: []string{"transplant-allogeneic"}, what: "allogeneic transplant", anyStatus: true, found: Applies}),
		e.condExclusion(condSpec{cats: []string{"transplant-review"}, what: "transplant of unclear type", anyStatus: true, found: Review}),
	}
	if ps := e.procsIn(-farFuture, e.index, "transplant-allogeneic", "hsct-allogeneic"); len(ps) > 0 {
		parts = append(parts, result(Applies, "allogeneic transplant procedure: "+ps[0].Text, procEvidence(ps[0], firstOf(ps[0].Classes, []string{"transplant-allogeneic", "hsct-allogeneic"}))))
	}
	var allowed []Evidence
	for _, c := range e.condsWith("transplant-cornea") {
		allowed = append(allowed, condEvidence(c, "transplant-cornea"))
	}
	for _, p := range e.procsIn(-farFuture, e.index, "transplant-cornea", "transplant-autologous", "hsct-autologous") {
		allowed = append(allowed, procEvidence(p, firstOf(p.Classes, []string{"transplant-cornea", "transplant-autologous", "hsct-autologous"})))
	}
	if len(allowed) > 0 {
		parts = append(parts, result(DoesNotApply, "only corneal or autologous transplant recorded", allowed...))
	}
	return combine(parts...)
}

// ruleX7: pregnant or lactating (domain.md §3 X7).
func ruleX7(e *eval) Result {
	if e.f.Patient.Gender == "male" {
		return result(DoesNotApply, "male patient")
	}
	parts := []Result{e.condExclusion(condSpec{cats: []string{"pregnancy", "lactation"}, what: "pregnancy or lactation", found: Applies})}
	switch o, v := e.judged("pregnancy-status"); v {
	case "pregnant":
		parts = append(parts, result(Applies, "pregnancy status: pregnant", obsEvidence(o, "")))
	case "not-pregnant":
		parts = append(parts, result(DoesNotApply, "pregnancy status: not pregnant", obsEvidence(o, "")))
	}
	if o, v := e.judged("breastfeeding"); v == "yes" {
		parts = append(parts, result(Applies, "breastfeeding", obsEvidence(o, "")))
	}
	for _, k := range []string{"hcg-serum", "hcg-urine", "hcg-quant"} {
		if o := e.latestLab(k); o != nil && unusable(o) == "" && hcgResult(o) == "pos" {
			parts = append(parts, result(Applies, "positive pregnancy test on "+dateString(o.Date), obsEvidence(o, "")))
		}
	}
	return combine(parts...)
}

func ruleX80(e *eval) Result {
	return e.condExclusion(condSpec{cats: []string{"other-severe-systemic"}, what: "other severe or uncontrolled systemic disease", found: Review})
}

// ruleX81: excluding arrhythmias, unstable angina, heart failure NYHA ≥ II;
// heart failure without NYHA → review (domain.md §3 X8.1).
func ruleX81(e *eval) Result {
	parts := []Result{e.condExclusion(condSpec{cats: []string{"arrhythmia-excluding", "unstable-angina"}, what: "excluding arrhythmia or unstable angina", found: Applies})}
	hf := e.condExclusion(condSpec{cats: []string{"heart-failure"}, what: "heart failure", found: Applies})
	o, v := e.judged("nyha-class")
	n, err := strconv.Atoi(v)
	switch {
	case err == nil && n >= 2:
		parts = append(parts, result(Applies, "NYHA class "+v, obsEvidence(o, "")).with(hf.Evidence...))
	case hf.Outcome == Applies && err == nil:
		parts = append(parts, result(DoesNotApply, "heart failure NYHA class "+v, obsEvidence(o, "")).with(hf.Evidence...))
	case hf.Outcome == Applies:
		parts = append(parts, result(Review, "heart failure without NYHA class", hf.Evidence...))
	default:
		parts = append(parts, hf)
	}
	return combine(parts...)
}

// ruleX82: unstable angina, MI, TIA or stroke with onset in [index-6
// months, index]; old MI (I25.2) does not apply (domain.md §3 X8.2, §2).
func ruleX82(e *eval) Result {
	cats := []string{"unstable-angina", "mi", "stroke", "tia"}
	from := addMonths(e.index, -6)
	var in, unclear, old []Evidence
	for _, c := range e.condsWith(cats...) {
		ev := condEvidence(c, firstCat(c, cats))
		lo, hi, ok := dayRange(c.Onset)
		switch {
		case !ok || (lo < from && hi >= from):
			ev.Note = strings.TrimPrefix(ev.Note+", onset not placeable in the 6-month window", ", ")
			unclear = append(unclear, ev)
		case lo < from:
			old = append(old, ev)
		case unconfirmed(c):
			unclear = append(unclear, ev)
		default:
			in = append(in, ev)
		}
	}
	for _, c := range e.condsWith("mi-old") {
		old = append(old, condEvidence(c, "mi-old"))
	}
	all := append(append(append([]Evidence{}, in...), unclear...), old...)
	window := dayString(from) + ".." + dayString(e.index)
	switch {
	case len(in) > 0:
		return result(Applies, in[0].Item+" with onset in "+window, all...)
	case len(unclear) > 0:
		return result(Review, unclear[0].Item+" recorded, onset unknown or unconfirmed", all...)
	case len(old) > 0:
		return result(DoesNotApply, "cardiovascular events only before "+window, all...)
	}
	return e.noEvidence("unstable angina, MI, TIA or stroke")
}

// Blood pressure limits, mm[Hg]: SBP > 140 or DBP > 90 excludes; 140/90
// does not (domain.md §3 X8.3).
var sbpLimit, dbpLimit = big.NewRat(140, 1), big.NewRat(90, 1)

// ruleX83: the most recent pre-index reading of each; a missing reading is
// unknown. Readings older than the lab look-back are used but flagged.
func ruleX83(e *eval) Result {
	var ev []Evidence
	var flags []string
	verdict := func(concept string, limit *big.Rat) tri {
		o := e.latestEver(concept)
		if o == nil {
			return maybe
		}
		ev = append(ev, obsEvidence(o, ""))
		if d, _ := exactDay(o.Date); d < e.index-e.o.LabLookbackDays {
			flags = append(flags, FlagOlderThanLookback)
		}
		if unusable(o) != "" || o.Value == nil || o.Value.Value == nil || o.Value.Unit != "mm[Hg]" {
			return maybe
		}
		return holds(o.Value.Value, o.Value.Comparator, ">", limit)
	}
	s, d := verdict("bp-systolic", sbpLimit), verdict("bp-diastolic", dbpLimit)
	switch {
	case s == yes || d == yes:
		return result(Applies, "blood pressure above 140 systolic or 90 diastolic", ev...).flag(flags...)
	case s == no && d == no:
		return result(DoesNotApply, "blood pressure not above 140/90", ev...).flag(flags...)
	}
	return result(Unknown, "no usable systolic and diastolic blood pressure before the index date", ev...).flag(flags...)
}
