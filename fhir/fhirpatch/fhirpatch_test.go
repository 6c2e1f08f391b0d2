package fhirpatch_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/fhirpatch"
)

// params builds a Parameters of one operation, given as its parts in JSON.
func params(parts ...string) []byte { return operations(parts) }

// operations builds a Parameters of several operations, each given as its
// parts in JSON.
func operations(ops ...[]string) []byte {
	ps := make([]string, len(ops))
	for i, parts := range ops {
		ps[i] = `{"name":"operation","part":[` + strings.Join(parts, ",") + `]}`
	}
	return []byte(`{"resourceType":"Parameters","parameter":[` + strings.Join(ps, ",") + `]}`)
}

func fixture(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// top decodes the top-level elements of a resource, each kept as JSON.
func top(t *testing.T, body []byte) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &m))
	return m
}

func TestApply(t *testing.T) {
	for _, tc := range []struct {
		name     string
		resource string
		params   []byte
		want     map[string]string // top-level elements after the patch, as JSON
		gone     []string          // top-level elements the patch removes
	}{
		{"spec: add", "patient-bare.json", fixture(t, "spec-add.json"),
			map[string]string{"birthDate": `"1930-01-01"`}, nil},
		{"add a choice element", "patient.json",
			params(`{"name":"type","valueCode":"add"}`, `{"name":"path","valueString":"Patient"}`, `{"name":"name","valueString":"deceased"}`,
				`{"name":"value","valueDateTime":"2026-01-01"}`),
			map[string]string{"deceasedDateTime": `"2026-01-01"`}, nil},
		{"add in a contained resource by resolve()", "observation.json",
			params(`{"name":"type","valueCode":"add"}`, `{"name":"path","valueString":"Observation.performer.resolve()"}`, `{"name":"name","valueString":"telecom"}`,
				`{"name":"value","valueContactPoint":{"system":"phone","value":"1"}}`),
			map[string]string{"contained": `[{"resourceType":"Practitioner","id":"pr","name":[{"family":"Ng"}],"telecom":[{"system":"phone","value":"1"}]}]`}, nil},
		{"add a contained resource", "observation.json",
			params(`{"name":"type","valueCode":"add"}`, `{"name":"path","valueString":"Observation"}`, `{"name":"name","valueString":"contained"}`,
				`{"name":"value","resource":{"resourceType":"Organization","id":"org","name":"Lab"}}`),
			map[string]string{"contained": `[{"resourceType":"Practitioner","id":"pr","name":[{"family":"Ng"}]},{"resourceType":"Organization","id":"org","name":"Lab"}]`}, nil},
		{"spec: add a backbone element of parts", "patient.json", fixture(t, "spec-contact.json"),
			map[string]string{"contact": `[{"name":{"family":"Chan","given":["Mei"]},"telecom":[{"system":"phone","value":"555-0101"}]},` +
				`{"name":{"text":"a name"},"telecom":[{"system":"email","value":"x@example.org"}],"gender":"female"}]`}, nil},
		{"add to a missing list", "observation.json",
			params(`{"name":"type","valueCode":"add"}`, `{"name":"path","valueString":"Observation"}`, `{"name":"name","valueString":"category"}`,
				`{"name":"value","valueCodeableConcept":{"text":"vital-signs"}}`),
			map[string]string{"category": `[{"text":"vital-signs"}]`}, nil},
		{"add to a nested list", "patient.json",
			params(`{"name":"type","valueCode":"add"}`, `{"name":"path","valueString":"Patient.name.where(use='official')"}`,
				`{"name":"name","valueString":"given"}`, `{"name":"value","valueString":"Wing"}`),
			map[string]string{"name": `[{"use":"official","family":"Chan","given":["Tai","Man","Wing"]},{"use":"nickname","given":["Tommy"]}]`}, nil},
		{"spec: insert at 0", "patient.json",
			params(`{"name":"type","valueCode":"insert"}`, `{"name":"path","valueString":"Patient.identifier"}`, `{"name":"index","valueInteger":0}`,
				`{"name":"value","valueIdentifier":{"system":"http://a","value":"1"}}`),
			map[string]string{"identifier": `[{"system":"http://a","value":"1"},{"system":"https://trialfhir.org/fhir/sid/subject","value":"S-001"},{"system":"http://hospital.example/mrn","value":"MRN-7"}]`}, nil},
		{"insert in the middle", "patient.json",
			params(`{"name":"type","valueCode":"insert"}`, `{"name":"path","valueString":"Patient.name[0].given"}`, `{"name":"index","valueInteger":1}`,
				`{"name":"value","valueString":"Ka"}`),
			map[string]string{"name": `[{"use":"official","family":"Chan","given":["Tai","Ka","Man"]},{"use":"nickname","given":["Tommy"]}]`}, nil},
		{"insert at the end", "patient.json",
			params(`{"name":"type","valueCode":"insert"}`, `{"name":"path","valueString":"Patient.identifier"}`, `{"name":"index","valueInteger":2}`,
				`{"name":"value","valueIdentifier":{"value":"3"}}`),
			map[string]string{"identifier": `[{"system":"https://trialfhir.org/fhir/sid/subject","value":"S-001"},{"system":"http://hospital.example/mrn","value":"MRN-7"},{"value":"3"}]`}, nil},
		{"insert into a missing list", "observation.json",
			params(`{"name":"type","valueCode":"insert"}`, `{"name":"path","valueString":"Observation.note"}`, `{"name":"index","valueInteger":0}`,
				`{"name":"value","valueAnnotation":{"text":"n"}}`),
			map[string]string{"note": `[{"text":"n"}]`}, nil},
		{"spec: delete a primitive", "patient.json",
			params(`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.birthDate"}`),
			nil, []string{"birthDate"}},
		{"delete a list item by where()", "patient.json",
			params(`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.identifier.where(system='http://hospital.example/mrn')"}`),
			map[string]string{"identifier": `[{"system":"https://trialfhir.org/fhir/sid/subject","value":"S-001"}]`}, nil},
		{"delete the last item removes the list", "patient.json",
			params(`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.contact[0]"}`),
			nil, []string{"contact"}},
		{"delete a primitive in a list by last()", "patient.json",
			params(`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.name.first().given.last()"}`),
			map[string]string{"name": `[{"use":"official","family":"Chan","given":["Tai"]},{"use":"nickname","given":["Tommy"]}]`}, nil},
		{"delete of nothing is no change", "patient.json",
			params(`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.deceased"}`),
			map[string]string{"birthDate": `"1961-04-02"`}, nil},
		{"replace an extension by extension(url)", "patient-bare.json",
			params(`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Patient.extension('http://x/b').value"}`, `{"name":"value","valueCode":"z"}`),
			map[string]string{"extension": `[{"url":"http://x/a","valueCode":"a"},{"url":"http://x/b","valueCode":"z"}]`}, nil},
		{"delete an extension by extension(url)", "patient-bare.json",
			params(`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.extension('http://x/a')"}`),
			map[string]string{"extension": `[{"url":"http://x/b","valueCode":"b"}]`}, nil},
		{"spec: replace a primitive", "patient.json",
			params(`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Patient.birthDate"}`, `{"name":"value","valueDate":"1930-01-01"}`),
			map[string]string{"birthDate": `"1930-01-01"`}, nil},
		{"replace a complex value", "patient.json",
			params(`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Patient.contact[0].name"}`,
				`{"name":"value","valueHumanName":{"family":"Lee"}}`),
			map[string]string{"contact": `[{"name":{"family":"Lee"},"telecom":[{"system":"phone","value":"555-0101"}]}]`}, nil},
		{"replace a choice element by another type", "observation.json",
			params(`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Observation.value"}`, `{"name":"value","valueString":"tall"}`),
			map[string]string{"valueString": `"tall"`}, []string{"valueQuantity"}},
		{"replace inside a choice by ofType()", "observation.json",
			params(`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Observation.value.ofType(Quantity).value"}`, `{"name":"value","valueDecimal":1.725}`),
			map[string]string{"valueQuantity": `{"value":1.725,"unit":"cm","system":"http://unitsofmeasure.org","code":"cm"}`}, nil},
		{"spec: move", "patient.json",
			params(`{"name":"type","valueCode":"move"}`, `{"name":"path","valueString":"Patient.identifier"}`, `{"name":"source","valueInteger":1}`, `{"name":"destination","valueInteger":0}`),
			map[string]string{"identifier": `[{"system":"http://hospital.example/mrn","value":"MRN-7"},{"system":"https://trialfhir.org/fhir/sid/subject","value":"S-001"}]`}, nil},
		{"operations apply in order", "patient.json",
			operations(
				[]string{`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.identifier[0]"}`},
				[]string{`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.identifier[0]"}`}),
			nil, []string{"identifier"}},
		{"a replaced primitive loses its extensions", "patient-bare.json",
			params(`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Patient.name.given[0]"}`, `{"name":"value","valueString":"Z"}`),
			map[string]string{"name": `[{"given":["Z","B"],"_given":[null,{"id":"b"}]}]`}, nil},
		{"add to a primitive list keeps its companion aligned", "patient-bare.json",
			params(`{"name":"type","valueCode":"add"}`, `{"name":"path","valueString":"Patient.name[0]"}`, `{"name":"name","valueString":"given"}`, `{"name":"value","valueString":"C"}`),
			map[string]string{"name": `[{"given":["A","B","C"],"_given":[{"id":"a"},{"id":"b"},null]}]`}, nil},
		{"a companion left with only nulls goes", "patient-bare.json",
			operations(
				[]string{`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Patient.name.given[0]"}`, `{"name":"value","valueString":"Z"}`},
				[]string{`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Patient.name.given[1]"}`, `{"name":"value","valueString":"Y"}`}),
			map[string]string{"name": `[{"given":["Z","Y"]}]`}, nil},
		{"an element emptied by a delete can be added", "observation.json",
			operations(
				[]string{`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Observation.code.coding"}`},
				[]string{`{"name":"type","valueCode":"add"}`, `{"name":"path","valueString":"Observation"}`, `{"name":"name","valueString":"code"}`, `{"name":"value","valueCodeableConcept":{"text":"x"}}`}),
			map[string]string{"code": `{"text":"x"}`}, nil},
		{"replace a primitive with one carrying extensions", "patient.json",
			params(`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Patient.birthDate"}`,
				`{"name":"value","valueDate":"1930","_valueDate":{"extension":[{"url":"http://x/e","valueCode":"c"}]}}`),
			map[string]string{"birthDate": `"1930"`, "_birthDate": `{"extension":[{"url":"http://x/e","valueCode":"c"}]}`}, nil},
		{"add a primitive list item carrying extensions", "patient-bare.json",
			params(`{"name":"type","valueCode":"add"}`, `{"name":"path","valueString":"Patient.name[0]"}`, `{"name":"name","valueString":"given"}`,
				`{"name":"value","valueString":"C","_valueString":{"id":"c"}}`),
			map[string]string{"name": `[{"given":["A","B","C"],"_given":[{"id":"a"},{"id":"b"},{"id":"c"}]}]`}, nil},
		{"insert a primitive carrying extensions", "patient.json",
			params(`{"name":"type","valueCode":"insert"}`, `{"name":"path","valueString":"Patient.name[1].given"}`, `{"name":"index","valueInteger":0}`,
				`{"name":"value","valueString":"T","_valueString":{"id":"t"}}`),
			map[string]string{"name": `[{"use":"official","family":"Chan","given":["Tai","Man"]},{"use":"nickname","given":["T","Tommy"],"_given":[{"id":"t"},null]}]`}, nil},
		{"a part carrying extensions", "patient.json",
			params(`{"name":"type","valueCode":"add"}`, `{"name":"path","valueString":"Patient"}`, `{"name":"name","valueString":"contact"}`,
				`{"name":"value","part":[{"name":"gender","valueCode":"other","_valueCode":{"id":"g"}}]}`),
			map[string]string{"contact": `[{"name":{"family":"Chan","given":["Mei"]},"telecom":[{"system":"phone","value":"555-0101"}]},{"gender":"other","_gender":{"id":"g"}}]`}, nil},
		{"a primitive's extensions follow it", "patient-bare.json",
			params(`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.name.given[0]"}`),
			map[string]string{"name": `[{"given":["B"],"_given":[{"id":"b"}]}]`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := top(t, fixture(t, tc.resource))
			out, err := fhirpatch.Apply(fixture(t, tc.resource), tc.params)
			require.NoError(t, err)
			after := top(t, out)
			for k, v := range tc.want {
				require.JSONEq(t, v, string(after[k]), k)
			}
			for _, k := range tc.gone {
				require.NotContains(t, after, k)
			}
			for k, v := range before {
				if _, changed := tc.want[k]; !changed && !contains(tc.gone, k) {
					require.JSONEq(t, string(v), string(after[k]), "%s must not change", k)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func BenchmarkApply(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("testdata", "patient.json"))
	require.NoError(b, err)
	patch := operations(
		[]string{`{"name":"type","valueCode":"replace"}`, `{"name":"path","valueString":"Patient.birthDate"}`, `{"name":"value","valueDate":"1930-01-01"}`},
		[]string{`{"name":"type","valueCode":"delete"}`, `{"name":"path","valueString":"Patient.identifier.where(system='http://hospital.example/mrn')"}`},
		[]string{`{"name":"type","valueCode":"add"}`, `{"name":"path","valueString":"Patient.name.where(use='official')"}`, `{"name":"name","valueString":"given"}`, `{"name":"value","valueString":"Wing"}`},
	)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fhirpatch.Apply(body, patch); err != nil {
			b.Fatal(err)
		}
	}
}
