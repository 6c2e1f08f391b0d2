package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// schemaVersion is kept in PRAGMA user_version. Version 5 keeps the
// parameters a resource has a value for in its row (4 had a keyx row for
// each); 4 keyed the index rows by the resource's integer rid and a hash of
// the parameter (3 had the type, id and parameter as text in every row; 2
// had FNV-1a key hashes); a file of another version is refused rather than
// read wrongly.
const schemaVersion = 5

// schema is applied at every Open; each statement is idempotent.
//
// Every resource gets rid, an integer assigned at its create and kept
// across versions; the index rows carry it instead of the text type and id
// (a 36-character id repeated in 28 keyx rows per resource was most of
// keyx). Type and parameter go into one integer, p = keyHash(type, param)
// for strs and ranges as for keyx's keys. Each index row thus costs a few
// integer compares to place, and the trees are a third of their size.
//
// strs and ranges are clustered by rid: a create appends there (rids only
// grow), an update or a per-resource test reads one run, and a delete of a
// resource's rows needs no second tree.
//
// Which parameters a resource has a value for (fhir.Index.Present) is a
// list in its row, not a keyx row each: they were 8 of a Synthea
// resource's 20 keys, each a B-tree insert at a random place, for the rare
// :missing search, which tests the list (hasParam) per resource. Their value-ordered indexes
// (strs_value, ranges_lo, ranges_hi) serve the searches.
const schema = `
CREATE TABLE IF NOT EXISTS history (
	seq     INTEGER PRIMARY KEY AUTOINCREMENT,
	type    TEXT    NOT NULL,
	id      TEXT    NOT NULL,
	vid     INTEGER NOT NULL,
	lu      INTEGER NOT NULL, -- lastUpdated, Unix milliseconds
	deleted INTEGER NOT NULL,
	method  TEXT    NOT NULL,
	body    BLOB,
	UNIQUE (type, id, vid)
);
CREATE INDEX IF NOT EXISTS history_lu ON history (lu, seq);
CREATE INDEX IF NOT EXISTS history_type_lu ON history (type, lu, seq);

CREATE TABLE IF NOT EXISTS resource (
	rid     INTEGER PRIMARY KEY, -- never reused: resources are never removed
	type    TEXT    NOT NULL,
	id      TEXT    NOT NULL,
	vid     INTEGER NOT NULL,
	hseq    INTEGER NOT NULL REFERENCES history (seq),
	deleted INTEGER NOT NULL,
	kh      BLOB, -- the key hashes of the current version, to delete them by
	params  BLOB, -- paramHash of each parameter it has a value for (:missing)
	UNIQUE (type, id)
);

CREATE TABLE IF NOT EXISTS keyx (
	h   INTEGER NOT NULL, -- keyHash(type, key)
	rid INTEGER NOT NULL,
	PRIMARY KEY (h, rid)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS strs (
	rid   INTEGER NOT NULL,
	p     INTEGER NOT NULL, -- keyHash(type, param)
	value TEXT    NOT NULL,
	PRIMARY KEY (rid, p, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS strs_value ON strs (p, value);

CREATE TABLE IF NOT EXISTS ranges (
	rid INTEGER NOT NULL,
	p   INTEGER NOT NULL, -- keyHash(type, param)
	lo  REAL    NOT NULL,
	hi  REAL    NOT NULL,
	PRIMARY KEY (rid, p, lo, hi)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ranges_lo ON ranges (p, lo);
CREATE INDEX IF NOT EXISTS ranges_hi ON ranges (p, hi);
`

// pageSize is the page size of a new data file. Most of a write's cost is
// B-tree inserts at random places in the index trees and the WAL frames a
// commit writes for every page it dirtied; with 16 KiB pages there are a
// quarter as many frames (each a system call or two) and the trees are a
// level shallower. The writer alone took the Synthea corpus at 3,250
// resources/s against 2,860 with 4 KiB pages; 8, 32 and 64 KiB were no
// better (BenchmarkWriteSynthea, docs/benchmarks.md). A file keeps the page
// size it was made with.
const pageSize = 16 << 10

// migrate creates the schema in a new file and refuses a file written in
// another layout (there is no data to carry over yet: a store of an
// earlier build is re-imported, see the README).
func migrate(ctx context.Context, db *sql.DB) error {
	var version, tables int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'history'`).Scan(&tables); err != nil {
		return err
	}
	if tables > 0 && version != schemaVersion {
		return fmt.Errorf("the data file has layout %d, this build reads layout %d: re-import the data into an empty data directory", version, schemaVersion)
	}
	if tables == 0 {
		if err := setPageSize(ctx, db); err != nil {
			return err
		}
	}
	// One transaction: a first open killed half-way leaves an empty file,
	// not one without its layout number that would be refused for ever.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

// setPageSize gives a file without tables pageSize pages. The connection
// has already put it in WAL mode, which fixes the page size, so it leaves
// WAL for the VACUUM that applies the size, then returns to it; nothing
// else has the file open yet.
func setPageSize(ctx context.Context, db *sql.DB) error {
	var size int
	if err := db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&size); err != nil {
		return err
	}
	if size == pageSize {
		return nil
	}
	for _, q := range []string{`PRAGMA journal_mode = DELETE`, fmt.Sprintf(`PRAGMA page_size = %d`, pageSize), `VACUUM`, `PRAGMA journal_mode = WAL`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}
