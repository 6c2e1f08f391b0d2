package recist

import "time"

// evaluator holds what one Evaluate call carries from time point to time
// point besides the target references.
type evaluator struct {
	opt        Options
	targets    []lesionRef
	nonTargets []lesionRef
	inBaseline map[string]Role
	// equivocalSince maps a new lesion to the index (among follow-up time
	// points) where it was first seen equivocally.
	equivocalSince map[string]int
	// respSince is the date of the first target CR/PR not yet confirmed.
	respSince time.Time
}

// checkFollowUp reports the follow-up inconsistencies of domain.md §10: a
// modality other than the baseline's, two scans on one date, a target not
// reported, a lesion neither in the baseline nor new, a changed role, a
// coalesced lesion pointing nowhere.
func (ev *evaluator) checkFollowUp(out []Finding, bl, prev, tp *TimePoint) []Finding {
	if tp.Modality != bl.Modality {
		out = append(out, finding(Warning, FindingModalitySwitch, tp, "", "modality %s differs from baseline %s", tp.Modality, bl.Modality))
	}
	if utcDate(tp.Date).Equal(utcDate(prev.Date)) {
		out = append(out, finding(Warning, FindingSameDate, tp, "", "two time points on one date"))
	}
	here := map[string]Status{}
	for i := range tp.Lesions {
		a := &tp.Lesions[i]
		if st, dup := here[a.LesionID]; dup && (st != StatusSplit || a.Status != StatusSplit) {
			out = append(out, finding(Error, FindingDuplicateLesion, tp, a.LesionID, "lesion %s listed more than once", a.LesionID))
		}
		here[a.LesionID] = a.Status
		role, ok := ev.inBaseline[a.LesionID]
		switch {
		case !ok && a.Role != RoleNew:
			out = append(out, finding(Error, FindingUnknownLesion, tp, a.LesionID, "%s lesion %s is not in the baseline", a.Role, a.LesionID))
		case ok && a.Role != role:
			out = append(out, finding(Error, FindingRoleChanged, tp, a.LesionID, "lesion %s is %s, was %s at baseline", a.LesionID, a.Role, role))
		case a.Status == StatusCoalesced && ev.inBaseline[a.CoalescedInto] == "":
			out = append(out, finding(Warning, FindingCoalescedUnknown, tp, a.LesionID, "lesion %s coalesced into unknown lesion %q", a.LesionID, a.CoalescedInto))
		case ok && role == RoleTarget && (a.Status == StatusPresent || a.Status == StatusSplit) && fragmentSum(a) == 0:
			out = append(out, finding(Error, FindingSizeMissing, tp, a.LesionID, "target %s is present without a size", a.LesionID))
		}
	}
	for _, t := range ev.targets {
		if _, ok := here[t.id]; !ok {
			out = append(out, finding(Warning, FindingTargetMissing, tp, t.id, "target %s not reported; target response NE unless PD", t.id))
		}
	}
	return out
}

// advance carries a target result into the state for the next time point:
// the nadir (complete sums only), the last evaluable response and the
// EORTC FAQ rule that holds PR once it was assigned, or confirmed when
// Options.Confirm is set.
func (ev *evaluator) advance(st *targetState, t targetResult, date time.Time) {
	if t.complete && t.sum < st.nadir {
		st.nadir = t.sum
	}
	if t.response != NE {
		st.lastEval = t.response
	}
	switch t.response {
	case CR, PR:
		if !ev.opt.Confirm {
			st.holdPR = true
		} else if ev.respSince.IsZero() {
			ev.respSince = date
		} else if days(ev.respSince, date) >= ev.opt.confirmDays() {
			st.holdPR = true
		}
	case PD:
		st.holdPR, ev.respSince = false, time.Time{}
	}
}

// newLesions summarises the new lesions of follow-up time point k and
// returns, when an equivocal lesion is now unequivocal, the index of its
// first detection (PD dated back, domain.md §10); -1 otherwise.
func (ev *evaluator) newLesions(tp *TimePoint, k int) (NewLesions, int) {
	state, back := NewNone, -1
	for i := range tp.Lesions {
		a := &tp.Lesions[i]
		if a.Role != RoleNew || ev.inBaseline[a.LesionID] != "" {
			continue
		}
		if a.Status == StatusAbsent || a.Status == StatusNotEvaluated {
			continue
		}
		first, seen := ev.equivocalSince[a.LesionID]
		if a.Equivocal {
			if !seen {
				ev.equivocalSince[a.LesionID] = k
			}
			if state == NewNone {
				state = NewEquivocal
			}
			continue
		}
		state = NewUnequivocal
		if seen && (back < 0 || first < back) {
			back = first
		}
	}
	return state, back
}
