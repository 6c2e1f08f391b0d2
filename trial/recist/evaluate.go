package recist

import (
	"math/big"
	"sort"
	"time"
)

// TimePointResult is the RECIST assessment of one follow-up time point.
type TimePointResult struct {
	Date time.Time
	// SoD is the sum of diameters of the targets (domain.md §10). When
	// Complete is false some target was not evaluated and SoD is the sum of
	// the measured ones only.
	SoD      Length
	Complete bool
	// BaselineSoD and Nadir are the references used: Nadir is the smallest
	// complete SoD before this time point, baseline included.
	BaselineSoD Length
	Nadir       Length
	// PctBaseline and PctNadir are the exact percentage changes
	// 100*(SoD-ref)/ref; nil when SoD is incomplete or the reference is 0.
	// Render them with FormatPercent.
	PctBaseline *big.Rat
	PctNadir    *big.Rat
	Target      Response // NotApplicable without baseline targets
	NonTarget   Response // NotApplicable without baseline non-targets
	New         NewLesions
	// AsAssessed is the overall response known at the visit (Table 1 or 2).
	AsAssessed Response
	// Overall is the final overall response: AsAssessed, except PD from the
	// first detection of an equivocal new lesion that a later time point
	// showed unequivocally (PD dated back, domain.md §10).
	Overall Response
	// Reason explains the target (or, without targets, the non-target)
	// response in one line.
	Reason string
}

// SeriesPoint is one point of a subject's course for spider and swimmer
// plots; the first is the baseline with Response NotApplicable.
type SeriesPoint struct {
	Date        time.Time
	SoD         Length
	Complete    bool
	PctBaseline *big.Rat
	Response    Response
}

// Best is the best overall response of a subject.
type Best struct {
	Response Response
	// Date of the time point that gave the response; zero when none did.
	Date time.Time
	// ConfirmedOn is the confirming time point when Options.Confirm is set
	// and the response is a confirmed CR or PR.
	ConfirmedOn time.Time
}

// Result is the RECIST evaluation of one subject.
type Result struct {
	SubjectID string
	// Table is 1 when the subject had targets at baseline, 2 with
	// non-target disease only, 0 without any baseline disease.
	Table        int
	BaselineDate time.Time
	BaselineSoD  Length
	TimePoints   []TimePointResult // follow-up time points in date order
	Best         Best
	// Progressed tells whether a PD occurred; ProgressionDate is the date of
	// the first PD (dated back for a confirmed equivocal new lesion).
	Progressed      bool
	ProgressionDate time.Time
	// BestPctChange is the smallest percentage change of a complete SoD
	// from baseline up to the first PD (waterfall plot); nil when none.
	BestPctChange *big.Rat
	Series        []SeriesPoint
	Findings      []Finding
}

