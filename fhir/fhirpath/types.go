package fhirpath

import (
	"encoding/json"
	"strings"
)

// This file is the whole of the FHIR type model the evaluator uses. There is
// no StructureDefinition behind it: types come from what the JSON says
// (choice-element suffixes, resourceType), from references, and from the JSON
// kind of primitives.

// choiceTypes maps the suffix of a choice element in JSON (valueQuantity,
// effectiveDateTime: http://hl7.org/fhir/R4/formats.html#choice) to the FHIR
// type it names. These are the types any R4 choice element allows (the open
// type list of Extension.value[x]).
var choiceTypes = func() map[string]string {
	names := []string{
		"base64Binary", "boolean", "canonical", "code", "date", "dateTime", "decimal", "id", "instant",
		"integer", "markdown", "oid", "positiveInt", "string", "time", "unsignedInt", "uri", "url", "uuid",
		"Address", "Age", "Annotation", "Attachment", "CodeableConcept", "Coding", "ContactPoint", "Count",
		"Distance", "Duration", "HumanName", "Identifier", "Money", "Period", "Quantity", "Range", "Ratio",
		"Reference", "SampledData", "Signature", "Timing", "ContactDetail", "Contributor", "DataRequirement",
		"Expression", "ParameterDefinition", "RelatedArtifact", "TriggerDefinition", "UsageContext", "Dosage",
		"Meta",
	}
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[strings.ToUpper(n[:1])+n[1:]] = n
	}
	return m
}()

// choiceElements are the names of the R4 elements declared name[x], in any
// resource or data type (from the StructureDefinitions of R4 4.0.1). Only
// these are looked for by suffix: a missing ordinary element then costs one
// map lookup instead of a scan of the object's keys, and an element such as
// PaymentNotice.payment is not mistaken for a choice when paymentDate is
// present and payment is not.
var choiceElements = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`abatement additive age allowed amount answer asNeeded author born
		bounds characteristic chargeItem code collected content created date deceased defaultValue
		definingSubstance definition detail diagnosis dose doseNumber due effective entity event example
		fastingStatus fixed identified indication item legallyBinding location manufacturer maxValue
		medication minValue minimumVolume module multipleBirth name occurred occurrence offset onset
		participantEffective pattern performed probability procedure product quantity rate reported
		scheduled seriesDoses serviced source start statusReason studyEffective subject substance target
		time timing topic used value when`) {
		m[n] = true
	}
	return m
}()

// primitiveTypes are the FHIR primitive types among choiceTypes.
var primitiveTypes = map[string]bool{
	"base64Binary": true, "boolean": true, "canonical": true, "code": true, "date": true, "dateTime": true,
	"decimal": true, "id": true, "instant": true, "integer": true, "markdown": true, "oid": true,
	"positiveInt": true, "string": true, "time": true, "unsignedInt": true, "uri": true, "url": true,
	"uuid": true, "xhtml": true,
}

// parentTypes maps a FHIR type to the type it is derived from, where an
// "is" test on the parent must hold too: an Age is a Quantity, a code is a
// string (R4 StructureDefinition baseDefinition).
var parentTypes = map[string]string{
	"Age": "Quantity", "Count": "Quantity", "Distance": "Quantity", "Duration": "Quantity",
	"MoneyQuantity": "Quantity", "SimpleQuantity": "Quantity",
	"code": "string", "id": "string", "markdown": "string",
	"url": "uri", "canonical": "uri", "oid": "uri", "uuid": "uri",
	"positiveInt": "integer", "unsignedInt": "integer",
}

// systemTypes maps the FHIRPath system types to the FHIR primitive they
// hold in JSON, so that "is String" and "is System.String" work on FHIR data
// (http://hl7.org/fhirpath/N1/#models).
var systemTypes = map[string]string{
	"String": "string", "Boolean": "boolean", "Integer": "integer", "Decimal": "decimal",
	"Date": "date", "DateTime": "dateTime", "Time": "time",
}

// notDomainResources are the resource types that are not DomainResources.
var notDomainResources = map[string]bool{"Bundle": true, "Binary": true, "Parameters": true}

// typeName normalizes a type specifier: the FHIR namespace is the default,
// and System types are read as the FHIR primitive carrying them.
func typeName(namespace, name string) string {
	if t, ok := systemTypes[name]; ok && (namespace == "" || namespace == "System") {
		return t
	}
	return name
}

// typeOf returns the type of an item as far as it is known, and whether it
// is a resource.
func typeOf(it item) (string, bool) {
	if it.resource {
		return it.typ, true
	}
	if it.typ != "" {
		return it.typ, false
	}
	switch n := it.node.(type) {
	case map[string]any:
		if rt, ok := n["resourceType"].(string); ok && rt != "" {
			return rt, true
		}
	case string:
		return "string", false
	case bool:
		return "boolean", false
	case json.Number:
		if strings.ContainsAny(string(n), ".eE") {
			return "decimal", false
		}
		return "integer", false
	case float64:
		return "decimal", false
	}
	return "", false
}

// isType reports whether it is of type want, a normalized type name.
func isType(it item, want string) bool {
	got, resource := typeOf(it)
	if got == "" {
		return false
	}
	if resource {
		return resourceIs(got, want)
	}
	for t := got; t != ""; t = parentTypes[t] {
		if t == want {
			return true
		}
	}
	return false
}

// resourceIs reports whether a resource of type rt is a want: of that type,
// or any Resource, or a DomainResource unless it is one of the few that are not.
func resourceIs(rt, want string) bool {
	return rt == want || want == "Resource" || (want == "DomainResource" && !notDomainResources[rt])
}

// isTypeName reports whether name can name a resource type: an upper-case
// letter, then letters and digits. References are read with it.
func isTypeName(name string) bool {
	if name == "" || !(name[0] >= 'A' && name[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !isDigit(c) {
			return false
		}
	}
	return true
}
