package mongo

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/trialfhir/trialfhir/fhir"
)

// validRef reports whether typ and id can be part of an _id: "/" separates
// the parts of "Type/id/vid", so it must not occur in them (FHIR ids are
// [A-Za-z0-9\-\.]{1,64} anyway).
func validRef(typ, id string) bool {
	return typ != "" && id != "" && !strings.Contains(typ, "/") && !strings.Contains(id, "/")
}

// Write stores r as version expect+1 by the history-first compare-and-set
// described in the package documentation.
func (s *Store) Write(ctx context.Context, r *fhir.Resource, expect int64) error {
	if err := validWrite(r); err != nil {
		return err
	}
	if expect < 0 || r.VersionID != expect+1 {
		return fhir.Errorf(fhir.CodeConflict, "%s/%s: version %d does not follow %d", r.Type, r.ID, r.VersionID, expect)
	}

	// 1. The newest version must be the one the caller saw. This only fails
	// early: the claim below is what decides.
	latest, err := s.latestVersion(ctx, r.Type, r.ID)
	if err != nil {
		return err
	}
	if latest != expect {
		return s.conflict(ctx, r, expect)
	}

	// 2. Claim, and so commit, expect+1: the unique _id lets exactly one
	// writer through, and history/expect exists, so expect+1 follows it.
	d := newDocument(r)
	if _, err := s.history.InsertOne(ctx, d); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return s.conflict(ctx, r, expect)
		}
		return dbError("write history", err)
	}

	// 3. Bring the search projection up to date. The version is committed,
	// and finishing now is cheaper than leaving it for the next writer, so
	// a caller that goes away (an HTTP client hanging up) does not stop it.
	// Failing here does not fail the write: the version is committed (Read
	// sees it), and the next write or conflict on this resource rolls the
	// projection forward. Reporting an error would make a client retry, and
	// its retry would conflict with its own committed version.
	finish, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	if err := s.settle(finish, d); err != nil {
		s.log.Warn("mongo: committed version not yet searchable; it is rolled forward on the next write",
			"type", d.Type, "vid", d.VID, "error", fhir.ErrorCode(err))
	}
	return nil
}

// validWrite refuses what cannot be stored: names that cannot be part of
// an _id, bodies that are not UTF-8, index values pred.go cannot search.
func validWrite(r *fhir.Resource) *fhir.Error {
	if r == nil || !validRef(r.Type, r.ID) {
		return fhir.Errorf(fhir.CodeInvalid, "mongo: resource type and id must be set and contain no '/'")
	}
	if !r.Deleted && !utf8.Valid(r.Body) {
		// BSON strings are UTF-8; FHIR JSON is too (RFC 8259).
		return fhir.Errorf(fhir.CodeInvalid, "mongo: %s/%s body is not UTF-8", r.Type, r.ID)
	}
	if !r.Deleted && !validIndex(&r.Index) {
		return fhir.Errorf(fhir.CodeInvalid, "mongo: %s/%s index has a value that cannot be stored", r.Type, r.ID)
	}
	return nil
}

// settleTimeout bounds step 3; generous, since a slow server is the case
// it exists for.
const settleTimeout = 30 * time.Second

// conflict reports that r.Type/r.ID is not at version expect, after rolling
// its search projection forward: a conflict is how a writer learns that
// someone else committed, and that someone may have died before step 3.
// The conflict is certain either way, so a failed repair is only logged.
func (s *Store) conflict(ctx context.Context, r *fhir.Resource, expect int64) error {
	if err := s.rollForward(ctx, r.Type, r.ID); err != nil {
		s.log.Warn("mongo: rolling a search projection forward failed", "ref", r.Ref(), "error", err)
	}
	return fhir.Errorf(fhir.CodeConflict, "%s/%s is not at version %d", r.Type, r.ID, expect)
}

// latestVersion returns the newest committed version of typ/id, 0 for none.
func (s *Store) latestVersion(ctx context.Context, typ, id string) (int64, error) {
	var v struct {
		VID int64 `bson:"vid"`
	}
	err := s.history.FindOne(ctx, bson.D{{Key: "type", Value: typ}, {Key: "id", Value: id}},
		options.FindOne().SetSort(bson.D{{Key: "vid", Value: -1}}).SetProjection(bson.D{{Key: "vid", Value: 1}})).Decode(&v)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, dbError("read latest version", err)
	}
	return v.VID, nil
}

