package synthetic_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/resource"
	"github.com/trialfhir/trialfhir/internal/synthetic"
)

func TestGenerateIsValidAndReproducible(t *testing.T) {
	collect := func(seed uint64) []synthetic.Resource {
		var out []synthetic.Resource
		require.NoError(t, synthetic.Generate(seed, 5, func(r synthetic.Resource) error {
			out = append(out, r)
			return nil
		}))
		return out
	}
	a, b := collect(7), collect(7)
	require.Equal(t, a, b, "same seed, same resources")
	require.NotEqual(t, a, collect(8))
	counts := map[string]int{}
	for _, r := range a {
		counts[r.Type]++
		_, err := resource.Parse(r.Body)
		require.NoError(t, err, "%s/%s is valid R4: %s", r.Type, r.ID, r.Body)
	}
	require.Equal(t, map[string]int{"Patient": 5, "Condition": 5, "MedicationAdministration": 45, "Observation": 105, "Procedure": 5}, counts)
}
