package eligibility

import (
	"fmt"
	"strings"
)

// headNeckCats are the primary-cancer categories in order of preference
// (domain.md §3 X1b, §5).
var headNeckCats = []string{"cancer-oral", "cancer-oral-review", "cancer-head-neck-other"}

// primaryCancer is the index cancer: the head-and-neck cancer condition,
// oral cavity preferred, then the earliest onset, then input order.
func primaryCancer(conds []*Condition) *Condition {
	var best *Condition
	rank := func(c *Condition) int {
		for i, k := range headNeckCats {
			if has(c.Categories, k) {
				return i
			}
		}
		return len(headNeckCats)
	}
	for _, c := range conds {
		r := rank(c)
		if r == len(headNeckCats) {
			continue
		}
		if best == nil || r < rank(best) || (r == rank(best) && c.Onset.Known() && (!best.Onset.Known() || c.Onset.Time.Before(best.Onset.Time))) {
			best = c
		}
	}
	return best
}

// ruleX1b: the primary at neoadjuvant time must be oral cavity cancer
// (domain.md §3 X1b).
func ruleX1b(e *eval) Result {
	p := e.primary
	if p == nil {
		return result(Unknown, "no head and neck primary cancer recorded")
	}
	ev := condEvidence(p, firstCat(p, headNeckCats))
	switch {
	case has(p.Categories, "cancer-oral"):
		return result(DoesNotApply, "primary is oral cavity cancer: "+condLabel(p), ev)
	case has(p.Categories, "cancer-oral-review"):
		return result(Review, "primary site may or may not be oral cavity (C05.8/C05.9, lip, C14): "+condLabel(p), ev)
	}
	return result(Applies, "primary is a head and neck cancer outside the oral cavity: "+condLabel(p), ev)
}

// ruleI3 (also X1a): any other or prior malignancy → not-met; in situ →
// review; metastasis codes and further records of the index cancer are not
// "other" (domain.md §3 I3).
func ruleI3(e *eval) Result {
	var review, other, same []Evidence
	for _, c := range e.conds {
		if c == e.primary || has(c.Categories, "malignancy-metastasis") {
			continue
		}
		item := firstCat(c, []string{"malignancy", "malignancy-history", "in-situ"})
		switch {
		case e.primary != nil && hasAny(c.Categories, headNeckCats...) && firstCat(c, headNeckCats) == firstCat(e.primary, headNeckCats):
			same = append(same, condEvidence(c, "index cancer"))
		case hasAny(c.Categories, "malignancy", "malignancy-history") || hasAny(c.Categories, headNeckCats...):
			if unconfirmed(c) {
				review = append(review, condEvidence(c, item))
			} else {
				other = append(other, condEvidence(c, item))
			}
		case has(c.Categories, "in-situ"):
			review = append(review, condEvidence(c, "in-situ"))
		}
	}
	var r Result
	switch {
	case len(other) > 0:
		r = result(NotMet, fmt.Sprintf("other or prior malignancy recorded: %s", other[0].Received), append(other, review...)...)
	case len(review) > 0:
		r = result(Review, fmt.Sprintf("carcinoma in situ or unconfirmed malignancy recorded: %s", review[0].Received), review...)
	default:
		r = result(Met, "no malignancy other than the index cancer recorded")
	}
	if len(same) > 0 {
		r = r.with(same...).flag(FlagSameCancerRecords)
	}
	return r
}

