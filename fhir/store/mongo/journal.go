package mongo

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/trialfhir/trialfhir/fhir"
)

// txnLease is how long an unfinished WriteAll may take before any process
// may abort it. Safety does not depend on it (the outcome insert decides,
// see WriteAll), only how long a dead writer's claims block their
// resources.
const txnLease = 2 * time.Minute

// journalDoc is the journal of one WriteAll without transactions: the
// history _ids it claims, inserted before the first claim so that
// recovery can always find them.
type journalDoc struct {
	ID      string    `bson:"_id"`
	Refs    []string  `bson:"refs"`
	Expires time.Time `bson:"expires"`
}

// outcomeDoc decides a journal: the first insert of its _id wins, commit
// or abort, so the owner committing and a recoverer aborting cannot both
// succeed. Inserting a commit outcome is the commit point of a WriteAll.
type outcomeDoc struct {
	ID     string `bson:"_id"`
	Commit bool   `bson:"commit"`
}

// WriteAll implements fhir.Store.
//
// On a deployment with multi-document transactions (replica set, sharded
// cluster) it runs in one. Elsewhere (standalone mongod, FerretDB) it runs
// this journal protocol, which relies only on inserts failing on a
// duplicate _id:
//
//  1. check every expected version (early failure only);
//  2. insert the journal, listing every history _id to be claimed;
//  3. claim every version: insert its history document tagged with the
//     journal id. A duplicate _id is a conflict: abort (insert an abort
//     outcome, delete the claims, the journal and the outcome);
//  4. commit point: insert the commit outcome. If an abort outcome is there
//     already, a recoverer gave up on us after txnLease: clean up, fail;
//  5. apply: install every version in the search projection, then delete
//     the journal. The versions stay tagged and the commit outcome stays:
//     it is what makes them visible (cached once read, commits being final).
//
// A reader treats a tagged version as committed only if its journal's
// outcome says so (visible), so a crash anywhere leaves all or nothing
// visible to Read, VRead and History; Open finishes committed journals and
// aborts expired undecided ones, and so does a writer that meets a claim
// (recoverClaim).
func (s *Store) WriteAll(ctx context.Context, ws []fhir.Write) error {
	if err := fhir.CheckWrites(ws); err != nil {
		return err
	}
	if len(ws) == 0 {
		return nil
	}
	docs := make([]any, len(ws))
	for i, w := range ws {
		if err := validWrite(w.R); err != nil {
			return err.At(entryExpr(w))
		}
		docs[i] = newDocument(w.R)
	}
	if s.transactions {
		return s.writeAllTxn(ctx, ws, docs)
	}
	if err := s.checkExpected(ctx, ws); err != nil {
		return err
	}

	j := &journalDoc{ID: rand.Text(), Expires: time.Now().Add(txnLease)}
	for _, d := range docs {
		d := d.(*document)
		d.Txn = j.ID
		j.Refs = append(j.Refs, d.ID)
	}
	if _, err := s.journals.InsertOne(ctx, j); err != nil {
		return dbError("write journal", err)
	}
	// From here the journal must be finished whatever the caller's context
	// does, or its claims block their resources until the lease ends.
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), txnLease)
	defer cancel()
	if _, err := s.history.InsertMany(work, docs, options.InsertMany().SetOrdered(true)); err != nil {
		s.abort(work, j)
		if i, dup := duplicateAt(err); dup {
			latest, _ := s.latestVersion(work, ws[i].R.Type, ws[i].R.ID)
			return s.entryConflict(work, ws[i], latest)
		}
		return dbError("write history", err)
	}
	if err := s.decide(work, j.ID, true); err != nil {
		if fhir.ErrorCode(err) == fhir.CodeConflict {
			s.abort(work, j)
			return fhir.Errorf(fhir.CodeTransient, "mongo: transaction took longer than its lease and was aborted")
		}
		// Unknown whether the outcome is stored: leave the journal for
		// recovery, which finds the outcome or aborts after the lease.
		return err
	}
	if err := s.apply(work, j, true); err != nil {
		// Committed: the version is in history, readers see it; recovery
		// completes the search projection.
		s.log.Warn("mongo: committed transaction not yet fully applied; recovery completes it", "error", fhir.ErrorCode(err))
	}
	return nil
}

// checkExpected checks that every write's resource is at its expected
// version. Versions are contiguous, so that is: history has Expect (or
// Expect is 0) and not Expect+1. Two lookups by _id for the whole request,
// where asking for each resource's newest version would be one sorted
// query per write (a collection scan each on FerretDB).
func (s *Store) checkExpected(ctx context.Context, ws []fhir.Write) error {
	var want, next []string
	for _, w := range ws {
		if w.Expect > 0 {
			want = append(want, historyID(w.R.Type, w.R.ID, w.Expect))
		}
		next = append(next, historyID(w.R.Type, w.R.ID, w.R.VersionID))
	}
	have, err := s.existing(ctx, append(want, next...))
	if err != nil {
		return err
	}
	for _, w := range ws {
		if (w.Expect > 0 && !have[historyID(w.R.Type, w.R.ID, w.Expect)]) || have[historyID(w.R.Type, w.R.ID, w.R.VersionID)] {
			latest, err := s.latestVersion(ctx, w.R.Type, w.R.ID)
			if err != nil {
				return err
			}
			return s.entryConflict(ctx, w, latest)
		}
	}
	return nil
}

