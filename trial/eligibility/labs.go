package eligibility

import (
	"fmt"
	"math/big"
	"strings"
)

// labNames are the human names of lab concepts used in reasons.
var labNames = map[string]string{
	"anc": "ANC", "platelets": "platelets", "hemoglobin": "haemoglobin",
	"bilirubin-total": "total bilirubin", "ast": "AST", "alt": "ALT",
	"creatinine": "creatinine", "inr": "INR", "pt": "PT", "tsh": "TSH",
	"ft4": "FT4", "ft3": "FT3", "t3-total": "total T3",
}

func labName(concept string) string {
	if n, ok := labNames[concept]; ok {
		return n
	}
	return concept
}

// check is one lab result judged against its limit: t is yes when it
// passes, no when it fails, maybe when undecidable or missing (why says so).
type check struct {
	o     *Observation
	t     tri
	why   string
	ev    []Evidence
	flags []string
}

// pick selects the lab result a rule reads (domain.md §1 which value) and
// reports why it cannot be used, if so.
func (e *eval) pick(concept string) (*Observation, check) {
	o := e.latestLab(concept)
	if o == nil {
		return nil, check{t: maybe, why: fmt.Sprintf("no %s result in the %d days up to %s", labName(concept), e.o.LabLookbackDays, dayString(e.index))}
	}
	c := check{o: o, t: maybe, ev: []Evidence{obsEvidence(o, "")}}
	if u := unusable(o); u != "" {
		c.why = fmt.Sprintf("%s of %s cannot be used: %s", labName(concept), dateString(o.Date), u)
		return o, c
	}
	if o.Value == nil || o.Value.Value == nil {
		c.why = fmt.Sprintf("%s of %s has no quantitative value", labName(concept), dateString(o.Date))
		return o, c
	}
	return o, c
}

func valueString(q *Quantity) string {
	return strings.TrimSpace(q.Comparator + decimal(q.Value) + " " + q.Unit)
}

// checkLimit compares a lab with a fixed limit in its canonical unit.
func (e *eval) checkLimit(concept, unit, op string, limit *big.Rat) check {
	o, c := e.pick(concept)
	if c.why != "" {
		return c
	}
	if o.Value.Unit != unit {
		c.why = fmt.Sprintf("%s unit %q is not %s", labName(concept), o.Value.Unit, unit)
		return c
	}
	c.t = holds(o.Value.Value, o.Value.Comparator, op, limit)
	verdict := map[tri]string{yes: "meets", no: "fails", maybe: "cannot be compared with"}[c.t]
	c.why = fmt.Sprintf("%s %s on %s %s %s %s", labName(concept), valueString(o.Value), dateString(o.Date), verdict, op, decimal(limit))
	return c
}

// rangeOf is the observation's reference range, falling back per bound to
// the site default (flagged); text-parsed ranges are flagged (domain.md §1).
func (e *eval) rangeOf(o *Observation) (low, high *big.Rat, flags []string) {
	low, high = o.Low, o.High
	if (low != nil || high != nil) && o.RangeFromText {
		flags = append(flags, FlagRangeFromText)
	}
	if def, ok := e.o.SiteRanges[o.Concept]; ok {
		if low == nil && def.Low != nil {
			low, flags = def.Low, append(flags, FlagSiteDefaultRange)
		}
		if high == nil && def.High != nil {
			high, flags = def.High, append(flags, FlagSiteDefaultRange)
		}
	}
	return low, high, flags
}

// checkULN compares a lab with factor × ULN, exactly (domain.md §1 ULN:
// value and ULN share the canonical unit, so the ratio is unit-free).
func (e *eval) checkULN(concept string, factor *big.Rat) check {
	o, c := e.pick(concept)
	if c.why != "" {
		return c
	}
	_, uln, flags := e.rangeOf(o)
	c.flags = flags
	if uln == nil || uln.Sign() <= 0 {
		c.why = fmt.Sprintf("%s of %s has no upper limit of normal", labName(concept), dateString(o.Date))
		return c
	}
	c.t = holds(o.Value.Value, o.Value.Comparator, "<=", mul(factor, uln))
	ratio := new(big.Rat).Quo(o.Value.Value, uln)
	c.ev[0].Note = fmt.Sprintf("%s%s x ULN (ULN %s %s)", o.Value.Comparator, ratio.FloatString(2), decimal(uln), o.Value.Unit)
	verdict := map[tri]string{yes: "within", no: "above", maybe: "not comparable with"}[c.t]
	c.why = fmt.Sprintf("%s %s on %s is %s%s x ULN, %s %s x ULN", labName(concept), valueString(o.Value), dateString(o.Date),
		o.Value.Comparator, ratio.FloatString(2), verdict, decimal(factor))
	return c
}

// inclusion turns a check into an inclusion result.
func (c check) inclusion() Result {
	out := map[tri]Outcome{yes: Met, no: NotMet, maybe: Unknown}[c.t]
	return Result{Outcome: out, Reason: c.why, Evidence: c.ev}.flag(c.flags...)
}

// treatmentWindowDays is the "no G-CSF / transfusion / ESA within 14 days"
// window before the specimen (domain.md §2), fixed by the protocol text.
const treatmentWindowDays = 14

// specimenWindow applies domain.md §2's "nothing given in [specimen-14d,
// specimen]" rules to a count check: blocking treatments make the count
// invalid (not-met), judged ones give judged, flagged ones only flag.
type specimenWindow struct {
	blockMeds, blockProcs []string
	judgedMeds            []string
	judged                Outcome
	flagMeds              []string
	flag                  string
}

