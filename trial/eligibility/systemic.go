package eligibility

import (
	"fmt"
	"math/big"
)

var pneumonitisCats = []string{"pneumonitis", "pneumonitis-radiation", "ild"}

// ruleX84: steroid-treated non-infectious pneumonitis in [C1D1-1y, C1D1],
// or active ILD (domain.md §3 X8.4, §2). A steroid counts when its reasons
// name pneumonitis/ILD. Steroid-treated pneumonitis after C1D1 (an irAE of
// the neoadjuvant ICI) "also counts ⚠" in domain.md: review, not applies.
func ruleX84(e *eval) Result {
	anchor, flags := e.anchorC1D1()
	from := addMonths(anchor, -12)
	var before, after, active, untreated []Evidence
	for _, m := range e.medsIn(from, e.index, "systemic-steroid") {
		if !hasAny(m.Reasons, pneumonitisCats...) {
			continue
		}
		lo, _, _ := medSpan(m)
		if lo <= anchor {
			before = append(before, medEvidence(m, "systemic-steroid", "for pneumonitis within 1 year before C1D1"))
		} else {
			after = append(after, medEvidence(m, "systemic-steroid", "for pneumonitis after C1D1 (immune-related?)"))
		}
	}
	for _, c := range e.condsWith(pneumonitisCats...) {
		ev := condEvidence(c, firstCat(c, pneumonitisCats))
		switch {
		case has(c.Categories, "ild") && e.active(c) == yes && !unconfirmed(c):
			active = append(active, ev)
		case e.active(c) != no:
			untreated = append(untreated, ev)
		}
	}
	ev := append(append(append(append([]Evidence{}, before...), active...), after...), untreated...)
	var r Result
	switch {
	case len(before) > 0:
		r = result(Applies, "steroid-treated pneumonitis within 1 year before C1D1", ev...)
	case len(active) > 0:
		r = result(Applies, "active interstitial lung disease", ev...)
	case len(after) > 0:
		r = result(Review, "steroid-treated pneumonitis after C1D1 (possible irAE)", ev...)
	case len(untreated) > 0:
		r = result(Review, "pneumonitis or ILD recorded, activity or treatment unclear", ev...)
	default:
		r = e.noEvidence("pneumonitis or interstitial lung disease")
	}
	return r.flag(flags...)
}

// ruleX85: active infection needing systemic therapy or severe infection
// applies; an active infection without therapy, or an anti-infective
// without a recorded infection (prophylaxis?), is for review (domain.md §3
// X8.5). Therapy counts when it spans the lab look-back before the index.
// A chronic HBV antiviral (entecavir, tenofovir: ATC J05AF, so also
// anti-infective) is not therapy of an active infection here: X5's
// exception (a) requires it throughout, and X5 judges it.
func ruleX85(e *eval) Result {
	from := e.index - e.o.LabLookbackDays
	var drugs []*Medication
	for _, m := range e.medsIn(from, e.index, "anti-infective") {
		if !has(m.Classes, "hbv-antiviral") {
			drugs = append(drugs, m)
		}
	}
	var infections []Evidence
	severe := false
	for _, c := range e.condsWith("infection-active") {
		if e.active(c) == no {
			continue
		}
		infections = append(infections, condEvidence(c, "infection-active"))
		severe = severe || (c.Severity == "severe" && e.active(c) == yes && !unconfirmed(c))
	}
	var treated []Evidence
	for _, m := range drugs {
		treated = append(treated, medEvidence(m, "anti-infective", "systemic anti-infective in the look-back"))
	}
	ev := append(infections, treated...)
	switch {
	case severe:
		return result(Applies, "severe active infection", ev...)
	case len(infections) > 0 && len(treated) > 0:
		return result(Applies, "active infection on systemic anti-infective therapy", ev...)
	case len(infections) > 0:
		return result(Review, "active infection recorded without systemic therapy", ev...)
	case len(treated) > 0:
		return result(Review, "systemic anti-infective without a recorded infection (prophylaxis?)", ev...)
	}
	return e.noEvidence("active infection or systemic anti-infective")
}

// ruleX86: active pulmonary TB applies; other respiratory TB → review;
// latent or healed TB does not apply, flagged (domain.md §3 X8.6).
func ruleX86(e *eval) Result {
	r := combine(
		e.condExclusion(condSpec{cats: []string{"tb-pulmonary"}, what: "active pulmonary tuberculosis", found: Applies}),
		e.condExclusion(condSpec{cats: []string{"tb-respiratory-other"}, what: "other respiratory tuberculosis", found: Review}),
	)
	latent := e.condsWith("tb-latent")
	noData := has(r.Flags, FlagNoData)
	if (noData && len(latent) == 0) || (!noData && r.Outcome != DoesNotApply) {
		return r
	}
	for _, c := range latent {
		r = r.with(condEvidence(c, "tb-latent"))
	}
	return result(DoesNotApply, "only latent or healed tuberculosis recorded", r.Evidence...).flag(FlagHealedTB)
}

func ruleX87(e *eval) Result {
	return e.condExclusion(condSpec{cats: []string{"diverticulitis", "abdominal-abscess", "intestinal-obstruction"},
		what: "active diverticulitis, intra-abdominal abscess or intestinal obstruction", found: Applies})
}

