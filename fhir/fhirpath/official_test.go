package fhirpath_test

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/fhirpath"
)

// requiredBases are the resource types whose R4 search parameters the
// evaluator must handle; Resource and DomainResource stand for all of them.
var requiredBases = []string{
	"Resource", "DomainResource",
	"Patient", "Observation", "Condition", "Procedure", "ResearchStudy", "ResearchSubject",
	"MedicationAdministration", "MedicationStatement", "MedicationRequest", "Medication", "Encounter",
	"DiagnosticReport", "BodyStructure", "Consent", "QuestionnaireResponse", "Questionnaire", "Group",
	"AuditEvent", "Provenance", "Practitioner", "Organization", "Immunization", "CarePlan", "Claim",
	"ExplanationOfBenefit", "SearchParameter",
}

// searchParam is the part of a SearchParameter resource the tests use.
type searchParam struct {
	ID, Code, Type, Expression string
	Base                       []string
}

// requiredSearchParams returns the official search parameters with a
// required base, in bundle order.
func requiredSearchParams(tb testing.TB, dir string) []searchParam {
	tb.Helper()
	bundle := loadJSON(tb, filepath.Join(dir, "Bundle-searchParams.json"))
	entries, _ := bundle["entry"].([]any)
	var out []searchParam
	for _, e := range entries {
		r, _ := e.(map[string]any)["resource"].(map[string]any)
		sp := searchParam{}
		sp.ID, _ = r["id"].(string)
		sp.Code, _ = r["code"].(string)
		sp.Type, _ = r["type"].(string)
		sp.Expression, _ = r["expression"].(string)
		bases, _ := r["base"].([]any)
		for _, b := range bases {
			if s, ok := b.(string); ok {
				sp.Base = append(sp.Base, s)
			}
		}
		if slices.ContainsFunc(sp.Base, func(b string) bool { return slices.Contains(requiredBases, b) }) {
			out = append(out, sp)
		}
	}
	require.NotEmpty(tb, out, "no search parameters in Bundle-searchParams.json")
	return out
}

// exampleSet loads the official examples of a type once per test binary.
type exampleSet struct {
	dir    string
	mu     sync.Mutex
	byType map[string]map[string]map[string]any // type -> file name -> resource
}

func (s *exampleSet) of(tb testing.TB, typ string) map[string]map[string]any {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if got, ok := s.byType[typ]; ok {
		return got
	}
	files, err := filepath.Glob(filepath.Join(s.dir, typ+"-*.json"))
	require.NoError(tb, err)
	got := map[string]map[string]any{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(tb, err)
		r := decode(tb, data)
		if r["resourceType"] == typ { // the file name is only a convention
			got[filepath.Base(f)] = r
		}
	}
	if s.byType == nil {
		s.byType = map[string]map[string]map[string]any{}
	}
	s.byType[typ] = got
	return got
}

// exampleTypes are the concrete types whose examples an expression of base
// is evaluated on.
func exampleTypes(base string) []string {
	if base == "Resource" || base == "DomainResource" {
		return requiredBases[2:]
	}
	return []string{base}
}

func TestOfficialExpressionsCompile(t *testing.T) {
	params := requiredSearchParams(t, examplesDir(t))
	compiled := 0
	var without []string
	for _, sp := range params {
		if sp.Expression == "" {
			without = append(without, sp.ID)
			continue
		}
		t.Run(sp.ID, func(t *testing.T) {
			_, err := fhirpath.Compile(sp.Expression)
			require.NoError(t, err, sp.Expression)
		})
		compiled++
	}
	// _text, _content and _query have no expression in R4: they are not
	// values of the resource.
	require.ElementsMatch(t, []string{"DomainResource-text", "Resource-content", "Resource-query"}, without)
	t.Logf("compiled %d expressions of %d search parameters for the required bases (%d without expression: %s)",
		compiled, len(params), len(without), strings.Join(without, ", "))
}

