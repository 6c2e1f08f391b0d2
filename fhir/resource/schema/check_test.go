package schema_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/resource/schema"
)

// TestSeedsTakeFastPath: the testdata resources (one Synthea resource of
// each common type) are accepted, with their type and id.
func TestSeedsTakeFastPath(t *testing.T) {
	for _, s := range seeds(t) {
		t.Run(s.name, func(t *testing.T) {
			var head struct{ ResourceType, ID string }
			require.NoError(t, json.Unmarshal(s.body, &head))
			typ, id, ok := schema.Check(s.body)
			require.True(t, ok)
			require.Equal(t, head.ResourceType, typ)
			require.Equal(t, head.ID, id)
			require.Equal(t, strings.TrimSuffix(s.name, ".json"), typ)
		})
	}
}

// TestCheckShapes covers what Check defers on by design, and the
// resource-level rules.
func TestCheckShapes(t *testing.T) {
	cases := []struct {
		name, body string
		want       bool
		typ, id    string
	}{
		{"minimal", `{"resourceType":"Patient"}`, true, "Patient", ""},
		{"resourceType last", `{"id":"p1","gender":"female","resourceType":"Patient"}`, true, "Patient", "p1"},
		{"whitespace", " {\n \"resourceType\" : \"Patient\" ,\n \"id\" : \"p1\" \n} \n", true, "Patient", "p1"},
		{"unknown type", `{"resourceType":"Pateint"}`, false, "", ""},
		{"no resourceType", `{"id":"p1"}`, false, "", ""},
		{"resourceType not a string", `{"resourceType":1}`, false, "", ""},
		{"resourceType repeated differently", `{"resourceType":"Patient","resourceType":"Observation"}`, false, "", ""},
		{"escaped key", `{"resourceType":"Patient","gend\u0065r":"male"}`, false, "", ""},
		{"capitalised key", `{"resourceType":"Patient","Gender":"male"}`, false, "", ""},
		{"empty array", `{"resourceType":"Patient","name":[]}`, false, "", ""},
		{"empty object", `{"resourceType":"Patient","maritalStatus":{}}`, false, "", ""},
		{"null in array", `{"resourceType":"Patient","name":[{"given":["a",null]}]}`, false, "", ""},
		{"reference fragment key", `{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"fragment":"p"}}`, false, "", ""},
		{"reference typed-id key", `{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"patientId":{"value":"p"}}}`, false, "", ""},
		{"missing required", `{"resourceType":"Observation","code":{"text":"x"}}`, false, "", ""},
		{"required in backbone", `{"resourceType":"Patient","link":[{"type":"seealso"}]}`, false, "", ""},
		{"bundle entry resource", `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p"}}]}`, true, "Bundle", ""},
		{"id with escape", `{"resourceType":"Patient","id":"p\u0031"}`, false, "", ""},
		{"not utf-8", "{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"\xff\"}]}", false, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			typ, id, ok := schema.Check([]byte(tc.body))
			require.Equal(t, tc.want, ok)
			require.Equal(t, tc.typ, typ)
			require.Equal(t, tc.id, id)
			if ok {
				require.True(t, googleAccepts([]byte(tc.body)))
			}
		})
	}
}

// TestDeepNesting: nesting past google/fhir's depth limit is deferred.
func TestDeepNesting(t *testing.T) {
	ext := `{"url":"http://x","valueString":"y"}`
	for i := 0; i < 70; i++ {
		ext = `{"url":"http://x","extension":[` + ext + `]}`
	}
	body := []byte(`{"resourceType":"Patient","extension":[` + ext + `]}`)
	require.True(t, json.Valid(body))
	_, _, ok := schema.Check(body)
	require.False(t, ok)
	require.False(t, googleAccepts(body))
}
