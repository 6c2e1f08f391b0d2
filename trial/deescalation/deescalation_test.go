package deescalation_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/trial/deescalation"
)

// rat parses a decimal number of millimetres; "" is a missing value.
func rat(t *testing.T, s string) *big.Rat {
	t.Helper()
	if s == "" {
		return nil
	}
	r, ok := new(big.Rat).SetString(s)
	require.True(t, ok, s)
	return r
}

const (
	A   = deescalation.InterpretationA
	B   = deescalation.InterpretationB
	ok  = deescalation.Adherent
	bad = deescalation.NotAdherent
	unk = deescalation.Unknown
	de  = deescalation.ArmDeescalated
	std = deescalation.ArmStandard
)

func TestAssess(t *testing.T) {
	type O = deescalation.Outcome
	cases := []struct {
		name                    string
		arm                     deescalation.Arm
		interp                  deescalation.Interpretation
		dPre, dPost, m, dResect string
		want                    O
		checks                  []O // per check, in the order of Result.Checks
		dRef                    string
	}{
		{"A: exactly 70% of D_pre+2m, m = 10", de, "", "40", "22", "10", "42", ok, []O{ok, ok, ok}, "60"},
		{"A: just above 70%", de, A, "40", "22.1", "10", "42.1", bad, []O{ok, ok, bad}, "60"},
		{"A: m = 15 at exactly 70%", de, A, "50", "26", "15", "56", ok, []O{ok, ok, ok}, "80"},
		{"A: decimal diameters", de, A, "45.5", "12.25", "12.5", "37.25", ok, []O{ok, ok, ok}, "70.5"},
		{"A: margin 9.9 mm", de, A, "60", "10", "9.9", "30", bad, []O{bad, ok, ok}, "79.8"},
		{"A: margin 15.1 mm", de, A, "60", "10", "15.1", "40", bad, []O{bad, ok, ok}, "90.2"},
		{"A: resection below D_post + 20", de, A, "60", "20", "10", "39.9", bad, []O{ok, bad, ok}, "80"},
		{"A: resection exactly D_post + 30", de, A, "60", "10", "15", "40", ok, []O{ok, ok, ok}, "90"},
		{"A: resection above D_post + 30", de, A, "60", "10", "10", "40.1", bad, []O{ok, bad, ok}, "80"},
		{"B: exactly 70% of D_pre", de, B, "40", "8", "10", "28", ok, []O{ok, ok, ok}, "40"},
		{"B: above 70% of D_pre", de, B, "40", "8", "10", "28.5", bad, []O{ok, ok, bad}, "40"},
		{"B: adherent under A is not under B", de, B, "40", "22", "10", "42", bad, []O{ok, ok, bad}, "40"},
		{"B: margin not needed for the reduction", de, B, "40", "8", "", "28", unk, []O{unk, ok, ok}, "40"},
		{"A: D_post missing is unknown", de, A, "40", "", "10", "42", unk, []O{ok, unk, ok}, "60"},
		{"A: missing input but another check fails", de, A, "", "22", "16", "42", bad, []O{bad, ok, unk}, ""},
		{"A: negative diameter is unknown", de, A, "-40", "22", "10", "42", unk, []O{ok, ok, unk}, ""},
		{"unknown interpretation", de, "C", "40", "22", "10", "42", unk, []O{ok, ok, unk}, ""},
		{"standard: m = 10", std, "", "40", "", "10", "", ok, []O{ok}, ""},
		{"standard: m = 15", std, "", "40", "35", "15", "70", ok, []O{ok}, ""},
		{"standard: m = 9.5", std, "", "40", "", "9.5", "", bad, []O{bad}, ""},
		{"standard: m = 16", std, "", "40", "", "16", "", bad, []O{bad}, ""},
		{"standard: m missing", std, "", "40", "", "", "", unk, []O{unk}, ""},
		{"standard: zero margin", std, "", "40", "", "0", "", bad, []O{bad}, ""},
		{"arm missing", "", "", "40", "22", "10", "42", unk, []O{unk}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := deescalation.Input{Arm: tc.arm, DPre: rat(t, tc.dPre), DPost: rat(t, tc.dPost), Margin: rat(t, tc.m), DResect: rat(t, tc.dResect)}
			r := deescalation.Assess(in, deescalation.Options{Interpretation: tc.interp})
			require.Equal(t, tc.want, r.Outcome, r.Reasons())
			var got []O
			for _, c := range r.Checks {
				got = append(got, c.Outcome)
				require.NotEmpty(t, c.Reason)
				require.NotContains(t, c.Reason, "\n")
			}
			require.Equal(t, tc.checks, got, r.Reasons())
			if tc.interp == "" {
				require.Equal(t, A, r.Interpretation)
			} else {
				require.Equal(t, tc.interp, r.Interpretation)
			}
			if tc.dRef == "" {
				require.Nil(t, r.DRef)
			} else {
				require.Equal(t, rat(t, tc.dRef).String(), r.DRef.String())
			}
		})
	}
}

func TestReasons(t *testing.T) {
	in := deescalation.Input{Arm: de, DPre: rat(t, "40"), DPost: rat(t, "22.1"), Margin: rat(t, "10"), DResect: rat(t, "42.1")}
	require.Equal(t, []string{
		"margin: adherent: margin 10 mm within 10-15 mm",
		"resection-consistent: adherent: resection 42.1 mm within D_post + 2x(10-15) mm = 42.1 mm to 52.1 mm",
		"reduction: not-adherent: resection 42.1 mm vs 70% of D_ref 60 mm (A) = 42 mm: reduction < 30%",
	}, deescalation.Assess(in, deescalation.Options{}).Reasons())
	require.True(t, strings.HasPrefix(deescalation.Assess(deescalation.Input{Arm: de}, deescalation.Options{}).Reasons()[0], "margin: unknown: margin missing"))
}

func TestMaxDPost(t *testing.T) {
	cases := []struct {
		name, dPre, m string
		interp        deescalation.Interpretation
		want          string // "" = nil
	}{
		{"A: 0.7*D_pre - 6 mm at m = 10", "40", "10", A, "22"},
		{"A: 0.7*D_pre - 9 mm at m = 15", "50", "15", A, "26"},
		{"B: 0.7*D_pre - 2m", "40", "10", B, "8"},
		{"B: small tumour is infeasible", "20", "10", B, "-6"},
		{"unknown interpretation", "40", "10", "C", ""},
		{"missing margin", "40", "", A, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := deescalation.MaxDPost(rat(t, tc.dPre), rat(t, tc.m), tc.interp)
			if tc.want == "" {
				require.Nil(t, got)
				return
			}
			require.Equal(t, rat(t, tc.want).String(), got.String())
		})
	}
}
