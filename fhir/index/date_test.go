package index_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/index"
)

func ms(s string) float64 {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return float64(t.UnixMilli())
}

func TestDateRange(t *testing.T) {
	cases := []struct {
		in     string
		lo, hi string
	}{
		{"2026", "2026-01-01T00:00:00Z", "2026-12-31T23:59:59.999Z"},
		{"2024-02", "2024-02-01T00:00:00Z", "2024-02-29T23:59:59.999Z"},
		{"2026-03-01", "2026-03-01T00:00:00Z", "2026-03-01T23:59:59.999Z"},
		{"2026-03-01T08:30", "2026-03-01T08:30:00Z", "2026-03-01T08:30:59.999Z"},
		{"2026-03-01T08:30:00+08:00", "2026-03-01T00:30:00Z", "2026-03-01T00:30:00.999Z"},
		{"2026-03-01T08:30:00.123Z", "2026-03-01T08:30:00.123Z", "2026-03-01T08:30:00.123Z"},
		{"2026-03-01T23:30:00-05:00", "2026-03-02T04:30:00Z", "2026-03-02T04:30:00.999Z"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			lo, hi, err := index.DateRange(tc.in)
			require.NoError(t, err)
			require.Equal(t, ms(tc.lo), lo)
			require.Equal(t, ms(tc.hi), hi)
		})
	}
	for _, bad := range []string{"", "26", "2026-13", "2026-02-30", "2026-01-01T25:00", "yesterday", "2026-01-01 08:00"} {
		_, _, err := index.DateRange(bad)
		require.Error(t, err, bad)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"Müller": "muller", "  JOSÉ  María ": "jose maria", "Ærø": "ærø", "张伟": "张伟", "MULLER\t Smith\n": "muller smith", "": ""} {
		require.Equal(t, want, index.Normalize(in), in)
	}
}

func TestNumberRange(t *testing.T) {
	cases := []struct {
		in            string
		value, lo, hi float64
	}{
		{"100", 100, 99.5, 100.5},
		{"100.0", 100, 99.95, 100.05},
		{"0.1", 0.1, 0.05, 0.15},
		{"-3", -3, -3.5, -2.5},
		{"1e2", 100, 50, 150},
		{"1.5e1", 15, 14.5, 15.5},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			v, lo, hi, err := index.NumberRange(tc.in)
			require.NoError(t, err)
			require.InDelta(t, tc.value, v, 1e-12)
			require.InDelta(t, tc.lo, lo, 1e-12)
			require.InDelta(t, tc.hi, hi, 1e-12)
		})
	}
	_, _, _, err := index.NumberRange("ten")
	require.Error(t, err)
}