// existing returns which of the history _ids exist.
func (s *Store) existing(ctx context.Context, ids []string) (map[string]bool, error) {
	docs, err := s.historyByID(ctx, ids, bson.D{{Key: "_id", Value: 1}})
	have := map[string]bool{}
	for _, d := range docs {
		have[d.ID] = true
	}
	return have, err
}

// historyByID returns the history documents with the given _ids that
// exist. MongoDB answers one $in query from the _id index; FerretDB 1.x
// scans the collection for $in (and for any update or delete) but looks
// up a single _id directly, so there it asks for each.
func (s *Store) historyByID(ctx context.Context, ids []string, projection bson.D) ([]document, error) {
	var docs []document
	if len(ids) == 0 {
		return nil, nil
	}
	if s.elemMatch {
		opts := options.Find()
		if projection != nil {
			opts.SetProjection(projection)
		}
		cur, err := s.history.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, opts)
		if err != nil {
			return nil, dbError("read versions", err)
		}
		if err := cur.All(ctx, &docs); err != nil {
			return nil, dbError("read versions", err)
		}
		return docs, nil
	}
	opts := options.FindOne()
	if projection != nil {
		opts.SetProjection(projection)
	}
	for _, id := range ids {
		var d document
		err := s.history.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, opts).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return nil, dbError("read versions", err)
		}
		docs = append(docs, d)
	}
	return docs, nil
}

func entryExpr(w fhir.Write) string { return fhir.EntryConflict(w, 0).Expression[0] }

// entryConflict reports a failed check of w after rolling its resource
// forward, as conflict does for Write.
func (s *Store) entryConflict(ctx context.Context, w fhir.Write, current int64) error {
	if err := s.rollForward(ctx, w.R.Type, w.R.ID); err != nil {
		s.log.Warn("mongo: rolling a search projection forward failed", "error", err)
	}
	return fhir.EntryConflict(w, current)
}

// duplicateAt returns the index of the document an ordered InsertMany
// failed on, when it failed on a duplicate _id.
func duplicateAt(err error) (int, bool) {
	var bw mongo.BulkWriteException
	if errors.As(err, &bw) {
		for _, we := range bw.WriteErrors {
			if mongo.IsDuplicateKeyError(we) {
				return we.Index, true
			}
		}
	}
	return 0, false
}

// decide inserts the outcome of journal id. CodeConflict means another
// outcome was there first.
func (s *Store) decide(ctx context.Context, id string, commit bool) error {
	_, err := s.outcomes.InsertOne(ctx, outcomeDoc{ID: id, Commit: commit})
	if mongo.IsDuplicateKeyError(err) {
		return fhir.Errorf(fhir.CodeConflict, "mongo: transaction already decided")
	}
	if err != nil {
		return dbError("decide transaction", err)
	}
	return nil
}

// abort decides j as aborted, unless it is decided already, and finishes it
// either way.
func (s *Store) abort(ctx context.Context, j *journalDoc) {
	if err := s.decide(ctx, j.ID, false); err != nil && fhir.ErrorCode(err) != fhir.CodeConflict {
		s.log.Warn("mongo: aborting a transaction failed; recovery retries", "error", fhir.ErrorCode(err))
		return
	}
	if err := s.finish(ctx, j); err != nil {
		s.log.Warn("mongo: cleaning up a transaction failed; recovery retries", "error", fhir.ErrorCode(err))
	}
}

// outcome returns the decision on journal id, nil when undecided.
func (s *Store) outcome(ctx context.Context, id string) (*bool, error) {
	var o outcomeDoc
	err := s.outcomes.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&o)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, dbError("read transaction outcome", err)
	}
	return &o.Commit, nil
}

// visible reports whether history document d is committed: untagged, or
// tagged by a journal decided as committed.
func (s *Store) visible(ctx context.Context, d *document) (bool, error) {
	if d.Txn == "" {
		return true, nil
	}
	if _, ok := s.committed.Load(d.Txn); ok {
		return true, nil
	}
	o, err := s.outcome(ctx, d.Txn)
	if err != nil {
		return false, err
	}
	if o != nil && *o {
		// A commit is final: remember it, so reads of this transaction's
		// versions need no second lookup.
		s.committed.Store(d.Txn, true)
		return true, nil
	}
	return false, nil
}

