package eligibility

import (
	"fmt"
	"strings"
)

// inRange judges a lab against its own [LLN, ULN] (domain.md §3 L8).
func (e *eval) inRange(concept string) check {
	o, c := e.pick(concept)
	if c.why != "" {
		return c
	}
	low, high, flags := e.rangeOf(o)
	c.flags = flags
	if low == nil || high == nil {
		c.why = fmt.Sprintf("%s of %s has no complete reference range", labName(concept), dateString(o.Date))
		return c
	}
	v, cmp := o.Value.Value, o.Value.Comparator
	lowOK, highOK := holds(v, cmp, ">=", low), holds(v, cmp, "<=", high)
	switch {
	case lowOK == no || highOK == no:
		c.t = no
	case lowOK == yes && highOK == yes:
		c.t = yes
	}
	verdict := map[tri]string{yes: "within", no: "outside", maybe: "not comparable with"}[c.t]
	c.why = fmt.Sprintf("%s %s on %s %s %s-%s", labName(concept), valueString(o.Value), dateString(o.Date), verdict, decimal(low), decimal(high))
	c.ev[0].Note = "reference range " + decimal(low) + "-" + decimal(high)
	return c
}

// ruleL8: TSH within [LLN, ULN] → met; otherwise FT4 and (FT3 or TT3)
// within range → met; with TSH abnormal, any of those abnormal → not-met;
// missing → unknown (domain.md §3 L8). A missing TSH with normal FT4 and T3
// is met: the rule's "if not" route does not need TSH itself.
func ruleL8(e *eval) Result {
	tsh := e.inRange("tsh")
	if tsh.t == yes {
		return tsh.inclusion()
	}
	ft4, ft3, tt3 := e.inRange("ft4"), e.inRange("ft3"), e.inRange("t3-total")
	t3 := maybe
	switch {
	case ft3.t == yes || tt3.t == yes:
		t3 = yes
	case ft3.t == no || tt3.t == no:
		t3 = no
	}
	var ev []Evidence
	var flags, why []string
	for _, c := range []check{tsh, ft4, ft3, tt3} {
		ev, flags, why = append(ev, c.ev...), append(flags, c.flags...), append(why, c.why)
	}
	reason := strings.Join(why, "; ")
	switch {
	case ft4.t == yes && t3 == yes:
		return result(Met, reason, ev...).flag(flags...)
	case tsh.t == no && (ft4.t == no || t3 == no):
		return result(NotMet, reason, ev...).flag(flags...)
	}
	return result(Unknown, reason, ev...).flag(flags...)
}

// cardiacConcepts are the myocardial enzyme profile (domain.md §3 L9, §4).
var cardiacConcepts = []string{"troponin-i", "troponin-t", "ck", "ck-mb-mass", "ck-mb-activity", "ldh", "hbdh", "myoglobin"}

// ruleL9: all available within range → met; any above ULN → review
// (investigator judgement); none → unknown (domain.md §3 L9). A result
// that cannot be judged (no ULN, preliminary) makes the whole unknown.
func ruleL9(e *eval) Result {
	var ev []Evidence
	var flags, above, unclear []string
	for _, k := range cardiacConcepts {
		o, c := e.pick(k)
		if o == nil {
			continue
		}
		ev = append(ev, c.ev...)
		if c.why != "" {
			unclear = append(unclear, c.why)
			continue
		}
		_, uln, fl := e.rangeOf(o)
		flags = append(flags, fl...)
		if uln == nil {
			unclear = append(unclear, k+" has no upper limit of normal")
			continue
		}
		switch holds(o.Value.Value, o.Value.Comparator, "<=", uln) {
		case no:
			above = append(above, fmt.Sprintf("%s %s > ULN %s", k, valueString(o.Value), decimal(uln)))
		case maybe:
			unclear = append(unclear, k+" not comparable with its ULN")
		}
	}
	switch {
	case len(ev) == 0:
		return result(Unknown, fmt.Sprintf("no myocardial enzyme result in the %d days up to %s", e.o.LabLookbackDays, dayString(e.index)))
	case len(above) > 0:
		return result(Review, "above ULN, investigator judgement: "+strings.Join(above, ", "), ev...).flag(flags...)
	case len(unclear) > 0:
		return result(Unknown, strings.Join(unclear, "; "), ev...).flag(flags...)
	}
	return result(Met, fmt.Sprintf("all %d myocardial enzyme results within range", len(ev)), ev...).flag(flags...)
}