// ruleI1: SCC of a head and neck primary, AJCC 8th clinical stage III or
// IVA (domain.md §3 I1, §7).
func ruleI1(e *eval) Result {
	p := e.primary
	if p == nil {
		return result(Unknown, "no head and neck cancer condition recorded")
	}
	ev := []Evidence{condEvidence(p, firstCat(p, headNeckCats))}
	ev[0].Value = p.Morphology
	st, stOut, stWhy, flags := e.stage()
	if st != nil {
		ev = append(ev, Evidence{Ref: st.Ref, Item: "stage", Received: strings.TrimSpace(st.Text + " " + st.Group + " " + st.T + st.N + st.M),
			Value: stageValue(st), Date: st.Date, Note: "AJCC edition " + st.Edition + ", " + st.Type})
	}
	var out Outcome
	var why string
	switch {
	case p.Morphology == "other":
		out, why = NotMet, "histology is not squamous cell carcinoma"
	case stOut == NotMet:
		out, why = NotMet, stWhy
	case p.Morphology == "":
		out, why = Unknown, "histology (squamous cell carcinoma) not recorded; "+stWhy
	default:
		out, why = stOut, "squamous cell carcinoma; "+stWhy
	}
	return result(out, why, ev...).flag(flags...)
}

func stageValue(s *Stage) string {
	if s.Group != "" {
		return s.Group
	}
	return deriveGroup(s.T, s.N, s.M)
}

// stage picks the pre-treatment clinical stage (never yc/yp or pathologic):
// the latest clinical stage on or before the index date, undated last.
func (e *eval) stage() (*Stage, Outcome, string, []string) {
	var best *Stage
	var flags []string
	others := 0
	for i := range e.f.Stages {
		s := &e.f.Stages[i]
		t := strings.ToLower(s.Type)
		if t != "clinical" && t != "" {
			others++
			continue
		}
		if lo, _, ok := dayRange(s.Date); ok && lo > e.index {
			continue
		}
		if best == nil || (s.Date.Known() && (!best.Date.Known() || s.Date.Time.After(best.Date.Time))) {
			best = s
		}
	}
	if best == nil {
		if others > 0 {
			return nil, Unknown, "only pathologic or post-therapy stages recorded (clinical stage needed)", nil
		}
		return nil, Unknown, "no clinical stage recorded", nil
	}
	if best.Type == "" {
		flags = append(flags, FlagStageTypeUnstated)
	}
	switch best.Edition {
	case "8":
	case "":
		flags = append(flags, FlagEditionUnstated)
	default:
		return best, Unknown, "stage is AJCC edition " + best.Edition + ", not the 8th", flags
	}
	group := best.Group
	how := "clinical stage"
	if group == "" {
		group, how = deriveGroup(best.T, best.N, best.M), "clinical stage derived from "+best.T+" "+best.N+" "+best.M
	}
	switch strings.ToUpper(group) {
	case "III", "IVA":
		return best, Met, how + " " + group, flags
	case "I", "II", "IVB", "IVC":
		return best, NotMet, how + " " + group + " is outside III-IVA", flags
	case "IV":
		return best, Unknown, "stage IV without letter cannot be placed in IVA/IVB/IVC", flags
	case "":
		return best, Unknown, "stage group cannot be derived from " + strings.TrimSpace(best.T+" "+best.N+" "+best.M), flags
	}
	return best, Unknown, "unrecognised stage group " + group, flags
}

// deriveGroup is the AJCC 8th oral cavity stage group from cT/cN/cM
// (domain.md §7), or "" when the categories do not decide it.
func deriveGroup(t, n, m string) string {
	T, N, M := strings.ToUpper(t), strings.ToUpper(n), strings.ToUpper(m)
	switch {
	case strings.HasPrefix(M, "M1"):
		return "IVC"
	case M != "M0":
		return ""
	case strings.HasPrefix(N, "N3") || T == "T4B":
		return "IVB"
	}
	tn := map[string]int{"T1": 1, "T2": 2, "T3": 3, "T4A": 4}[T]
	if tn == 0 {
		return "" // TX, Tis, T0 or T4 without letter (IVA or IVB)
	}
	switch {
	case strings.HasPrefix(N, "N2"):
		return "IVA"
	case N == "N1" && tn <= 3:
		return "III"
	case N == "N1" || (N == "N0" && tn == 4):
		return "IVA"
	case N == "N0":
		return map[int]string{1: "I", 2: "II", 3: "III"}[tn]
	}
	return ""
}
