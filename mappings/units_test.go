package mappings_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/trialfhir/trialfhir/mappings"
)

// rat reads a decimal or a quotient of decimals ("180/18.016").
func rat(s string) *big.Rat {
	num, den, quot := strings.Cut(s, "/")
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		panic(s)
	}
	if quot {
		return r.Quo(r, rat(den))
	}
	return r
}

func TestNormalise(t *testing.T) {
	tables := mappings.Default()
	cases := []struct {
		name, concept, value, unit, code string
		want, wantUnit                   string // want "" means a problem
	}{
		{"Hb 90 g/L is exactly 9 g/dL", "hemoglobin", "90", "g/L", "", "9", "g/dL"},
		{"Hb g/dL unchanged", "hemoglobin", "9.1", "g/dL", "g/dL", "9.1", "g/dL"},
		{"Hb mmol/L x1.611", "hemoglobin", "6", "mmol/L", "", "9.666", "g/dL"},
		{"Hb g%", "hemoglobin", "9", "g%", "", "9", "g/dL"},
		{"Hb g/100mL", "hemoglobin", "9", "g/100mL", "", "9", "g/dL"},
		{"glucose 180 mg/dL / 18.016", "glucose-fasting", "180", "mg/dL", "", "180/18.016", "mmol/L"},
		{"glucose g/L via the mg/dL row", "glucose", "1.8", "g/L", "", "180/18.016", "mmol/L"},
		{"creatinine 88.4 umol/L is 1 mg/dL", "creatinine", "88.4", "umol/L", "", "1", "mg/dL"},
		{"creatinine micro sign", "creatinine", "88.4", "µmol/L", "", "1", "mg/dL"},
		{"creatinine Greek mu", "creatinine", "88.4", "μmol/L", "", "1", "mg/dL"},
		{"creatinine mmol/L", "creatinine", "0.0884", "mmol/L", "", "1", "mg/dL"},
		{"bilirubin mg/dL x17.1", "bilirubin-total", "1.2", "mg/dL", "", "20.52", "umol/L"},
		{"HBV DNA 1000 copies/mL is 200 IU/mL", "hbv-dna", "1000", "copies/mL", "", "200", "[IU]/mL"},
		{"HBV DNA UCUM copies", "hbv-dna", "1000", "", "{copies}/mL", "200", "[IU]/mL"},
		{"HBV DNA IU/mL", "hbv-dna", "20", "IU/mL", "", "20", "[IU]/mL"},
		{"HBV DNA log10 integer", "hbv-dna", "3", "log10 IU/mL", "", "1000", "[IU]/mL"},
		{"HBV DNA {log} annotation refused", "hbv-dna", "3", "{log_IU}/mL", "", "", ""},
		{"ANC x10^9/L", "anc", "1.5", "×10^9/L", "", "1.5", "10*9/L"},
		{"ANC 10E9/L", "anc", "1.5", "10E9/L", "", "1.5", "10*9/L"},
		{"ANC G/L", "anc", "1.5", "G/L", "", "1.5", "10*9/L"},
		{"ANC K/uL", "anc", "1.5", "K/uL", "", "1.5", "10*9/L"},
		{"ANC 10^3/µL", "anc", "1.5", "10^3/µL", "", "1.5", "10*9/L"},
		{"ANC /mm3", "anc", "1500", "/mm3", "", "1.5", "10*9/L"},
		{"ANC cells/uL", "anc", "1500", "cells/uL", "", "1.5", "10*9/L"},
		{"AST IU/L as U/L", "ast", "40", "IU/L", "", "40", "U/L"},
		{"ALT ukat/L x60", "alt", "1", "ukat/L", "", "60", "U/L"},
		{"INR without unit", "inr", "1.2", "", "", "1.2", "{INR}"},
		{"INR with INR", "inr", "1.2", "INR", "", "1.2", "{INR}"},
		{"INR never from %", "inr", "80", "%", "", "", ""},
		{"PT % never into ratio", "pt-ratio", "80", "%", "", "", ""},
		{"PT seconds 秒", "pt", "12.5", "秒", "", "12.5", "s"},
		{"PT sec", "pt", "12.5", "sec", "", "12.5", "s"},
		{"TSH uIU/mL", "tsh", "2.5", "µIU/mL", "", "2.5", "m[IU]/L"},
		{"FT4 ng/dL x12.87", "ft4", "1", "ng/dL", "", "12.87", "pmol/L"},
		{"TT3 ng/mL x1.536", "t3-total", "1", "ng/mL", "", "1.536", "nmol/L"},
		{"troponin ng/mL x1000", "troponin-i", "0.04", "ng/mL", "", "40", "ng/L"},
		{"BP kPa x7.50062", "bp-systolic", "20", "kPa", "", "150.0124", "mm[Hg]"},
		{"BP mmHg", "bp-diastolic", "90", "mmHg", "", "90", "mm[Hg]"},
		{"weight 斤 x0.5", "body-weight", "140", "斤", "", "70", "kg"},
		{"weight lb", "body-weight", "100", "lb", "", "45.359237", "kg"},
		{"24-h protein mg/24h", "urine-protein-24h", "1500", "mg/24h", "", "1.5", "g/(24.h)"},
		{"24-h protein g/L needs a volume", "urine-protein-24h", "1.5", "g/L", "", "", ""},
		{"unknown unit", "hemoglobin", "9", "gram per deciliter", "", "", ""},
		{"wrong dimension", "hemoglobin", "9", "U/L", "", "", ""},
		{"qualitative concept", "hbsag", "1", "S/CO", "", "", ""},
		{"u/L is not U/L", "ast", "40", "u/L", "", "", ""},
		{"UCUM code wins over text", "hemoglobin", "90", "gram/litre", "g/L", "9", "g/dL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, problem := tables.Normalise(tc.concept, rat(tc.value), tc.unit, tc.code)
			require.NotEmpty(t, q.Received)
			if tc.want == "" {
				require.Nil(t, q.Value)
				require.NotEmpty(t, problem)
				return
			}
			require.Empty(t, problem)
			require.Equal(t, tc.wantUnit, q.Unit)
			require.Zero(t, rat(tc.want).Cmp(q.Value), "got %s", q.Value.RatString())
		})
	}
}

func TestNormaliseBoundaries(t *testing.T) {
	tables := mappings.Default()
	q, _ := tables.Normalise("glucose-fasting", rat("180"), "mg/dL", "")
	require.Equal(t, -1, q.Value.Cmp(rat("10")), "180 mg/dL is below 10 mmol/L")
	q, _ = tables.Normalise("hemoglobin", rat("90"), "g/L", "")
	require.Zero(t, q.Value.Cmp(rat("9")), "90 g/L is exactly 9 g/dL, so Hb > 9 fails")
	q, _ = tables.Normalise("hbv-dna", rat("2.30103"), "log10 IU/mL", "")
	require.Equal(t, 1, q.Value.Cmp(rat("200")), "10^2.30103 > 200")
	require.Equal(t, -1, q.Value.Cmp(rat("200.0001")))
}
