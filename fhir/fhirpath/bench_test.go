package fhirpath_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/fhirpath"
)

// BenchmarkEvaluateObservation evaluates every Observation search parameter
// expression on one typical Observation, as indexing one write does. One
// iteration is the whole set.
func BenchmarkEvaluateObservation(b *testing.B) {
	dir := examplesDir(b)
	var exprs []*fhirpath.Expr
	for _, sp := range requiredSearchParams(b, dir) {
		if sp.Expression != "" && slices.Contains(sp.Base, "Observation") {
			e, err := fhirpath.Compile(sp.Expression)
			require.NoError(b, err)
			exprs = append(exprs, e)
		}
	}
	obs := loadJSON(b, filepath.Join(dir, "Observation-f001.json"))
	b.ReportMetric(float64(len(exprs)), "exprs/op")
	b.ReportAllocs()
	for b.Loop() {
		for _, e := range exprs {
			if _, err := e.Evaluate(obs); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCompile compiles the largest shared expression, the "patient"
// parameter of 30-odd bases.
func BenchmarkCompile(b *testing.B) {
	dir := examplesDir(b)
	params := requiredSearchParams(b, dir)
	i := slices.IndexFunc(params, func(sp searchParam) bool {
		return sp.Code == "patient" && slices.Contains(sp.Base, "Observation")
	})
	require.GreaterOrEqual(b, i, 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fhirpath.Compile(params[i].Expression); err != nil {
			b.Fatal(err)
		}
	}
}
