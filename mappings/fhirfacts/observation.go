package fhirfacts

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/trialfhir/trialfhir/mappings"
	"github.com/trialfhir/trialfhir/trial/eligibility"
)

const (
	recistTimepointCode = "recist-timepoint-response"
	fastingLOINC        = "1558-6"
)

// ordinal concepts carry a number as their Result ("3"), never a Quantity.
var ordinal = map[string]bool{"ctcae-grade": true, "asa-class": true, "nyha-class": true}

// observation reads one Observation (stage and response Observations are
// read elsewhere). Status entered-in-error and cancelled are dropped
// (domain.md §1); a code that maps to no concept is read through its
// components, which turns a BP panel 85354-9 into its two pressures.
func (b *builder) observation(r *resource) {
	switch r.Status {
	case "entered-in-error", "cancelled":
		return
	}
	if b.consumed[r.ref()] {
		return
	}
	if r.Code.has(ObservationSystem, recistTimepointCode) {
		b.response(r)
		return
	}
	if part, ok := b.tables.Stage(r.Code.codings()); ok {
		b.tnmObservation(r, part)
		return
	}
	date := firstDate(r.EffectiveDateTime, periodStart(r.EffectivePeriod), r.EffectiveInstant)
	if concept, ok := b.concept(&r.Code); ok {
		o := b.reading(r, concept, &r.value, r.Interpretation, r.ReferenceRange, date)
		b.facts.Observations = append(b.facts.Observations, o)
		return
	}
	for i := range r.Component {
		c := &r.Component[i]
		if concept, ok := b.concept(&c.Code); ok {
			b.facts.Observations = append(b.facts.Observations,
				b.reading(r, concept, &c.value, c.Interpretation, c.ReferenceRange, date))
		}
	}
}

// concept maps an Observation code: each coding by (system, code), then the
// text and the displays by name.
func (b *builder) concept(c *concept) (string, bool) {
	for _, cd := range c.Coding {
		if k, ok := b.tables.LabConcept(cd.System, cd.Code, ""); ok {
			return k, true
		}
	}
	if k, ok := b.tables.LabConcept("", "", c.Text); ok {
		return k, true
	}
	for _, cd := range c.Coding {
		if k, ok := b.tables.LabConcept("", "", cd.Display); ok {
			return k, true
		}
	}
	return "", false
}

// reading builds the Observation fact of one value (the resource's own or
// a component's).
func (b *builder) reading(r *resource, concept string, v *value, interp []concept, ranges []refRange,
	date eligibility.Date) eligibility.Observation {
	o := eligibility.Observation{
		Ref:            eligibility.Ref(r.ref()),
		Concept:        concept,
		Date:           date,
		Status:         r.Status,
		Interpretation: interpretation(interp),
	}
	var unit, code string
	switch {
	case v.ValueQuantity != nil:
		q := v.ValueQuantity
		unit, code = q.Unit, ucumCode(q)
		o.Value, o.Problem = b.quantity(concept, q.Value.String(), q.Comparator, unit, code)
		if ordinal[concept] { // a grade sent as a bare number quantity
			o.Value, o.Result, o.Problem = nil, ordinalResult(q.Value.String()), ""
		}
	case v.ValueCodeableConcept != nil:
		o.Result, o.Problem = b.coded(concept, v.ValueCodeableConcept)
	case v.ValueString != nil:
		o.Result, o.Value, o.Problem = b.text(concept, *v.ValueString)
		if o.Value != nil {
			unit = textUnit(*v.ValueString)
		}
	case v.ValueBoolean != nil:
		o.Result = booleanResult(concept, *v.ValueBoolean)
	case v.ValueInteger != nil:
		if ordinal[concept] {
			o.Result = ordinalResult(v.ValueInteger.String())
		} else {
			o.Value, o.Problem = b.quantity(concept, v.ValueInteger.String(), "", "", "")
		}
	}
	if o.Value != nil && o.Value.Value == nil {
		// Value is only set when the unit was understood (eligibility.Observation);
		// the problem keeps what was sent, for the evidence.
		o.Problem = fmt.Sprintf("%s (received %q)", o.Problem, o.Value.Received)
		o.Value = nil
	}
	if o.Value != nil {
		o.Low, o.High, o.RangeFromText = b.referenceRange(concept, ranges, unit, code, date)
	}
	o.Fasting = concept == "glucose-fasting" || b.fasting(r)
	if concept == "ctcae-grade" {
		o.Related = b.related(r.Focus)
	}
	return o
}

func ucumCode(q *quantity) string {
	if q.System == "" || q.System == "http://unitsofmeasure.org" {
		return q.Code
	}
	return ""
}

// quantity normalises a number literal with its unit; Received keeps the
// literal as sent ("90 g/L", "<20 IU/mL").
func (b *builder) quantity(concept, literal, comparator, unit, code string) (*eligibility.Quantity, string) {
	if literal == "" {
		return nil, "quantity without a value"
	}
	v, ok := new(big.Rat).SetString(literal)
	if !ok {
		return nil, "value " + literal + " is not a number"
	}
	q, problem := b.tables.Normalise(concept, v, unit, code)
	sent := unit
	if sent == "" {
		sent = code
	}
	q.Received = strings.TrimSpace(comparator + literal + " " + sent)
	q.Comparator = comparator
	return &q, problem
}

