package resource

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPlainlyCleanNeverHidesAProblem: the fast scan may only pass what the
// decoding check passes too.
func TestPlainlyCleanNeverHidesAProblem(t *testing.T) {
	cases := []struct {
		name, body string
		clean      bool
	}{
		{"clean", `{"resourceType":"Patient","name":[{"family":"Li","given":["A",null]}],"active":true}`, true},
		{"clean with whitespace", "{ \"resourceType\" : \"Patient\" ,\n \"gender\": \"male\" }", true},
		{"null member", `{"resourceType":"Patient","active":null}`, false},
		{"null member nested", `{"resourceType":"Patient","name":[{"family":null}]}`, false},
		{"empty string", `{"resourceType":"Patient","gender":""}`, false},
		{"empty string in array", `{"resourceType":"Patient","name":[{"given":[""]}]}`, false},
		{"empty object", `{"resourceType":"Patient","maritalStatus":{ }}`, false},
		{"empty array", `{"resourceType":"Patient","name":[]}`, false},
		{"no resourceType", `{"id":"a"}`, false},
		{"empty resourceType", `{"resourceType":"","id":"a"}`, false},
		{"resourceType only nested", `{"contained":[{"resourceType":"Patient"}]}`, false},
		{"not an object", `["resourceType"]`, false},
		{"repeated property", `{"resourceType":"Patient","gender":"male","gender":"female"}`, false},
		{"repeated property nested", `{"resourceType":"Patient","name":[{"family":"a"},{"family":"b","family":"c"}]}`, false},
		{"same name in sibling objects", `{"resourceType":"Patient","name":[{"family":"a"},{"family":"b"}],"contact":[{"name":{"family":"c"}}]}`, true},
		{"capitalised name", `{"resourceType":"Patient","Gender":"male"}`, false},
		{"capitalised primitive extension", `{"resourceType":"Patient","_Gender":{"id":"x"}}`, false},
		{"escaped name", `{"resourceType":"Patient","birth\u0044ate":"2000-01-01"}`, false},
		{"surrogate pair escaped", `{"resourceType":"Patient","name":[{"text":"\ud83d\ude00"}]}`, false},
		{"escaped quote in value", `{"resourceType":"Patient","name":[{"text":"a \"null\" {} []"}]}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.clean, plainlyClean([]byte(tc.body)))
			if tc.clean {
				require.NoError(t, explainJSON([]byte(tc.body)))
			}
		})
	}
	deep := "1"
	for range MaxDepth {
		deep = `{"a":` + deep + `}`
	}
	require.False(t, plainlyClean([]byte(`{"resourceType":"Patient","x":`+deep+`}`)), "too deep")
}
