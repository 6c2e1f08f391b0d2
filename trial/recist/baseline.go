package recist

import (
	"fmt"
	"time"
)

// Severity grades a Finding.
type Severity string

// Severities: an Error makes the RECIST result unreliable for that subject
// (the data break a RECIST rule); a Warning asks for a human look.
const (
	Warning Severity = "warning"
	Error   Severity = "error"
)

// Finding codes, one per rule checked.
const (
	FindingNoBaseline        = "no-baseline"
	FindingNoDisease         = "no-disease"
	FindingNotMeasurable     = "not-measurable"
	FindingTooManyTargets    = "too-many-targets"
	FindingTooManyPerOrgan   = "too-many-per-organ"
	FindingNormalNode        = "normal-node"
	FindingBaselineStatus    = "baseline-status"
	FindingNewAtBaseline     = "new-at-baseline"
	FindingDuplicateLesion   = "duplicate-lesion"
	FindingSliceUnknown      = "slice-thickness-unknown"
	FindingModalitySwitch    = "modality-switch"
	FindingTargetMissing     = "target-missing"
	FindingUnknownLesion     = "lesion-not-in-baseline"
	FindingRoleChanged       = "role-changed"
	FindingSizeMissing       = "size-missing"
	FindingCoalescedUnknown  = "coalesced-into-unknown"
	FindingSameDate          = "same-date"
	FindingMissingOrganLabel = "organ-missing"
)

// Finding is one problem found in the data: a broken baseline rule or an
// inconsistency between time points.
type Finding struct {
	Severity Severity
	Code     string
	LesionID string    // empty when the finding is about the time point
	Date     time.Time // date of the time point concerned
	Message  string    // one line, lower case
}

func finding(sev Severity, code string, tp *TimePoint, id, format string, args ...any) Finding {
	return Finding{Severity: sev, Code: code, LesionID: id, Date: tp.Date, Message: fmt.Sprintf(format, args...)}
}

// maxTargets and maxTargetsPerOrgan are the RECIST 1.1 target limits
// (domain.md §10 "Targets").
const (
	maxTargets         = 5
	maxTargetsPerOrgan = 2
	lymphNodeOrgan     = "lymph node" // all nodes are one organ (EORTC FAQ)
)

// CheckBaseline checks the baseline time point against the RECIST 1.1
// selection rules of domain.md §10: every target measurable for the
// modality, at most five targets and two per organ, nodes classified by
// short axis, no new lesions, each lesion listed once.
func CheckBaseline(bl TimePoint) []Finding {
	var out []Finding
	if (bl.Modality == ModalityCT || bl.Modality == ModalityMRI) && bl.SliceThickness == 0 {
		out = append(out, finding(Warning, FindingSliceUnknown, &bl, "", "slice thickness not recorded; taken as <= 5 mm"))
	}
	seen := map[string]bool{}
	perOrgan := map[string]int{}
	targets := 0
	for i := range bl.Lesions {
		a := &bl.Lesions[i]
		if seen[a.LesionID] && a.Status != StatusSplit {
			out = append(out, finding(Error, FindingDuplicateLesion, &bl, a.LesionID, "lesion %s listed more than once", a.LesionID))
		}
		first := !seen[a.LesionID]
		seen[a.LesionID] = true
		switch a.Role {
		case RoleNew:
			out = append(out, finding(Error, FindingNewAtBaseline, &bl, a.LesionID, "lesion %s is new at baseline", a.LesionID))
			continue
		case RoleNonTarget:
			if a.Nodal && a.Size > 0 && a.Size < NodeNormal {
				out = append(out, finding(Warning, FindingNormalNode, &bl, a.LesionID, "node %s short axis %s < 10 mm is normal, not a lesion", a.LesionID, a.Size))
			}
			continue
		}
		if !first {
			continue
		}
		targets++
		organ := a.Organ
		if a.Nodal {
			organ = lymphNodeOrgan
		}
		if organ == "" {
			out = append(out, finding(Warning, FindingMissingOrganLabel, &bl, a.LesionID, "target %s has no organ", a.LesionID))
		} else {
			perOrgan[organ]++
			if perOrgan[organ] == maxTargetsPerOrgan+1 {
				out = append(out, finding(Error, FindingTooManyPerOrgan, &bl, a.LesionID, "more than %d targets in organ %q", maxTargetsPerOrgan, organ))
			}
		}
		if a.Status != StatusPresent && a.Status != StatusSplit {
			out = append(out, finding(Error, FindingBaselineStatus, &bl, a.LesionID, "target %s has status %q at baseline", a.LesionID, a.Status))
			continue
		}
		size := lesionSize(bl.Lesions, a.LesionID)
		if lim := measurableLimit(&bl, a.Nodal); size < lim {
			out = append(out, finding(Error, FindingNotMeasurable, &bl, a.LesionID, "target %s measures %s, below the %s measurable limit", a.LesionID, size, lim))
		}
	}
	if targets > maxTargets {
		out = append(out, finding(Error, FindingTooManyTargets, &bl, "", "%d targets, at most %d allowed", targets, maxTargets))
	}
	return out
}

// measurableLimit is the least diameter of a measurable lesion (domain.md §10
// "Measurable non-nodal" and "Lymph nodes").
func measurableLimit(tp *TimePoint, nodal bool) Length {
	if nodal {
		return NodeMeasurable
	}
	switch tp.Modality {
	case ModalityXRay:
		return 20 * Millimetre
	case ModalityCT, ModalityMRI:
		if tp.SliceThickness > 5*Millimetre {
			return 2 * tp.SliceThickness
		}
	}
	return 10 * Millimetre
}

// lesionSize adds up every present/split measurement recorded for id, which
// is the diameter of a split lesion (sum of fragments, domain.md §10).
func lesionSize(as []Assessment, id string) Length {
	var s Length
	for i := range as {
		if as[i].LesionID != id {
			continue
		}
		s += as[i].Size
		for _, f := range as[i].Fragments {
			s += f
		}
	}
	return s
}
