// Package testfiles finds test data that lives outside the repository: the
// official R4 examples and the project's shared data. Tests that need them
// skip, saying where to put them, when they are absent.
package testfiles

import (
	"os"
	"path/filepath"
	"testing"
)

// ExamplesEnv names the directory of the unpacked hl7.fhir.r4.examples@4.0.1
// package; <repo root>/.cache/r4-examples/package (where .ci/run unpacks it)
// is the fallback.
const ExamplesEnv = "FHIR_R4_EXAMPLES"

// R4Examples returns the directory of the official R4 examples, or skips tb.
func R4Examples(tb testing.TB) string {
	tb.Helper()
	if dir := os.Getenv(ExamplesEnv); dir != "" {
		if isDir(dir) {
			return dir
		}
		tb.Fatalf("%s=%s is not a directory", ExamplesEnv, dir)
	}
	if root := RepoRoot(); root != "" {
		if dir := filepath.Join(root, ".cache", "r4-examples", "package"); isDir(dir) {
			return dir
		}
	}
	tb.Skipf("skipping: official R4 examples not found: set %s to the unpacked hl7.fhir.r4.examples@4.0.1 package "+
		"directory, or unpack it into <repo root>/.cache/r4-examples/package", ExamplesEnv)
	return ""
}

// Shared returns <repo root>/../shared/<rel>, the project's shared data, or
// skips tb: a user's clone has no ../shared.
func Shared(tb testing.TB, rel string) string {
	tb.Helper()
	if root := RepoRoot(); root != "" {
		if p := filepath.Join(root, "..", "shared", rel); isDir(p) {
			return p
		}
	}
	tb.Skipf("skipping: ../shared/%s is not beside the repository (it comes with the project's shared data, not with a clone)", rel)
	return ""
}

// RepoRoot is the nearest directory above the working directory holding
// go.mod, "" when there is none.
func RepoRoot() string {
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

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