func (e *eval) withWindow(c check, w specimenWindow) Result {
	r := c.inclusion()
	if c.o == nil || r.Outcome == NotMet {
		return r
	}
	day, ok := exactDay(c.o.Date)
	if !ok {
		return r
	}
	from := day - treatmentWindowDays
	var block []Evidence
	for _, m := range e.medsIn(from, day, w.blockMeds...) {
		block = append(block, medEvidence(m, firstOf(m.Classes, w.blockMeds), "given within 14 days before the specimen"))
	}
	for _, p := range e.procsIn(from, day, w.blockProcs...) {
		block = append(block, procEvidence(p, firstOf(p.Classes, w.blockProcs)))
	}
	if len(block) > 0 {
		return result(NotMet, fmt.Sprintf("%s specimen of %s is within 14 days after %s", labName(c.o.Concept), dateString(c.o.Date), block[0].Item),
			append(r.Evidence, block...)...).flag(r.Flags...)
	}
	for _, m := range e.medsIn(from, day, w.flagMeds...) {
		r = r.with(medEvidence(m, w.flag, "given within 14 days before the specimen")).flag(w.flag)
	}
	if r.Outcome == Unknown {
		return r
	}
	if judged := e.medsIn(from, day, w.judgedMeds...); len(judged) > 0 {
		item := firstOf(judged[0].Classes, w.judgedMeds)
		r.Outcome = w.judged
		r.Reason = fmt.Sprintf("%s; %s given within 14 days before the specimen", r.Reason, item)
		r = r.with(medEvidence(judged[0], item, "given within 14 days before the specimen"))
	}
	return r
}

func firstOf(list, wanted []string) string {
	for _, w := range wanted {
		if has(list, w) {
			return w
		}
	}
	return ""
}

func ruleL1(e *eval) Result {
	c := e.checkLimit("anc", "10*9/L", ">=", rat("1.5"))
	return e.withWindow(c, specimenWindow{blockMeds: []string{"gcsf"}, judgedMeds: []string{"gm-csf"}, judged: e.o.GMCSF})
}

func ruleL2(e *eval) Result {
	c := e.checkLimit("platelets", "10*9/L", ">=", rat("100"))
	return e.withWindow(c, specimenWindow{blockMeds: []string{"transfusion-product"}, blockProcs: []string{"transfusion"},
		flagMeds: []string{"tpo-agent"}, flag: FlagTPOAgent})
}

// ruleL3: strict ">" - 9.0 g/dL (90 g/L) fails (domain.md §3 L3).
func ruleL3(e *eval) Result {
	c := e.checkLimit("hemoglobin", "g/dL", ">", rat("9"))
	return e.withWindow(c, specimenWindow{blockMeds: []string{"transfusion-product", "esa"}, blockProcs: []string{"transfusion"}})
}

func ruleL4(e *eval) Result {
	return e.checkULN("bilirubin-total", rat("1.5")).inclusion()
}

// ruleL5 needs both AST and ALT (domain.md §3 L5): either failing fails,
// else either missing is unknown.
func ruleL5(e *eval) Result {
	return both(e.checkULN("ast", rat("2.5")), e.checkULN("alt", rat("2.5")))
}

// both is the conjunction of two checks.
func both(a, b check) Result {
	c := check{ev: append(append([]Evidence{}, a.ev...), b.ev...), flags: append(append([]string{}, a.flags...), b.flags...)}
	switch {
	case a.t == no || b.t == no:
		c.t = no
	case a.t == maybe || b.t == maybe:
		c.t = maybe
	default:
		c.t = yes
	}
	c.why = a.why + "; " + b.why
	return c.inclusion()
}

// ruleL7: INR ≤ 1.5×ULN or PT ≤ 1.5×ULN, either passing suffices; PT
// activity (%) or ratio, and anticoagulant therapy, are for review
// (domain.md §3 L7).
func ruleL7(e *eval) Result {
	inr, pt := e.checkULN("inr", rat("1.5")), e.checkULN("pt", rat("1.5"))
	var other []Evidence
	for _, k := range []string{"pt-percent", "pt-ratio"} {
		if o := e.latestLab(k); o != nil {
			other = append(other, obsEvidence(o, "PT activity or ratio: not a multiple of ULN"))
		}
	}
	ev := append(append(append([]Evidence{}, inr.ev...), pt.ev...), other...)
	flags := append(append([]string{}, inr.flags...), pt.flags...)
	if inr.o == nil && pt.o == nil && len(other) == 0 {
		return result(Unknown, fmt.Sprintf("no INR or PT result in the %d days up to %s", e.o.LabLookbackDays, dayString(e.index)))
	}
	if ac := e.medsIn(e.index-e.o.LabLookbackDays, e.index, "anticoagulant"); len(ac) > 0 {
		return result(Review, "anticoagulant therapy: coagulation results need investigator judgement", append(ev, medEvidence(ac[0], "anticoagulant", ""))...).flag(flags...)
	}
	switch {
	case inr.t == yes || pt.t == yes:
		why := inr.why
		if inr.t != yes {
			why = pt.why
		}
		return result(Met, why, ev...).flag(flags...)
	case len(other) > 0:
		return result(Review, "only PT activity or PT ratio decides: investigator judgement", ev...).flag(flags...)
	case inr.t == no && pt.t == no:
		return result(NotMet, inr.why+"; "+pt.why, ev...).flag(flags...)
	}
	return result(Unknown, inr.why+"; "+pt.why, ev...).flag(flags...)
}
