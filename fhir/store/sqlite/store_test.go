package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
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

// TestContractPlans runs the contract with every predicate broad (0: the
// walks) and with none broad (the plans driven by one predicate), so that
// each plan gives the same answers.
func TestContractPlans(t *testing.T) {
	for _, budget := range []int{0, 1 << 30} {
		restore := sqlite.SetEstimateCap(budget)
		t.Run(fmt.Sprint(budget), func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) fhir.Store {
				s, err := sqlite.Open(t.TempDir(), sqlite.Options{})
				require.NoError(t, err)
				return s
			})
		})
		restore()
	}
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

func TestCloseTwice(t *testing.T) {
	s, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close())
}

// TestOtherLayoutRefused: a data file written by a build with another
// table layout (4: a keyx row per parameter with a value) is refused with
// a message saying what to do, never read as if it were this one's.
func TestOtherLayoutRefused(t *testing.T) {
	for _, version := range []int{1, 3, 4, 6} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			dir := t.TempDir()
			s, err := sqlite.Open(dir, sqlite.Options{})
			require.NoError(t, err)
			require.NoError(t, s.Close())

			db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.FileName))
			require.NoError(t, err)
			_, err = db.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, version))
			require.NoError(t, err)
			require.NoError(t, db.Close())

			_, err = sqlite.Open(dir, sqlite.Options{})
			require.ErrorContains(t, err, "re-import")
			require.ErrorContains(t, err, fmt.Sprintf("layout %d", version))
		})
	}
}

// TestWriterPragmas: the driver applies pragmas sorted by their text, so a
// setting written twice took the value that sorts last; each one must be
// in force as intended.
func TestWriterPragmas(t *testing.T) {
	s, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	require.NoError(t, err)
	defer s.Close()
	for name, want := range map[string]int64{"cache_size": -256 << 10, "busy_timeout": 10000, "wal_autocheckpoint": 0, "user_version": 5, "page_size": 16384} {
		got, err := sqlite.WriterPragma(s, name)
		require.NoError(t, err)
		require.Equal(t, want, got, name)
	}
	mode, err := sqlite.WriterPragmaText(s, "journal_mode")
	require.NoError(t, err)
	require.Equal(t, "wal", mode, "a new file leaves WAL only to set its page size")
}

// TestWALRestartsPastItsBound writes until the WAL passes a small bound:
// the writer must then restart it, which SQLite records by rewriting the
// WAL header with the next checkpoint sequence number (bytes 12-15), so
// that the file is written over rather than grown without end.
func TestWALRestartsPastItsBound(t *testing.T) {
	defer sqlite.SetMaxWALBytes(1 << 20)()
	dir := t.TempDir()
	s, err := sqlite.Open(dir, sqlite.Options{})
	require.NoError(t, err)
	defer s.Close()
	wal := filepath.Join(dir, sqlite.FileName+"-wal")
	ix, err := index.Extract(observation)
	require.NoError(t, err)
	deadline := time.Now().Add(60 * time.Second)
	for n := 0; ; n++ {
		ws := make([]fhir.Write, 50)
		for i := range ws {
			ws[i] = fhir.Write{R: &fhir.Resource{Type: "Observation", ID: fmt.Sprintf("o%d-%d", n, i), VersionID: 1,
				LastUpdated: time.Now(), Method: "POST", Body: observation, Index: ix}}
		}
		require.NoError(t, s.WriteAll(context.Background(), ws))
		head := make([]byte, 16)
		f, err := os.Open(wal)
		require.NoError(t, err)
		_, err = io.ReadFull(f, head)
		f.Close()
		require.NoError(t, err)
		if binary.BigEndian.Uint32(head[12:]) > 0 {
			return
		}
		require.True(t, time.Now().Before(deadline), "the WAL was never restarted (%d batches written)", n)
	}
}
