package resource_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/resource"
)

func TestParseReportsEveryIssue(t *testing.T) {
	cases := []struct {
		name, body string
		want       []string // "code expression"
	}{
		{"unknown element", `{"resourceType":"Patient","colour":"blue"}`, []string{"structure Patient.colour"}},
		{"missing required", `{"resourceType":"Observation","code":{"text":"x"}}`, []string{"required Observation.status"}},
		{"bad date", `{"resourceType":"Patient","birthDate":"1970-13-01"}`, []string{"value Patient.birthDate"}},
		{"empty and null", `{"resourceType":"Patient","gender":"","name":[],"active":null}`,
			[]string{"invalid Patient.active", "value Patient.gender", "invalid Patient.name"}},
		{"unknown type", `{"resourceType":"Pateint"}`, []string{"not-supported resourceType"}},
		{"not an object", `[1]`, []string{"structure "}},
		{"no resourceType", `{"id":"a"}`, []string{"required resourceType"}},
		{"trailing content", `{"resourceType":"Patient"} {}`, []string{"structure "}},
		{"repeated property", `{"resourceType":"Patient","name":[{"given":["a"],"family":"x","family":"y"}]}`, []string{"structure Patient.name[0].family"}},
		{"repeated property, one escaped", `{"resourceType":"Patient","birthDate":"not-a-date","birth\u0044ate":"2000-01-01"}`, []string{"structure Patient.birthDate"}},
		{"lone surrogate", `{"resourceType":"Patient","name":[{"text":"a\ud800b"}]}`, []string{"value Patient.name[0].text"}},
		{"low surrogate first", `{"resourceType":"Patient","name":[{"text":"\udc00\ud800"}]}`, []string{"value Patient.name[0].text"}},
		{"capitalised name", `{"resourceType":"Patient","contained":[{"resourceType":"Patient","Gender":"male"}]}`, []string{"structure Patient.contained[0].Gender"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := resource.Parse([]byte(tc.body))
			require.Error(t, err)
			fe := fhir.AsError(err)
			var got []string
			for _, e := range append([]*fhir.Error{fe}, fe.Issues...) {
				expr := ""
				if len(e.Expression) > 0 {
					expr = e.Expression[0]
				}
				got = append(got, string(e.Code)+" "+expr)
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestRender(t *testing.T) {
	lu := time.Date(2026, 5, 6, 7, 8, 9, 123e6, time.UTC)
	cases := []struct {
		name, in, want string
	}{
		{"meta kept, server values replace the client's",
			`{"resourceType":"Patient","id":"old","meta":{"versionId":"9","profile":["http://example.org/p"],"lastUpdated":"2001-01-01T00:00:00Z"},"gender":"female"}`,
			`{"resourceType":"Patient","id":"new","meta":{"versionId":"3","lastUpdated":"2026-05-06T07:08:09.123Z","profile":["http://example.org/p"]},"gender":"female"}`},
		{"no meta, id and meta lead, order kept, whitespace gone",
			"{\n  \"gender\": \"male\",\n  \"resourceType\": \"Patient\",\n  \"name\": [ {\"family\": \"Li, \\\"Jr\\\" }\"} ]\n}",
			`{"resourceType":"Patient","id":"new","meta":{"versionId":"3","lastUpdated":"2026-05-06T07:08:09.123Z"},"gender":"male","name":[{"family":"Li, \"Jr\" }"}]}`},
		{"escaped surrogate pair kept",
			`{"resourceType":"Patient","name":[{"text":"\ud83d\ude00"}]}`,
			`{"resourceType":"Patient","id":"new","meta":{"versionId":"3","lastUpdated":"2026-05-06T07:08:09.123Z"},"name":[{"text":"\ud83d\ude00"}]}`},
		{"extensions on id and on replaced meta values dropped",
			`{"resourceType":"Patient","id":"a","_id":{"extension":[{"url":"http://x","valueString":"y"}]},"meta":{"versionId":"1","_versionId":{"extension":[{"url":"http://x","valueString":"y"}]},"tag":[{"code":"t"}]},"active":true}`,
			`{"resourceType":"Patient","id":"new","meta":{"versionId":"3","lastUpdated":"2026-05-06T07:08:09.123Z","tag":[{"code":"t"}]},"active":true}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := resource.Parse([]byte(tc.in))
			require.NoError(t, err)
			body, err := doc.Render("new", 3, lu)
			require.NoError(t, err)
			require.Equal(t, tc.want, string(body))
		})
	}
}

func TestSummaryAndElements(t *testing.T) {
	body := []byte(`{"resourceType":"Patient","id":"p","meta":{"versionId":"1"},"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},"name":[{"family":"Li"}],"gender":"male","photo":[{"url":"http://x"}],"deceasedBoolean":false,"contact":[{"name":{"family":"Wang"}}]}`)
	cases := []struct {
		name string
		fn   func() ([]byte, error)
		keys []string
	}{
		{"summary true", func() ([]byte, error) { return resource.Summary(body, "Patient", resource.SummaryTrue) }, []string{"resourceType", "id", "meta", "name", "gender", "deceasedBoolean"}},
		{"summary text", func() ([]byte, error) { return resource.Summary(body, "Patient", resource.SummaryText) }, []string{"resourceType", "id", "meta", "text"}},
		{"summary data", func() ([]byte, error) { return resource.Summary(body, "Patient", resource.SummaryData) }, []string{"resourceType", "id", "meta", "name", "gender", "photo", "deceasedBoolean", "contact"}},
		{"elements choice", func() ([]byte, error) {
			return resource.Elements(body, "Patient", []string{"deceased", "Patient.photo"})
		}, []string{"resourceType", "id", "meta", "photo", "deceasedBoolean"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.fn()
			require.NoError(t, err)
			var m map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(out, &m))
			var keys []string
			for k := range m {
				keys = append(keys, k)
			}
			require.ElementsMatch(t, tc.keys, keys)
			require.Contains(t, string(m["meta"]), `"SUBSETTED"`)
			require.Contains(t, string(m["meta"]), `"versionId":"1"`)
			_, err = resource.Parse(out)
			require.NoError(t, err, "a subset is still valid R4")
		})
	}
	same, err := resource.Summary(body, "Patient", resource.SummaryFalse)
	require.NoError(t, err)
	require.Equal(t, body, same)
}

func TestTypes(t *testing.T) {
	types := resource.Types()
	require.Len(t, types, 146, "R4 has 146 concrete resource types")
	for _, want := range []string{"Patient", "Observation", "ResearchStudy", "ResearchSubject", "BodyStructure", "QuestionnaireResponse"} {
		require.True(t, resource.Known(want), want)
	}
	require.False(t, resource.Known("Resource"))
	require.True(t, resource.HasElement("Patient", "identifier"))
	require.False(t, resource.HasElement("Binary", "identifier"))
}

func TestResent(t *testing.T) {
	lu := time.Date(2026, 5, 6, 7, 8, 9, 123e6, time.UTC)
	doc, err := resource.Parse([]byte(`{"resourceType":"Patient","id":"p1","gender":"female","name":[{"family":"Li"}]}`))
	require.NoError(t, err)
	stored, err := doc.Render("p1", 4, lu)
	require.NoError(t, err)
	cases := []struct {
		name, typ, id, body string
		resent              bool
	}{
		{"same", "Patient", "p1", `{"resourceType":"Patient","id":"p1","gender":"female","name":[{"family":"Li"}]}`, true},
		{"pretty, with the stored meta", "Patient", "p1", "{\n \"resourceType\": \"Patient\", \"id\": \"p1\",\n \"meta\": {\"versionId\": \"4\"},\n \"gender\": \"female\", \"name\": [ {\"family\": \"Li\"} ]\n}", true},
		{"changed", "Patient", "p1", `{"resourceType":"Patient","id":"p1","gender":"male","name":[{"family":"Li"}]}`, false},
		{"another id in the body", "Patient", "p1", `{"resourceType":"Patient","id":"p2","gender":"female","name":[{"family":"Li"}]}`, false},
		{"no id in the body", "Patient", "p1", `{"resourceType":"Patient","gender":"female","name":[{"family":"Li"}]}`, false},
		{"another type in the body", "Patient", "p1", `{"resourceType":"Person","id":"p1","gender":"female","name":[{"family":"Li"}]}`, false},
		{"a property twice", "Patient", "p1", `{"resourceType":"Patient","id":"p1","gender":"female","gender":"female","name":[{"family":"Li"}]}`, false},
		{"not JSON", "Patient", "p1", `{"resourceType":"Patient","id":"p1",`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.resent, resource.Resent([]byte(tc.body), tc.typ, tc.id, 4, lu, stored))
		})
	}
}

// BenchmarkResend compares what an unchanged update costs with the check
// Resent makes against the validating parse it replaces.
func BenchmarkResend(b *testing.B) {
	body, err := os.ReadFile("../rest/testdata/observation.json")
	require.NoError(b, err)
	body = []byte(strings.Replace(string(body), `"resourceType": "Observation",`, `"resourceType": "Observation", "id": "o1",`, 1))
	doc, err := resource.Parse(body)
	require.NoError(b, err)
	lu := time.Now()
	stored, err := doc.Render("o1", 1, lu)
	require.NoError(b, err)
	b.Run("resent", func(b *testing.B) {
		for b.Loop() {
			if !resource.Resent(body, "Observation", "o1", 1, lu, stored) {
				b.Fatal("not resent")
			}
		}
	})
	b.Run("parse", func(b *testing.B) {
		for b.Loop() {
			if _, err := resource.Parse(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestElementOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  string
		path []string
		want resource.Element
		ok   bool
	}{
		{"list", "Patient", []string{"identifier"}, resource.Element{Repeated: true}, true},
		{"single", "Patient", []string{"birthDate"}, resource.Element{}, true},
		{"nested list", "Patient", []string{"contact", "telecom"}, resource.Element{Repeated: true}, true},
		{"nested single", "Patient", []string{"contact", "name"}, resource.Element{}, true},
		{"primitive list", "Patient", []string{"name", "given"}, resource.Element{Repeated: true}, true},
		{"choice", "Observation", []string{"value"}, resource.Element{Choice: true}, true},
		{"typed choice key", "Observation", []string{"valueQuantity"}, resource.Element{}, true},
		{"through a choice", "Observation", []string{"valueQuantity", "unit"}, resource.Element{}, true},
		{"reserved word", "Encounter", []string{"class"}, resource.Element{}, true},
		{"unknown element", "Patient", []string{"colour"}, resource.Element{}, false},
		{"unknown type", "Nothing", []string{"id"}, resource.Element{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := resource.ElementOf(tc.typ, tc.path...)
			require.Equal(t, tc.ok, ok)
			require.Equal(t, tc.want, got)
		})
	}
}
