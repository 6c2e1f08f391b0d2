package eligibility

import (
	"fmt"
	"math/big"
)

// Infectious serology is not a "baseline lab" with a look-back: the most
// recent result on or before the index date is used (often the pre-
// neoadjuvant screening), as domain.md §3 X5 anchors the HBV DNA exception
// "before the first dose", long before the index date.

// serology reads the most recent qualitative result of concept: its
// pos/neg/ind value, or "" with the observation when it cannot be used.
func (e *eval) serology(concept string) (*Observation, string) {
	o := e.latestEver(concept)
	if o == nil || unusable(o) != "" {
		return o, ""
	}
	return o, qual(o)
}

// ruleX4: known HIV - an HIV condition or a positive test applies
// (domain.md §3 X4); no record → the no-evidence default (§13 q8).
func ruleX4(e *eval) Result {
	cond := e.condExclusion(condSpec{cats: []string{"hiv"}, what: "HIV infection", anyStatus: true, found: Applies})
	o, q := e.serology("hiv")
	if o == nil {
		return cond
	}
	ev := obsEvidence(o, "")
	var test Result
	switch q {
	case "pos":
		test = result(Applies, "positive HIV test on "+dateString(o.Date), ev)
	case "neg":
		test = result(DoesNotApply, "negative HIV test on "+dateString(o.Date), ev)
	case "ind":
		test = result(Review, "indeterminate HIV test on "+dateString(o.Date), ev)
	default:
		test = result(Unknown, "HIV test of "+dateString(o.Date)+" cannot be used", ev)
	}
	return combine(test, cond)
}

// hbvDNALimit is exception (a)'s 1000 copies/mL = 200 IU/mL (domain.md §3 X5).
var hbvDNALimit = big.NewRat(200, 1)

// ruleX5: untreated active hepatitis B = HBsAg+ and HBV DNA > the site ULN,
// with the exceptions of domain.md §3 X5. HBsAg is a lab: without it the
// result is unknown (criteria.md: a missing lab = unknown).
func ruleX5(e *eval) Result {
	s, sq := e.serology("hbsag")
	if s == nil {
		return result(Unknown, "no HBsAg result on file")
	}
	ev := []Evidence{obsEvidence(s, "")}
	switch sq {
	case "neg":
		r := result(DoesNotApply, "HBsAg negative on "+dateString(s.Date), ev...)
		if c, q := e.serology("anti-hbc"); q == "pos" {
			r = r.with(obsEvidence(c, "anti-HBc positive: monitor (exception b)")).flag(FlagAntiHBcPositive)
		}
		if d, det := e.hbvDNA(); det == yes {
			r = r.with(obsEvidence(d, "HBV DNA detected with HBsAg negative")).flag(FlagOccultHBV)
		}
		return r
	case "pos":
	case "":
		return result(Unknown, "HBsAg result of "+dateString(s.Date)+" cannot be used", ev...)
	default:
		return result(Review, "HBsAg indeterminate on "+dateString(s.Date), ev...)
	}
	if x, ok := e.hbvException(); ok {
		return result(DoesNotApply, "HBsAg positive; HBV DNA < 200 IU/mL before C1D1 with antiviral therapy (exception a)", append(ev, x...)...)
	}
	d := e.latestEver("hbv-dna")
	if d == nil || unusable(d) != "" || d.Value == nil || d.Value.Value == nil {
		if p, q := e.serology("hbv-dna-presence"); q == "neg" {
			return result(DoesNotApply, "HBsAg positive; HBV DNA not detected", append(ev, obsEvidence(p, ""))...)
		}
		if d != nil {
			ev = append(ev, obsEvidence(d, ""))
		}
		return result(Unknown, "HBsAg positive and no usable quantitative HBV DNA", ev...)
	}
	_, uln, flags := e.rangeOf(d)
	ev = append(ev, obsEvidence(d, "site ULN "+decimal(uln)))
	if uln == nil {
		return result(Unknown, "HBsAg positive; HBV DNA has no site upper limit", ev...).flag(flags...)
	}
	switch holds(d.Value.Value, d.Value.Comparator, "<=", uln) {
	case yes:
		return result(DoesNotApply, fmt.Sprintf("HBsAg positive; HBV DNA %s <= site ULN %s", valueString(d.Value), decimal(uln)), ev...).flag(flags...)
	case no:
		return result(Applies, fmt.Sprintf("HBsAg positive; HBV DNA %s > site ULN %s without exception (a)", valueString(d.Value), decimal(uln)), ev...).flag(flags...)
	}
	return result(Unknown, fmt.Sprintf("HBsAg positive; HBV DNA %s not comparable with site ULN %s", valueString(d.Value), decimal(uln)), ev...).flag(flags...)
}

