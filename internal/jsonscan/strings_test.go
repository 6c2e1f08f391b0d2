package jsonscan_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/internal/jsonscan"
)

// TestReadAgreesWithEncodingJSON reads each string followed by a comma:
// where Read vouches for it, encoding/json decodes the same text, and the
// end is the comma.
func TestReadAgreesWithEncodingJSON(t *testing.T) {
	cases := []struct {
		in string
		ok bool
	}{
		{`"plain"`, true},
		{`""`, true},
		{`"Müller 张伟"`, true},
		{`"x\"y\\z\/\b\f\n\r\t"`, true},
		{`"\u00e9\u00E9"`, true},
		{`"\ud83d\ude00"`, true},
		{`"\ud800"`, true},        // lone high surrogate: U+FFFD
		{`"\ude00\ud83d"`, true},  // reversed pair: two U+FFFD
		{`"\ud83dx\ude00"`, true}, // broken pair
		{`"\ud83d\n"`, true},      // high surrogate then another escape
		{`"<div xmlns=\"h\">a</div>"`, true},
		{`"\x"`, false},
		{`"\u12"`, false},
		{`"\u12g4"`, false},
		{"\"a\tb\"", false},
		{"\"\xff\"", false},
		{"\"\\u00e9\xff\"", false},
		{`"open`, false},
		{`"ends in escape\`, false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			src := []byte(tc.in + ",")
			s, end, ok := jsonscan.Read(src, 0)
			require.Equal(t, tc.ok, ok)
			if !ok {
				return
			}
			var want string
			require.NoError(t, json.Unmarshal([]byte(tc.in), &want))
			require.Equal(t, want, s)
			require.Equal(t, len(tc.in), end)
		})
	}
}

func TestEndAndSkip(t *testing.T) {
	cases := []struct {
		in  string
		end int // -1: the string does not end
	}{
		{`"a"`, 3},
		{`"a\"b",1`, 6},
		{`"a\\",1`, 5},
		{`""`, 2},
		{`"open`, -1},
		{`"escaped quote\"`, -1},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			require.Equal(t, tc.end, jsonscan.End([]byte(tc.in), 0))
			want := tc.end
			if want < 0 {
				want = len(tc.in)
			}
			require.Equal(t, want, jsonscan.Skip([]byte(tc.in), 0))
		})
	}
}
