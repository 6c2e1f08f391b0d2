package recist

import "time"

// Modality is the imaging technique of a time point. It decides the
// measurability threshold of non-nodal lesions (domain.md §10) and must stay
// the same at every time point.
type Modality string

// Modalities that RECIST 1.1 distinguishes.
const (
	ModalityCT       Modality = "CT"
	ModalityMRI      Modality = "MRI"
	ModalityXRay     Modality = "X-ray"    // chest X-ray
	ModalityClinical Modality = "clinical" // calliper at clinical examination
)

// Role is the part a lesion plays, fixed at baseline for targets and
// non-targets; new lesions appear only at follow-up. The values are the
// codes of the project CodeSystem recist-lesion-role.
type Role string

// Lesion roles.
const (
	RoleTarget    Role = "target"
	RoleNonTarget Role = "non-target"
	RoleNew       Role = "new"
)

// Status is the state of one lesion at one time point; the values are the
// codes of the project CodeSystem recist-lesion-status.
type Status string

// Lesion statuses (domain.md §10 "Measurement rules").
const (
	// StatusPresent: the lesion is seen; for targets Size holds the measured
	// diameter (long axis, or short axis of a node).
	StatusPresent Status = "present"
	// StatusAbsent: the lesion has disappeared and counts 0 mm.
	StatusAbsent Status = "absent"
	// StatusUnequivocalProgression: a non-target has progressed unequivocally.
	StatusUnequivocalProgression Status = "unequivocal-progression"
	// StatusTooSmall: present but too small to measure; counts 5 mm.
	StatusTooSmall Status = "too-small-to-measure"
	// StatusNotEvaluated: not assessed or not assessable at this time point.
	StatusNotEvaluated Status = "not-evaluated"
	// StatusSplit: one fragment of a lesion that has split. Give one
	// Assessment per fragment with the same LesionID (or list the fragments
	// in Fragments); the lesion's diameter is their sum.
	StatusSplit Status = "split"
	// StatusCoalesced: the lesion has merged into lesion CoalescedInto,
	// which carries the diameter of the merged mass; this one counts 0 mm.
	StatusCoalesced Status = "coalesced"
)

// Assessment is one lesion as seen at one time point.
type Assessment struct {
	// LesionID identifies the lesion across time points (in FHIR the
	// identifier of the Tumor BodyStructure).
	LesionID string
	// Role of the lesion; at follow-up, targets and non-targets keep the
	// role they had at baseline (a differing role is reported).
	Role Role
	// Nodal is true for lymph nodes, whose Size is the short axis.
	Nodal bool
	// Organ groups targets for the two-per-organ rule; all lymph nodes
	// count as one organ whatever this says (EORTC RECIST FAQ).
	Organ string
	// Status of the lesion at this time point.
	Status Status
	// Size is the measured diameter when Status is present or split: the
	// longest diameter of a non-nodal lesion, the short axis of a node. For
	// a non-target node it is optional and, when given, decides normal
	// (< 10 mm) or not.
	Size Length
	// Fragments lists the diameters of the fragments of a split lesion, as
	// an alternative to one Assessment per fragment; they are added to Size.
	Fragments []Length
	// CoalescedInto names the lesion that carries the merged mass when
	// Status is coalesced.
	CoalescedInto string
	// Equivocal marks a new lesion whose nature is not yet certain; it makes
	// no progression until a later time point shows it unequivocally, when
	// progression is dated back to its first detection (domain.md §10).
	Equivocal bool
}

// TimePoint is one imaging assessment of a subject.
type TimePoint struct {
	// Date of the scan (only the calendar date in UTC is used).
	Date time.Time
	// Modality of the scan.
	Modality Modality
	// SliceThickness of CT/MRI reconstruction; 0 when not recorded, taken
	// as <= 5 mm.
	SliceThickness Length
	// Lesions assessed at this time point.
	Lesions []Assessment
}

// Subject is the imaging history of one study subject. The earliest time
// point is the baseline (in this trial the pre-neoadjuvant scan, domain.md
// §10); time points are sorted by date before evaluation.
type Subject struct {
	ID         string
	TimePoints []TimePoint
}

// Response is a RECIST category; the values are the codes of the project
// CodeSystem recist-response.
type Response string

// Responses. NotApplicable (the zero value) is not a code: it stands for a
// category that does not exist for the subject, such as the non-target
// response of a subject without non-target lesions.
const (
	NotApplicable Response = ""
	CR            Response = "CR"
	PR            Response = "PR"
	SD            Response = "SD"
	PD            Response = "PD"
	NE            Response = "NE"
	NonCRNonPD    Response = "non-CR-non-PD"
)

// NewLesions summarises the new lesions seen at one time point.
type NewLesions string

// New-lesion states.
const (
	NewNone        NewLesions = "none"
	NewEquivocal   NewLesions = "equivocal"
	NewUnequivocal NewLesions = "unequivocal"
)

// Options tune the evaluation. The zero value gives the defaults documented
// on each field.
type Options struct {
	// Confirm requires confirmation of CR and PR for the best overall
	// response (RECIST 1.1 Table 3). Default false: the trial is randomised
	// and RECIST 1.1 then does not require confirmation (domain.md §10).
	Confirm bool
	// ConfirmDays is the least number of days between a CR/PR and the time
	// point confirming it. Zero means DefaultConfirmDays.
	ConfirmDays int
	// SDMinDays is the least number of days from baseline at which SD (or
	// non-CR/non-PD) counts for the best overall response; earlier it counts
	// as NE. Zero means DefaultSDMinDays. The protocol does not fix it
	// (domain.md §13 question 3).
	SDMinDays int
}

// Defaults of Options.
const (
	DefaultConfirmDays = 28 // 4 weeks, RECIST 1.1 §4.6
	DefaultSDMinDays   = 42 // 6 weeks, the lower end of the usual 6-8 weeks
)

func (o Options) confirmDays() int {
	if o.ConfirmDays > 0 {
		return o.ConfirmDays
	}
	return DefaultConfirmDays
}

func (o Options) sdMinDays() int {
	if o.SDMinDays > 0 {
		return o.SDMinDays
	}
	return DefaultSDMinDays
}

// days returns the number of calendar days from a to b (UTC dates).
func days(a, b time.Time) int {
	return int(utcDate(b).Sub(utcDate(a)).Hours() / 24)
}

func utcDate(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
