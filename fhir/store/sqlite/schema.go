package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// schemaVersion is kept in PRAGMA user_version. Version 3 keys the search
// keys by a SHA-256 hash (keyhash.go; 2 had FNV-1a); a file of another
// version is refused rather than read wrongly.
const schemaVersion = 3

// schema is applied at every Open; each statement is idempotent.
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
	type    TEXT    NOT NULL,
	id      TEXT    NOT NULL,
	vid     INTEGER NOT NULL,
	hseq    INTEGER NOT NULL REFERENCES history (seq),
	deleted INTEGER NOT NULL,
	kh      BLOB, -- the key hashes of the current version, to delete them by
	PRIMARY KEY (type, id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS keyx (
	h  INTEGER NOT NULL, -- keyHash(type, key)
	id TEXT    NOT NULL,
	PRIMARY KEY (h, id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS strs (
	type  TEXT NOT NULL,
	id    TEXT NOT NULL,
	param TEXT NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (type, param, value, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS strs_resource ON strs (type, id);

CREATE TABLE IF NOT EXISTS ranges (
	type  TEXT NOT NULL,
	id    TEXT NOT NULL,
	param TEXT NOT NULL,
	lo    REAL NOT NULL,
	hi    REAL NOT NULL,
	PRIMARY KEY (type, id, param, lo, hi)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ranges_lo ON ranges (type, param, lo);
CREATE INDEX IF NOT EXISTS ranges_hi ON ranges (type, param, hi);
`

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
