package recist

// assessNonTargets gives the non-target response of one time point
// (domain.md §10 row "Non-target"): PD when any non-target progressed
// unequivocally; else NE when any was not evaluated; else non-CR/non-PD when
// any persists; else CR. A non-target node counts as gone once its short axis
// is < 10 mm. Tumour markers are not modelled.
func assessNonTargets(nonTargets []lesionRef, idx map[string][]*Assessment) Response {
	if len(nonTargets) == 0 {
		return NotApplicable
	}
	var pd, ne, persist bool
	for _, l := range nonTargets {
		as := idx[l.id]
		if len(as) == 0 {
			ne = true
			continue
		}
		for _, a := range as {
			switch a.Status {
			case StatusUnequivocalProgression:
				pd = true
			case StatusNotEvaluated:
				ne = true
			case StatusAbsent, StatusCoalesced:
			case StatusPresent, StatusTooSmall, StatusSplit:
				if !(l.nodal && a.Size > 0 && a.Size < NodeNormal) {
					persist = true
				}
			default:
				ne = true
			}
		}
	}
	switch {
	case pd:
		return PD
	case ne:
		return NE
	case persist:
		return NonCRNonPD
	}
	return CR
}

// OverallResponse combines the target response, the non-target response and
// the presence of an unequivocal new lesion into the time-point response of
// RECIST 1.1 Table 1 (domain.md §10), or Table 2 when target is
// NotApplicable (no target lesion at baseline). A nonTarget of NotApplicable
// means the subject had no non-target lesion.
func OverallResponse(target, nonTarget Response, newLesion bool) Response {
	if target == PD || nonTarget == PD || newLesion {
		return PD
	}
	if target == NotApplicable { // Table 2: non-target disease only
		switch nonTarget {
		case CR, NonCRNonPD:
			return nonTarget
		}
		return NE
	}
	switch target {
	case CR:
		if nonTarget == CR || nonTarget == NotApplicable {
			return CR
		}
		return PR // non-CR/non-PD or not evaluated
	case PR, SD:
		return target
	}
	return NE
}