// coded reads a valueCodeableConcept: the answer codes of domain.md §1 (and
// scoped ones: NYHA, dipstick, yes/no), by code, display or text; for an
// ordinal concept a bare code "3" is read as the grade.
func (b *builder) coded(concept string, c *concept) (string, string) {
	if res, ok := b.tables.Result(concept, c.codings(), c.Text); ok {
		return res, ""
	}
	for _, cd := range c.Coding {
		if res, ok := b.tables.Result(concept, nil, cd.Code); ok {
			return res, ""
		}
	}
	return "", "answer " + strings.TrimSpace(c.label()) + " is not understood"
}

// text reads a valueString: a known answer ("阴性", "++") or a quantity
// written as text ("<2.0E+01 IU/mL", "1.5×10^2 copies/mL").
func (b *builder) text(concept, s string) (string, *eligibility.Quantity, string) {
	if res, ok := b.tables.Result(concept, nil, s); ok {
		return res, nil, ""
	}
	if tq, ok := parseTextQuantity(s); ok {
		q, problem := b.tables.Normalise(concept, tq.value, tq.unit, "")
		q.Comparator = tq.comparator
		q.Received = strings.TrimSpace(s)
		if q.Value == nil {
			return "", &q, problem
		}
		return "", &q, ""
	}
	return "", nil, "text " + strings.TrimSpace(s) + " is not understood"
}

func textUnit(s string) string {
	if tq, ok := parseTextQuantity(s); ok {
		return tq.unit
	}
	return ""
}

func booleanResult(concept string, v bool) string {
	switch concept {
	case "breastfeeding", "anesthesia-ga-tolerable", "contraception-agreement":
		if v {
			return "yes"
		}
		return "no"
	case "pregnancy-status":
		if v {
			return "pregnant"
		}
		return "not-pregnant"
	}
	if v {
		return "positive"
	}
	return "negative"
}

// ordinalResult reads a grade or class: the first digit of "3", "grade 3",
// "3级", "ASA 2".
func ordinalResult(s string) string {
	for _, r := range s {
		if r >= '0' && r <= '9' {
			return string(r)
		}
	}
	return ""
}

// interpretation normalises the first v3 ObservationInterpretation code to
// H, L, N, A, POS, NEG, DET, ND or IND; the critical and off-scale variants
// fold into their direction.
func interpretation(cs []concept) string {
	for i := range cs {
		for _, cd := range cs[i].Coding {
			if k, ok := interpretationFold[strings.ToUpper(cd.Code)]; ok {
				return k
			}
		}
		if k, ok := interpretationFold[strings.TrimSpace(strings.ToUpper(cs[i].Text))]; ok {
			return k
		}
	}
	return ""
}

var interpretationFold = map[string]string{"H": "H", "HH": "H", "HU": "H", "L": "L", "LL": "L", "LU": "L", "N": "N",
	"A": "A", "AA": "A", "POS": "POS", "NEG": "NEG", "DET": "DET", "ND": "ND", "IND": "IND",
	"↑": "H", "↓": "L", "偏高": "H", "偏低": "L", "正常": "N", "阳性": "POS", "阴性": "NEG"}

// fasting: a fasting flag on the Observation (an extension whose URL names
// fasting) or on its Specimen (collection.fastingStatusCodeableConcept
// "F", HL7 v2 table 0916), or LOINC 1558-6 on the code.
func (b *builder) fasting(r *resource) bool {
	if r.Code.has("http://loinc.org", fastingLOINC) {
		return true
	}
	for _, e := range r.Extension {
		if !strings.Contains(strings.ToLower(e.URL), "fasting") {
			continue
		}
		if e.ValueBoolean != nil {
			return *e.ValueBoolean
		}
		if isFastingCode(e.ValueCodeableConcept) || e.ValueCode == "F" {
			return true
		}
	}
	if r.Specimen != nil {
		if s := b.resolve(r, r.Specimen.Reference); s != nil && s.Collection != nil {
			return isFastingCode(s.Collection.FastingStatusCodeableConcept)
		}
	}
	return false
}

func isFastingCode(c *concept) bool {
	if c == nil {
		return false
	}
	if c.has("", "F") {
		return true
	}
	t := mappings.NormaliseText(c.label())
	return t == "fasting" || t == "空腹"
}

// related names what a ctcae-grade Observation is about: the categories of
// a focused Condition (an irAE first), or "neoadjuvant" for a focused
// administration of the study regimen.
func (b *builder) related(focus []reference) string {
	for _, f := range focus {
		if cats, ok := b.conditionCats[f.Reference]; ok && len(cats) > 0 {
			for _, c := range cats {
				if c == "immune-related-ae" {
					return c
				}
			}
			return cats[0]
		}
		if r := b.byRef[f.Reference]; r != nil && strings.HasPrefix(r.ResourceType, "Medication") {
			return "neoadjuvant"
		}
	}
	return ""
}
