package fhirfacts_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/trialfhir/trialfhir/mappings"
	"github.com/trialfhir/trialfhir/mappings/fhirfacts"
	"github.com/trialfhir/trialfhir/trial/eligibility"
)

func find(facts eligibility.Facts, ref, concept string) *eligibility.Observation {
	for i, o := range facts.Observations {
		if string(o.Ref) == ref && o.Concept == concept {
			return &facts.Observations[i]
		}
	}
	return nil
}

// quo reads "a" or "a/b" with decimal a and b, exactly.
func quo(s string) *big.Rat {
	num, den, ok := strings.Cut(s, "/")
	r, _ := new(big.Rat).SetString(num)
	if ok {
		d, _ := new(big.Rat).SetString(den)
		r.Quo(r, d)
	}
	return r
}

// TestBoundaries checks the exact values domain.md and issue 6 name, as the
// bridge produces them from hospital-shaped records.
func TestBoundaries(t *testing.T) {
	tables := siteTables(t)
	cn, us := build(t, tables, "labs-cn"), build(t, tables, "labs-us")
	cases := []struct {
		name         string
		facts        eligibility.Facts
		ref, concept string
		want, unit   string
		high         string // "" when not checked
	}{
		{"90 g/L is exactly 9 g/dL", cn, "Observation/hgb", "hemoglobin", "9", "g/dL", "15"},
		{"9.0 g/dL stays 9", us, "Observation/hgb-us", "hemoglobin", "9", "g/dL", "17.5"},
		{"180 mg/dL glucose is 180/18.016 mmol/L", us, "Observation/glu-us", "glucose", "180/18.016", "mmol/L", ""},
		{"88.4 umol/L creatinine (micro sign) is 1 mg/dL, female range", cn, "Observation/crea", "creatinine", "1", "mg/dL", "81/88.4"},
		{"1.0 mg/dL creatinine, normal range not treatment range", us, "Observation/crea-us", "creatinine", "1", "mg/dL", "1.3"},
		{"1000 copies/mL is 200 IU/mL", us, "Observation/hbv-us", "hbv-dna", "200", "[IU]/mL", ""},
		{"bilirubin Greek mu, text range 3.4～20.5", cn, "Observation/tbil", "bilirubin-total", "30.8", "umol/L", "20.5"},
		{"bilirubin mg/dL x17.1 and its range", us, "Observation/tbil-us", "bilirubin-total", "20.52", "umol/L", "20.52"},
		{"ANC x10^9/L", cn, "Observation/neut", "anc", "1.5", "10*9/L", "6.3"},
		{"ANC /mm3", us, "Observation/anc-us", "anc", "1.5", "10*9/L", ""},
		{"PLT K/uL", us, "Observation/plt-us", "platelets", "99", "10*9/L", ""},
		{"AST text range 0-40", cn, "Observation/ast", "ast", "100", "U/L", "40"},
		{"systolic 140 from the BP panel", us, "Observation/bp", "bp-systolic", "140", "mm[Hg]", ""},
		{"diastolic 12 kPa x7.50062", us, "Observation/bp", "bp-diastolic", "90.00744", "mm[Hg]", ""},
		{"INR without unit", us, "Observation/inr-us", "inr", "1.1", "{INR}", "1.2"},
		{"weight 110 斤 is 55 kg", cn, "Observation/weight", "body-weight", "55", "kg", ""},
		{"TSH uIU/mL with Greek mu", cn, "Observation/tsh", "tsh", "2.1", "m[IU]/L", "4.2"},
		{"HBV DNA text <2.0E+01", cn, "Observation/hbvdna", "hbv-dna", "20", "[IU]/mL", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := find(tc.facts, tc.ref, tc.concept)
			require.NotNil(t, o)
			require.Empty(t, o.Problem)
			require.NotNil(t, o.Value)
			require.Equal(t, tc.unit, o.Value.Unit)
			require.Zero(t, quo(tc.want).Cmp(o.Value.Value), "got %s", o.Value.Value.RatString())
			if tc.high != "" {
				require.NotNil(t, o.High)
				require.Zero(t, quo(tc.high).Cmp(o.High), "ULN %s", o.High.RatString())
			}
		})
	}
	require.Equal(t, -1, find(us, "Observation/glu-us", "glucose").Value.Value.Cmp(big.NewRat(10, 1)), "FBG 180 mg/dL is not > 10")
	require.True(t, find(us, "Observation/glu-us", "glucose").Fasting, "fasting specimen")
	require.Equal(t, "<", find(cn, "Observation/hbvdna", "hbv-dna").Value.Comparator)
	require.True(t, find(cn, "Observation/ast", "ast").RangeFromText)
	require.False(t, find(cn, "Observation/hgb", "hemoglobin").RangeFromText)
	require.Equal(t, "90 g/L", find(cn, "Observation/hgb", "hemoglobin").Value.Received)
}

