package fhirfacts

import "encoding/json"

// decode reads one resource: the fast lexer first, encoding/json when the
// lexer gives up (it then also produces the error). Both fill the same
// struct; TestFastDecoderMatchesEncodingJSON holds them equal.
func decode(data []byte, r *resource) error {
	l := lexer{data: data}
	l.resource(r)
	l.end()
	if l.err == nil {
		return nil
	}
	*r = resource{}
	return json.Unmarshal(data, r)
}

func (l *lexer) resource(r *resource) {
	l.fields(func(k []byte) {
		if l.value(k, &r.value) {
			return
		}
		switch string(k) {
		case "resourceType":
			r.ResourceType = l.str()
		case "id":
			r.ID = l.str()
		case "meta":
			l.fields(func(k []byte) {
				if string(k) == "tag" {
					r.Meta.Tag = list(l, l.codingInto)
				} else {
					l.skip()
				}
			})
		case "extension":
			r.Extension = list(l, l.extensionInto)
		case "contained":
			r.Contained = l.rawArray()
		case "status":
			r.Status = l.str()
		case "birthDate":
			r.BirthDate = l.str()
		case "gender":
			r.Gender = l.str()
		case "period":
			r.Period = l.period()
		case "assignedArm":
			r.AssignedArm = l.str()
		case "consent":
			r.Consent = l.reference()
		case "study":
			r.Study = l.reference()
		case "code":
			l.concept(&r.Code)
		case "effectiveDateTime":
			r.EffectiveDateTime = l.str()
		case "effectiveInstant":
			r.EffectiveInstant = l.str()
		case "effectivePeriod":
			r.EffectivePeriod = l.period()
		case "issued":
			r.Issued = l.str()
		case "interpretation":
			r.Interpretation = l.concepts()
		case "referenceRange":
			r.ReferenceRange = list(l, l.rangeInto)
		case "component":
			r.Component = list(l, l.componentInto)
		case "hasMember":
			r.HasMember = l.references()
		case "derivedFrom":
			r.DerivedFrom = l.references()
		case "method":
			r.Method = l.conceptPtr()
		case "specimen":
			r.Specimen = l.reference()
		case "focus":
			r.Focus = l.references()
		case "clinicalStatus":
			r.ClinicalStatus = l.conceptPtr()
		case "verificationStatus":
			r.VerificationStatus = l.conceptPtr()
		case "bodySite":
			r.BodySite = l.concepts()
		case "severity":
			r.Severity = l.conceptPtr()
		case "onsetDateTime":
			r.OnsetDateTime = l.str()
		case "onsetPeriod":
			r.OnsetPeriod = l.period()
		case "abatementDateTime":
			r.AbatementDateTime = l.str()
		case "abatementPeriod":
			r.AbatementPeriod = l.period()
		case "recordedDate":
			r.RecordedDate = l.str()
		case "stage":
			r.Stage = list(l, l.stageInto)
		case "medicationCodeableConcept":
			r.MedicationCodeableConcept = l.conceptPtr()
		case "medicationReference":
			r.MedicationReference = l.reference()
		case "form":
			r.Form = l.conceptPtr()
		case "ingredient":
			r.Ingredient = list(l, l.ingredientInto)
		case "authoredOn":
			r.AuthoredOn = l.str()
		case "reasonCode":
			r.ReasonCode = l.concepts()
		case "reasonReference":
			r.ReasonReference = l.references()
		case "performedDateTime":
			r.PerformedDateTime = l.str()
		case "performedPeriod":
			r.PerformedPeriod = l.period()
		case "scope":
			r.Scope = l.conceptPtr()
		case "dateTime":
			r.DateTime = l.str()
		case "actuality":
			r.Actuality = l.str()
		case "event":
			r.Event = l.conceptPtr()
		case "date":
			r.Date = l.str()
		case "outcome":
			r.Outcome = l.conceptPtr()
		case "suspectEntity":
			r.SuspectEntity = list(l, l.suspectInto)
		case "collection":
			r.Collection = ptr(l, l.collectionInto)
		default:
			l.skip()
		}
	})
}

// value reads the value[x] elements shared by Observation and component.
func (l *lexer) value(k []byte, v *value) bool {
	switch string(k) {
	case "valueQuantity":
		v.ValueQuantity = l.quantity()
	case "valueCodeableConcept":
		v.ValueCodeableConcept = l.conceptPtr()
	case "valueString":
		if !l.null() {
			s := l.str()
			v.ValueString = &s
		}
	case "valueBoolean":
		v.ValueBoolean = l.boolean()
	case "valueInteger":
		v.ValueInteger = l.numberPtr()
	default:
		return false
	}
	return true
}

func (l *lexer) numberPtr() *json.Number {
	if l.null() {
		return nil
	}
	n := l.number()
	return &n
}

func (l *lexer) rawArray() []json.RawMessage {
	if !l.array() {
		return nil
	}
	out := []json.RawMessage{}
	for first := true; l.more(&first); {
		l.ws()
		start := l.pos
		l.skip()
		out = append(out, json.RawMessage(l.data[start:l.pos]))
	}
	return out
}
