package mongo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/trialfhir/trialfhir/fhir"
)

// closeTimeout bounds the work that must finish even when the caller's
// context has already ended: Close, releasing a lock, and step 3 of Write.
const closeTimeout = 5 * time.Second

// Store is a fhir.Store kept in one MongoDB database. It is safe for
// concurrent use by many goroutines and many processes sharing the database.
type Store struct {
	client    *mongo.Client
	resources *mongo.Collection
	history   *mongo.Collection
	locks     *mongo.Collection
	journals  *mongo.Collection // WriteAll journals (journal.go)
	outcomes  *mongo.Collection // their commit or abort decisions
	log       *slog.Logger
	// transactions is set when the deployment has multi-document
	// transactions, which WriteAll then uses instead of its journal.
	transactions bool
	// committed caches ids of journals known to be committed (visible).
	committed sync.Map
	// elemMatch is set for MongoDB and unset for FerretDB 1.x, which
	// rejects $elemMatch with field conditions (see rangeFilter).
	elemMatch bool

	closeOnce sync.Once
	closeErr  error
}

var _ fhir.Store = (*Store)(nil)

var ttlNote sync.Once

// Open connects to the MongoDB server at uri, checks that it answers, and
// makes sure the indexes of database exist. Errors are *fhir.Error: a
// server that cannot be reached is CodeTransient.
func Open(ctx context.Context, uri, database string) (*Store, error) {
	if database == "" {
		return nil, fhir.Errorf(fhir.CodeInvalid, "mongo: database name is empty")
	}
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		// Connect does no I/O: this is a bad URI or option. The URI is not
		// in the message, it may hold a password.
		return nil, &fhir.Error{Code: fhir.CodeException, Message: "mongo: bad connection settings", Err: err}
	}
	if err := client.Ping(ctx, nil); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, dbError("ping", err)
	}
	db := client.Database(database)
	s := &Store{
		client:    client,
		resources: db.Collection("resources"),
		history:   db.Collection("history"),
		locks:     db.Collection("locks"),
		journals:  db.Collection("journals"),
		outcomes:  db.Collection("outcomes"),
		log:       slog.Default(),
	}
	ferret, err := isFerretDB(ctx, db)
	if err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	s.elemMatch = !ferret
	if err := s.createIndexes(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if s.transactions, err = supportsTransactions(ctx, db); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	// Journals left by a process that died mid-WriteAll: finish the
	// committed ones before anyone searches.
	if _, err := s.Recover(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	return s, nil
}

// createIndexes creates the indexes every query relies on. Creating an index
// that exists is a no-op, so every process does it at start-up.
func (s *Store) createIndexes(ctx context.Context) error {
	sets := []struct {
		coll   *mongo.Collection
		models []mongo.IndexModel
	}{
		{s.resources, []mongo.IndexModel{
			{Keys: bson.D{{Key: "type", Value: 1}, {Key: "keys", Value: 1}}}, // Search by key
			{Keys: bson.D{{Key: "type", Value: 1}, {Key: "id", Value: 1}}},   // Search by type, sorted by id
		}},
		{s.history, []mongo.IndexModel{
			{Keys: bson.D{{Key: "type", Value: 1}, {Key: "id", Value: 1}, {Key: "vid", Value: -1}}},  // Read, Write, instance history
			{Keys: bson.D{{Key: "lu", Value: -1}, {Key: "_id", Value: -1}}},                          // system history
			{Keys: bson.D{{Key: "type", Value: 1}, {Key: "lu", Value: -1}, {Key: "_id", Value: -1}}}, // type history
		}},
	}
	if s.elemMatch {
		// For the string and range filters of pred.go. Only on MongoDB:
		// FerretDB 1.x on SQLite pushes down no filter but one on _id, so
		// there these would slow writes and serve no query.
		sets[0].models = append(sets[0].models,
			mongo.IndexModel{Keys: bson.D{{Key: "type", Value: 1}, {Key: "strs", Value: 1}}},
			mongo.IndexModel{Keys: bson.D{{Key: "type", Value: 1}, {Key: "rng.p", Value: 1}, {Key: "rng.lo", Value: 1}}},
			mongo.IndexModel{Keys: bson.D{{Key: "type", Value: 1}, {Key: "rng.p", Value: 1}, {Key: "rng.hi", Value: 1}}},
		)
	}
	for _, set := range sets {
		models, err := missingIndexes(ctx, set.coll, set.models)
		if err != nil {
			return err
		}
		if len(models) == 0 {
			continue
		}
		if _, err := set.coll.Indexes().CreateMany(ctx, models); err != nil {
			return dbError("create indexes", err)
		}
	}

	// The TTL index only sweeps lock documents whose holder died; Lock itself
	// treats an expired lease as free, so correctness never depends on it.
	// That is why a server without TTL indexes (FerretDB answers "not
	// implemented") is tolerated, and nothing else is.
	ttl := mongo.IndexModel{
		Keys:    bson.D{{Key: "expires", Value: 1}},
		Options: options.Index().SetExpireAfterSeconds(0),
	}
	if missing, err := missingIndexes(ctx, s.locks, []mongo.IndexModel{ttl}); err != nil {
		return err
	} else if len(missing) == 0 {
		return nil
	}
	if _, err := s.locks.Indexes().CreateOne(ctx, ttl); err != nil {
		if !isNotImplemented(err) {
			return dbError("create lock index", err)
		}
		// Once per process: tests open hundreds of stores on FerretDB.
		ttlNote.Do(func() {
			s.log.Info("mongo: TTL indexes not supported by this server; expired locks are removed only when contended")
		})
	}
	return nil
}

// missingIndexes returns the models whose index does not exist yet.
// FerretDB 1.x drops the connection when asked to create an index that
// exists, so a store reopened on a database must not ask.
func missingIndexes(ctx context.Context, coll *mongo.Collection, models []mongo.IndexModel) ([]mongo.IndexModel, error) {
	specs, err := coll.Indexes().ListSpecifications(ctx)
	if err != nil {
		return nil, dbError("list indexes", err)
	}
	have := map[string]bool{}
	for _, sp := range specs {
		have[sp.Name] = true
	}
	var out []mongo.IndexModel
	for _, m := range models {
		if !have[indexName(m.Keys.(bson.D))] {
			out = append(out, m)
		}
	}
	return out, nil
}

// indexName is the name MongoDB gives an index by default: key_direction
// pairs joined by underscores.
func indexName(keys bson.D) string {
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s_%v", k.Key, k.Value))
	}
	return strings.Join(parts, "_")
}

