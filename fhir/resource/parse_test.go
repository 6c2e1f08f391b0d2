package resource_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/resource"
	"github.com/trialfhir/trialfhir/internal/testfiles"
)

// syntheaBundle reads the entry resources of one Synthea transaction
// bundle, the first by name.
func syntheaBundle(tb testing.TB) [][]byte {
	dir := testfiles.Shared(tb, "data/synthea-r4")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(tb, err)
	require.NotEmpty(tb, files)
	raw, err := os.ReadFile(files[0])
	require.NoError(tb, err)
	var b struct {
		Entry []struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	require.NoError(tb, json.Unmarshal(raw, &b))
	out := make([][]byte, len(b.Entry))
	for i, e := range b.Entry {
		out[i] = e.Resource
	}
	return out
}

// TestParseFastPathAgrees: on a Synthea bundle's resources (which take the
// fast path) and on invalid bodies (which do not), Parse answers as the
// google/fhir path does, with the same type and id.
func TestParseFastPathAgrees(t *testing.T) {
	bodies := syntheaBundle(t)
	bodies = append(bodies,
		[]byte(`{"resourceType":"Observation","code":{"text":"x"}}`),
		[]byte(`{"resourceType":"Patient","id":"p1","birthDate":"2020-02-30"}`),
		[]byte(`{"resourceType":"Patient","id":"p1","_birthDate":{"extension":[{"url":"http://x","valueString":"y"}]}}`))
	for i, body := range bodies {
		fast, ferr := resource.Parse(body)
		slow, serr := resource.ParseGoogle(body)
		if serr != nil {
			require.Error(t, ferr, "entry %d", i)
			require.Equal(t, serr.Error(), ferr.Error(), "entry %d", i)
			continue
		}
		require.NoError(t, ferr, "entry %d", i)
		require.Equal(t, slow.Type, fast.Type)
		require.Equal(t, slow.ID(), fast.ID())
	}
}

// BenchmarkParse compares Parse (schema fast path) with the google/fhir
// path over one Synthea bundle's resources; us/resource is per resource.
func BenchmarkParse(b *testing.B) {
	bodies := syntheaBundle(b)
	for _, bc := range []struct {
		name  string
		parse func([]byte) (*resource.Doc, error)
	}{{"fast", resource.Parse}, {"google", resource.ParseGoogle}} {
		b.Run(bc.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				for _, body := range bodies {
					if _, err := bc.parse(body); err != nil {
						b.Fatal(err)
					}
				}
				n += len(bodies)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n), "us/resource")
		})
	}
}