// finish completes a decided journal: per its outcome, applies or removes
// the claims, then deletes the journal and the outcome.
func (s *Store) finish(ctx context.Context, j *journalDoc) error {
	o, err := s.outcome(ctx, j.ID)
	if err != nil {
		return err
	}
	if o == nil {
		return fhir.Errorf(fhir.CodeException, "mongo: finishing an undecided transaction")
	}
	return s.apply(ctx, j, *o)
}

// apply finishes journal j: for a commit it installs its versions in the
// search projection and deletes the journal, keeping the outcome, which
// its versions stay tagged with (untagging would be an update per version,
// a collection scan each on FerretDB); for an abort it deletes the claims,
// the journal and the outcome. Every step can be repeated, so recovery
// simply runs it again.
func (s *Store) apply(ctx context.Context, j *journalDoc, commit bool) error {
	if commit {
		s.committed.Store(j.ID, true)
		docs, err := s.historyByID(ctx, j.Refs, nil)
		if err != nil {
			return err
		}
		if err := s.settleAll(ctx, docs); err != nil {
			return err
		}
	} else if _, err := s.history.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: j.Refs}}}, {Key: "txn", Value: j.ID}}); err != nil {
		return dbError("roll back transaction", err)
	}
	if _, err := s.journals.DeleteOne(ctx, bson.D{{Key: "_id", Value: j.ID}}); err != nil {
		return dbError("finish transaction", err)
	}
	if !commit {
		if _, err := s.outcomes.DeleteOne(ctx, bson.D{{Key: "_id", Value: j.ID}}); err != nil {
			return dbError("finish transaction", err)
		}
	}
	return nil
}

// settleAll installs committed versions in the search projection. Where
// no later version exists in history (one _id lookup for all), installing
// is enough; otherwise settle does the careful check of each.
func (s *Store) settleAll(ctx context.Context, docs []document) error {
	var later []string
	for i := range docs {
		d := &docs[i]
		later = append(later, historyID(d.Type, d.RID, d.VID+1))
		if d.VID == 1 {
			// A first version: nothing can be in the projection yet unless
			// this ran before, and an insert needs no filtered update.
			_, err := s.resources.InsertOne(ctx, d.current())
			if err == nil {
				continue
			}
			if !mongo.IsDuplicateKeyError(err) {
				return dbError("update search projection", err)
			}
		}
		if err := s.install(ctx, d); err != nil {
			return err
		}
	}
	have, err := s.existing(ctx, later)
	if err != nil {
		return err
	}
	for i := range docs {
		if have[later[i]] {
			if err := s.settle(ctx, &docs[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// recover finishes journal j if it is decided, and aborts it first if it is
// undecided and its lease has ended. An undecided journal within its lease
// may still be running: it is left alone (its claims stay invisible).
func (s *Store) recover(ctx context.Context, j *journalDoc) error {
	o, err := s.outcome(ctx, j.ID)
	if err != nil {
		return err
	}
	if o == nil {
		if time.Now().Before(j.Expires) {
			return nil
		}
		if err := s.decide(ctx, j.ID, false); err != nil && fhir.ErrorCode(err) != fhir.CodeConflict {
			return err
		}
	}
	return s.finish(ctx, j)
}

// Recover finishes every unfinished WriteAll that can be finished:
// committed ones are applied, undecided ones past their lease rolled back.
// Open calls it; it returns the number of journals still running.
func (s *Store) Recover(ctx context.Context) (pending int, err error) {
	cur, err := s.journals.Find(ctx, bson.D{})
	if err != nil {
		return 0, dbError("read journals", err)
	}
	var js []journalDoc
	if err := cur.All(ctx, &js); err != nil {
		return 0, dbError("read journals", err)
	}
	for i := range js {
		if err := s.recover(ctx, &js[i]); err != nil {
			return 0, err
		}
		if o, _ := s.outcome(ctx, js[i].ID); o == nil && time.Now().Before(js[i].Expires) {
			pending++
		}
	}
	return pending, nil
}

// recoverClaim recovers the journal of the newest version of typ/id if it
// is tagged: a writer that conflicts with a claim helps finish it.
func (s *Store) recoverClaim(ctx context.Context, typ, id string) error {
	var d document
	err := s.history.FindOne(ctx, bson.D{{Key: "type", Value: typ}, {Key: "id", Value: id}},
		options.FindOne().SetSort(bson.D{{Key: "vid", Value: -1}}).SetProjection(bson.D{{Key: "txn", Value: 1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && d.Txn == "") {
		return nil
	}
	if err != nil {
		return dbError("read latest version", err)
	}
	var j journalDoc
	err = s.journals.FindOne(ctx, bson.D{{Key: "_id", Value: d.Txn}}).Decode(&j)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil // finished meanwhile
	}
	if err != nil {
		return dbError("read journal", err)
	}
	return s.recover(ctx, &j)
}
