package rest_test

import (
	"bytes"
	"encoding/json"
	"github.com/trialfhir/trialfhir/internal/testfiles"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/rest"
	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
)

// exampleTypes are the resource types whose official examples must survive
// a create and a read unchanged.
var exampleTypes = []string{
	"Patient", "Observation", "Condition", "Procedure", "ResearchStudy", "ResearchSubject",
	"MedicationAdministration", "Encounter", "DiagnosticReport", "BodyStructure", "Consent",
	"Questionnaire", "QuestionnaireResponse",
}

// invalidExample is an official example that is itself not valid R4, and
// the rejection the server must give it.
type invalidExample struct {
	reason     string // why the example is invalid, one line
	code       string // OperationOutcome.issue.code expected
	expression string // OperationOutcome.issue.expression expected
}

// invalidExamples lists the official examples that break R4 itself; every
// other example of exampleTypes must round-trip.
var invalidExamples = map[string]invalidExample{
	"Observation-clinical-gender.json": {
		reason:     "performer references an Encounter, which Observation.performer does not allow",
		code:       "value",
		expression: "Observation.performer[0]",
	},
	"Questionnaire-qs1.json": {
		reason:     "32 nested items have no linkId, which Questionnaire.item.linkId requires (1..1)",
		code:       "required",
		expression: "Questionnaire.item[0].item[0].linkId",
	},
}

func examplesDir(t *testing.T) string { return testfiles.R4Examples(t) }

// startExampleServer runs the real API over a fresh embedded store.
func startExampleServer(t *testing.T) *httptest.Server {
	t.Helper()
	store, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	require.NoError(t, err)
	h, err := rest.New(service.New(store), rest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		require.NoError(t, store.Close())
	})
	return srv
}

// exchange is a finished HTTP request and response.
type exchange struct {
	status int
	header http.Header
	body   []byte
}

func send(t *testing.T, method, url string, body []byte) exchange {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/fhir+json")
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return exchange{status: res.StatusCode, header: res.Header, body: b}
}

func TestOfficialExamplesRoundTrip(t *testing.T) {
	dir := examplesDir(t)
	srv := startExampleServer(t)
	var files []string
	for _, typ := range exampleTypes {
		// The hyphen keeps Observation from matching ObservationDefinition.
		m, err := filepath.Glob(filepath.Join(dir, typ+"-*.json"))
		require.NoError(t, err)
		require.NotEmpty(t, m, "no %s examples in %s", typ, dir)
		files = append(files, m...)
	}
	sort.Strings(files)
	seen := map[string]bool{}
	for _, path := range files {
		name := filepath.Base(path)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(path)
			require.NoError(t, err)
			typ := strings.SplitN(name, "-", 2)[0]
			res := send(t, http.MethodPost, srv.URL+"/fhir/"+typ, body)
			if bad, ok := invalidExamples[name]; ok {
				require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", bad.reason, res.body)
				requireIssueAt(t, res.body, bad.code, bad.expression)
				return
			}
			require.Equal(t, http.StatusCreated, res.status, "%s", res.body)
			loc := res.header.Get("Location")
			require.NotEmpty(t, loc, "201 without Location")
			got := send(t, http.MethodGet, loc, nil)
			require.Equal(t, http.StatusOK, got.status, "%s", got.body)
			require.Equal(t, canonicalResource(t, body), canonicalResource(t, got.body))
		})
	}
	for name := range invalidExamples {
		require.True(t, seen[name], "exception %s names no example; drop it", name)
	}
}

// canonical renders a resource as indented JSON with sorted keys and
// numbers as written, without what the server assigns: id,
// meta.versionId and meta.lastUpdated. The rest of meta (profile, tag,
// security) is kept and compared.
func canonicalResource(t *testing.T, body []byte) string {
	t.Helper()
	v := decodeNumbers(t, body)
	obj, ok := v.(map[string]any)
	require.True(t, ok, "not a JSON object: %s", body)
	delete(obj, "id")
	if meta, ok := obj["meta"].(map[string]any); ok {
		delete(meta, "versionId")
		delete(meta, "lastUpdated")
		if len(meta) == 0 {
			delete(obj, "meta")
		}
	}
	b, err := json.MarshalIndent(obj, "", "  ")
	require.NoError(t, err)
	return string(b)
}

// decode parses JSON keeping numbers as their text: FHIR decimals carry
// their precision (1.50 is not 1.5, R4 2.1.28.0.1).
func decodeNumbers(t *testing.T, body []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v), "invalid JSON: %s", body)
	return v
}

type issueOutcome struct {
	ResourceType string `json:"resourceType"`
	Issue        []struct {
		Severity    string   `json:"severity"`
		Code        string   `json:"code"`
		Diagnostics string   `json:"diagnostics"`
		Expression  []string `json:"expression"`
	} `json:"issue"`
}

// requireIssue asserts body is an OperationOutcome with an error issue of
// code at expression; an empty expression asks for an issue without one.
func requireIssueAt(t *testing.T, body []byte, code, expression string) {
	t.Helper()
	var oo issueOutcome
	require.NoError(t, json.Unmarshal(body, &oo), "%s", body)
	require.Equal(t, "OperationOutcome", oo.ResourceType, "%s", body)
	for _, is := range oo.Issue {
		if is.Code != code || is.Severity != "error" {
			continue
		}
		if expression == "" && len(is.Expression) == 0 {
			return
		}
		for _, e := range is.Expression {
			if e == expression {
				return
			}
		}
	}
	t.Fatalf("no error issue with code %q at %q in %s", code, expression, body)
}