// HasErrors tells whether any Finding is an Error, in which case the
// responses are not reliable.
func (r *Result) HasErrors() bool {
	for _, f := range r.Findings {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// Evaluate applies RECIST 1.1 (domain.md §10) to a subject: baseline checks,
// the response of every follow-up time point, the best overall response,
// and the series for plots. It never fails: data problems are reported as
// Findings and the affected responses are NE.
func Evaluate(s Subject, opt Options) Result {
	res := Result{SubjectID: s.ID}
	tps := make([]TimePoint, len(s.TimePoints))
	copy(tps, s.TimePoints)
	sort.SliceStable(tps, func(i, j int) bool { return utcDate(tps[i].Date).Before(utcDate(tps[j].Date)) })
	if len(tps) == 0 {
		res.Findings = append(res.Findings, Finding{Severity: Error, Code: FindingNoBaseline, Message: "no time point"})
		res.Best = Best{Response: NE}
		return res
	}
	bl := &tps[0]
	res.BaselineDate = bl.Date
	res.Findings = CheckBaseline(*bl)
	targets, nonTargets, inBaseline := baselineLesions(bl)
	st := targetState{lastEval: NotApplicable}
	switch {
	case len(targets) > 0:
		res.Table = 1
		r := assessTargets(targets, index(bl.Lesions), &targetState{lastEval: NotApplicable})
		st.base, st.nadir, st.baseComplete = r.sum, r.sum, r.complete && baselineMeasured(bl)
	case len(nonTargets) > 0:
		res.Table = 2
	default:
		res.Findings = append(res.Findings, finding(Error, FindingNoDisease, bl, "", "no target or non-target lesion at baseline"))
	}
	res.BaselineSoD = st.base
	res.Series = append(res.Series, SeriesPoint{Date: bl.Date, SoD: st.base, Complete: st.baseComplete, PctBaseline: percentChange(st.base, st.base)})

	ev := evaluator{opt: opt, targets: targets, nonTargets: nonTargets, inBaseline: inBaseline, equivocalSince: map[string]int{}}
	for k := 1; k < len(tps); k++ {
		tp := &tps[k]
		res.Findings = ev.checkFollowUp(res.Findings, bl, &tps[k-1], tp)
		idx := index(tp.Lesions)
		tr := TimePointResult{Date: tp.Date, BaselineSoD: st.base, Nadir: st.nadir, Target: NotApplicable}
		if len(targets) > 0 {
			t := assessTargets(targets, idx, &st)
			tr.SoD, tr.Complete, tr.Target, tr.Reason = t.sum, t.complete, t.response, t.reason
			if st.baseComplete {
				tr.PctBaseline, tr.PctNadir = pct(t, st.base), pct(t, st.nadir)
			}
			ev.advance(&st, t, tp.Date)
		}
		tr.NonTarget = assessNonTargets(nonTargets, idx)
		if len(targets) == 0 {
			tr.Reason = "non-target response " + string(tr.NonTarget)
		}
		var back int
		tr.New, back = ev.newLesions(tp, k-1)
		tr.AsAssessed = OverallResponse(tr.Target, tr.NonTarget, tr.New == NewUnequivocal)
		tr.Overall = tr.AsAssessed
		for j := back; j >= 0 && j < len(res.TimePoints); j++ {
			res.TimePoints[j].Overall = PD
		}
		res.TimePoints = append(res.TimePoints, tr)
	}
	res.finish(opt)
	return res
}

// finish derives the progression date, the series, the waterfall value and
// the best overall response from the time-point results.
func (res *Result) finish(opt Options) {
	end := len(res.TimePoints)
	for i, tr := range res.TimePoints {
		if tr.Overall == PD {
			res.Progressed, res.ProgressionDate, end = true, tr.Date, i+1
			break
		}
	}
	for i, tr := range res.TimePoints {
		res.Series = append(res.Series, SeriesPoint{Date: tr.Date, SoD: tr.SoD, Complete: tr.Complete, PctBaseline: tr.PctBaseline, Response: tr.Overall})
		if i < end && tr.PctBaseline != nil && (res.BestPctChange == nil || tr.PctBaseline.Cmp(res.BestPctChange) < 0) {
			res.BestPctChange = tr.PctBaseline
		}
	}
	res.Best = bestOverall(res.TimePoints[:end], res.BaselineDate, res.Table, opt)
}

// baselineLesions lists the targets and non-targets of the baseline, each
// once, in order of appearance.
func baselineLesions(bl *TimePoint) (targets, nonTargets []lesionRef, in map[string]Role) {
	in = map[string]Role{}
	for _, a := range bl.Lesions {
		if _, dup := in[a.LesionID]; dup || a.Role == RoleNew {
			continue
		}
		in[a.LesionID] = a.Role
		ref := lesionRef{id: a.LesionID, nodal: a.Nodal}
		if a.Role == RoleTarget {
			targets = append(targets, ref)
		} else if a.Role == RoleNonTarget {
			nonTargets = append(nonTargets, ref)
		}
	}
	return targets, nonTargets, in
}

// baselineMeasured tells whether every baseline target was measured (present
// or split): a target absent or too small at baseline gives no reference
// for PR and PD, so every target response is NE (CheckBaseline reports it).
func baselineMeasured(bl *TimePoint) bool {
	for _, a := range bl.Lesions {
		if a.Role == RoleTarget && a.Status != StatusPresent && a.Status != StatusSplit {
			return false
		}
	}
	return true
}

// index groups the assessments of a time point by lesion.
func index(as []Assessment) map[string][]*Assessment {
	idx := make(map[string][]*Assessment, len(as))
	for i := range as {
		idx[as[i].LesionID] = append(idx[as[i].LesionID], &as[i])
	}
	return idx
}
