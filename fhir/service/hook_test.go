package service_test

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
)

// TestOnWrite checks that the hook hears every write with its versions, a
// transaction's all at once, and nothing for interactions that write
// nothing or fail.
func TestOnWrite(t *testing.T) {
	store, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	var mu sync.Mutex
	var calls [][]string
	svc := service.New(store, service.OnWrite(func(_ context.Context, written []fhir.Resource) {
		mu.Lock()
		defer mu.Unlock()
		var refs []string
		for _, r := range written {
			refs = append(refs, r.Ref()+"/"+strconv.FormatInt(r.VersionID, 10))
		}
		calls = append(calls, refs)
	}))
	ctx := context.Background()
	patient := []byte(`{"resourceType":"Patient","id":"p","identifier":[{"system":"s","value":"1"}]}`)
	for _, tc := range []struct {
		name string
		do   func() error
		want [][]string
	}{
		{"update as create", func() error { _, err := svc.Update(ctx, "Patient", "p", patient, nil); return err }, [][]string{{"Patient/p/1"}}},
		{"unchanged update", func() error { _, err := svc.Update(ctx, "Patient", "p", patient, nil); return err }, nil},
		{"matched conditional create", func() error { _, err := svc.Create(ctx, "Patient", patient, "identifier=s|1"); return err }, nil},
		{"failed create", func() error {
			_, err := svc.Create(ctx, "Patient", []byte(`{"resourceType":"Patient","gender":"x"}`), "")
			return err
		}, nil},
		{"delete", func() error { _, err := svc.Delete(ctx, "Patient", "p", nil); return err }, [][]string{{"Patient/p/2"}}},
		{"transaction", func() error {
			_, err := svc.Transaction(ctx, []service.Entry{
				{Resource: []byte(`{"resourceType":"Patient","id":"q"}`), Request: service.EntryRequest{Method: "PUT", URL: "Patient/q"}},
				{Resource: []byte(`{"resourceType":"Patient","id":"p"}`), Request: service.EntryRequest{Method: "PUT", URL: "Patient/p"}},
			})
			return err
		}, [][]string{{"Patient/q/1", "Patient/p/3"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls = nil
			_ = tc.do()
			require.Equal(t, tc.want, calls)
		})
	}
}
