package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// bulkRows caps the rows of one INSERT, well under SQLite's limit of 32766
// host parameters; a statement is prepared for every row count up to it, so
// a resource's entries of one kind go in one statement.
const bulkRows = 64

// bulkInserts holds multi-row INSERT statements, prepared at Open for each
// table and row count up to bulkRows. (They cannot be prepared lazily: the
// writer's only connection is busy inside a transaction then.)
type bulkInserts struct {
	stmts map[string]*sql.Stmt
}

// keyDelete is the statement deleting a resource's rows of the given key
// hashes, for each count up to bulkRows.
func keyDelete(rows int) string {
	return "DELETE FROM keyx WHERE rid = ? AND h IN (" + placeholders(rows) + ")"
}

var bulkTables = []struct {
	table, columns string
	width          int
}{
	{"keyx", "h, rid", 2},
	{"strs", "rid, p, value", 3},
	{"ranges", "rid, p, lo, hi", 4},
}

func prepareBulk(db *sql.DB) (bulkInserts, error) {
	b := bulkInserts{stmts: map[string]*sql.Stmt{}}
	for _, t := range bulkTables {
		for rows := 1; rows <= bulkRows; rows++ {
			row := "(" + strings.TrimSuffix(strings.Repeat("?, ", t.width), ", ") + ")"
			q := "INSERT OR IGNORE INTO " + t.table + " (" + t.columns + ") VALUES " +
				strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
			s, err := db.Prepare(q)
			if err != nil {
				b.close()
				return b, err
			}
			b.stmts[fmt.Sprintf("%s/%d", t.table, rows)] = s
		}
	}
	for rows := 1; rows <= bulkRows; rows++ {
		s, err := db.Prepare(keyDelete(rows))
		if err != nil {
			b.close()
			return b, err
		}
		b.stmts[fmt.Sprintf("keyx-delete/%d", rows)] = s
	}
	return b, nil
}

// insert writes rows of width columns each, flattened in args; duplicates
// are ignored (an index may list an entry twice).
func (b *bulkInserts) insert(ctx context.Context, tx *sql.Tx, table string, width int, args []any) error {
	for len(args) > 0 {
		rows := min(bulkRows, len(args)/width)
		stmt := b.stmts[fmt.Sprintf("%s/%d", table, rows)]
		if _, err := tx.StmtContext(ctx, stmt).ExecContext(ctx, args[:rows*width]...); err != nil {
			return err
		}
		args = args[rows*width:]
	}
	return nil
}

// deleteKeys deletes the keyx rows of rid with the given hashes.
func (b *bulkInserts) deleteKeys(ctx context.Context, tx *sql.Tx, rid int64, hashes []any) error {
	for len(hashes) > 0 {
		rows := min(bulkRows, len(hashes))
		stmt := b.stmts[fmt.Sprintf("keyx-delete/%d", rows)]
		if _, err := tx.StmtContext(ctx, stmt).ExecContext(ctx, append([]any{rid}, hashes[:rows]...)...); err != nil {
			return err
		}
		hashes = hashes[rows:]
	}
	return nil
}

func (b *bulkInserts) close() {
	for _, s := range b.stmts {
		_ = s.Close()
	}
}
