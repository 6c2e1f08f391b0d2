package fhirpath_test

import (
	"bytes"
	"encoding/json"
	"github.com/trialfhir/trialfhir/internal/testfiles"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func examplesDir(tb testing.TB) string { return testfiles.R4Examples(tb) }

// decode reads a JSON object the way the server holds resources: with
// UseNumber.
func decode(tb testing.TB, data []byte) map[string]any {
	tb.Helper()
	var m map[string]any
	require.NoError(tb, jsonUnmarshalUseNumber(data, &m))
	return m
}

func jsonUnmarshalUseNumber(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return d.Decode(v)
}

func loadJSON(tb testing.TB, path string) map[string]any {
	tb.Helper()
	data, err := os.ReadFile(path)
	require.NoError(tb, err)
	return decode(tb, data)
}
