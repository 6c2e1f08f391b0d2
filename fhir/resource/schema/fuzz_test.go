package schema_test

import (
	"encoding/json"
	"testing"

	"github.com/trialfhir/trialfhir/fhir/resource/schema"
)

// FuzzFastPath checks the soundness contract on arbitrary bodies: whatever
// valid JSON Check accepts, google/fhir accepts too. Seeds are the
// resources in testdata and the shapes of TestValueChecks; CI runs only
// the seeds (go test), a search runs with -fuzz FuzzFastPath.
func FuzzFastPath(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s.body)
	}
	for _, prop := range []string{
		`"effectiveDateTime":"2020-02-29T10:00:00+05:30"`, `"valueInteger":-5`, `"valueString":"a\nb"`,
		`"subject":{"reference":"Patient/p1/_history/2"}`, `"contained":[{"resourceType":"Patient","id":"p"}]`,
		`"valueQuantity":{"value":1.5,"comparator":"<","system":"http://unitsofmeasure.org","code":"mg"}`,
		`"valueSampledData":{"origin":{"value":1},"period":1,"dimensions":1,"data":"1 2"}`,
	} {
		f.Add([]byte(observation(prop)))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !json.Valid(body) {
			return
		}
		typ, _, ok := schema.Check(body)
		if ok && !googleAccepts(body) {
			t.Fatalf("fast path accepted a %s google/fhir refuses: %s", typ, body)
		}
	})
}
