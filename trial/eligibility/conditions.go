package eligibility

import "strings"

// condSpec describes an exclusion decided by coded conditions.
type condSpec struct {
	cats []string
	what string
	// anyStatus: the history counts, not only an active condition (e.g.
	// cirrhosis, HIV, transplant: domain.md §3 X8.8).
	anyStatus bool
	// found is the outcome when a confirmed, qualifying condition is coded:
	// Applies, or Review for judgement criteria (X8.0, X8.11).
	found Outcome
}

// condExclusion applies a condSpec: a confirmed qualifying condition →
// spec.found; unconfirmed verification or undecidable activity → review
// (domain.md §1 status filter, active condition); only resolved history →
// does-not-apply; nothing coded → the no-evidence default with no-data.
func (e *eval) condExclusion(s condSpec) Result {
	var hit, unclear, past []Evidence
	for _, c := range e.condsWith(s.cats...) {
		ev := condEvidence(c, firstCat(c, s.cats))
		act := e.active(c)
		switch {
		case s.anyStatus || act == yes:
			if unconfirmed(c) {
				unclear = append(unclear, ev)
			} else {
				hit = append(hit, ev)
			}
		case act == maybe:
			ev.Note = strings.TrimPrefix(ev.Note+", activity unknown (no clinical status or abatement)", ", ")
			unclear = append(unclear, ev)
		default:
			past = append(past, ev)
		}
	}
	all := append(append(append([]Evidence{}, hit...), unclear...), past...)
	switch {
	case len(hit) > 0:
		return result(s.found, s.what+" recorded: "+hit[0].Received, all...)
	case len(unclear) > 0:
		return result(Review, s.what+" recorded but unconfirmed or of unknown activity: "+unclear[0].Received, all...)
	case len(past) > 0:
		return result(DoesNotApply, "only resolved or inactive "+s.what+" recorded", all...)
	}
	return e.noEvidence(s.what)
}

// exclusionRank orders exclusion outcomes from the most to the least
// decisive, for criteria made of several parts.
var exclusionRank = map[Outcome]int{Applies: 0, Review: 1, Unknown: 2, DoesNotApply: 3}

// combine merges the parts of one exclusion: the most decisive outcome of
// the parts that had evidence, with its reason, and the evidence of all
// parts; when no part had evidence, the no-evidence result of them all.
func combine(parts ...Result) Result {
	var best *Result
	var ev []Evidence
	var flags, none []string
	for i, p := range parts {
		ev = append(ev, p.Evidence...)
		if has(p.Flags, FlagNoData) {
			none = append(none, strings.TrimSuffix(strings.TrimPrefix(p.Reason, "no "), " recorded"))
			continue
		}
		flags = append(flags, p.Flags...)
		if best == nil || exclusionRank[p.Outcome] < exclusionRank[best.Outcome] {
			best = &parts[i]
		}
	}
	if best == nil {
		return Result{Outcome: parts[0].Outcome, Reason: "no " + strings.Join(none, ", ") + " recorded", Evidence: ev}.flag(FlagNoData)
	}
	return Result{Outcome: best.Outcome, Reason: best.Reason, Evidence: ev}.flag(flags...)
}
