package recist_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
	"github.com/trialfhir/trialfhir/study/recist"
	engine "github.com/trialfhir/trialfhir/trial/recist"
)

// BenchmarkComputeStored is $recist without HTTP on the embedded store: a
// subject with 12 time points and 10 lesions (5 targets), read by search,
// mapped, evaluated and rendered.
func BenchmarkComputeStored(b *testing.B) {
	st, err := sqlite.Open(b.TempDir(), sqlite.Options{})
	require.NoError(b, err)
	b.Cleanup(func() { _ = st.Close() })
	svc := service.New(st)
	ctx := context.Background()
	putJSON := func(r map[string]any) {
		body, err := json.Marshal(r)
		require.NoError(b, err)
		_, err = svc.Update(ctx, r["resourceType"].(string), r["id"].(string), body, nil)
		require.NoError(b, err)
	}
	putJSON(map[string]any{"resourceType": "Patient", "id": "b"})
	for tp := range 12 {
		for l := range 10 {
			tok := fmt.Sprintf("T%d:t:%d", l, 30-tp)
			if l >= 5 {
				tok = fmt.Sprintf("T%d:n:p", l)
			}
			o, id := measurement("b", dateOf(tp), tok)
			if tp == 0 {
				putJSON(lesion("b", id))
			}
			putJSON(o)
		}
	}
	c := recist.New(svc, recist.Options{})
	for b.Loop() {
		comp, err := c.Compute(ctx, "b", engine.Options{})
		if err != nil || len(comp.Resources) != 12 {
			b.Fatal(err, len(comp.Resources))
		}
	}
}