// latest returns the newest committed version of typ/id, nil for none:
// versions claimed by an unfinished WriteAll are skipped (see journal.go).
func (s *Store) latest(ctx context.Context, typ, id string) (*document, error) {
	return s.newest(ctx, typ, id, nil)
}

// newestClaims is how many of the newest versions newest looks at: at most
// one version of a resource can be claimed by an unfinished WriteAll (a
// claim blocks the next), so two would do; a third covers an aborted claim
// not yet removed while a later one is pending.
const newestClaims = 3

// newest returns the newest committed version of typ/id, nil for none,
// with only the fields of projection when it is not nil.
func (s *Store) newest(ctx context.Context, typ, id string, projection bson.D) (*document, error) {
	opts := options.Find().SetSort(bson.D{{Key: "vid", Value: -1}}).SetLimit(newestClaims)
	if projection != nil {
		opts.SetProjection(projection)
	}
	cur, err := s.history.Find(ctx, bson.D{{Key: "type", Value: typ}, {Key: "id", Value: id}}, opts)
	if err != nil {
		return nil, dbError("read latest version", err)
	}
	var docs []document
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbError("read latest version", err)
	}
	for i := range docs {
		ok, err := s.visible(ctx, &docs[i])
		if err != nil {
			return nil, err
		}
		if ok {
			return &docs[i], nil
		}
	}
	return nil, nil
}

// newestVersion is the number of the newest committed version, 0 for none.
func (s *Store) newestVersion(ctx context.Context, typ, id string) (int64, error) {
	d, err := s.newest(ctx, typ, id, bson.D{{Key: "vid", Value: 1}, {Key: "txn", Value: 1}})
	if err != nil || d == nil {
		return 0, err
	}
	return d.VID, nil
}

// rollForward brings the search projection of typ/id up to its newest
// committed version, if a writer left it behind.
func (s *Store) rollForward(ctx context.Context, typ, id string) error {
	var p struct {
		VID int64 `bson:"vid"`
	}
	err := s.resources.FindOne(ctx, bson.D{{Key: "_id", Value: currentID(typ, id)}},
		options.FindOne().SetProjection(bson.D{{Key: "vid", Value: 1}})).Decode(&p)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return dbError("read search projection", err)
	}
	if err := s.recoverClaim(ctx, typ, id); err != nil {
		return err
	}
	newest, err := s.newestVersion(ctx, typ, id)
	if err != nil || newest <= p.VID {
		return err // the usual case: projection up to date, no body read
	}
	d, err := s.latest(ctx, typ, id)
	if err != nil || d == nil {
		return err
	}
	return s.settle(ctx, d)
}

// settle installs committed version d in the search projection and returns
// once the projection holds the newest committed version, d or later.
//
// The install is filtered on {vid: {$lt: d.VID}}, which on MongoDB is an
// atomic compare-and-set that can only move the projection forward. FerretDB
// 1.x evaluates an update's filter on a snapshot and then writes by _id
// alone, so a slow installer can overwrite a newer version. Hence the check
// afterwards: whoever installed last looks at history again and, if it
// wrote something older than the newest version, installs that instead.
// Every backwards write is thus followed by its writer's repair. On MongoDB
// the check costs one indexed read and never loops.
func (s *Store) settle(ctx context.Context, d *document) error {
	for {
		if err := s.install(ctx, d); err != nil {
			return err
		}
		newest, err := s.newestVersion(ctx, d.Type, d.RID)
		if err != nil {
			return err
		}
		if newest <= d.VID {
			return nil
		}
		if d, err = s.latest(ctx, d.Type, d.RID); err != nil || d == nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return dbError("update search projection", err)
		}
	}
}

// install writes d into the search projection unless it already holds d or
// a later version.
func (s *Store) install(ctx context.Context, d *document) error {
	c := d.current()
	_, err := s.resources.ReplaceOne(ctx,
		bson.D{{Key: "_id", Value: c.ID}, {Key: "vid", Value: bson.D{{Key: "$lt", Value: c.VID}}}},
		c, options.Replace().SetUpsert(true))
	// The filter missed because the projection is at d or later, so the
	// upsert collided with the existing _id: nothing to do.
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return dbError("update search projection", err)
	}
	return nil
}
