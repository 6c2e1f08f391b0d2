package fhirpatch_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/fhirpatch"
)

func TestApplyErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		params []byte
		code   fhir.Code
	}{
		{"not a Parameters", []byte(`{"resourceType":"Patient"}`), fhir.CodeInvalid},
		{"not an operation", []byte(`{"resourceType":"Parameters","parameter":[{"name":"op"}]}`), fhir.CodeInvalid},
		{"unknown type", params(`{"name":"type","valueCode":"copy"}`, `{"name":"path","valueString":"Patient.id"}`), fhir.CodeInvalid},
		{"missing value", params(`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Patient.birthDate"}`), fhir.CodeInvalid},
		{"missing index", params(`{"name":"type","valueCode":"insert"}`, `{"name":"path","valueString":"Patient.identifier"}`, `{"name":"value","valueIdentifier":{"value":"1"}}`), fhir.CodeInvalid},
		{"a part the type does not take", params(`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.gender"}`, `{"name":"index","valueInteger":0}`), fhir.CodeInvalid},
		{"a bad path", params(`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.name.where(use='x'"}`), fhir.CodeInvalid},
		{"a path with an operator", params(`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.gender | Patient.id"}`), fhir.CodeInvalid},
		{"a path ending in a function", params(`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.name.exists()"}`), fhir.CodeInvalid},
		{"unsupported FHIRPath", params(`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.name.where(family.length() > 2)"}`), fhir.CodeInvalid},
		{"delete matching 2 elements", params(`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.identifier"}`), fhir.CodeProcessing},
		{"replace matching nothing", params(`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Patient.deceased"}`, `{"name":"value","valueBoolean":true}`), fhir.CodeProcessing},
		{"replace matching 2 elements", params(`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Patient.name.given"}`, `{"name":"value","valueString":"X"}`), fhir.CodeProcessing},
		{"insert index out of range", params(`{"name":"type","valueCode":"insert"}`, `{"name":"path","valueString":"Patient.identifier"}`, `{"name":"index","valueInteger":3}`, `{"name":"value","valueIdentifier":{"value":"1"}}`), fhir.CodeProcessing},
		{"move index out of range", params(`{"name":"type","valueCode":"move"}`, `{"name":"path","valueString":"Patient.identifier"}`, `{"name":"source","valueInteger":2}`, `{"name":"destination","valueInteger":0}`), fhir.CodeProcessing},
		{"insert into a single element", params(`{"name":"type","valueCode":"insert"}`, `{"name":"path","valueString":"Patient.birthDate"}`, `{"name":"index","valueInteger":0}`, `{"name":"value","valueDate":"2000-01-01"}`), fhir.CodeProcessing},
		{"add a present single element", params(`{"name":"type","valueCode":"add"}`, `{"name":"path","valueString":"Patient"}`, `{"name":"name","valueString":"gender"}`, `{"name":"value","valueCode":"female"}`), fhir.CodeProcessing},
		{"add to 2 elements", params(`{"name":"type","valueCode":"add"}`, `{"name":"path","valueString":"Patient.name"}`, `{"name":"name","valueString":"text"}`, `{"name":"value","valueString":"x"}`), fhir.CodeProcessing},
		{"value of the wrong shape", params(`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Patient.birthDate"}`, `{"name":"value","valueCoding":{"code":"x"}}`), fhir.CodeProcessing},
		{"value with two value[x]", params(`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Patient.birthDate"}`, `{"name":"value","valueDate":"2000-01-01","valueString":"x"}`), fhir.CodeInvalid},
		{"value with neither value[x] nor parts", params(`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Patient.birthDate"}`, `{"name":"value"}`), fhir.CodeInvalid},
		{"a choice added without a type", params(`{"name":"type","valueCode":"add"}`, `{"name":"path","valueString":"Patient"}`, `{"name":"name","valueString":"deceased"}`, `{"name":"value","part":[{"name":"x","valueString":"y"}]}`), fhir.CodeInvalid},
		{"a later operation fails the whole patch", operations(
			[]string{`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.gender"}`},
			[]string{`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.name"}`}), fhir.CodeProcessing},
		{"add beside an existing choice", params(`{"name":"type","valueCode":"add"}`, `{"name":"path","valueString":"Patient"}`,
			`{"name":"name","valueString":"multipleBirth"}`, `{"name":"value","valueInteger":2}`), fhir.CodeProcessing},
		{"a path into another resource", params(`{"name":"type","valueCode":"add"}`, `{"name":"path","valueString":"Patient.generalPractitioner.resolve()"}`,
			`{"name":"name","valueString":"active"}`, `{"name":"value","valueBoolean":true}`), fhir.CodeProcessing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fhirpatch.Apply(fixture(t, "patient.json"), tc.params)
			require.Error(t, err)
			require.Equal(t, tc.code, fhir.ErrorCode(err), err.Error())
		})
	}
}