// hbvDNA is the most recent HBV DNA and whether it detects virus.
func (e *eval) hbvDNA() (*Observation, tri) {
	if d := e.latestEver("hbv-dna"); d != nil && unusable(d) == "" && d.Value != nil && d.Value.Value != nil {
		if d.Value.Comparator == "<" || d.Value.Comparator == "<=" || d.Value.Value.Sign() == 0 {
			return d, no
		}
		return d, yes
	}
	if p, q := e.serology("hbv-dna-presence"); q == "pos" {
		return p, yes
	} else if q == "neg" {
		return p, no
	}
	return nil, maybe
}

// hbvException checks exception (a): a quantitative HBV DNA measured on or
// before C1D1 below 200 IU/mL (conservative with comparators) and an HBV
// antiviral active on the index date ("throughout").
func (e *eval) hbvException() ([]Evidence, bool) {
	if e.c1d1 == nil {
		return nil, false
	}
	var dna *Observation
	for _, d := range e.obs["hbv-dna"] {
		if day, ok := exactDay(d.Date); ok && day <= e.c1d1Day && unusable(d) == "" && d.Value != nil && d.Value.Value != nil {
			dna = d
			break
		}
	}
	if dna == nil || holds(dna.Value.Value, dna.Value.Comparator, "<", hbvDNALimit) != yes {
		return nil, false
	}
	for i := range e.f.Medications {
		m := &e.f.Medications[i]
		if !has(m.Classes, "hbv-antiviral") || m.Status == "not-taken" || m.Status == "entered-in-error" || m.Status == "cancelled" {
			continue
		}
		if lo, hi, ok := medSpan(m); ok && lo <= e.index && hi >= e.index {
			return []Evidence{obsEvidence(dna, "HBV DNA before C1D1 "+dayString(e.c1d1Day)), medEvidence(m, "hbv-antiviral", "active on the index date")}, true
		}
	}
	return nil, false
}

// ruleX6: active hepatitis C = HCV Ab+ and HCV RNA above the limit of
// detection (domain.md §3 X6); a missing lab is unknown.
func ruleX6(e *eval) Result {
	a, aq := e.serology("hcv-ab")
	r, rq := e.hcvRNA()
	var ev []Evidence
	for _, o := range []*Observation{a, r} {
		if o != nil {
			ev = append(ev, obsEvidence(o, ""))
		}
	}
	switch {
	case rq == yes:
		return result(Applies, "HCV RNA detected on "+dateString(r.Date), ev...)
	case aq == "neg":
		return result(DoesNotApply, "HCV antibody negative on "+dateString(a.Date), ev...)
	case rq == no:
		return result(DoesNotApply, "HCV RNA not detected on "+dateString(r.Date), ev...)
	case aq == "pos":
		return result(Unknown, "HCV antibody positive and no usable HCV RNA", ev...)
	case a == nil:
		return result(Unknown, "no HCV antibody result on file", ev...)
	}
	return result(Unknown, "HCV antibody result cannot be used", ev...)
}

// hcvRNA: a quantitative RNA below a "<" limit or zero is not detected.
func (e *eval) hcvRNA() (*Observation, tri) {
	if d := e.latestEver("hcv-rna"); d != nil && unusable(d) == "" {
		if q := qual(d); q == "pos" || q == "neg" {
			return d, map[string]tri{"pos": yes, "neg": no}[q]
		}
		if d.Value != nil && d.Value.Value != nil {
			if d.Value.Comparator == "<" || d.Value.Comparator == "<=" || d.Value.Value.Sign() == 0 {
				return d, no
			}
			return d, yes
		}
	}
	p, q := e.serology("hcv-rna-presence")
	return p, map[string]tri{"pos": yes, "neg": no, "ind": maybe, "": maybe}[q]
}
