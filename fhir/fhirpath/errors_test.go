package fhirpath_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/fhirpath"
)

func TestCompileErrors(t *testing.T) {
	cases := []struct {
		name, expr  string
		unsupported bool // ErrUnsupported rather than a *SyntaxError
	}{
		{"empty", "", false},
		{"unterminated string", "Patient.name = 'x", false},
		{"unknown escape", `'\q'`, false},
		{"unknown function", "Patient.name.fooBar()", false},
		{"wrong arity", "Patient.name.where()", false},
		{"trailing token", "Patient.name)", false},
		{"missing bracket", "Patient.name[0", false},
		{"dangling dot", "Patient.", false},
		{"dangling operator", "Patient.name |", false},
		{"keyword as a term", "and.name", false},
		{"as needs a type", "Patient.name.as('HumanName')", false},
		{"nested too deep", strings.Repeat("(", 500) + "1" + strings.Repeat(")", 500), false},
		{"too long", strings.Repeat("a.", 40000) + "a", false},
		{"stray character", "Patient.name # 1", false},
		{"empty delimited identifier", "Patient.``", false},
		{"empty delimited variable", "%``", false},
		{"arithmetic", "Observation.value.value + 1", true},
		{"concatenation", "Patient.name.given & ' '", true},
		{"unary minus on a path", "-Observation.value.value", true},
		{"string function", "Patient.name.family.startsWith('C')", true},
		{"iif", "iif(Patient.active, 1, 2)", true},
		{"unknown variable", "%terminologies", true},
		{"$total", "$total", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fhirpath.Compile(tc.expr)
			require.Error(t, err)
			var syntax *fhirpath.SyntaxError
			require.Equal(t, tc.unsupported, errors.Is(err, fhirpath.ErrUnsupported), err.Error())
			require.Equal(t, !tc.unsupported, errors.As(err, &syntax), err.Error())
		})
	}
}

// TestEvaluateErrors lists where FHIRPath defines an error at run time.
func TestEvaluateErrors(t *testing.T) {
	cases := []struct{ name, expr string }{
		{"and on many items", "Patient.telecom.value and true"},
		{"where criteria on many items", "Patient.name.where(given)"},
		{"single on many items", "Patient.telecom.single()"},
		{"comparison of many items", "Patient.name.given < 'x'"},
		{"comparison of unlike types", "Patient.multipleBirth > 'x'"},
		{"is on many items", "Patient.telecom is ContactPoint"},
		{"index not an integer", "Patient.telecom['a']"},
		{"extension url not a string", "Patient.extension(1)"},
	}
	patient := loadJSON(t, filepath.Join("testdata", "patient.json"))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := fhirpath.Compile(tc.expr)
			require.NoError(t, err)
			_, err = e.Evaluate(patient)
			require.Error(t, err)
		})
	}
}

// oddResources are JSON that no valid resource looks like; evaluation must
// not panic on them.
var oddResources = []string{
	`{}`,
	`{"resourceType": 5}`,
	`{"resourceType": "Observation", "subject": "Patient/1", "code": [[{"coding": 3}]], "valueQuantity": [1, null, "x"]}`,
	`{"resourceType": "Observation", "subject": {"reference": 5, "type": []}, "performer": [null, {"reference": "#"}, {"reference": "#x"}, {"reference": "/"}, {"reference": "a/b/"}, {"reference": "?"}]}`,
	`{"resourceType": "Observation", "contained": "x", "performer": [{"reference": "#x"}], "_status": [1, 2], "status": ["final"], "extension": {"url": 1}}`,
	`{"resourceType": "Patient", "telecom": 5, "name": {"given": {"x": 1}}, "_birthDate": "x", "deceasedBoolean": null, "deceasedDateTime": "2020", "_deceasedDateTime": 1}`,
	`{"resourceType": "Patient", "birthDate": 1974, "_birthDate": [], "multipleBirthInteger": 1e400, "extension": [null, 1, {"url": "u"}]}`,
}

// oddExpressions exercise every node on oddResources.
var oddExpressions = []string{
	"Observation.subject.where(resolve() is Patient) | Observation.performer.resolve() | Observation.focus.resolve()",
	"Observation.code.coding.code | Observation.value.value | (Observation.value as Quantity).unit",
	"Observation.status = 'final' or Observation.status ~ 'FINAL' or Observation.status in ('final' | 'x')",
	"Observation.extension('u').value | Observation.status.extension('u') | Observation.extension.where(url = 'u')",
	"Patient.telecom.where(system = 'email') | Patient.name.given.first() | Patient.name[0].given[1]",
	"Patient.deceased.exists() and Patient.deceased != false",
	"Patient.birthDate.hasValue() | Patient.birthDate.extension.count() | Patient.multipleBirth.distinct()",
	"%resource.contained.ofType(Patient) | Resource.id | DomainResource.meta.tag",
	"Patient.extension.url.select($this) | Patient.extension.all(url.exists()) | Patient.name.tail().take(1).skip(0)",
}

func TestEvaluateOddInput(t *testing.T) {
	for _, expr := range oddExpressions {
		e, err := fhirpath.Compile(expr)
		require.NoError(t, err, expr)
		for _, r := range oddResources {
			require.NotPanics(t, func() { _, _ = e.Evaluate(decode(t, []byte(r))) }, "%s on %s", expr, r)
		}
		require.NotPanics(t, func() { _, _ = e.Evaluate(nil) }, "%s on nil", expr)
	}
}

// FuzzEvaluate compiles arbitrary expressions and evaluates those that
// compile on arbitrary JSON objects: neither may panic. go test runs the
// seeds; go test -fuzz=FuzzEvaluate explores.
func FuzzEvaluate(f *testing.F) {
	for i, expr := range oddExpressions {
		f.Add(expr, oddResources[i%len(oddResources)])
	}
	f.Add("Patient.name.where(given = 'x' and family.exists()).given[0]", `{"resourceType":"Patient","name":[{"given":["x"]}]}`)
	f.Fuzz(func(t *testing.T, expr, resource string) {
		e, err := fhirpath.Compile(expr)
		if err != nil {
			return
		}
		m := map[string]any{}
		if err := jsonUnmarshalUseNumber([]byte(resource), &m); err != nil {
			return
		}
		_, _ = e.Evaluate(m)
	})
}
