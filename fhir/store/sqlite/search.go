package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
)

// Search implements fhir.Store. It picks a plan per query (see choose):
// a page sorted on a range parameter walks that parameter's index; a
// page of a broad search walks the resources in id order; anything else is
// driven by the index lookup of its most selective predicate.
func (s *Store) Search(ctx context.Context, q fhir.Query) ([]fhir.Resource, error) {
	if len(q.Sort) > 0 && q.After != "" && !fhir.ValidCursor(q.Sort, q.AfterSort) {
		return nil, fhir.Errorf(fhir.CodeInvalid, "sqlite: the sort cursor does not fit the sort keys")
	}
	query, args, err := s.plan(ctx, q)
	if err != nil {
		return nil, err
	}
	return s.query(ctx, query, args, q.Sort)
}

// plan picks the statement for q. A page (Limit) of a broad search, one
// whose every positive predicate has EstimateCap candidates or more, walks
// an order: the range index of its sort parameter (walkSQL), or the
// resources by id; LIMIT stops the walk once the page is full. Otherwise
// the predicate with the fewest candidates drives, and the others are
// tested per candidate.
func (s *Store) plan(ctx context.Context, q fhir.Query) (string, []any, error) {
	driver, broad, err := s.choose(ctx, q)
	if err != nil {
		return "", nil, err
	}
	switch {
	case broad && walkable(q):
		query, args := walkSQL(q)
		return query, args, nil
	case broad && q.Limit > 0 && len(q.Sort) == 0:
		query, args := idWalkSQL(q)
		return query, args, nil
	}
	query, args := searchSQL(q, driver)
	return query, args, nil
}

func (s *Store) query(ctx context.Context, query string, args []any, keys []fhir.SortKey) ([]fhir.Resource, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, storeErr(err)
	}
	return scanAll(rows, keys)
}

// EstimateCap bounds the count of a predicate's candidates when choosing a
// plan: beyond it a predicate is broad, and which broad one drives matters
// little next to walking.
const EstimateCap = 100

// estimateCap is EstimateCap, changed by tests to force each plan.
var estimateCap = EstimateCap

// choose picks the positive predicate with the fewest candidates (counted
// up to EstimateCap through its index) to drive the query; -1 when there
// is none. broad reports that every positive predicate reached the cap.
func (s *Store) choose(ctx context.Context, q fhir.Query) (driver int, broad bool, err error) {
	driver, best := -1, estimateCap+1
	for i, p := range q.Preds {
		if p.Not {
			continue
		}
		n, err := s.estimate(ctx, q.Type, p)
		if err != nil {
			return 0, false, err
		}
		if n < best {
			driver, best = i, n
		}
	}
	return driver, driver < 0 || best >= estimateCap, nil
}

func (s *Store) estimate(ctx context.Context, typ string, p fhir.Pred) (int, error) {
	// UNION ALL: an entry counted twice is no worse an estimate, and UNION
	// would read and sort every entry before the LIMIT.
	sub, args := predSQLJoined(typ, p, " UNION ALL ")
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM (`+sub+`) LIMIT ?)`, append(args, estimateCap)...).Scan(&n)
	return n, storeErr(err)
}

// searchSQL is the statement answering q driven by q.Preds[driver].
func searchSQL(q fhir.Query, driver int) (string, []any) {
	from, args := candidates(q, driver)
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

func isKeyPred(p fhir.Pred) bool {
	for _, m := range p.Any {
		if m.Kind != fhir.MatchKey {
			return false
		}
	}
	return len(p.Any) > 0
}

// idWalkSQL answers a page of a broad unsorted q by walking the resources
// of the type in id order, testing every predicate per row, so that LIMIT
// stops once the page is full; bodies are read for the page only.
func idWalkSQL(q fhir.Query) (string, []any) {
	var b strings.Builder
	args := []any{q.Type}
	b.WriteString(`SELECT ` + versionColumns + ` FROM (SELECT w.rid AS rid FROM resource w WHERE w.type = ?`)
	if q.After != "" {
		b.WriteString(` AND w.id > ?`)
		args = append(args, q.After)
	}
	// A deleted resource has no index rows, so a positive predicate
	// already leaves it out, and the walk stays in the (type, id) index.
	if !hasPositive(q) {
		b.WriteString(` AND w.deleted = 0`)
	}
	where, whereArgs := filters(q, -1, "w.rid")
	b.WriteString(where + ` ORDER BY w.id LIMIT ?) p
		CROSS JOIN resource r ON r.rid = p.rid JOIN history h ON h.seq = r.hseq ORDER BY r.id`)
	return b.String(), append(append(args, whereArgs...), q.Limit)
}

func hasPositive(q fhir.Query) bool {
	for _, p := range q.Preds {
		if !p.Not {
			return true
		}
	}
	return false
}

// candidates compiles the filter of q into " FROM ... WHERE ..." over the
// current versions r and their history rows h, driven by the rids of
// q.Preds[driver] (or every resource of the type when driver is -1); the
// other predicates are tested per row through primary keys.
func candidates(q fhir.Query, driver int) (string, []any) {
	var b strings.Builder
	var args []any
	if driver >= 0 {
		sub, subArgs := predSQL(q.Type, q.Preds[driver])
		b.WriteString(` FROM (SELECT DISTINCT rid FROM (` + sub + `)) m
		CROSS JOIN resource r ON r.rid = m.rid
		JOIN history h ON h.seq = r.hseq WHERE r.type = ? AND r.deleted = 0`)
		args = append(subArgs, q.Type)
	} else {
		b.WriteString(` FROM resource r JOIN history h ON h.seq = r.hseq WHERE r.type = ? AND r.deleted = 0`)
		args = append(args, q.Type)
	}
	where, whereArgs := filters(q, driver, "r.rid")
	b.WriteString(where)
	return b.String(), append(args, whereArgs...)
}

// filters is the " AND ..." testing every predicate but the driver, and
// the id list, on the resource whose rid is row.
func filters(q fhir.Query, driver int, row string) (string, []any) {
	var b strings.Builder
	var args []any
	if len(q.IDs) > 0 {
		b.WriteString(` AND ` + row + ` IN (SELECT i.rid FROM resource i WHERE i.type = ? AND i.id IN (` + placeholders(len(q.IDs)) + `))`)
		args = append(args, q.Type)
		for _, id := range q.IDs {
			args = append(args, id)
		}
	}
	// Exact keys first: SQLite tests AND terms in order, and a key is the
	// cheapest test and usually the most selective.
	order := make([]int, 0, len(q.Preds))
	for pass := 0; pass < 2; pass++ {
		for i, p := range q.Preds {
			if isKeyPred(p) == (pass == 0) && i != driver {
				order = append(order, i)
			}
		}
	}
	for _, i := range order {
		p := q.Preds[i]
		sub, subArgs := predExists(q.Type, p, row)
		if p.Not {
			sub = "NOT " + sub
		}
		b.WriteString(` AND ` + sub)
		args = append(args, subArgs...)
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
