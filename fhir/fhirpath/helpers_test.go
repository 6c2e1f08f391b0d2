package fhirpath_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// examplesEnv names the directory holding the official R4 examples (the npm
// package hl7.fhir.r4.examples@4.0.1, CC0, unpacked: <Type>-<id>.json and
// Bundle-searchParams.json).
const examplesEnv = "FHIR_R4_EXAMPLES"

// examplesDir returns the directory of the official examples, skipping when
// there is none: they are not part of the repository.
func examplesDir(tb testing.TB) string {
	tb.Helper()
	if dir := os.Getenv(examplesEnv); dir != "" {
		if isDirectory(dir) {
			return dir
		}
		tb.Fatalf("%s=%s is not a directory", examplesEnv, dir)
	}
	if root := repoRoot(); root != "" {
		if dir := filepath.Join(root, ".cache", "r4-examples", "package"); isDirectory(dir) {
			return dir
		}
	}
	tb.Skipf("official R4 examples not found: set %s to the unpacked hl7.fhir.r4.examples@4.0.1 package "+
		"directory, or unpack it into <repo root>/.cache/r4-examples/package", examplesEnv)
	return ""
}

func isDirectory(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// repoRoot is the nearest directory above the working directory holding
// go.mod, "" when there is none.
func repoRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

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
