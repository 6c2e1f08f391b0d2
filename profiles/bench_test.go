package profiles_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
	"github.com/trialfhir/trialfhir/profiles"
)

// BenchmarkLoadUnchanged measures the start-up cost on a store that already
// holds every resource: the path of every restart.
func BenchmarkLoadUnchanged(b *testing.B) {
	ctx := context.Background()
	store, err := sqlite.Open(b.TempDir(), sqlite.Options{})
	require.NoError(b, err)
	defer store.Close()
	svc := service.New(store)
	require.NoError(b, profiles.Load(ctx, svc))
	b.ResetTimer()
	for b.Loop() {
		if err := profiles.Load(ctx, svc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadFirst measures loading into an empty store (first start).
func BenchmarkLoadFirst(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		store, err := sqlite.Open(b.TempDir(), sqlite.Options{})
		require.NoError(b, err)
		svc := service.New(store)
		b.StartTimer()
		if err := profiles.Load(ctx, svc); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		require.NoError(b, store.Close())
		b.StartTimer()
	}
}
