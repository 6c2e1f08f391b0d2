package fhirfacts_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/trialfhir/trialfhir/mappings"
	"github.com/trialfhir/trialfhir/mappings/fhirfacts"
	"github.com/trialfhir/trialfhir/trial/eligibility"
)

const patientJSON = `{"resourceType":"Patient","id":"p","gender":"male","birthDate":"1960-01-01"}`

func one(t *testing.T, record string) eligibility.Facts {
	t.Helper()
	f, err := fhirfacts.Build(mappings.Default(), []byte(patientJSON), [][]byte{[]byte(record)}, fhirfacts.Options{})
	require.NoError(t, err)
	return f
}

func TestStageValues(t *testing.T) {
	cases := []struct{ name, value, group, typ string }{
		{"roman", `"valueCodeableConcept":{"text":"III"}`, "III", "clinical"},
		{"AJCC code", `"valueCodeableConcept":{"coding":[{"system":"http://cancerstaging.org","code":"4A"}]}`, "IVA", "clinical"},
		{"Unicode roman numeral", `"valueString":"Ⅳa期"`, "IVA", "clinical"},
		{"SNOMED-style display", `"valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"1222806003","display":"American Joint Committee on Cancer stage IVB (qualifier value)"}]}`, "IVB", "clinical"},
		{"IV without letter", `"valueString":"IV"`, "IV", "clinical"},
		{"IIIA is not an oral cavity group", `"valueString":"IIIA"`, "", "clinical"},
		{"post-therapy", `"valueString":"ycIII"`, "III", "post-therapy"},
		{"free text", `"valueString":"see report"`, "", "clinical"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := one(t, fmt.Sprintf(`{"resourceType":"Observation","id":"s","status":"final",
				"code":{"coding":[{"system":"http://loinc.org","code":"21908-9"}]},"effectiveDateTime":"2025-10-01",%s}`, tc.value))
			require.Len(t, f.Stages, 1)
			require.Equal(t, tc.group, f.Stages[0].Group)
			require.Equal(t, tc.typ, f.Stages[0].Type)
		})
	}
}

func TestTextValuesAndRanges(t *testing.T) {
	cases := []struct {
		name, concept, body string
		value, low, high    string // "" = nil
		result              string
	}{
		{"tilde range", "alt", `"code":{"text":"ALT"},"valueQuantity":{"value":30,"unit":"U/L"},"referenceRange":[{"text":"7~40"}]`, "30", "7", "40", ""},
		{"full-width tilde", "alt", `"code":{"text":"ALT"},"valueQuantity":{"value":30,"unit":"U/L"},"referenceRange":[{"text":"7～40"}]`, "30", "7", "40", ""},
		{"upper bound only", "alt", `"code":{"text":"ALT"},"valueQuantity":{"value":30,"unit":"U/L"},"referenceRange":[{"text":"<40"}]`, "30", "", "40", ""},
		{"range in another unit", "creatinine", `"code":{"text":"肌酐"},"valueQuantity":{"value":88.4,"unit":"umol/L"},"referenceRange":[{"text":"0.7-1.3 mg/dL"}]`, "1", "0.7", "1.3", ""},
		{"range without unit takes the value's", "hemoglobin", `"code":{"text":"血红蛋白"},"valueQuantity":{"value":120,"unit":"g/L"},"referenceRange":[{"low":{"value":130},"high":{"value":175}}]`, "12", "13", "17.5", ""},
		{"female range skipped for a man", "hemoglobin", `"code":{"text":"血红蛋白"},"valueQuantity":{"value":120,"unit":"g/L"},"referenceRange":[{"low":{"value":115},"high":{"value":150},"appliesTo":[{"text":"女"}]},{"low":{"value":130},"high":{"value":175},"appliesTo":[{"text":"男"}]}]`, "12", "13", "17.5", ""},
		{"age range", "creatinine", `"code":{"text":"肌酐"},"valueQuantity":{"value":1,"unit":"mg/dL"},"referenceRange":[{"high":{"value":1.1,"unit":"mg/dL"},"age":{"high":{"value":60,"unit":"a"}}},{"high":{"value":1.3,"unit":"mg/dL"},"age":{"low":{"value":60,"unit":"a"}}}]`, "1", "", "1.3", ""},
		{"scientific text", "hbv-dna", `"code":{"text":"HBV-DNA"},"valueString":"1.5×10^3 copies/mL"`, "300", "", "", ""},
		{"log10 text unit", "hbv-dna", `"code":{"text":"HBV-DNA"},"valueQuantity":{"value":2,"unit":"log10 IU/mL"}`, "100", "", "", ""},
		{"not detected", "hbv-dna", `"code":{"text":"HBV-DNA"},"valueString":"未检出"`, "", "", "", "not-detected"},
		{"weak positive", "hcg-urine", `"code":{"text":"尿妊娠试验"},"valueString":"弱阳性"`, "", "", "", "indeterminate"},
		{"dipstick 3+", "urine-protein-dipstick", `"code":{"text":"尿蛋白"},"valueCodeableConcept":{"text":"+++"}`, "", "", "", "3+"},
		{"boolean serology", "hiv", `"code":{"text":"抗-HIV"},"valueBoolean":false`, "", "", "", "negative"},
		{"CTCAE grade as a quantity", "ctcae-grade", `"code":{"coding":[{"system":"https://trialfhir.org/fhir/CodeSystem/trialfhir-observation","code":"ctcae-grade"}]},"valueQuantity":{"value":3}`, "", "", "", "3"},
		{"ASA integer", "asa-class", `"code":{"coding":[{"system":"https://trialfhir.org/fhir/CodeSystem/trialfhir-observation","code":"asa-class"}]},"valueInteger":3`, "", "", "", "3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := one(t, `{"resourceType":"Observation","id":"o","status":"final","effectiveDateTime":"2026-03-01",`+tc.body+`}`)
			require.Len(t, f.Observations, 1)
			o := f.Observations[0]
			require.Equal(t, tc.concept, o.Concept)
			require.Empty(t, o.Problem)
			require.Equal(t, tc.result, o.Result)
			if tc.value == "" {
				require.Nil(t, o.Value)
			} else {
				require.NotNil(t, o.Value)
				require.Zero(t, quo(tc.value).Cmp(o.Value.Value), "value %s", o.Value.Value.RatString())
			}
			if tc.low == "" {
				require.Nil(t, o.Low)
			} else {
				require.NotNil(t, o.Low)
				require.Zero(t, quo(tc.low).Cmp(o.Low), "LLN %s", o.Low.RatString())
			}
			if tc.high == "" {
				require.Nil(t, o.High)
			} else {
				require.NotNil(t, o.High)
				require.Zero(t, quo(tc.high).Cmp(o.High), "ULN %s", o.High.RatString())
			}
		})
	}
}
