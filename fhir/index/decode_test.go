package index

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/internal/testfiles"
)

// stdDecode is what decode must always agree with.
func stdDecode(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var res map[string]any
	err := dec.Decode(&res)
	return res, err
}

func TestDecodeAgreesWithEncodingJSON(t *testing.T) {
	cases := map[string]string{
		"plain":             `{"a":1,"b":[true,false,null,-0.5e+3,"x"],"c":{},"d":[]}`,
		"white space":       " {\n \"a\" : [ 1 , {\"b\" : \"c\" } ] }\r\n",
		"duplicate key":     `{"a":1,"a":{"b":2}}`,
		"escapes":           `{"a":"x\"y\\z\u00e9\ud83d\ude00\/\b\f\n\r\t","k\u0065y":1}`,
		"bad escape":        `{"a":"\x"}`,
		"short escape":      `{"a":"\u12"}`,
		"surrogate then x":  `{"a":"\ud83dx\ude00"}`,
		"reversed pair":     `{"a":"\ude00\ud83d"}`,
		"high then escape":  `{"a":"\ud83d\n"}`,
		"lone surrogate":    `{"a":"\ud800"}`,
		"not UTF-8":         "{\"a\":\"\xff\"}",
		"UTF-8":             `{"a":"Müller 张伟"}`,
		"control character": "{\"a\":\"x\ty\"}",
		"trailing value":    `{"a":1} {"b":2}`,
		"not an object":     `[1]`,
		"bad number":        `{"a":01}`,
		"bad number 2":      `{"a":1.}`,
		"bad number 3":      `{"a":-}`,
		"bad literal":       `{"a":tru}`,
		"missing comma":     `{"a":1 "b":2}`,
		"trailing comma":    `{"a":1,}`,
		"unterminated":      `{"a":"x`,
		"empty":             ``,
		"big exponent":      `{"a":1E400}`,
		"deep":              `{"a":[[[[[[[[[[{"b":[[[[[[1]]]]]]}]]]]]]]]]]}`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			want, wantErr := stdDecode([]byte(in))
			got, err := decode([]byte(in))
			if wantErr != nil {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}
}

// TestDecodeCorpus compares decode with encoding/json on every resource of
// ten Synthea bundles and of the official examples up to 300 KiB (whole
// files, and each entry of those that are bundles); each corpus skips
// where it is absent.
func TestDecodeCorpus(t *testing.T) {
	agree := func(t *testing.T, name string, raw []byte) {
		want, wantErr := stdDecode(raw)
		got, err := decode(raw)
		if wantErr != nil {
			require.Error(t, err, name)
			return
		}
		require.NoError(t, err, name)
		require.Equal(t, want, got, name)
	}
	each := func(t *testing.T, files []string) {
		for _, f := range files {
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			var bundle struct {
				Entry []struct{ Resource json.RawMessage }
			}
			if json.Unmarshal(raw, &bundle) == nil && len(bundle.Entry) > 0 {
				for i, e := range bundle.Entry {
					if len(e.Resource) > 0 {
						agree(t, fmt.Sprintf("%s entry %d", f, i), e.Resource)
					}
				}
				continue
			}
			agree(t, f, raw)
		}
	}
	t.Run("synthea", func(t *testing.T) {
		files, err := filepath.Glob(filepath.Join(testfiles.Shared(t, "data/synthea-r4"), "*.json"))
		require.NoError(t, err)
		each(t, files[:10])
	})
	t.Run("examples", func(t *testing.T) {
		all, err := filepath.Glob(filepath.Join(testfiles.R4Examples(t), "*.json"))
		require.NoError(t, err)
		var files []string
		for _, f := range all {
			// The 48 largest examples are 70% of the bytes and teach nothing new.
			if st, err := os.Stat(f); err == nil && st.Size() <= 300<<10 {
				files = append(files, f)
			}
		}
		each(t, files)
	})
}

// TestDecodeTakesItsOwnPath checks that the common shapes, escapes
// included, do not fall back to encoding/json.
func TestDecodeTakesItsOwnPath(t *testing.T) {
	for _, in := range []string{
		`{"a":[1,{"b":"x\"y\\z\u00e9\ud83d\ude00"}],"c":true}`,
		`{"text":{"div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">M\u00fcller</div>"}}`,
	} {
		d := decoder{b: []byte(in)}
		_, ok := d.value(0)
		require.True(t, ok, in)
		require.Equal(t, len(in), d.i, in)
	}
}

// TestTypeAndIDAgreesWithRefRe holds the hand reading of references to
// the regular expression it stands in for.
func TestTypeAndIDAgreesWithRefRe(t *testing.T) {
	refs := []string{
		"Patient/123", "Patient/a.b-C", "P/1", "Pa/1", "patient/1", "Patient/", "/1", "Patient",
		"Patient/1/_history/2", "http://x.org/fhir/Patient/1", "http://x.org/fhir/Patient/1/_history/2",
		"Patient/has space", "Patient/" + strings.Repeat("a", 64), "Patient/" + strings.Repeat("a", 65),
		"Pat1ent/1", "Patient/1_2", "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0", "#contained",
		"Patient/1/", "ÄPatient/1", "Patient/1é", "Observation/x/_history/", "",
	}
	for _, ref := range refs {
		m := refRe.FindStringSubmatch(ref)
		typ, id, ok := typeAndID(ref)
		require.Equal(t, m != nil, ok, ref)
		if ok {
			require.Equal(t, []string{m[1], m[2]}, []string{typ, id}, ref)
		}
	}
}

// FuzzDecode holds decode to encoding/json on any input.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2.5e3,true,null,{"b":"c\u00e9\ud83d\ude00"}]}`, `{"a":"\ud800"}`, "{\"a\":\"\xff\"}", `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		want, wantErr := stdDecode(in)
		got, err := decode(in)
		if wantErr != nil {
			require.Error(t, err)
			return
		}
		require.NoError(t, err)
		require.Equal(t, want, got)
	})
}