// invalidCase is one hand-written invalid request: testdata/invalid/<file>
// POSTed to path, and the rejection it must get.
type invalidCase struct {
	file       string
	path       string // under the server root
	status     int
	code       string // OperationOutcome.issue.code
	expression string // its issue.expression; "" for an issue without one
}

// invalidCases are the hand-written invalid inputs. A missing element is
// reported at the path it should have had ("Observation.status").
var invalidCases = map[string]invalidCase{
	"unknown element":               {"unknown-element.json", "/fhir/Patient", 400, "structure", "Patient.favouriteColour"},
	"unknown nested element":        {"unknown-element-nested.json", "/fhir/Patient", 400, "structure", "Patient.name[0].middle"},
	"string for boolean":            {"string-for-boolean.json", "/fhir/Patient", 400, "value", "Patient.active"},
	"bad date":                      {"bad-date.json", "/fhir/Patient", 400, "value", "Patient.birthDate"},
	"bad decimal":                   {"bad-decimal.json", "/fhir/Observation", 400, "value", "Observation.valueQuantity.value"},
	"missing required element":      {"missing-required.json", "/fhir/Observation", 400, "required", "Observation.status"},
	"code outside required binding": {"invalid-code.json", "/fhir/Observation", 400, "value", "Observation.status"},
	"empty string":                  {"empty-string.json", "/fhir/Patient", 400, "value", "Patient.gender"},
	"empty array":                   {"empty-array.json", "/fhir/Patient", 400, "invalid", "Patient.name"},
	"null property":                 {"null-property.json", "/fhir/Patient", 400, "invalid", "Patient.gender"},
	"reference to a wrong type":     {"wrong-reference-type.json", "/fhir/Observation", 400, "value", "Observation.subject"},
	"invalid id":                    {"invalid-id.json", "/fhir/Patient", 400, "value", "Patient.id"},
	"resourceType other than URL's": {"wrong-type-for-url.json", "/fhir/Patient", 400, "invalid", "resourceType"},
	"invalid JSON":                  {"invalid-json.json", "/fhir/Patient", 400, "structure", ""},
	"JSON array instead of object":  {"array.json", "/fhir/Patient", 400, "structure", ""},
	"unknown resourceType":          {"unknown-resource-type.json", "/fhir/Patient", 400, "not-supported", "resourceType"},
}

func TestInvalidResourcesRejected(t *testing.T) {
	srv := startExampleServer(t)
	for name, tc := range invalidCases {
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", "invalid", tc.file))
			require.NoError(t, err)
			res := send(t, http.MethodPost, srv.URL+tc.path, body)
			require.Equal(t, tc.status, res.status, "%s", res.body)
			requireIssueAt(t, res.body, tc.code, tc.expression)
			requireNothingStored(t, srv.URL, strings.TrimPrefix(tc.path, "/fhir/"))
		})
	}
	t.Run("$validate", func(t *testing.T) {
		invalid, err := os.ReadFile(filepath.Join("testdata", "invalid", "missing-required.json"))
		require.NoError(t, err)
		res := send(t, http.MethodPost, srv.URL+"/fhir/Observation/$validate", invalid)
		require.Equal(t, http.StatusBadRequest, res.status, "%s", res.body)
		requireIssueAt(t, res.body, "required", "Observation.status")

		res = send(t, http.MethodPost, srv.URL+"/fhir/Observation/$validate", []byte(validObservation))
		require.Equal(t, http.StatusOK, res.status, "%s", res.body)
		var oo issueOutcome
		require.NoError(t, json.Unmarshal(res.body, &oo), "%s", res.body)
		require.Equal(t, "OperationOutcome", oo.ResourceType, "%s", res.body)
		for _, is := range oo.Issue {
			require.NotEqual(t, "error", is.Severity, "a valid resource has an error: %s", res.body)
		}
		requireNothingStored(t, srv.URL, "Observation")
	})
}

const validObservation = `{"resourceType": "Observation", "status": "final", "code": {"text": "Body weight"},
	"valueQuantity": {"value": 72.50, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}}`

// requireNothingStored asserts that the history of typ, and of the whole
// server, is empty: a refused write leaves no version behind.
func requireNothingStored(t *testing.T, base, typ string) {
	t.Helper()
	for _, path := range []string{"/fhir/" + typ + "/_history", "/fhir/_history"} {
		res := send(t, http.MethodGet, base+path, nil)
		require.Equal(t, http.StatusOK, res.status, "%s: %s", path, res.body)
		var b struct {
			ResourceType string            `json:"resourceType"`
			Type         string            `json:"type"`
			Entry        []json.RawMessage `json:"entry"`
		}
		require.NoError(t, json.Unmarshal(res.body, &b), "%s", res.body)
		require.Equal(t, "Bundle", b.ResourceType, "%s", res.body)
		require.Equal(t, "history", b.Type, "%s", res.body)
		require.Empty(t, b.Entry, "%s stored something: %s", path, res.body)
	}
}
