package mongo

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/trialfhir/trialfhir/fhir"
)

// supportsTransactions reports whether the deployment has multi-document
// transactions: a replica set member (hello has setName) or a mongos
// (msg "isdbgrid"). FerretDB 1.x and a standalone mongod have neither.
func supportsTransactions(ctx context.Context, db *mongo.Database) (bool, error) {
	var hello struct {
		SetName string `bson:"setName"`
		Msg     string `bson:"msg"`
	}
	if err := db.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err != nil {
		return false, dbError("hello", err)
	}
	return hello.SetName != "" || hello.Msg == "isdbgrid", nil
}

// writeAllTxn is WriteAll in one multi-document transaction: the checks,
// the history inserts and the search projection commit together, so
// readers (which read committed data) see all or none of it, Search
// included. A concurrent single Write on the same resource makes the
// transaction fail with a write conflict, which the driver retries.
func (s *Store) writeAllTxn(ctx context.Context, ws []fhir.Write, docs []any) error {
	sess, err := s.client.StartSession()
	if err != nil {
		return dbError("start session", err)
	}
	defer sess.EndSession(context.WithoutCancel(ctx))
	_, err = sess.WithTransaction(ctx, func(tc context.Context) (any, error) {
		for i, w := range ws {
			latest, err := s.latestVersion(tc, w.R.Type, w.R.ID)
			if err != nil {
				return nil, err
			}
			if latest != w.Expect {
				return nil, fhir.EntryConflict(w, latest)
			}
			d := docs[i].(*document)
			if _, err := s.history.InsertOne(tc, d); err != nil {
				if mongo.IsDuplicateKeyError(err) {
					return nil, fhir.EntryConflict(w, latest+1)
				}
				return nil, err
			}
			if err := s.install(tc, d); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	if err == nil {
		return nil
	}
	var fe *fhir.Error
	if errors.As(err, &fe) {
		return fe
	}
	return dbError("transaction", err)
}
