// Package mongotest gives tests a MongoDB to run against: FerretDB embedded
// in the test process, or a real server named by $TRIALFHIR_MONGODB_URI.
package mongotest

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/trialfhir/trialfhir/fhir/store/mongo"
)

// EnvURI names the environment variable that points tests at a real MongoDB
// instead of the embedded FerretDB. Every test works in a database of its
// own, dropped at cleanup, so a shared server is fine.
const EnvURI = "TRIALFHIR_MONGODB_URI"

var (
	once     sync.Once
	uri      string
	client   *driver.Client // for dropping test databases
	startErr error
	dir      string             // FerretDB's SQLite directory, "" for a real server
	stop     context.CancelFunc // stops FerretDB
	done     chan struct{}      // closed when FerretDB has stopped
)

// URI returns the mongodb:// URI of the test server, starting FerretDB the
// first time it is called in a process; later calls share it.
func URI(t testing.TB) string {
	t.Helper()
	once.Do(start)
	if startErr != nil {
		t.Fatalf("mongotest: %v", startErr)
	}
	return uri
}

// Main runs the tests of m, then stops FerretDB and removes its files. Call
// it from TestMain; without it a started FerretDB leaves its directory under
// os.TempDir until a later test process sweeps it away. FerretDB keeps databases in a directory, not in
// memory, because its in-memory SQLite mode holds one connection per database
// and deadlocks on updates; and the directory cannot be a t.TempDir, which
// would vanish with the first test while the server lives on.
func Main(m *testing.M) {
	m.Run() // since Go 1.15 the test binary exits with this result when TestMain returns
	if stop != nil {
		stop()
		<-done
	}
	if client != nil {
		_ = client.Disconnect(context.Background())
	}
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
}

// start connects to $TRIALFHIR_MONGODB_URI, or else runs FerretDB with its
// SQLite backend for the rest of the process.
func start() {
	uri = os.Getenv(EnvURI)
	if uri == "" {
		sweep()
		if dir, startErr = os.MkdirTemp("", dirPrefix+strconv.Itoa(os.Getpid())+"-"); startErr != nil {
			return
		}
		var f *ferretdb.FerretDB
		f, startErr = ferretdb.New(&ferretdb.Config{
			Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
			Handler:   "sqlite",
			SQLiteURL: "file:" + dir + "/",
			Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if startErr != nil {
			return
		}
		var ctx context.Context
		ctx, stop = context.WithCancel(context.Background())
		done = make(chan struct{})
		go func() {
			defer close(done)
			_ = f.Run(ctx)
		}()
		// MongoDBURI waits until Run has the listener up.
		uri = f.MongoDBURI()
	}
	client, startErr = driver.Connect(options.Client().ApplyURI(uri))
}

// Open returns a store on a fresh, empty database of the test server. The
// database is dropped and the store closed when t ends.
func Open(t testing.TB) *mongo.Store {
	t.Helper()
	u := URI(t)
	db := Database()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := mongo.Open(ctx, u, db)
	if err != nil {
		t.Fatalf("mongotest: open: %v", err)
	}
	t.Cleanup(func() {
		_ = s.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := client.Database(db).Drop(ctx); err != nil {
			t.Errorf("mongotest: drop %s: %v", db, err)
		}
	})
	return s
}

// Database returns a database name not used before, for tests that open
// the store themselves. Names are random rather than counted so that test
// binaries sharing one real server do not collide.
func Database() string {
	return "test_" + strings.ToLower(rand.Text()[:16])
}
