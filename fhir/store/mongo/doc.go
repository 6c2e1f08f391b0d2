// Package mongo is the production fhir.Store, kept in MongoDB through the
// official Go driver (go.mongodb.org/mongo-driver/v2). Tests run it against
// FerretDB 1.x (see package mongotest), so every query here sticks to what
// both understand, and correctness rests only on what both do atomically.
//
// # Collections
//
// history holds every version under _id "Type/id/vid": type, id, vid
// (int64), lu (lastUpdated as a BSON date, millisecond precision like FHIR's
// instant), del, method, body and keys. body is the FHIR JSON as a string,
// never converted to a BSON document: BSON has no decimal type that keeps
// 1.50 apart from 1.5, and the contract promises the bytes back unchanged.
// keys holds fhir.Resource.Index (empty for a delete tombstone). history is
// the record: a version exists once its history document does, and Read,
// VRead and History answer from it.
//
// resources holds, under _id "Type/id", a copy of the newest version of each
// resource with the same fields: the projection Search runs on, indexed by
// {type, keys}. A tombstone has no keys and del set, so deleted resources
// drop out of Search.
//
// locks holds one document per held named lock (see Lock).
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
// Durability is what the connection's write concern gives; production URIs
// should ask for w=majority and read from the primary, or a Read right after
// a Write may miss it.
package mongo