// TestIgnoredAndKept checks the status filters of domain.md §1.
func TestIgnoredAndKept(t *testing.T) {
	tables := siteTables(t)
	cn, cl := build(t, tables, "labs-cn"), build(t, tables, "clinical")
	refs := map[eligibility.Ref]bool{}
	for _, o := range cn.Observations {
		refs[o.Ref] = true
	}
	for _, c := range cl.Conditions {
		refs[c.Ref] = true
	}
	for _, m := range cl.Medications {
		refs[m.Ref] = true
	}
	for _, p := range cl.Procedures {
		refs[p.Ref] = true
	}
	for _, a := range cl.AdverseEvents {
		refs[a.Ref] = true
	}
	for _, gone := range []eligibility.Ref{"Observation/alt-eie", "Observation/glu-cancelled", "Condition/refuted",
		"MedicationAdministration/gcsf-notdone", "Procedure/tx-notdone", "AdverseEvent/ae-potential"} {
		require.False(t, refs[gone], "%s must be ignored", gone)
	}
	glu := find(cn, "Observation/glu", "glucose-fasting")
	require.NotNil(t, glu, "preliminary is kept with its status")
	require.Equal(t, "preliminary", glu.Status)
	bad := find(cn, "Observation/hb-badunit", "hemoglobin")
	require.NotNil(t, bad)
	require.Nil(t, bad.Value, "an unknown unit is never guessed")
	require.Contains(t, bad.Problem, `"9 克/分升"`, "the problem keeps what was sent")
}

func TestClinical(t *testing.T) {
	cl := build(t, siteTables(t), "clinical")
	classes := map[eligibility.Ref][]string{}
	for _, m := range cl.Medications {
		classes[m.Ref] = m.Classes
	}
	require.Equal(t, []string{"nab-paclitaxel"}, classes["MedicationAdministration/nab1"], "referenced Medication named albumin-bound")
	require.Equal(t, []string{"nab-paclitaxel"}, classes["MedicationAdministration/pac-contained"], "contained Medication, suspension form")
	require.Equal(t, []string{"pd1-inhibitor"}, classes["MedicationAdministration/pembro1"])
	require.Equal(t, "Condition/ca", string(cl.Conditions[0].Ref))
	require.Equal(t, []string{"cancer-oral", "malignancy"}, cl.Conditions[0].Categories, "site ICD-10 URI declared by the site table")
	require.Equal(t, "scc", cl.Conditions[0].Morphology)
	require.Equal(t, "ResearchSubject/rs3", string(cl.Subject.Ref), "only the study's ResearchSubject")
	require.Len(t, cl.Responses, 2)
	require.False(t, cl.Responses[0].Computed)
	require.True(t, cl.Responses[1].Computed)
	var group *eligibility.Stage
	for i := range cl.Stages {
		if cl.Stages[i].Ref == "Observation/stage" {
			group = &cl.Stages[i]
		}
	}
	require.NotNil(t, group)
	require.Equal(t, eligibility.Stage{Ref: "Observation/stage", Group: "IVA", T: "T3", N: "N2b", M: "M0", Edition: "8",
		Type: "clinical", Date: group.Date, Text: "4A"}, *group)
}

func TestDefaultTablesReadNamesWithoutSiteCodes(t *testing.T) {
	// Without the site table the LIS codes are unknown, but the Chinese
	// names still resolve.
	cn := build(t, mappings.Default(), "labs-cn")
	require.NotNil(t, find(cn, "Observation/neut", "anc"))
	require.NotNil(t, find(cn, "Observation/hgb", "hemoglobin"))
}

func TestBuildErrors(t *testing.T) {
	tables := mappings.Default()
	_, err := fhirfacts.Build(tables, []byte(`{"resourceType":"Observation"}`), nil, fhirfacts.Options{})
	require.ErrorContains(t, err, "not Patient")
	_, err = fhirfacts.Build(tables, []byte(`{"resourceType":"Patient","id":"p"}`), [][]byte{[]byte(`{`)}, fhirfacts.Options{})
	require.ErrorContains(t, err, "record 0")
	_, err = fhirfacts.Build(nil, nil, nil, fhirfacts.Options{})
	require.Error(t, err)
}

func TestDates(t *testing.T) {
	patient := []byte(`{"resourceType":"Patient","id":"p","birthDate":"1950-03"}`)
	rec := []byte(`{"resourceType":"Consent","id":"c","status":"active","dateTime":"2026-03-01T07:00:00+08:00"}`)
	f, err := fhirfacts.Build(mappings.Default(), patient, [][]byte{rec}, fhirfacts.Options{})
	require.NoError(t, err)
	require.Equal(t, eligibility.PrecisionMonth, f.Patient.BirthDate.Precision)
	require.Equal(t, eligibility.PrecisionTime, f.Consents[0].Date.Precision)
	require.Equal(t, 1, f.Consents[0].Date.Time.Day(), "the site's calendar day, not UTC's")
}

// TestBuildConcurrent runs Build from several goroutines on shared tables
// (the caches and the resource pool must be safe; run with -race).
func TestBuildConcurrent(t *testing.T) {
	tables := siteTables(t)
	patient, records := load(t, "clinical")
	want, err := fhirfacts.Build(tables, patient, records, fhirfacts.Options{})
	require.NoError(t, err)
	done := make(chan eligibility.Facts)
	for range 4 {
		go func() {
			f, _ := fhirfacts.Build(tables, patient, records, fhirfacts.Options{})
			done <- f
		}()
	}
	for range 4 {
		require.Equal(t, want, <-done)
	}
}
