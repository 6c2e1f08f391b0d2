// Package mongo is the production fhir.Store, kept in MongoDB through the
// official Go driver (go.mongodb.org/mongo-driver/v2). Tests run it against
// FerretDB 1.x (see package mongotest), so every query here sticks to what
// both understand (range searches aside, see Search), and correctness rests
// only on what both do atomically.
//
// # Collections
//
// history holds every version under _id "Type/id/vid": type, id, vid
// (int64), lu (lastUpdated as a BSON date, millisecond precision like FHIR's
// instant), del, method, body and the index. body is the FHIR JSON as a
// string, never converted to a BSON document: BSON has no decimal type that
// keeps 1.50 apart from 1.5, and the contract promises the bytes back
// unchanged. The index is fhir.Resource.Index in three arrays, empty for a
// delete tombstone: keys (Index.Keys), strs (each of Index.Strings as one
// string "param\x1fvalue", so one regex tests parameter and value of the
// same entry) and rng (each of Index.Ranges as {p, lo, hi}). history is the
// record: a version exists once its history document does, and Read, VRead
// and History answer from it.
//
// resources holds, under _id "Type/id", a copy of the newest version of each
// resource with the same fields: the projection Search runs on. A tombstone
// has an empty index and del set, so deleted resources drop out of Search.
//
// locks holds one document per held named lock (see Lock).
//
// # Search
//
// Each fhir.Pred compiles to a filter on the index arrays (pred.go), served
// on MongoDB by indexes on {type, keys}, {type, strs} (the regexes are
// anchored at the parameter) and {type, rng.p, rng.lo} and {type, rng.p,
// rng.hi}. A filter selects exactly the answer where the engine can say it,
// and otherwise a superset of it; Search then checks every fetched
// document with Pred.Holds, the contract's reference semantics, in id order,
// and applies the limit itself when a filter was not exact.
//
// The check exists for FerretDB 1.x, which the tests run against: it
// rejects $elemMatch with field conditions, so a range match there tests
// each bound on any interval of the document, a superset, and a negation
// cannot contain one. On MongoDB every positive predicate compiles exactly
// ($elemMatch tests all bounds on one interval), so there the check drops
// no document; it can drop some only for a negated range, which neither
// engine is given (see predFilter), and for malformed input the filters
// leave to it (a NaN bound, an unknown operator, text that is not UTF-8).
//
// # Writes without transactions
//
// Neither FerretDB nor a standalone mongod has multi-document transactions,
// so Write is a compare-and-set on single documents, history first:
//
//  1. the newest version in history must be expect (none: 0), else
//     CodeConflict;
//  2. insert history "Type/id/(expect+1)". The unique _id lets exactly one
//     writer through, which commits the version; a duplicate key is
//     CodeConflict;
//  3. copy the version into resources, never replacing a later one (see
//     settle for how that holds on FerretDB too).
//
// The only operation relied on to be atomic is an insert failing on a
// duplicate _id. FerretDB 1.x evaluates the filter of an update or delete on
// a snapshot and then writes by _id, so a filtered update there is not a
// compare-and-set, though on MongoDB it is.
//
// A writer that dies between 2 and 3 leaves a committed version that Read
// returns but Search does not see yet. Any writer that then conflicts on the
// resource rolls resources forward before reporting the conflict, and so
// does the next successful write; nothing is lost and the numbering stays
// contiguous.
//
// # Transactions
//
// WriteAll uses a multi-document transaction where the deployment has them
// (txn.go) and otherwise a journal (journal.go): claims tagged with the
// journal id, then one inserted outcome document as the commit point.
// Readers treat a tagged version as committed only when its outcome says
// so; Open finishes committed journals and rolls back undecided ones whose
// lease has ended. The journals and outcomes collections hold them; commit
// outcomes are kept (one small document per transaction).
//
// Durability is what the connection's write concern gives; production URIs
// should ask for w=majority and read from the primary, or a Read right after
// a Write may miss it.
package mongo
