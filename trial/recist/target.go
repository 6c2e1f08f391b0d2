package recist

import "math/big"

// lesionRef is a baseline target or non-target lesion.
type lesionRef struct {
	id    string
	nodal bool
}

// measured is the diameter of one target at one time point.
type measured struct {
	size Length
	ok   bool // false: not evaluated (missing, not-evaluated, unusable)
}

// measure derives the RECIST diameter of one lesion from every assessment
// recorded for it at a time point (domain.md §10 "Measurement rules"):
// absent and coalesced count 0, too small to measure 5 mm, a split lesion the
// sum of its fragments.
func measure(as []*Assessment) measured {
	if len(as) == 0 {
		return measured{}
	}
	if len(as) > 1 {
		var s Length
		for _, a := range as {
			if a.Status != StatusSplit {
				return measured{} // duplicate record: reported, not guessed
			}
			s += fragmentSum(a)
		}
		return measured{size: s, ok: s > 0}
	}
	a := as[0]
	switch a.Status {
	case StatusAbsent, StatusCoalesced:
		return measured{ok: true}
	case StatusTooSmall:
		return measured{size: TooSmallToMeasure, ok: true}
	case StatusPresent, StatusSplit:
		s := fragmentSum(a)
		return measured{size: s, ok: s > 0}
	}
	return measured{}
}

func fragmentSum(a *Assessment) Length {
	s := a.Size
	for _, f := range a.Fragments {
		s += f
	}
	return s
}

// isPD applies the progression rule of domain.md §10 with integers:
// 100*(S-nadir) >= 20*nadir and S-nadir >= 5 mm.
func isPD(s, nadir Length) bool {
	d := int64(s - nadir)
	return 100*d >= 20*int64(nadir) && s-nadir >= PDAbsoluteIncrease
}

// isPR applies the partial-response rule of domain.md §10:
// 100*(base-S) >= 30*base.
func isPR(s, base Length) bool {
	return 100*int64(base-s) >= 30*int64(base)
}

// targetState carries what earlier time points tell the target assessment.
type targetState struct {
	base         Length
	baseComplete bool
	nadir        Length
	lastEval     Response // last target response other than NE
	holdPR       bool     // a PR/CR was assigned (and confirmed when required)
}

// targetResult is the target assessment of one time point.
type targetResult struct {
	sum      Length
	complete bool
	response Response
	reason   string
}

// assessTargets computes the sum of diameters and the target response of one
// time point (domain.md §10 rows "Target CR/PR/PD/SD/NE").
func assessTargets(targets []lesionRef, idx map[string][]*Assessment, st *targetState) targetResult {
	var r targetResult
	r.complete = true
	nonNodalZero, nodesNormal, reappeared := true, true, false
	for _, t := range targets {
		m := measure(idx[t.id])
		if !m.ok {
			r.complete = false
			continue
		}
		r.sum += m.size
		if t.nodal {
			nodesNormal = nodesNormal && m.size < NodeNormal
		} else if m.size > 0 {
			nonNodalZero = false
			reappeared = reappeared || st.lastEval == CR
		}
	}
	switch {
	case !st.baseComplete:
		r.response, r.reason = NE, "baseline sum of diameters incomplete"
	case isPD(r.sum, st.nadir):
		// Also when targets are missing: the measured ones alone prove PD.
		r.response, r.reason = PD, "sum "+r.sum.String()+" is >= +20% and >= +5 mm over nadir "+st.nadir.String()
	case reappeared:
		// RECIST 1.1: a lesion reappearing after CR is progression, whatever
		// the sum; a node regrowing is judged by the sum rules instead.
		r.response, r.reason = PD, "non-nodal target reappeared after CR"
	case !r.complete:
		r.response, r.reason = NE, "target not evaluated"
	case nonNodalZero && nodesNormal:
		r.response, r.reason = CR, "non-nodal targets gone and target nodes < 10 mm"
	case isPR(r.sum, st.base):
		r.response, r.reason = PR, "sum "+r.sum.String()+" is <= -30% of baseline "+st.base.String()
	case st.holdPR:
		// EORTC FAQ: a PR once assigned stays PR until PD, even if the sum
		// drifts back above -30% of baseline.
		r.response, r.reason = PR, "PR held: not PD vs nadir "+st.nadir.String()
	default:
		r.response, r.reason = SD, "neither PR vs baseline nor PD vs nadir"
	}
	return r
}

// pct returns the percentage change of a complete sum, nil otherwise.
func pct(r targetResult, ref Length) *big.Rat {
	if !r.complete {
		return nil
	}
	return percentChange(r.sum, ref)
}
