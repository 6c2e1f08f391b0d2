package fhirpath_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/fhirpath"
)

type (
	obj = map[string]any
	arr = []any
	val = fhirpath.Value
)

func num(s string) json.Number { return json.Number(s) }

// Expected values, written out from testdata by hand.
var (
	bpSubject  = obj{"reference": "Patient/example"}
	bpQuantity = obj{"value": num("120"), "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}
	email      = obj{"system": "email", "value": "pete@example.org"}
	onsetAge   = obj{"value": num("52"), "unit": "years", "system": "http://unitsofmeasure.org", "code": "a"}
	medication = obj{"reference": "Medication/med1"}
	prSubject  = obj{"reference": "https://fhir.example.org/r4/Patient/p7"}
	contained  = obj{"resourceType": "Practitioner", "id": "pr1", "name": arr{obj{"family": "Careful"}}}
)

func TestEvaluate(t *testing.T) {
	cases := []struct {
		name, file, expr string
		want             []fhirpath.Value
	}{
		// Type names at the start of a path select the resource type.
		{"type name matches", "observation", "Observation.status", []val{{Node: "final"}}},
		{"other type yields nothing", "observation", "Patient.gender", nil},
		{"union across bases", "observation", "Patient.link.other | Observation.subject | Condition.subject", []val{{Node: bpSubject}}},
		{"Resource applies to any type", "observation", "Resource.id", []val{{Node: "bp"}}},
		{"DomainResource applies to any type", "condition", "DomainResource.id", []val{{Node: "c1"}}},
		{"a type name alone yields the resource", "condition", "Condition", []val{{Node: obj{
			"resourceType": "Condition", "id": "c1", "code": obj{"text": "Asthma"}, "subject": obj{"reference": "Group/g1"},
			"onsetAge": onsetAge, "abatementString": "around April 2020", "recordedDate": "2020-05-01"}}}},
		{"Resource meta array", "patient", "Resource.meta.profile", []val{{Node: "http://example.org/p1"}, {Node: "http://example.org/p2"}}},

		// Choice elements are found by suffix and typed by it.
		{"choice Quantity", "observation", "Observation.value", []val{{Node: bpQuantity, Type: "Quantity"}}},
		{"choice over an array", "observation", "Observation.component.value", []val{
			{Node: obj{"value": num("120"), "unit": "mmHg"}, Type: "Quantity"},
			{Node: obj{"value": num("80.0"), "unit": "mmHg"}, Type: "Quantity"},
			{Node: obj{"text": "sitting"}, Type: "CodeableConcept"},
		}},
		{"choice dateTime with companion element", "observation", "Observation.effective", []val{{Node: "2021-03-04T10:30:00Z", Type: "dateTime"}}},
		{"choice boolean", "patient", "Patient.deceased", []val{{Node: false, Type: "boolean"}}},
		{"choice integer", "patient", "Patient.multipleBirth", []val{{Node: num("2"), Type: "integer"}}},
		{"choice suffix that is no type is no choice", "patient", "Patient.multiple", nil},

		// as, ofType and is.
		{"as operator filters an array", "observation", "(Observation.component.value as Quantity).value", []val{{Node: num("120")}, {Node: num("80.0")}}},
		{"as function on the wrong type", "observation", "Observation.value.as(CodeableConcept)", nil},
		{"ofType", "observation", "Observation.component.value.ofType(CodeableConcept).text", []val{{Node: "sitting"}}},
		{"as Age", "condition", "Condition.onset.as(Age) | Condition.onset.as(Range)", []val{{Node: onsetAge, Type: "Age"}}},
		{"an Age is a Quantity", "condition", "Condition.onset as Quantity", []val{{Node: onsetAge, Type: "Age"}}},
		{"as string", "condition", "Condition.abatement.as(string)", []val{{Node: "around April 2020", Type: "string"}}},
		{"as dateTime on a string", "condition", "Condition.abatement.as(dateTime)", nil},
		{"as Reference", "medicationrequest", "(MedicationRequest.medication as Reference)", []val{{Node: medication, Type: "Reference"}}},
		{"as CodeableConcept on a Reference", "medicationrequest", "(MedicationRequest.medication as CodeableConcept)", nil},
		{"as on a plain primitive records the type", "patient", "Patient.gender as string", []val{{Node: "male", Type: "string"}}},
		{"as System.String", "patient", "Patient.gender.as(System.String)", []val{{Node: "male", Type: "string"}}},
		{"is on the resource", "patient", "%resource is DomainResource and %resource is Patient and (%resource is Observation).not()", []val{{Node: true, Type: "boolean"}}},
		{"is on a choice", "patient", "Patient.deceased is boolean", []val{{Node: true, Type: "boolean"}}},
		{"plain string is not known as code", "patient", "Patient.gender is code", []val{{Node: false, Type: "boolean"}}},

		// resolve() reads the reference.
		{"where resolve is Patient", "observation", "Observation.subject.where(resolve() is Patient)", []val{{Node: bpSubject}}},
		{"resolve absolute URL", "medicationrequest", "MedicationRequest.subject.where(resolve() is Patient)", []val{{Node: prSubject}}},
		{"resolve is another type", "condition", "Condition.subject.where(resolve() is Patient)", nil},
		{"resolve urn:uuid by Reference.type", "observation", "Observation.focus.where(resolve() is Patient).reference", []val{{Node: "urn:uuid:7c1f1d0c-4b4e-4d6e-9d7d-2f4e1b9c1a01"}}},
		{"unresolvable references yield nothing", "observation", "Observation.focus.where(resolve().exists()).count()", []val{{Node: num("1"), Type: "integer"}}},
		{"resolve history URL", "observation", "Observation.performer.where(resolve() is Organization).reference", []val{{Node: "http://example.org/fhir/Organization/1/_history/2"}}},
		{"resolve contained", "observation", "Observation.performer.resolve().name.family", []val{{Node: "Careful"}}},
		{"resolved by type only has no value", "observation", "Observation.performer.resolve()", []val{{Node: contained}}},
		{"resolve among many", "patient", "Patient.generalPractitioner.where(resolve() is Practitioner).reference", []val{{Node: "Practitioner/gp"}}},

		// Extensions, including those of primitives.
		{"extension function", "observation", "Observation.extension('http://example.org/fhir/StructureDefinition/site').value", []val{{Node: "ward 3", Type: "string"}}},
		{"where url", "observation", "Observation.extension.where(url = 'http://example.org/fhir/StructureDefinition/flag').value", []val{{Node: true, Type: "boolean"}}},
		{"extension of a choice primitive", "observation", "Observation.effective.extension('http://example.org/fhir/StructureDefinition/estimated').value", []val{{Node: true, Type: "boolean"}}},
		{"primitive with companion is the primitive", "patient", "Patient.birthDate", []val{{Node: "1974-12-25"}}},
		{"extension of a primitive", "patient", "Patient.birthDate.extension('http://hl7.org/fhir/StructureDefinition/patient-birthTime').value", []val{{Node: "1974-12-25T14:35:45-05:00", Type: "dateTime"}}},
		{"primitive with only extensions has no value", "patient", "Patient.active", nil},
		{"primitive with only extensions exists", "patient", "Patient.active.exists() and Patient.active.hasValue().not() and Patient.birthDate.hasValue()", []val{{Node: true, Type: "boolean"}}},
		{"array with null and companion", "patient", "Patient.name.given", []val{{Node: "Peter"}, {Node: "James"}, {Node: "Jim"}}},
		{"extension of an array element without value", "patient", "Patient.name.given.extension('http://example.org/initial').value", []val{{Node: "Q", Type: "string"}}},
		{"count includes an element without value", "patient", "Patient.name.given.count()", []val{{Node: num("4"), Type: "integer"}}},

		// where, select, exists and friends.
		{"where system email", "patient", "Patient.telecom.where(system='email') | Practitioner.telecom.where(system='email')", []val{{Node: email}}},
		{"where keeps order", "patient", "Patient.telecom.where(system = 'phone').value", []val{{Node: "(03) 5555 6473"}, {Node: "(03) 3410 5613"}}},
		{"where $this", "patient", "Patient.name.given.where($this = 'Jim')", []val{{Node: "Jim"}}},
		{"where $index", "patient", "Patient.telecom.where($index > 0).system", []val{{Node: "email"}, {Node: "phone"}}},
		{"where %resource", "observation", "Observation.subject.where(%resource.status = 'final').reference", []val{{Node: "Patient/example"}}},
		{"select", "patient", "Patient.name.select(given.first())", []val{{Node: "Peter"}, {Node: "Jim"}}},
		{"exists with criteria", "observation", "Observation.component.exists(code.coding.code = '8462-4')", []val{{Node: true, Type: "boolean"}}},
		{"all", "observation", "Observation.component.all(code.coding.system = %loinc)", []val{{Node: true, Type: "boolean"}}},
		{"deceased false", "patient", "Patient.deceased.exists() and Patient.deceased != false", []val{{Node: false, Type: "boolean"}}},

		// Missing elements, empty arrays, indexing and subsetting.
		{"empty array yields nothing", "patient", "Patient.address", nil},
		{"empty array is empty", "observation", "Observation.note.empty()", []val{{Node: true, Type: "boolean"}}},
		{"missing element", "observation", "Observation.bodySite", nil},
		{"missing element does not exist", "observation", "Observation.bodySite.exists()", []val{{Node: false, Type: "boolean"}}},
		{"navigation past a missing element", "observation", "Observation.bodySite.coding.code", nil},
		{"index", "observation", "Observation.code.coding[1].code", []val{{Node: "75367002"}}},
		{"index out of range", "observation", "Observation.code.coding[5]", nil},
		{"first", "observation", "Observation.code.coding.first().code", []val{{Node: "85354-9"}}},
		{"last", "patient", "Patient.telecom.value.last()", []val{{Node: "(03) 3410 5613"}}},
		{"tail skip take", "patient", "Patient.telecom.tail().skip(1).value | Patient.telecom.take(1).value", []val{{Node: "(03) 3410 5613"}, {Node: "(03) 5555 6473"}}},

		// Operators and literals.
		{"union removes duplicates", "observation", "Observation.code.coding.system | Observation.component.code.coding.system", []val{{Node: "http://loinc.org"}, {Node: "http://snomed.info/sct"}}},
		{"string escapes", "observation", `Observation.code.text = 'Blood\u0020pressure' and Observation.status != 'it\'s'`, []val{{Node: true, Type: "boolean"}}},
		{"numbers compare by value", "observation", "Observation.component[1].value.value = 80 and Observation.value.value > 100.5", []val{{Node: true, Type: "boolean"}}},
		{"equality with empty is empty", "observation", "Observation.bodySite = 'x'", nil},
		{"equivalence ignores case", "patient", "Patient.name.family ~ 'chalmers'", []val{{Node: true, Type: "boolean"}}},
		{"in", "observation", "Observation.status in ('final' | 'amended')", []val{{Node: true, Type: "boolean"}}},
		{"contains", "observation", "Observation.code.coding.code contains '75367002'", []val{{Node: true, Type: "boolean"}}},
		{"or with empty", "observation", "{} or true", []val{{Node: true, Type: "boolean"}}},
		{"and with empty", "observation", "{} and true", nil},
		{"implies", "observation", "false implies {}", []val{{Node: true, Type: "boolean"}}},
		{"xor", "observation", "true xor false", []val{{Node: true, Type: "boolean"}}},
		{"date literal", "condition", "Condition.recordedDate = @2020-05-01 and Condition.recordedDate < @2020-06-01", []val{{Node: true, Type: "boolean"}}},
		{"comments and backticks", "observation", "Observation.`status` // the status\n /* and nothing else */", []val{{Node: "final"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := fhirpath.Compile(tc.expr)
			require.NoError(t, err)
			got, err := e.Evaluate(loadJSON(t, filepath.Join("testdata", tc.file+".json")))
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// TestEvaluateConcurrently shares one Expr between goroutines, as the
// indexer does; run it with -race.
func TestEvaluateConcurrently(t *testing.T) {
	e, err := fhirpath.Compile("Patient.telecom.where(system = 'phone').value | Observation.subject.where(resolve() is Patient).reference")
	require.NoError(t, err)
	resources := []struct {
		file     string
		want     []fhirpath.Value
		resource map[string]any
	}{
		{file: "patient", want: []val{{Node: "(03) 5555 6473"}, {Node: "(03) 3410 5613"}}},
		{file: "observation", want: []val{{Node: "Patient/example"}}},
		{file: "condition"},
	}
	for i := range resources {
		resources[i].resource = loadJSON(t, filepath.Join("testdata", resources[i].file+".json"))
	}
	done := make(chan error)
	for g := range 8 {
		go func() {
			var err error
			for i := range 200 {
				r := resources[(g+i)%len(resources)]
				got, evalErr := e.Evaluate(r.resource)
				if evalErr != nil || !assert.ObjectsAreEqual(r.want, got) {
					err = fmt.Errorf("%s: got %v, %v", r.file, got, evalErr)
					break
				}
			}
			done <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-done)
	}
}
