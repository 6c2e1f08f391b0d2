package fhirfacts

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fixtureRecords returns every resource of the ../testdata fixtures.
func fixtureRecords(t *testing.T) [][]byte {
	names, err := filepath.Glob("../testdata/*.json")
	require.NoError(t, err)
	var out [][]byte
	for _, n := range names {
		if filepath.Ext(n) == ".json" && filepath.Base(n) != filepath.Base(n[:len(n)-len(".golden.json")])+".golden.json" {
			raw, err := os.ReadFile(n)
			require.NoError(t, err)
			var bundle struct {
				Entry []struct{ Resource json.RawMessage } `json:"entry"`
			}
			require.NoError(t, json.Unmarshal(raw, &bundle))
			for _, e := range bundle.Entry {
				out = append(out, e.Resource)
			}
		}
	}
	return out
}

// TestFastDecoderMatchesEncodingJSON holds the single-pass reader to
// encoding/json: on every fixture resource and on tricky documents both
// must fill the struct identically, and the reader must not have needed
// the fallback.
func TestFastDecoderMatchesEncodingJSON(t *testing.T) {
	docs := fixtureRecords(t)
	require.NotEmpty(t, docs)
	docs = append(docs,
		[]byte(`{"resourceType":"Observation","id":"esc","code":{"text":"a\"b\\c\/d\n\u00b5\u4e2d\ud83d\ude00","coding":[]},"valueQuantity":{"value":-1.5e+3,"unit":"µmol/L"},"status":null}`),
		[]byte(` { "resourceType" : "Condition" , "id":"x","bodySite":[null,{}],"stage":[{"summary":null,"assessment":[{"reference":"Observation/1"}]}],"unknown":{"a":[1,true,false,null,"s",{"b":{}}]}} `),
		[]byte(`{"resourceType":"AdverseEvent","id":"ae","suspectEntity":[{"instance":{"reference":"X/1"},"causality":[{"assessment":{"text":"unlikely"}}]}],"extension":[{"url":"u","valueInteger":3,"valueBoolean":true,"valueCoding":{"code":"c"}}]}`),
		[]byte(`{"resourceType":"Observation","id":"lone","code":{"text":"\ud800x"},"valueString":"","valueBoolean":false,"referenceRange":[{"age":{"low":{"value":0}},"appliesTo":[{"text":"女"}]}]}`),
		[]byte(`{"resourceType":"Specimen","id":"s","collection":{"fastingStatusCodeableConcept":{"coding":[{"code":"F"}]}},"contained":[{"resourceType":"Medication","id":"m"}, [1,2]]}`),
		[]byte(`{"resourceType":"Observation","id":"empty","contained":[],"component":[],"hasMember":null,"extension":[]}`),
	)
	for i, doc := range docs {
		var fast, std resource
		l := lexer{data: doc}
		l.resource(&fast)
		l.end()
		require.NoError(t, l.err, "document %d needed the fallback: %s", i, doc)
		require.NoError(t, json.Unmarshal(doc, &std))
		require.Equal(t, std, fast, "document %d: %s", i, doc)
	}
}

// TestFastDecoderFallsBack checks that what the reader refuses still gets
// encoding/json's verdict.
func TestFastDecoderFallsBack(t *testing.T) {
	cases := []struct {
		name, doc string
		ok        bool
	}{
		{"truncated", `{"resourceType":"Observation"`, false},
		{"trailing garbage", `{"resourceType":"Observation"} x`, false},
		{"number where a string belongs", `{"resourceType":"Observation","status":5}`, false},
		{"a quoted number is accepted by encoding/json", `{"resourceType":"Observation","valueQuantity":{"value":"5"}}`, true},
		{"invalid UTF-8 is repaired by encoding/json", "{\"resourceType\":\"Observation\",\"id\":\"\xff\"}", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r resource
			err := decode([]byte(tc.doc), &r)
			if tc.ok {
				require.NoError(t, err)
				require.Equal(t, "Observation", r.ResourceType)
			} else {
				require.Error(t, err)
			}
		})
	}
	// FHIR JSON is case-sensitive: unlike encoding/json, the reader does not
	// take "Status" for "status".
	var r resource
	require.NoError(t, decode([]byte(`{"resourceType":"Observation","Status":"final"}`), &r))
	require.Empty(t, r.Status)
}

// FuzzDecode: whenever the single-pass reader accepts a document,
// encoding/json must accept it too and fill the same struct.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"resourceType":"Observation","valueQuantity":{"value":1.5e3,"unit":"g/L"}}`))
	f.Add([]byte(`{"a":"\u00b5\ud83d\ude00","code":{"coding":[{"system":"s","code":"c"}]}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		var fast resource
		l := lexer{data: doc}
		l.resource(&fast)
		l.end()
		if l.err != nil {
			return
		}
		if foldedKey(doc) {
			return // encoding/json matches keys case-insensitively, FHIR does not
		}
		var std resource
		require.NoError(t, json.Unmarshal(doc, &std), "accepted by the reader: %q", doc)
		require.Equal(t, std, fast, "%q", doc)
	})
}

// foldedKey reports whether doc has an object key that equals a key of the
// decoded structs only when case is ignored.
func foldedKey(doc []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(doc))
	type frame struct{ object, wantKey bool }
	var stack []frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		top := len(stack) - 1
		if top >= 0 && stack[top].object && stack[top].wantKey {
			if k, ok := tok.(string); ok {
				stack[top].wantKey = false
				if lower := strings.ToLower(k); knownKeys[lower] && !knownExact[k] {
					return true
				}
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{object: true, wantKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:top]
		}
		if top := len(stack) - 1; top >= 0 && stack[top].object {
			stack[top].wantKey = true
		}
	}
}

var knownKeys, knownExact = func() (map[string]bool, map[string]bool) {
	lower, exact := map[string]bool{}, map[string]bool{}
	var walk func(t reflect.Type)
	seen := map[reflect.Type]bool{}
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := strings.Split(f.Tag.Get("json"), ",")[0]
			if name == "" { // untagged (mappings.Coding, Meta.Tag): FHIR spells it in lower camel case
				name = strings.ToLower(f.Name[:1]) + f.Name[1:]
			}
			lower[strings.ToLower(name)] = true
			exact[name] = true
			walk(f.Type)
		}
	}
	walk(reflect.TypeOf(resource{}))
	return lower, exact
}()
