package sqlite_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
	"github.com/trialfhir/trialfhir/fhir/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) fhir.Store {
		s, err := sqlite.Open(t.TempDir(), sqlite.Options{})
		require.NoError(t, err)
		return s
	})
}

func TestDirectoryIsExclusive(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(dir, sqlite.Options{})
	require.NoError(t, err)
	_, err = sqlite.Open(dir, sqlite.Options{})
	require.ErrorContains(t, err, "in use")
	require.NoError(t, s.Close())
	s, err = sqlite.Open(dir, sqlite.Options{})
	require.NoError(t, err)
	require.NoError(t, s.Close())
}
