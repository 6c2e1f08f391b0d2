package recist_test

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/trial/recist"
)

func TestLength(t *testing.T) {
	cases := []struct {
		in, str string
		err     bool
	}{
		{"12.5", "12.5 mm", false},
		{"10", "10 mm", false},
		{"0.125", "0.125 mm", false},
		{"7.0", "7 mm", false},
		{"0.0001", "", true},
		{"1/3", "", true},
		{"1e1", "", true},
		{"abc", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			l, err := recist.ParseMM(tc.in)
			if tc.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.str, l.String())
		})
	}
	t.Run("from an exact cm conversion", func(t *testing.T) {
		l, err := recist.LengthFromRat(big.NewRat(125, 10)) // 1.25 cm = 12.5 mm
		require.NoError(t, err)
		require.Equal(t, recist.Length(12500), l)
		require.Equal(t, big.NewRat(25, 2), l.Rat())
	})
}

func TestFormatPercent(t *testing.T) {
	cases := []struct {
		num, den int64
		want     string
	}{
		{-30, 1, "-30.0"},
		{-299, 10, "-29.9"},
		{200, 1003, "0.2"},    // 0.1994 rounds up
		{1, 20, "0.1"},        // 0.05 rounds half away from zero
		{-1, 20, "-0.1"},      // -0.05
		{-1, 100, "0.0"},      // no negative zero
		{50000, 251, "199.2"}, // 199.203...
		{502, 2510, "0.2"},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			require.Equal(t, tc.want, recist.FormatPercent(big.NewRat(tc.num, tc.den)))
		})
	}
	require.Equal(t, "NA", recist.FormatPercent(nil))
}
