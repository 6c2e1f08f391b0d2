package fhirfacts

import (
	"encoding/json"

	"github.com/trialfhir/trialfhir/mappings"
)

// The structs below hold only the elements Build reads; encoding/json skips
// the rest. One struct serves every resource type: element names that occur
// in several types (code, status, severity, outcome) have the same shape in
// each of them.

// coding is the tables' Coding itself (encoding/json matches "system",
// "code" and "display" to its fields), so lookups need no copies.
type coding = mappings.Coding

type concept struct {
	Coding []coding `json:"coding"`
	Text   string   `json:"text"`
}

// codings returns the codings for a table lookup.
func (c *concept) codings() []mappings.Coding {
	if c == nil {
		return nil
	}
	return c.Coding
}

// has reports whether c holds a coding (system, code); an empty system
// matches any.
func (c *concept) has(system, code string) bool {
	if c == nil {
		return false
	}
	for _, cd := range c.Coding {
		if cd.Code == code && (system == "" || cd.System == system) {
			return true
		}
	}
	return false
}

// label is the text a person would read: text, else the first display, else
// the first code.
func (c *concept) label() string {
	if c == nil {
		return ""
	}
	if c.Text != "" {
		return c.Text
	}
	for _, cd := range c.Coding {
		if cd.Display != "" {
			return cd.Display
		}
	}
	for _, cd := range c.Coding {
		if cd.Code != "" {
			return cd.Code
		}
	}
	return ""
}

type reference struct {
	Reference string `json:"reference"`
	Display   string `json:"display"`
}

type period struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type quantity struct {
	Value      json.Number `json:"value"`
	Comparator string      `json:"comparator"`
	Unit       string      `json:"unit"`
	System     string      `json:"system"`
	Code       string      `json:"code"`
}

type refRange struct {
	Low       *quantity `json:"low"`
	High      *quantity `json:"high"`
	Type      *concept  `json:"type"`
	AppliesTo []concept `json:"appliesTo"`
	Age       *ageRange `json:"age"`
	Text      string    `json:"text"`
}

type extension struct {
	URL                  string       `json:"url"`
	ValueCode            string       `json:"valueCode"`
	ValueString          string       `json:"valueString"`
	ValueInteger         *json.Number `json:"valueInteger"`
	ValueBoolean         *bool        `json:"valueBoolean"`
	ValueCodeableConcept *concept     `json:"valueCodeableConcept"`
	ValueCoding          *coding      `json:"valueCoding"`
	ValueReference       *reference   `json:"valueReference"`
}

// value is Observation.value[x] and Observation.component.value[x].
type value struct {
	ValueQuantity        *quantity    `json:"valueQuantity"`
	ValueCodeableConcept *concept     `json:"valueCodeableConcept"`
	ValueString          *string      `json:"valueString"`
	ValueBoolean         *bool        `json:"valueBoolean"`
	ValueInteger         *json.Number `json:"valueInteger"`
}

type component struct {
	Code concept `json:"code"`
	value
	Interpretation []concept  `json:"interpretation"`
	ReferenceRange []refRange `json:"referenceRange"`
}

type resource struct {
	self string // "Type/id", set once decoded

	ResourceType string                 `json:"resourceType"`
	ID           string                 `json:"id"`
	Meta         struct{ Tag []coding } `json:"meta"`
	Extension    []extension            `json:"extension"`
	Contained    []json.RawMessage      `json:"contained"`
	Status       string                 `json:"status"`

	// Patient
	BirthDate string `json:"birthDate"`
	Gender    string `json:"gender"`

	// ResearchSubject
	Period      *period    `json:"period"`
	AssignedArm string     `json:"assignedArm"`
	Consent     *reference `json:"consent"`
	Study       *reference `json:"study"`

	// Observation
	Code              concept `json:"code"`
	EffectiveDateTime string  `json:"effectiveDateTime"`
	EffectiveInstant  string  `json:"effectiveInstant"`
	EffectivePeriod   *period `json:"effectivePeriod"`
	Issued            string  `json:"issued"`
	value
	Interpretation []concept   `json:"interpretation"`
	ReferenceRange []refRange  `json:"referenceRange"`
	Component      []component `json:"component"`
	HasMember      []reference `json:"hasMember"`
	DerivedFrom    []reference `json:"derivedFrom"`
	Method         *concept    `json:"method"`
	Specimen       *reference  `json:"specimen"`
	Focus          []reference `json:"focus"`

	// Condition
	ClinicalStatus     *concept  `json:"clinicalStatus"`
	VerificationStatus *concept  `json:"verificationStatus"`
	BodySite           []concept `json:"bodySite"`
	Severity           *concept  `json:"severity"`
	OnsetDateTime      string    `json:"onsetDateTime"`
	OnsetPeriod        *period   `json:"onsetPeriod"`
	AbatementDateTime  string    `json:"abatementDateTime"`
	AbatementPeriod    *period   `json:"abatementPeriod"`
	RecordedDate       string    `json:"recordedDate"`
	Stage              []stage   `json:"stage"`

	// MedicationAdministration / Statement / Request, Medication
	MedicationCodeableConcept *concept     `json:"medicationCodeableConcept"`
	MedicationReference       *reference   `json:"medicationReference"`
	Form                      *concept     `json:"form"`
	Ingredient                []ingredient `json:"ingredient"`
	AuthoredOn                string       `json:"authoredOn"`
	ReasonCode                []concept    `json:"reasonCode"`
	ReasonReference           []reference  `json:"reasonReference"`

	// Procedure
	PerformedDateTime string  `json:"performedDateTime"`
	PerformedPeriod   *period `json:"performedPeriod"`

	// Consent
	Scope    *concept `json:"scope"`
	DateTime string   `json:"dateTime"`

	// AdverseEvent
	Actuality     string    `json:"actuality"`
	Event         *concept  `json:"event"`
	Date          string    `json:"date"`
	Outcome       *concept  `json:"outcome"`
	SuspectEntity []suspect `json:"suspectEntity"`

	// Specimen
	Collection *collection `json:"collection"`
}

type ageRange struct {
	Low  *quantity `json:"low"`
	High *quantity `json:"high"`
}

type stage struct {
	Summary    *concept    `json:"summary"`
	Type       *concept    `json:"type"`
	Assessment []reference `json:"assessment"`
}

type ingredient struct {
	ItemCodeableConcept *concept `json:"itemCodeableConcept"`
}

type suspect struct {
	Instance  reference   `json:"instance"`
	Causality []causality `json:"causality"`
}

type causality struct {
	Assessment *concept `json:"assessment"`
}

type collection struct {
	FastingStatusCodeableConcept *concept `json:"fastingStatusCodeableConcept"`
}

func (r *resource) ref() string {
	if r.self == "" {
		r.self = r.ResourceType + "/" + r.ID
	}
	return r.self
}