// isFerretDB reports whether the server is FerretDB: its buildInfo reply
// has fields of its own, "ferretdbVersion" in 1.x.
func isFerretDB(ctx context.Context, db *mongo.Database) (bool, error) {
	reply, err := db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Raw()
	if err != nil {
		return false, dbError("build info", err)
	}
	elems, err := reply.Elements()
	if err != nil {
		return false, dbError("build info", err)
	}
	for _, e := range elems {
		if strings.HasPrefix(e.Key(), "ferretdb") {
			return true, nil
		}
	}
	return false, nil
}

// Close disconnects from the server. It may be called more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
		defer cancel()
		if err := s.client.Disconnect(ctx); err != nil && !errors.Is(err, mongo.ErrClientDisconnected) {
			s.closeErr = dbError("disconnect", err)
		}
	})
	return s.closeErr
}

// Read returns the newest committed version of typ/id, a delete tombstone
// included. It reads history, where versions are committed, rather than the
// search projection, which can lag behind it (see settle).
func (s *Store) Read(ctx context.Context, typ, id string) (*fhir.Resource, error) {
	if !validRef(typ, id) {
		// Write refuses such names, so nothing was ever stored under them.
		return nil, fhir.Errorf(fhir.CodeNotFound, "%s/%s not found", typ, id)
	}
	d, err := s.latest(ctx, typ, id)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, fhir.Errorf(fhir.CodeNotFound, "%s/%s not found", typ, id)
	}
	r := d.resource()
	return &r, nil
}

// VRead returns one version of typ/id, a delete tombstone included.
func (s *Store) VRead(ctx context.Context, typ, id string, version int64) (*fhir.Resource, error) {
	if !validRef(typ, id) {
		return nil, fhir.Errorf(fhir.CodeNotFound, "%s/%s version %d not found", typ, id, version)
	}
	var d document
	err := s.history.FindOne(ctx, bson.D{{Key: "_id", Value: historyID(typ, id, version)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fhir.Errorf(fhir.CodeNotFound, "%s/%s version %d not found", typ, id, version)
	}
	if err != nil {
		return nil, dbError("vread", err)
	}
	if ok, err := s.visible(ctx, &d); err != nil || !ok {
		if err != nil {
			return nil, err
		}
		return nil, fhir.Errorf(fhir.CodeNotFound, "%s/%s version %d not found", typ, id, version)
	}
	r := d.resource()
	return &r, nil
}
