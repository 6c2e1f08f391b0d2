package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/internal/testfiles"
)

// TestImport imports a directory with a transaction, a batch with a bad
// entry and an NDJSON file: the summary counts them, the bad entry makes
// the exit non-zero, and a second import of the good files creates nothing.
func TestImport(t *testing.T) {
	src, data := t.TempDir(), t.TempDir()
	write := func(name, body string) {
		require.NoError(t, os.WriteFile(filepath.Join(src, name), []byte(body), 0o644))
	}
	write("tx.json", crashBundle(1))
	write("batch.json", `{"resourceType":"Bundle","type":"batch","entry":[{"resource":{"resourceType":"Patient","gender":"sometimes"},"request":{"method":"POST","url":"Patient"}}]}`)
	write("lines.ndjson", `{"resourceType":"Patient","id":"n1"}`+"\n"+`{"resourceType":"Patient","id":"n2"}`+"\n")
	var out bytes.Buffer
	env := func(string) string { return "" }
	err := Main(context.Background(), []string{"import", "--data-dir", data, src}, env, &out, nil)
	require.ErrorContains(t, err, "1 failed")
	require.Contains(t, out.String(), "3 files")
	require.Contains(t, out.String(), "8 resources, 7 created, 0 updated or matched, 1 failed")
	require.Contains(t, out.String(), "failed 1× value")

	out.Reset()
	err = Main(context.Background(), []string{"import", "--data-dir", data, filepath.Join(src, "lines.ndjson")}, env, &out, nil)
	require.NoError(t, err)
	require.Contains(t, out.String(), "2 resources, 0 created, 2 updated or matched, 0 failed")
}

// TestImportSynthea imports three Synthea bundles.
func TestImportSynthea(t *testing.T) {
	dir := testfiles.Shared(t, "data/synthea-r4")
	files, err := filepath.Glob(filepath.Join(dir, "A*.json"))
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, Main(context.Background(), append([]string{"import", "--data-dir", t.TempDir()}, files[:3]...), func(string) string { return "" }, &out, nil))
	require.Contains(t, out.String(), " 0 failed")
}
