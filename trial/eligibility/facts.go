package eligibility

import (
	"math/big"
	"time"
)

// Facts are everything known about one patient, already normalised by the
// mapping layer (mappings/): codes resolved to concept and category keys,
// quantities converted to the concept's canonical unit with exact
// arithmetic, and records the domain says to ignore (entered-in-error,
// cancelled, refuted, not-done, not-taken) already dropped. Rules read
// nothing else, so a rule can be tested with a literal Facts value.
type Facts struct {
	Patient       Patient
	Subject       *Subject // the patient's ResearchSubject in this study; nil when none
	Observations  []Observation
	Conditions    []Condition
	Medications   []Medication
	Procedures    []Procedure
	Consents      []Consent
	AdverseEvents []AdverseEvent
	Stages        []Stage
	Responses     []Response
}

// Ref names the FHIR resource a fact came from, "Type/id"; evidence cites it.
type Ref string

// Date is a possibly partial date (FHIR date/dateTime precision): Precision
// says which leading parts of Time are known.
type Date struct {
	Time      time.Time
	Precision Precision
}

// Precision is how much of a Date is known.
type Precision int

// Precisions, from unknown to full timestamp.
const (
	PrecisionNone Precision = iota
	PrecisionYear
	PrecisionMonth
	PrecisionDay
	PrecisionTime
)

// Known reports whether the date holds anything.
func (d Date) Known() bool { return d.Precision != PrecisionNone }

// Patient is the demographic part of Patient.
type Patient struct {
	Ref       Ref
	BirthDate Date
	// Gender is the FHIR administrative gender: male, female, other, unknown
	// or "" when absent.
	Gender string
}

// Subject is the patient's ResearchSubject in the study.
type Subject struct {
	Ref         Ref
	Status      string
	PeriodStart Date // randomisation, the default index date (criteria.md defaults)
	Arm         string
	Consent     Ref // ResearchSubject.consent, "" when absent
}

// Quantity is a measured value as received and normalised.
type Quantity struct {
	// Value is in Unit, the concept's canonical unit (domain.md §8), exact.
	Value *big.Rat
	Unit  string
	// Comparator is the FHIR valueQuantity.comparator: "", "<", "<=", ">=", ">".
	Comparator string
	// Received is the value and unit exactly as sent, for evidence ("90 g/L").
	Received string
}

// Observation is a laboratory result, vital sign, score or other finding
// reduced to one concept (a BP panel becomes two: bp-systolic and
// bp-diastolic, both citing the panel).
type Observation struct {
	Ref     Ref
	Concept string // a concept key of mappings, e.g. "anc", "hemoglobin", "hbsag"
	Date    Date   // effective[x] (specimen time), never issued
	// Status is final, amended, corrected or preliminary.
	Status string
	// Value is set for quantitative results whose unit was understood.
	Value *Quantity
	// Result is set for qualitative results, as a normalised key: positive,
	// negative, indeterminate, detected, not-detected; dipstick ordinals
	// negative, trace, 1+, 2+, 3+, 4+; pregnant, not-pregnant; yes, no;
	// a grade or class as its number ("2", "3").
	Result string
	// High and Low are the ULN and LLN in Value's unit, from a referenceRange
	// of type normal (or absent) that applies to the patient; nil when none.
	High, Low *big.Rat
	// RangeFromText is set when High/Low were parsed from referenceRange.text.
	RangeFromText bool
	// Interpretation is a normalised v3 ObservationInterpretation key (H, L,
	// N, A, POS, NEG, DET, ND, IND) or "".
	Interpretation string
	// Fasting is set when the specimen is known fasting (code or flag).
	Fasting bool
	// Problem says why a value that was sent cannot be used (unknown unit,
	// unparseable text); the rule then reports unknown, citing it.
	Problem string
	// Related names a condition category the finding is about, when the
	// record says so (e.g. an ctcae-grade Observation focused on an irAE).
	Related string
}

// Condition is a diagnosis with the categories its codes map to.
type Condition struct {
	Ref Ref
	// Categories are condition category keys of mappings (e.g.
	// "cancer-oral", "malignancy", "hiv", "autoimmune").
	Categories []string
	// Codes are the codings as received, "system|code" with display, for evidence.
	Codes []string
	Text  string
	// Clinical is clinicalStatus: active, recurrence, relapse, inactive,
	// remission, resolved or "".
	Clinical string
	// Verification is verificationStatus: confirmed, unconfirmed,
	// provisional, differential or "" (refuted and entered-in-error dropped).
	Verification string
	Onset        Date
	Abatement    Date
	Recorded     Date
	// Morphology is "scc" for squamous cell carcinoma (ICD-O-3 or SNOMED
	// morphology), "other" for a known other histology, "" when unknown.
	Morphology string
	// Severity is a normalised severity (mild, moderate, severe) or "".
	Severity string
}

// Medication is an administration, statement or request of a drug.
type Medication struct {
	Ref Ref
	// Classes are medication class keys of mappings (e.g. "pd1-inhibitor",
	// "nab-paclitaxel", "gcsf").
	Classes []string
	// Kind is administration, statement or request.
	Kind   string
	Status string
	Start  Date
	End    Date // zero when ongoing or unknown
	// Reasons are the condition categories of reasonCode/reasonReference.
	Reasons []string
	Text    string // the drug as named by the sender, for evidence
}

// Procedure is a procedure with its class keys.
type Procedure struct {
	Ref     Ref
	Classes []string // e.g. "transfusion", "transplant-allogeneic", "hysterectomy"
	Status  string
	Date    Date
	Text    string
}

// Consent is a consent record.
type Consent struct {
	Ref      Ref
	Status   string // active, draft, proposed, rejected, inactive
	Research bool   // scope research
	Date     Date
}

// AdverseEvent is an adverse event with its CTCAE grade.
type AdverseEvent struct {
	Ref      Ref
	Grade    int // CTCAE grade 1-5; 0 when unknown
	Related  bool
	Resolved bool
	Date     Date
	Text     string
}

// Stage is a cancer stage group, from an mCODE TNMStageGroup Observation or
// Condition.stage.
type Stage struct {
	Ref Ref
	// Group is the normalised AJCC group: "I", "II", "III", "IVA", "IVB",
	// "IVC", "IV" (no letter) or "" when only T/N/M are known.
	Group   string
	T, N, M string // normalised categories, e.g. "T4a", "N2b", "M0"
	// Edition is the AJCC edition ("8", "7") or "" when not stated.
	Edition string
	// Type is clinical, pathologic or post-therapy (yc/yp).
	Type string
	Date Date
	Text string
}

// Response is a RECIST 1.1 time-point response, computed from measurements
// by the RECIST engine or sent as a coded Observation.
type Response struct {
	Ref  Ref
	Date Date
	// Code is CR, PR, SD, PD, NE or non-CR-non-PD.
	Code string
	// Computed is true when the server derived it from measurements; false
	// for a coded response sent by a site.
	Computed bool
	// Evidence lists the measurements a computed response is derived from.
	Evidence []Ref
}
