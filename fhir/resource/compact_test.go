package resource

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/internal/testfiles"
)

// TestAppendCompact holds appendCompact to json.Compact: the same bytes
// whenever it vouches for its input, and no vouching for input that is not
// JSON because of where its white space is.
func TestAppendCompact(t *testing.T) {
	cases := []struct {
		name, in string
		ok       bool
	}{
		{"pretty", "{\n  \"a\" : [ 1 , 2.5e3 ,true,null ] ,\r\n\t\"b\":{ }\n}\n", true},
		{"space in strings kept", `{"a b":" x  y ","c":"\" }"}`, true},
		{"escaped backslash ends string", `{"a":"x\\" , "b" : 1}`, true},
		{"split number", `{"a":1 2}`, false},
		{"split literal", `{"a":tr ue}`, false},
		{"split negative", `{"a":- 1}`, false},
		{"unterminated string", `{"a":"x\"}`, false},
		{"lone quote", `"`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := appendCompact(nil, []byte(tc.in))
			require.Equal(t, tc.ok, ok)
			if ok {
				var want bytes.Buffer
				require.NoError(t, json.Compact(&want, []byte(tc.in)))
				require.Equal(t, want.String(), string(got))
			}
		})
	}
}

// TestAppendCompactCorpus compares appendCompact with json.Compact on
// every entry of the Synthea bundles.
func TestAppendCompactCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testfiles.Shared(t, "data/synthea-r4"), "*.json"))
	require.NoError(t, err)
	for _, f := range files[:10] {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var want bytes.Buffer
		require.NoError(t, json.Compact(&want, raw))
		got, ok := appendCompact(nil, raw)
		require.True(t, ok, f)
		require.Equal(t, want.String(), string(got), f)
	}
}
