package sqlite

import (
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
)

// walkable reports whether q can be answered by walking the index of its
// single range sort key: a page is asked for (Limit), and some positive
// predicate lies on the sort parameter, so every match has a sort value
// and none belongs in the "missing last" tail the walk cannot see.
func walkable(q fhir.Query) bool {
	if len(q.Sort) != 1 || q.Sort[0].Kind != fhir.SortRange || q.Limit <= 0 {
		return false
	}
	for _, p := range q.Preds {
		if p.Not || len(p.Any) == 0 {
			continue
		}
		on := true
		for _, m := range p.Any {
			on = on && m.Kind == fhir.MatchRange && m.Param == q.Sort[0].Param
		}
		if on {
			return true
		}
	}
	return false
}

// walkSQL answers a walkable q by walking the sort parameter's range
// index in sort order and testing every predicate per entry, so that LIMIT
// stops after the page: a broad search (code=Y&date=geZ&_sort=-date&
// _count=50) costs the few hundred entries before its page, where the
// generic plan computes and sorts every match. One level of SELECT, so
// that SQLite reads the index in order (only ties on the value are
// sorted, by id) instead of sorting the whole walk.
func walkSQL(q fhir.Query) (string, []any) {
	k := q.Sort[0]
	end, agg, dir, beyond := "lo", "min", "ASC", ">"
	other, otherCmp := "hi", "<"
	if k.Desc {
		end, agg, dir, beyond = "hi", "max", "DESC", "<"
		other, otherCmp = "lo", ">"
	}
	// Ties on the value go by id, which the entry reaches through its
	// rid: computed for the entries that pass, not for every one walked.
	const entryID = `(SELECT i.id FROM resource i WHERE i.rid = x.rid)`
	var b strings.Builder
	b.WriteString(`SELECT ` + versionColumns + `, w.v FROM (SELECT x.rid AS rid, x.` + end + ` AS v, ` + entryID + ` AS id
		FROM ranges x WHERE x.p = ?`)
	args := []any{paramHash(q.Type, k.Param)}
	if q.After != "" {
		v := q.AfterSort[0].F
		b.WriteString(` AND x.` + end + ` ` + beyond + `= ? AND (x.` + end + ` ` + beyond + ` ? OR ` + entryID + ` > ?)`)
		args = append(args, v, v, q.After)
	}
	// Index rows exist for current, live versions only (a write replaces
	// them, a delete removes them), so the walk needs no resource row.
	// The predicates on the entry's rid first, so that most entries cost
	// one primary-key lookup.
	where, whereArgs := filters(q, -1, "x.rid")
	b.WriteString(where)
	args = append(args, whereArgs...)
	// Each resource once: at the entry that gives its sort value (the
	// lowest lo ascending, the highest hi descending; between entries with
	// the same value, the one with the extreme other end).
	b.WriteString(` AND x.` + end + ` = (SELECT ` + agg + `(y.` + end + `) FROM ranges y WHERE y.rid = x.rid AND +y.p = x.p)
		AND NOT EXISTS (SELECT 1 FROM ranges z WHERE z.rid = x.rid AND +z.p = x.p AND z.` + end + ` = x.` + end + ` AND z.` + other + ` ` + otherCmp + ` x.` + other + `)`)
	b.WriteString(` ORDER BY x.` + end + ` ` + dir + `, id LIMIT ?) w
		CROSS JOIN resource r ON r.rid = w.rid JOIN history h ON h.seq = r.hseq
		WHERE r.type = ? ORDER BY w.v ` + dir + `, w.id`)
	return b.String(), append(args, q.Limit, q.Type)
}

// predExists is p tested on the resource whose rid is row: a lookup per
// match through the primary keys (keyx's (h, rid), the rid-led ones of strs
// and ranges), ORed. The unary + on p keeps SQLite from the value indexes,
// which also hold rid and which it would otherwise pick: they seek p and a
// bound, then scan every value beyond it for the rid. Scalar subqueries
// rather than EXISTS:
// SQLite turns a top-level EXISTS into a join it may order after costlier
// tests, and here the order written (keys first) is the order wanted.
func predExists(typ string, p fhir.Pred, row string) (string, []any) {
	var ors []string
	var args []any
	var keys []any
	found := func(sub string) string { return "(SELECT 1 FROM " + sub + " LIMIT 1) IS NOT NULL" }
	for _, m := range p.Any {
		switch m.Kind {
		case fhir.MatchKey:
			keys = append(keys, keyHash(typ, m.Key))
		case fhir.MatchPrefix:
			ors = append(ors, found(`strs e WHERE e.rid = `+row+` AND +e.p = ? AND e.value >= ? AND e.value < ?`))
			args = append(args, paramHash(typ, m.Param), m.Text, m.Text+maxRune)
		case fhir.MatchContains:
			ors = append(ors, found(`strs e WHERE e.rid = `+row+` AND +e.p = ? AND instr(e.value, ?) > 0`))
			args = append(args, paramHash(typ, m.Param), m.Text)
		case fhir.MatchRange:
			cond, condArgs := boundsSQL("e.", m.Bounds)
			ors = append(ors, found(`ranges e WHERE e.rid = `+row+` AND +e.p = ?`+cond))
			args = append(append(args, paramHash(typ, m.Param)), condArgs...)
		case fhir.MatchPresent:
			ors = append(ors, found(`resource e WHERE e.rid = `+row+` AND has_param(e.params, ?)`))
			args = append(args, paramHash(typ, m.Param))
		}
	}
	if len(keys) > 0 {
		ors = append([]string{found(`keyx e WHERE e.h IN (` + placeholders(len(keys)) + `) AND e.rid = ` + row)}, ors...)
		args = append(keys, args...)
	}
	if len(ors) == 0 {
		return "0", nil
	}
	return "(" + strings.Join(ors, " OR ") + ")", args
}
