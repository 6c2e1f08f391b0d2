package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
)

// Search implements fhir.Store.
func (s *Store) Search(ctx context.Context, q fhir.Query) ([]fhir.Resource, error) {
	if len(q.Sort) > 0 && q.After != "" && !fhir.ValidCursor(q.Sort, q.AfterSort) {
		return nil, fhir.Errorf(fhir.CodeInvalid, "sqlite: the sort cursor does not fit the sort keys")
	}
	query, args := searchSQL(q)
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, storeErr(err)
	}
	return scanAll(rows, q.Sort)
}

// searchSQL is the statement answering q.
func searchSQL(q fhir.Query) (string, []any) {
	from, args := candidates(q)
	if len(q.Sort) > 0 {
		return sortedSQL(q, from, args)
	}
	var b strings.Builder
	b.WriteString(`SELECT ` + versionColumns + from)
	if q.After != "" {
		b.WriteString(` AND r.id > ?`)
		args = append(args, q.After)
	}
	b.WriteString(` ORDER BY r.id`)
	if q.Limit > 0 {
		b.WriteString(` LIMIT ?`)
		args = append(args, q.Limit)
	}
	return b.String(), args
}

// candidates compiles the filter of q into " FROM ... WHERE ..." over the
// current versions r and their history rows h. The ids matching every
// positive predicate are computed first (INTERSECT of index lookups) and
// drive the join, so a query costs what its index entries cost, not a scan
// of every resource of the type. Negated predicates then filter those rows.
func candidates(q fhir.Query) (string, []any) {
	var b strings.Builder
	var args []any
	var positive []string
	for _, p := range q.Preds {
		if !p.Not {
			sub, subArgs := predSQL(q.Type, p)
			positive = append(positive, "SELECT * FROM ("+sub+")")
			args = append(args, subArgs...)
		}
	}
	if len(positive) > 0 {
		b.WriteString(` FROM (SELECT DISTINCT * FROM (` + strings.Join(positive, " INTERSECT ") + `)) m
		CROSS JOIN resource r ON r.type = ? AND r.id = m.id
		JOIN history h ON h.seq = r.hseq WHERE r.deleted = 0`)
	} else {
		b.WriteString(` FROM resource r JOIN history h ON h.seq = r.hseq WHERE r.type = ? AND r.deleted = 0`)
	}
	args = append(args, q.Type)
	if len(q.IDs) > 0 {
		b.WriteString(` AND r.id IN (` + placeholders(len(q.IDs)) + `)`)
		for _, id := range q.IDs {
			args = append(args, id)
		}
	}
	for _, p := range q.Preds {
		if p.Not {
			sub, subArgs := predSQL(q.Type, p)
			b.WriteString(` AND r.id NOT IN (` + sub + `)`)
			args = append(args, subArgs...)
		}
	}
	return b.String(), args
}

// scanAll reads version rows; with keys, each row ends with one column per
// sort key, kept as the result's Sort.
func scanAll(rows *sql.Rows, keys []fhir.SortKey) ([]fhir.Resource, error) {
	defer rows.Close()
	var out []fhir.Resource
	for rows.Next() {
		raw := make([]any, len(keys))
		extra := make([]any, len(keys))
		for i := range raw {
			extra[i] = &raw[i]
		}
		r, err := scanVersion(rows, extra...)
		if err != nil {
			return nil, storeErr(err)
		}
		if len(keys) > 0 {
			r.Sort = sortValues(keys, raw)
		}
		out = append(out, *r)
	}
	return out, storeErr(rows.Err())
}