func TestOfficialExpressionsEvaluate(t *testing.T) {
	dir := examplesDir(t)
	examples := &exampleSet{dir: dir}
	evaluations, nonEmpty, exprs := 0, 0, 0
	for _, sp := range requiredSearchParams(t, dir) {
		if sp.Expression == "" {
			continue
		}
		e, err := fhirpath.Compile(sp.Expression)
		require.NoError(t, err, sp.Expression)
		exprs++
		var types []string
		for _, b := range sp.Base {
			if slices.Contains(requiredBases, b) {
				types = append(types, exampleTypes(b)...)
			}
		}
		slices.Sort(types)
		for _, typ := range slices.Compact(types) {
			set := examples.of(t, typ)
			names := make([]string, 0, len(set))
			for name := range set {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				got, err := e.Evaluate(set[name])
				require.NoError(t, err, "%s (%s) on %s", sp.ID, sp.Expression, name)
				evaluations++
				if len(got) > 0 {
					nonEmpty++
				}
			}
		}
	}
	t.Logf("evaluated %d expressions %d times on official examples without error; %d results not empty",
		exprs, evaluations, nonEmpty)
}

// TestOfficialExpressionsResults spot-checks results on official examples;
// the expected values are copied from the example files by hand.
func TestOfficialExpressionsResults(t *testing.T) {
	dir := examplesDir(t)
	params := requiredSearchParams(t, dir)
	cases := []struct {
		name, base, code, file string
		want                   []fhirpath.Value
	}{
		{"Observation code", "Observation", "code", "Observation-f001.json", []val{{Node: obj{"coding": arr{
			obj{"system": "http://loinc.org", "code": "15074-8", "display": "Glucose [Moles/volume] in Blood"}}}}}},
		{"Observation patient", "Observation", "patient", "Observation-f001.json", []val{{Node: obj{
			"reference": "Patient/f001", "display": "P. van de Heuvel"}}}},
		{"Observation value-quantity", "Observation", "value-quantity", "Observation-f001.json", []val{{Node: obj{
			"value": num("6.3"), "unit": "mmol/l", "system": "http://unitsofmeasure.org", "code": "mmol/L"}, Type: "Quantity"}}},
		{"Observation date", "Observation", "date", "Observation-f001.json", []val{{Node: obj{
			"start": "2013-04-02T09:30:10+01:00"}, Type: "Period"}}},
		{"Patient birthdate", "Patient", "birthdate", "Patient-example.json", []val{{Node: "1974-12-25"}}},
		{"Patient deceased", "Patient", "deceased", "Patient-example.json", []val{{Node: false, Type: "boolean"}}},
		{"Patient phone", "Patient", "phone", "Patient-example.json", []val{
			{Node: obj{"system": "phone", "value": "(03) 5555 6473", "use": "work", "rank": num("1")}},
			{Node: obj{"system": "phone", "value": "(03) 3410 5613", "use": "mobile", "rank": num("2")}},
			{Node: obj{"system": "phone", "value": "(03) 5555 8834", "use": "old", "period": obj{"end": "2014"}}},
		}},
		{"Resource _id", "Resource", "_id", "Patient-example.json", []val{{Node: "example"}}},
		{"Condition onset-age", "Condition", "onset-age", "Condition-f202.json", []val{{Node: obj{
			"value": num("52"), "unit": "years", "system": "http://unitsofmeasure.org", "code": "a"}, Type: "Age"}}},
		{"MedicationRequest medication", "MedicationRequest", "medication", "MedicationRequest-medrx0301.json", []val{{Node: obj{
			"reference": "#med0310"}, Type: "Reference"}}},
		{"MedicationRequest patient", "MedicationRequest", "patient", "MedicationRequest-medrx0301.json", []val{{Node: obj{
			"reference": "Patient/pat1", "display": "Donald Duck"}}}},
		{"Encounter practitioner", "Encounter", "practitioner", "Encounter-f001.json", []val{{Node: obj{
			"reference": "Practitioner/f002", "display": "P. Voigt"}}}},
		{"ResearchSubject patient", "ResearchSubject", "patient", "ResearchSubject-example.json", []val{{Node: obj{
			"reference": "Patient/example"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			i := slices.IndexFunc(params, func(sp searchParam) bool {
				return sp.Code == tc.code && slices.Contains(sp.Base, tc.base)
			})
			require.GreaterOrEqual(t, i, 0, "no search parameter %s for %s", tc.code, tc.base)
			e, err := fhirpath.Compile(params[i].Expression)
			require.NoError(t, err)
			got, err := e.Evaluate(loadJSON(t, filepath.Join(dir, tc.file)))
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}