// ruleX88: any cirrhosis applies; decompensation and active hepatitis when
// active; "chronic hepatitis B, active" → review (domain.md §3 X8.8).
func ruleX88(e *eval) Result {
	return combine(
		e.condExclusion(condSpec{cats: []string{"cirrhosis"}, what: "cirrhosis", anyStatus: true, found: Applies}),
		e.condExclusion(condSpec{cats: []string{"liver-decompensation", "active-hepatitis"}, what: "decompensated liver disease or active hepatitis", found: Applies}),
		e.condExclusion(condSpec{cats: []string{"chronic-hbv-active"}, what: "chronic active hepatitis B", found: Review}),
	)
}

// glucoseLimit: FBG > 10 mmol/L excludes (domain.md §3 X8.9); values
// arrive in mmol/L already (180 mg/dL = 9.991 mmol/L does not).
var glucoseLimit = big.NewRat(10, 1)

// ruleX89: fasting glucose > 10 applies, else does not; a random glucose
// > 10 is for review; a random glucose ≤ 10 alone does not apply, flagged
// (a fasting value does not exceed a random one of the same period).
func ruleX89(e *eval) Result {
	fasting := e.latestLab("glucose-fasting")
	random := e.latestLab("glucose")
	if random != nil && random.Fasting && (fasting == nil || random.Date.Time.After(fasting.Date.Time)) {
		fasting, random = random, nil
	}
	if fasting != nil {
		c := e.judgeLimit(fasting, "mmol/L", ">", glucoseLimit)
		out := map[tri]Outcome{yes: Applies, no: DoesNotApply, maybe: Unknown}[c.t]
		return result(out, "fasting "+c.why, c.ev...)
	}
	if random == nil {
		return result(Unknown, fmt.Sprintf("no fasting glucose in the %d days up to %s", e.o.LabLookbackDays, dayString(e.index)))
	}
	c := e.judgeLimit(random, "mmol/L", ">", glucoseLimit)
	switch c.t {
	case yes:
		return result(Review, "random (non-fasting) "+c.why, c.ev...)
	case no:
		return result(DoesNotApply, "no fasting glucose; random "+c.why, c.ev...).flag(FlagRandomGlucoseOnly)
	}
	return result(Unknown, c.why, c.ev...)
}

// judgeLimit compares a chosen observation with a fixed limit.
func (e *eval) judgeLimit(o *Observation, unit, op string, limit *big.Rat) check {
	c := check{o: o, t: maybe, ev: []Evidence{obsEvidence(o, "")}}
	switch {
	case unusable(o) != "":
		c.why = fmt.Sprintf("%s of %s cannot be used: %s", o.Concept, dateString(o.Date), unusable(o))
	case o.Value == nil || o.Value.Value == nil || o.Value.Unit != unit:
		c.why = fmt.Sprintf("%s of %s has no value in %s", o.Concept, dateString(o.Date), unit)
	default:
		c.t = holds(o.Value.Value, o.Value.Comparator, op, limit)
		verdict := map[tri]string{yes: "is", no: "is not", maybe: "may be"}[c.t]
		c.why = fmt.Sprintf("%s %s on %s %s %s %s", o.Concept, valueString(o.Value), dateString(o.Date), verdict, op, decimal(limit))
	}
	return c
}

// dipstickLevel ranks dipstick ordinals (domain.md §4: neg, trace, 1+..4+).
var dipstickLevel = map[string]int{"negative": 0, "trace": 1, "1+": 2, "2+": 3, "3+": 4, "4+": 5}

var proteinLimit = big.NewRat(1, 1) // 24-h urine protein > 1.0 g excludes

// ruleX810: dipstick ≥ 2+ and 24-h protein > 1.0 g applies; < 2+ does not;
// ≥ 2+ without a 24-h result is unknown (domain.md §3 X8.10).
func ruleX810(e *eval) Result {
	dip := e.latestLab("urine-protein-dipstick")
	day := e.latestLab("urine-protein-24h")
	var ev []Evidence
	dipHigh := maybe
	if dip != nil {
		ev = append(ev, obsEvidence(dip, ""))
		if lvl, ok := dipstickLevel[dip.Result]; ok && unusable(dip) == "" {
			dipHigh = map[bool]tri{true: yes, false: no}[lvl >= dipstickLevel["2+"]]
		}
	}
	h := maybe
	why := "no 24-hour urine protein"
	if day != nil {
		c := e.judgeLimit(day, "g/(24.h)", ">", proteinLimit)
		h, why, ev = c.t, c.why, append(ev, c.ev...)
	}
	switch {
	case dipHigh == no:
		return result(DoesNotApply, "urine protein dipstick below 2+", ev...)
	case h == no:
		return result(DoesNotApply, why, ev...)
	case dipHigh == yes && h == yes:
		return result(Applies, "urine protein dipstick >= 2+ and "+why, ev...)
	case dipHigh == yes:
		return result(Unknown, "urine protein dipstick >= 2+; "+why, ev...)
	}
	return result(Unknown, fmt.Sprintf("no usable urine protein dipstick in the %d days up to %s", e.o.LabLookbackDays, dayString(e.index)), ev...)
}

// ruleX811: severe mental illness is a judgement: review when coded, never
// an automatic exclusion (domain.md §3 X8.11).
func ruleX811(e *eval) Result {
	return e.condExclusion(condSpec{cats: []string{"psychiatric-severe"}, what: "severe mental illness", anyStatus: true, found: Review})
}
