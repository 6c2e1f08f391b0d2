package schema_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/fhir/go/fhirversion"
	"github.com/google/fhir/go/jsonformat"
	"github.com/google/fhir/go/jsonformat/errorreporter"
	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/internal/testfiles"
)

// google is the arbiter: configured exactly as fhir/resource configures it.
var google = func() *jsonformat.Unmarshaller {
	u, err := jsonformat.NewUnmarshaller("UTC", fhirversion.R4)
	if err != nil {
		panic(err)
	}
	u.MaxNestingDepth = 64
	return u
}()

// googleAccepts reports whether google/fhir parses body with no error and
// no validation issue.
func googleAccepts(body []byte) bool {
	er := errorreporter.NewBasicErrorReporter()
	_, err := google.UnmarshalWithErrorReporter(body, er)
	return err == nil && len(er.Errors) == 0
}

// sample is one resource of a corpus, named for failure messages.
type sample struct {
	name string
	body []byte
}

// bigBody is the size above which a body the fast path defers is not
// given to google/fhir (soundness does not need it to be), and above which
// a Bundle's entries are not also tested one by one: the definition
// Bundles of the examples hold 90 MB that would take google/fhir minutes.
const bigBody = 1 << 20

// r4Examples reads every official R4 example, and the entries of those that
// are Bundles of at most bigBody bytes.
func r4Examples(t testing.TB) []sample {
	dir := testfiles.R4Examples(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	var out []sample
	for _, f := range files {
		body, err := os.ReadFile(f)
		require.NoError(t, err)
		if !json.Valid(body) {
			continue
		}
		name := filepath.Base(f)
		out = append(out, sample{name, body})
		if len(body) > bigBody {
			continue // the definition Bundles: tested whole, not entry by entry
		}
		for i, e := range bundleEntries(body) {
			out = append(out, sample{name + "#" + itoa(i), e})
		}
	}
	return out
}

func bundleEntries(body []byte) []json.RawMessage {
	var b struct {
		ResourceType string `json:"resourceType"`
		Entry        []struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	if json.Unmarshal(body, &b) != nil || b.ResourceType != "Bundle" {
		return nil
	}
	var out []json.RawMessage
	for _, e := range b.Entry {
		if len(e.Resource) > 0 {
			out = append(out, e.Resource)
		}
	}
	return out
}

var uuidRef = regexp.MustCompile(`urn:uuid:([0-9a-f-]{36})`)

// synthea reads every entry resource of the Synthea transaction bundles as
// sent (with urn:uuid references) and, for one bundle in typedEvery (none
// when 0), also as a transaction resolves them: references rewritten to
// Type/id.
func synthea(t testing.TB, typedEvery int) []sample {
	dir := testfiles.Shared(t, "data/synthea-r4")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	var out []sample
	for n, f := range files {
		typed := typedEvery > 0 && n%typedEvery == 0
		body, err := os.ReadFile(f)
		require.NoError(t, err)
		var b struct {
			Entry []struct {
				FullURL  string          `json:"fullUrl"`
				Resource json.RawMessage `json:"resource"`
			} `json:"entry"`
		}
		require.NoError(t, json.Unmarshal(body, &b), f)
		types := map[string]string{}
		for _, e := range b.Entry {
			var head struct{ ResourceType string }
			require.NoError(t, json.Unmarshal(e.Resource, &head))
			types[strings.TrimPrefix(e.FullURL, "urn:uuid:")] = head.ResourceType
		}
		for i, e := range b.Entry {
			name := filepath.Base(f) + "#" + itoa(i)
			out = append(out, sample{name, e.Resource})
			if !typed {
				continue
			}
			rewritten := uuidRef.ReplaceAllFunc(e.Resource, func(m []byte) []byte {
				if typ, ok := types[string(m[len("urn:uuid:"):])]; ok {
					return []byte(typ + "/" + string(m[len("urn:uuid:"):]))
				}
				return m
			})
			if !bytes.Equal(rewritten, e.Resource) {
				out = append(out, sample{name + " typed", rewritten})
			}
		}
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

// seeds reads testdata/*.json: one Synthea resource of each common type,
// named by its file.
func seeds(tb testing.TB) []sample {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	require.NoError(tb, err)
	require.NotEmpty(tb, files)
	out := make([]sample, len(files))
	for i, file := range files {
		body, err := os.ReadFile(file)
		require.NoError(tb, err)
		out[i] = sample{filepath.Base(file), body}
	}
	return out
}
