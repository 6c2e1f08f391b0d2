package fhir

import (
	"context"
	"fmt"
	"time"
)

// Resource is one stored version of a FHIR resource, as every Store keeps it.
type Resource struct {
	Type      string
	ID        string
	VersionID int64
	// LastUpdated is the server time of this version, UTC, millisecond
	// precision, strictly increasing across the versions of one resource.
	LastUpdated time.Time
	// Deleted marks a delete tombstone: Body is nil and Index empty.
	Deleted bool
	// Method is how this version came to be (POST, PUT or DELETE), for
	// Bundle.entry.request in history.
	Method string
	// Body is the resource as FHIR JSON with id and meta already set. Stores
	// keep it byte for byte; reads hand it out without re-encoding.
	Body []byte
	// Index holds the search index entries extracted from Body when it was
	// written; empty for a tombstone.
	Index Index
	// Sort holds the values a sorted Search ordered this result by.
	Sort []SortValue
}

// Ref returns "Type/id".
func (r *Resource) Ref() string { return r.Type + "/" + r.ID }

// Write is one compare-and-set write of a WriteAll: R becomes the version
// after Expect (0: nothing stored yet).
type Write struct {
	R      *Resource
	Expect int64
	// Entry is the position of the write in the request it came from (a
	// Bundle entry), reported in the error of a failed check.
	Entry int
}

// EntryConflict returns the CodeConflict error of WriteAll for write w.
func EntryConflict(w Write, current int64) *Error {
	return Errorf(CodeConflict, "%s is at version %d, not %d", w.R.Ref(), current, w.Expect).
		At(fmt.Sprintf("Bundle.entry[%d]", w.Entry))
}

// CheckWrites checks what WriteAll asks of ws before any store is touched:
// versions that follow their Expect and no resource twice.
func CheckWrites(ws []Write) error {
	seen := make(map[string]bool, len(ws))
	for _, w := range ws {
		if w.R == nil || w.R.VersionID != w.Expect+1 {
			return Errorf(CodeConflict, "a write's version does not follow its expected version").
				At(fmt.Sprintf("Bundle.entry[%d]", w.Entry))
		}
		ref := w.R.Ref()
		if seen[ref] {
			return Errorf(CodeInvalid, "%s is written twice in one transaction", ref).
				At(fmt.Sprintf("Bundle.entry[%d]", w.Entry))
		}
		seen[ref] = true
	}
	return nil
}

// Query selects current, non-deleted resources of one type: every predicate
// must hold (AND). Predicates are built by the search package from index
// entries the index package defines; stores evaluate them exactly as
// Pred.Holds does, with their own indexes.
type Query struct {
	Type  string
	IDs   []string // when not empty, the resource id must be one of these
	Preds []Pred
	// Sort orders the result (then by id); empty means by id alone.
	Sort []SortKey
	// After, when set, returns only resources ordered after the one with
	// this id and, when Sort is set, these AfterSort values (keyset paging:
	// the id and SortValues of the last resource of the previous page).
	After     string
	AfterSort []SortValue
	// Limit caps the result; 0 means no limit.
	Limit int
}

// Reindexed is a new index for one version, for Store.Reindex.
type Reindexed struct {
	ID        string
	VersionID int64
	Index     Index
}

// HistoryQuery selects versions for _history. Type and ID narrow the scope:
// both empty is system history, ID empty is type history.
type HistoryQuery struct {
	Type  string
	ID    string
	Since time.Time // zero: no lower bound; otherwise LastUpdated >= Since
	// Cursor is a Next value from a previous page; stores define its form.
	Cursor string
	// Limit caps the page; 0 means no limit.
	Limit int
}

// HistoryPage is one page of history, newest version first (FHIR R4
// 3.1.0.12: "sorted with oldest versions last").
type HistoryPage struct {
	Versions []Resource
	// Next is an opaque cursor for the following page, "" on the last one.
	Next string
}

// Store keeps FHIR resource versions. Implementations must be safe for
// concurrent use by many goroutines and, for shared stores (MongoDB), by many
// server processes.
//
// Errors: every method returns *Error values. Read and VRead return CodeNotFound
// when nothing was ever stored under that id or version. A deleted resource is
// not an error for Read: it returns the tombstone with Deleted set, and the
// caller decides (FHIR says 410).
type Store interface {
	// Write stores r as the next version of r.Type/r.ID, compare-and-set:
	// it succeeds only if the current version is expect (0: nothing stored
	// yet, deleted counts as stored) and r.VersionID is expect+1. Otherwise
	// it returns CodeConflict and stores nothing. When Write returns nil the
	// version is durable: current, in history, and indexed.
	Write(ctx context.Context, r *Resource, expect int64) error
	// WriteAll stores every write of ws or none of them: each is the
	// compare-and-set of Write (r.VersionID must be Expect+1, the current
	// version must be Expect), all checked before anything becomes
	// visible. On the first failed check it returns a CodeConflict *Error
	// whose Expression names the write, "Bundle.entry[n]" with n the
	// write's Entry, and stores nothing. A resource may appear only once in
	// ws (CodeInvalid otherwise). When WriteAll returns nil every version is
	// durable; a crash before that leaves all of them or none, once the
	// store has been opened again.
	//
	// Isolation: no reader ever sees a version of an unfinished WriteAll,
	// and Read, VRead and History never show some versions of a finished
	// one without the others (read committed with atomic visibility). Search
	// is read committed per resource: while a WriteAll finishes, a search
	// running beside it may find some of its resources at the new version
	// and others still at the old one (on MongoDB without multi-document
	// transactions, for the few milliseconds the search projection takes to
	// catch up; never across a restart).
	WriteAll(ctx context.Context, ws []Write) error
	// Read returns the current version, including a delete tombstone.
	Read(ctx context.Context, typ, id string) (*Resource, error)
	// VRead returns one version, including a delete tombstone.
	VRead(ctx context.Context, typ, id string, version int64) (*Resource, error)
	// History returns versions newest first, in pages that stay stable while
	// new versions are written (they appear before the first page, never
	// shift later ones).
	History(ctx context.Context, q HistoryQuery) (*HistoryPage, error)
	// Search returns current, non-deleted resources matching q, ordered by
	// q.Sort then id as CompareSort defines, each with Sort set to its
	// SortValues when q.Sort is not empty.
	Search(ctx context.Context, q Query) ([]Resource, error)
	// Reindex replaces the search index of current versions without
	// making new versions: for each entry, if typ/ID is still at
	// VersionID (and not deleted), its index becomes Index; otherwise the
	// entry is skipped, since a later version was indexed when it was
	// written. It returns how many entries were applied. History and
	// LastUpdated are untouched. Used when a search parameter is added,
	// changed or removed (see package service).
	Reindex(ctx context.Context, typ string, entries []Reindexed) (applied int, err error)
	// Lock takes a named lock shared by every server process using this
	// store, waiting until it is free or ctx ends (CodeTransient). It makes
	// check-then-write sequences such as conditional create atomic. The
	// returned release must be called; a holder that dies without releasing
	// loses the lock after a lease, so a crash never blocks a key forever.
	Lock(ctx context.Context, key string) (release func(), err error)
	// Close releases the store's resources; in-flight calls may fail after.
	Close() error
}
