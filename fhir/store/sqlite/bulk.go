package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// bulkRows caps the rows of one INSERT, well under SQLite's limit of 32766
// host parameters.
const bulkRows = 256

// bulkInserts holds multi-row INSERT statements, prepared at Open for each
// table and each power-of-two row count up to bulkRows: a batch of n rows
// runs as the statements of n's binary digits. (They cannot be prepared
// lazily: the writer's only connection is busy inside a transaction then.)
type bulkInserts struct {
	stmts map[string]*sql.Stmt
}

var bulkTables = []struct {
	table, columns string
	width          int
}{
	{"keys", "type, id, key", 3},
	{"strs", "type, id, param, value", 4},
	{"ranges", "type, id, param, lo, hi", 5},
}

func prepareBulk(db *sql.DB) (bulkInserts, error) {
	b := bulkInserts{stmts: map[string]*sql.Stmt{}}
	for _, t := range bulkTables {
		for rows := 1; rows <= bulkRows; rows *= 2 {
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
	return b, nil
}

// insert writes rows of width columns each, flattened in args; duplicates
// are ignored (an index may list an entry twice).
func (b *bulkInserts) insert(ctx context.Context, tx *sql.Tx, table string, width int, args []any) error {
	for len(args) > 0 {
		rows := bulkRows
		for rows > len(args)/width {
			rows /= 2
		}
		stmt := b.stmts[fmt.Sprintf("%s/%d", table, rows)]
		if _, err := tx.StmtContext(ctx, stmt).ExecContext(ctx, args[:rows*width]...); err != nil {
			return err
		}
		args = args[rows*width:]
	}
	return nil
}

func (b *bulkInserts) close() {
	for _, s := range b.stmts {
		_ = s.Close()
	}
}
