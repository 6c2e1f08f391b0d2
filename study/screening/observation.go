package screening

import (
	"fmt"
	"strings"
	"time"

	"github.com/trialfhir/trialfhir/profiles"
	"github.com/trialfhir/trialfhir/trial/eligibility"
)

// AssessmentExt is the ResearchSubject extension pointing to the subject's
// current eligibility assessment (R4 ResearchSubject has no element for it).
const AssessmentExt = profiles.StructureDefinitionBase + "researchsubject-eligibility-assessment"

// AssessmentID is the stable id of a patient's assessment in a study.
func AssessmentID(studyID, patientID string) string {
	id := "elig-" + studyID + "-" + patientID
	if len(id) > 64 { // FHIR ids are at most 64 characters
		id = id[:64]
	}
	return id
}

type (
	coding struct {
		System  string `json:"system"`
		Code    string `json:"code"`
		Display string `json:"display,omitempty"`
	}
	concept struct {
		Coding []coding `json:"coding"`
		Text   string   `json:"text,omitempty"`
	}
	reference struct {
		Reference string `json:"reference"`
		Display   string `json:"display,omitempty"`
	}
	extension struct {
		URL            string      `json:"url"`
		ValueString    string      `json:"valueString,omitempty"`
		ValueCode      string      `json:"valueCode,omitempty"`
		ValueReference *reference  `json:"valueReference,omitempty"`
		Extension      []extension `json:"extension,omitempty"`
	}
	component struct {
		Extension            []extension `json:"extension,omitempty"`
		Code                 concept     `json:"code"`
		ValueCodeableConcept concept     `json:"valueCodeableConcept"`
	}
	meta struct {
		Profile []string `json:"profile"`
	}
	observation struct {
		ResourceType         string      `json:"resourceType"`
		ID                   string      `json:"id,omitempty"`
		Meta                 meta        `json:"meta"`
		Extension            []extension `json:"extension"`
		Status               string      `json:"status"`
		Code                 concept     `json:"code"`
		Subject              reference   `json:"subject"`
		Focus                []reference `json:"focus"`
		EffectiveDateTime    string      `json:"effectiveDateTime"`
		ValueCodeableConcept concept     `json:"valueCodeableConcept"`
		DerivedFrom          []reference `json:"derivedFrom,omitempty"`
		Component            []component `json:"component"`
	}
)

// derivable are the types R4 allows in Observation.derivedFrom; evidence of
// other types (Condition, MedicationAdministration ...) is cited by the
// component's evidence extensions only.
var derivable = map[string]bool{"Observation": true, "DocumentReference": true, "ImagingStudy": true,
	"Media": true, "QuestionnaireResponse": true, "MolecularSequence": true}

// assessmentObservation renders a as an eligibility-assessment Observation
// (profiles/StructureDefinition-eligibility-assessment.json).
func assessmentObservation(studyID, patientRef string, a eligibility.Assessment, now time.Time) *observation {
	o := &observation{
		ResourceType: "Observation",
		Meta:         meta{Profile: []string{profiles.EligibilityAssessmentProfile}},
		Extension:    []extension{{URL: profiles.RuleVersionExt, ValueString: a.RuleVersion}},
		Status:       "final",
		Code: concept{Coding: []coding{{System: profiles.ObservationSystem, Code: "eligibility-assessment",
			Display: "Eligibility assessment"}}},
		Subject:           reference{Reference: patientRef},
		Focus:             []reference{{Reference: "ResearchStudy/" + studyID}},
		EffectiveDateTime: a.IndexDate.UTC().Format("2006-01-02"),
		ValueCodeableConcept: concept{Coding: []coding{{System: profiles.DecisionSystem, Code: string(a.Decision)}},
			Text: "index date from " + string(a.IndexSource)},
	}
	for _, st := range a.Options.Settings() {
		o.Extension = append(o.Extension, extension{URL: profiles.DefaultExt, Extension: []extension{
			{URL: "name", ValueCode: st.Name}, {URL: "value", ValueString: st.Value}}})
	}
	seen := map[string]bool{}
	names := map[string]string{}
	for _, c := range eligibility.Criteria() {
		names[c.ID] = c.Name
	}
	for _, r := range a.Results {
		comp := component{
			Code:                 concept{Coding: []coding{{System: profiles.CriterionSystem, Code: r.ID, Display: names[r.ID]}}},
			ValueCodeableConcept: concept{Coding: []coding{{System: profiles.OutcomeSystem, Code: string(r.Outcome)}}, Text: r.Reason},
			Extension:            []extension{{URL: profiles.ReasonExt, ValueString: r.Reason}},
		}
		for _, ev := range r.Evidence {
			if ev.Ref == "" {
				continue
			}
			comp.Extension = append(comp.Extension, extension{URL: profiles.EvidenceExt,
				ValueReference: &reference{Reference: string(ev.Ref), Display: evidenceText(ev)}})
			if !seen[string(ev.Ref)] && derivable[strings.Split(string(ev.Ref), "/")[0]] {
				seen[string(ev.Ref)] = true
				o.DerivedFrom = append(o.DerivedFrom, reference{Reference: string(ev.Ref)})
			}
		}
		for _, f := range r.Flags {
			comp.Extension = append(comp.Extension, extension{URL: profiles.FlagExt, ValueString: f})
		}
		o.Component = append(o.Component, comp)
	}
	return o
}

// evidenceText is the one-line account of an evidence item: what, as
// received, as normalised, when.
func evidenceText(ev eligibility.Evidence) string {
	parts := []string{ev.Item}
	if ev.Received != "" {
		parts = append(parts, "received "+ev.Received)
	}
	if ev.Value != "" {
		parts = append(parts, strings.TrimSpace("normalised "+ev.Value+" "+ev.Unit))
	}
	if ev.Date.Known() {
		parts = append(parts, "on "+ev.Date.Time.UTC().Format("2006-01-02"))
	}
	if ev.Note != "" {
		parts = append(parts, ev.Note)
	}
	return fmt.Sprint(strings.Join(parts, "; "))
}
