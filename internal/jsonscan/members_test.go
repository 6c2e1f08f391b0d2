package jsonscan_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/internal/jsonscan"
)

func TestMembers(t *testing.T) {
	cases := []struct {
		name, in string
		want     []jsonscan.Member // nil with ok false
	}{
		{"compact", `{"a":1,"b":"x","c":[1,{"d":"}"}],"e":{"f":null}}`, []jsonscan.Member{
			{Name: "a", Value: []byte(`1`)}, {Name: "b", Value: []byte(`"x"`)},
			{Name: "c", Value: []byte(`[1,{"d":"}"}]`)}, {Name: "e", Value: []byte(`{"f":null}`)}}},
		{"pretty", "{\n  \"a\" : true ,\n  \"b\":\"q\\\"]\"\n}", []jsonscan.Member{
			{Name: "a", Value: []byte(`true`)}, {Name: "b", Value: []byte(`"q\"]"`)}}},
		{"escaped name", `{"r\u0065source":{}}`, []jsonscan.Member{{Name: "resource", Value: []byte(`{}`)}}},
		{"empty", ` { } `, nil},
		{"array", `[1]`, nil},
		{"unclosed", `{"a":1`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := jsonscan.Members([]byte(tc.in))
			if tc.name == "empty" {
				require.True(t, ok)
				require.Empty(t, got)
				return
			}
			require.Equal(t, tc.want != nil, ok)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestNumberEnd(t *testing.T) {
	for in, end := range map[string]int{
		"0": 1, "-0": 2, "12.50e+3,": 8, "1E9]": 3, "0.5}": 3, "01": 1,
		"-": -1, "1.": -1, ".5": -1, "1e": -1, "1e+": -1, "x": -1, "": -1,
	} {
		require.Equal(t, end, jsonscan.NumberEnd([]byte(in), 0), in)
	}
}
