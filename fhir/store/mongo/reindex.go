package mongo

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/trialfhir/trialfhir/fhir"
)

// Reindex implements fhir.Store. For each entry it sets the index arrays
// of the version's history document, then of the search projection,
// filtered on the projection still holding that version.
//
// History gets the new index too, not only the projection: settle and
// rollForward install versions from history, and a version installed again
// after a reindex (a FerretDB repair, below) must not bring back the index
// it was written with.
//
// On MongoDB the projection update is a compare-and-set. FerretDB 1.x
// evaluates the filter on a snapshot and writes by _id (see the package
// documentation), so a newer version installed meanwhile could be given
// this version's index; reading the projection back catches that, and the
// newest committed version is installed again from history, whose index
// was extracted when it was written, with the new parameters in force.
func (s *Store) Reindex(ctx context.Context, typ string, entries []fhir.Reindexed) (int, error) {
	applied := 0
	for i := range entries {
		e := &entries[i]
		if !validRef(typ, e.ID) {
			continue
		}
		if !validIndex(&e.Index) {
			return applied, fhir.Errorf(fhir.CodeInvalid, "mongo: %s/%s index has a value that cannot be stored", typ, e.ID)
		}
		ok, err := s.reindexOne(ctx, typ, e)
		if err != nil {
			return applied, err
		}
		if ok {
			applied++
		}
	}
	return applied, nil
}

func (s *Store) reindexOne(ctx context.Context, typ string, e *fhir.Reindexed) (bool, error) {
	cur, err := s.projectedVersion(ctx, typ, e.ID)
	if err != nil || cur != e.VersionID {
		return false, err
	}
	d := newDocument(&fhir.Resource{Type: typ, ID: e.ID, VersionID: e.VersionID, Index: e.Index})
	set := bson.D{{Key: "$set", Value: bson.D{{Key: "keys", Value: d.Keys}, {Key: "strs", Value: d.Strs}, {Key: "rng", Value: d.Rng}}}}
	if _, err := s.history.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, set); err != nil {
		return false, dbError("reindex history", err)
	}
	res, err := s.resources.UpdateOne(ctx, bson.D{{Key: "_id", Value: currentID(typ, e.ID)}, {Key: "vid", Value: e.VersionID}, {Key: "del", Value: false}}, set)
	if err != nil {
		return false, dbError("reindex", err)
	}
	// Ask history, not the projection, whether a newer version was
	// committed around the update: on FerretDB an update is a read and a
	// write that are not atomic, so it can put the reindexed version back
	// over a newer one that a writer installed in between; the writer
	// committed that version to history first, so it shows here.
	newest, err := s.newestVersion(ctx, typ, e.ID)
	if err != nil {
		return false, err
	}
	if newest != e.VersionID {
		// Make sure the newest version carries its own index, not the
		// one just written.
		return false, s.reinstall(ctx, typ, e.ID)
	}
	return res.MatchedCount == 1, nil
}

// projectedVersion is the version the search projection holds for typ/id,
// 0 for none or a tombstone.
func (s *Store) projectedVersion(ctx context.Context, typ, id string) (int64, error) {
	var p struct {
		VID int64 `bson:"vid"`
		Del bool  `bson:"del"`
	}
	err := s.resources.FindOne(ctx, bson.D{{Key: "_id", Value: currentID(typ, id)}},
		options.FindOne().SetProjection(bson.D{{Key: "vid", Value: 1}, {Key: "del", Value: 1}})).Decode(&p)
	if errors.Is(err, mongo.ErrNoDocuments) || p.Del {
		return 0, nil
	}
	if err != nil {
		return 0, dbError("read search projection", err)
	}
	return p.VID, nil
}

// reinstall writes the newest committed version of typ/id into the search
// projection even if the projection already claims that version, then
// checks, as settle does, that no newer one was committed meanwhile.
func (s *Store) reinstall(ctx context.Context, typ, id string) error {
	for {
		d, err := s.latest(ctx, typ, id)
		if err != nil || d == nil {
			return err
		}
		c := d.current()
		_, err = s.resources.ReplaceOne(ctx,
			bson.D{{Key: "_id", Value: c.ID}, {Key: "vid", Value: bson.D{{Key: "$lte", Value: c.VID}}}}, c)
		if err != nil {
			return dbError("update search projection", err)
		}
		newest, err := s.newestVersion(ctx, typ, id)
		if err != nil || newest <= d.VID {
			return err
		}
		if err := ctx.Err(); err != nil {
			return dbError("update search projection", err)
		}
	}
}
