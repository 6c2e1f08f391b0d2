package index_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/searchparam"
)

func TestTokenSearchFindsStoredKeys(t *testing.T) {
	stored := index.Token{Param: "identifier", System: "urn:mrn", Code: "42"}.Keys()
	noSystem := index.Token{Param: "identifier", Code: "42"}.Keys()
	cases := []struct {
		search         string
		stored, absent bool // found on the token with a system, and on the one without
	}{
		{"urn:mrn|42", true, false},
		{"42", true, true},
		{"|42", false, true},
		{"urn:mrn|", true, false},
		{"urn:other|42", false, false},
		{"43", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.search, func(t *testing.T) {
			key := index.TokenKey("identifier", tc.search)
			require.Equal(t, tc.stored, contains(stored, key))
			require.Equal(t, tc.absent, contains(noSystem, key))
			require.False(t, contains(index.Token{Param: "other", System: "urn:mrn", Code: "42"}.Keys(), key), "another parameter never matches")
		})
	}
}

func TestLockNameIgnoresSpelling(t *testing.T) {
	full := index.LockName(index.TokenKey("identifier", "urn:mrn|42"))
	require.Equal(t, full, index.LockName(index.TokenKey("identifier", "42")))
	require.Equal(t, full, index.LockName(index.TokenKey("identifier", "|42")))
	require.NotEqual(t, full, index.LockName(index.TokenKey("identifier", "43")))
}

func TestExtract(t *testing.T) {
	cases := []struct {
		name, body string
		want       []string
	}{
		{"list", `{"resourceType":"Patient","identifier":[{"system":"s","value":"1"},{"value":"2"}]}`,
			[]string{index.TokenKey("identifier", "s|1"), index.TokenKey("identifier", "1"), index.TokenKey("identifier", "s|"), index.TokenKey("identifier", "|2"), index.TokenKey("identifier", "2")}},
		{"single", `{"resourceType":"Bundle","identifier":{"system":"s","value":"b"}}`,
			[]string{index.TokenKey("identifier", "s|b"), index.TokenKey("identifier", "b"), index.TokenKey("identifier", "s|")}},
		{"none", `{"resourceType":"Binary"}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := index.Extract([]byte(tc.body))
			require.NoError(t, err)
			require.Subset(t, got.Keys, tc.want)
			for _, k := range got.Keys {
				if strings.Contains(k, "identifier") && !strings.HasPrefix(k, "m") {
					require.Contains(t, tc.want, k, "no identifier key beyond those expected")
				}
			}
		})
	}
}

func contains(keys []string, k string) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}

func TestMarkerKey(t *testing.T) {
	reg, err := searchparam.Default().With(searchparam.Definition{ID: "sp", URL: "http://example.org/sp/nick", Code: "nick",
		Base: []string{"Patient"}, Type: searchparam.String, Expression: "Patient.name.given"})
	require.NoError(t, err)
	d, _ := reg.Lookup("Patient", "nick")
	x := index.Default().With(reg)
	cases := []struct {
		name, body string
		nick       bool
	}{
		{"with a value", `{"resourceType":"Patient","name":[{"given":["Bo"]}]}`, true},
		{"without one, still marked", `{"resourceType":"Patient"}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ix, err := x.Extract([]byte(tc.body))
			require.NoError(t, err)
			require.Contains(t, ix.Keys, index.MarkerKey(d))
			require.Equal(t, tc.nick, slices.Contains(ix.Present, "nick"))
			plain, err := index.Extract([]byte(tc.body))
			require.NoError(t, err)
			require.NotContains(t, plain.Keys, index.MarkerKey(d), "the default registry has no stored parameters")
		})
	}
}
