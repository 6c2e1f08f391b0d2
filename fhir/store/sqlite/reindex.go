package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/trialfhir/trialfhir/fhir"
)

// Reindex implements fhir.Store: one transaction on the writer connection
// checks each entry's current version and replaces its keyx, strs and
// ranges rows. The writer has a single connection, so this transaction and
// the group commit's run one after the other: a write cannot land between
// an entry's check and its rewrite.
func (s *Store) Reindex(ctx context.Context, typ string, entries []fhir.Reindexed) (int, error) {
	if len(entries) == 0 {
		return 0, nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, storeErr(err)
	}
	defer func() { _ = tx.Rollback() }()
	applied := 0
	for i := range entries {
		e := &entries[i]
		var rid, cur int64
		var deleted bool
		var oldHashes []byte
		err := tx.QueryRowContext(ctx, `SELECT rid, vid, deleted, kh FROM resource WHERE type = ? AND id = ?`, typ, e.ID).Scan(&rid, &cur, &deleted, &oldHashes)
		if errors.Is(err, sql.ErrNoRows) || err == nil && (cur != e.VersionID || deleted) {
			continue
		}
		if err != nil {
			return 0, storeErr(err)
		}
		if err := s.deleteIndex(ctx, tx, rid, oldHashes); err != nil {
			return 0, storeErr(err)
		}
		keys := hashIndex(typ, &e.Index)
		var rows indexRows
		rows.add(rid, typ, &e.Index, keys.hashes)
		if err := rows.insert(ctx, tx, &s.bulk); err != nil {
			return 0, storeErr(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE resource SET kh = ?, params = ? WHERE rid = ?`, keys.blob, keys.params, rid); err != nil {
			return 0, storeErr(err)
		}
		applied++
	}
	if err := tx.Commit(); err != nil {
		return 0, storeErr(err)
	}
	return applied, nil
}
