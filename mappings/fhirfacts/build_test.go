package fhirfacts_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/trialfhir/trialfhir/mappings"
	"github.com/trialfhir/trialfhir/mappings/fhirfacts"
	"github.com/trialfhir/trialfhir/trial/eligibility"
)

var update = flag.Bool("update", false, "rewrite the golden files in ../testdata")

const testdata = "../testdata"

// load splits a fixture Bundle into the Patient and the other resources.
func load(tb testing.TB, name string) (patient []byte, records [][]byte) {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join(testdata, name+".json"))
	require.NoError(tb, err)
	var bundle struct {
		Entry []struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	require.NoError(tb, json.Unmarshal(raw, &bundle))
	for _, e := range bundle.Entry {
		var head struct{ ResourceType string }
		require.NoError(tb, json.Unmarshal(e.Resource, &head))
		if head.ResourceType == "Patient" && patient == nil {
			patient = e.Resource
			continue
		}
		records = append(records, e.Resource)
	}
	require.NotNil(tb, patient, "fixture %s has no Patient", name)
	return patient, records
}

func siteTables(tb testing.TB) *mappings.Tables {
	tb.Helper()
	tables, err := mappings.LoadDir(filepath.Join(testdata, "site"))
	require.NoError(tb, err)
	return tables
}

func build(tb testing.TB, tables *mappings.Tables, name string) eligibility.Facts {
	tb.Helper()
	patient, records := load(tb, name)
	facts, err := fhirfacts.Build(tables, patient, records, fhirfacts.Options{Study: "ResearchStudy/nct07369882"})
	require.NoError(tb, err)
	return facts
}

// TestGolden compares the Facts of each fixture with its golden JSON
// (rewrite with go test ./mappings/fhirfacts -update).
func TestGolden(t *testing.T) {
	for _, name := range []string{"labs-cn", "labs-us", "clinical"} {
		t.Run(name, func(t *testing.T) {
			facts := build(t, siteTables(t), name)
			got, err := json.MarshalIndent(facts, "", " ")
			require.NoError(t, err)
			golden := filepath.Join(testdata, name+".golden.json")
			if *update {
				require.NoError(t, os.WriteFile(golden, append(got, '\n'), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run with -update to create it")
			require.JSONEq(t, string(want), string(got))
		})
	}
}
