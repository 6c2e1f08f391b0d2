package ucum_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/ucum"
)

// TestNormalize runs testdata/normalize.tsv: raw unit, expected UCUM code
// ("=" for unchanged), ok.
func TestNormalize(t *testing.T) {
	f, err := os.Open("testdata/normalize.tsv")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		require.Len(t, cols, 3, "testdata/normalize.tsv line %d", line)
		raw, want, wantOK := cols[0], cols[1], cols[2] == "true"
		if want == "=" {
			want = raw
		}
		n++
		t.Run(raw, func(t *testing.T) {
			got, ok := ucum.Normalize(raw)
			require.Equal(t, wantOK, ok)
			require.Equal(t, want, got)
			if ok {
				_, err := ucum.Parse(got)
				require.NoError(t, err, "Normalize must return UCUM that Parse accepts")
				for _, r := range got {
					require.Less(t, r, rune(127), "Normalize returns ASCII only")
				}
				again, ok := ucum.Normalize(got)
				require.True(t, ok)
				require.Equal(t, got, again, "Normalize is idempotent")
			}
		})
	}
	require.NoError(t, sc.Err())
	require.Greater(t, n, 50)
}

func TestNormalizeEmpty(t *testing.T) {
	for _, raw := range []string{"", "   "} {
		got, ok := ucum.Normalize(raw)
		require.False(t, ok)
		require.Equal(t, raw, got)
	}
}

// TestNormalizeKeepsConversions checks that a normalised spelling converts
// like the UCUM code the domain brief pairs it with (domain.md §8).
func TestNormalizeKeepsConversions(t *testing.T) {
	cases := []struct {
		name, raw, value, to, want string
	}{
		{"K/uL is 10*3/uL", "K/uL", "150", "10*9/L", "150"},
		{"x10^9/L", "x10^9/L", "1.5", "10*9/L", "1.5"},
		{"cells/uL", "cells/uL", "1500", "10*9/L", "1.5"},
		{"mIU/L is u[IU]/mL", "mIU/L", "2.5", "u[IU]/mL", "2.5"},
		{"g/100mL is g/dL", "g/100mL", "12", "g/dL", "12"},
		{"g/24h", "g/24h", "1.2", "mg/d", "1200"},
		{"lb", "lb", "100", "kg", "45.359237"},
		{"jin", "斤", "120", "kg", "60"},
		{"mmHg", "mmHg", "120", "mm[Hg]", "120"},
		{"degrees Celsius", "°C", "37", "[degF]", "98.6"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, ok := ucum.Normalize(tc.raw)
			require.True(t, ok)
			got, err := ucum.Convert(rat(t, tc.value), code, tc.to)
			require.NoError(t, err)
			requireRat(t, tc.want, got)
		})
	}
}
