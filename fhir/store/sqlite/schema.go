package sqlite

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
	PRIMARY KEY (type, id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS keys (
	type TEXT NOT NULL,
	id   TEXT NOT NULL,
	key  TEXT NOT NULL,
	PRIMARY KEY (type, id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS keys_lookup ON keys (type, key, id);

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
