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
	var b strings.Builder
	b.WriteString(`SELECT ` + versionColumns + `, p.v FROM (SELECT x.id AS id, x.` + end + ` AS v
		FROM ranges x WHERE x.type = ? AND x.param = ?`)
	args := []any{q.Type, k.Param}
	if q.After != "" {
		v := q.AfterSort[0].F
		b.WriteString(` AND x.` + end + ` ` + beyond + `= ? AND (x.` + end + ` ` + beyond + ` ? OR x.id > ?)`)
		args = append(args, v, v, q.After)
	}
	// Index rows exist for current, live versions only (a write replaces
	// them, a delete removes them), so the walk needs no resource row.
	// The predicates on the entry's id first, so that most entries cost
	// one primary-key lookup.
	where, whereArgs := filters(q, -1, "x.id")
	b.WriteString(where)
	args = append(args, whereArgs...)
	// Each resource once: at the entry that gives its sort value (the
	// lowest lo ascending, the highest hi descending; between entries with
	// the same value, the one with the extreme other end).
	b.WriteString(` AND x.` + end + ` = (SELECT ` + agg + `(y.` + end + `) FROM ranges y WHERE y.type = x.type AND y.id = x.id AND +y.param = ?)
		AND NOT EXISTS (SELECT 1 FROM ranges z WHERE z.type = x.type AND z.id = x.id AND +z.param = ? AND z.` + end + ` = x.` + end + ` AND z.` + other + ` ` + otherCmp + ` x.` + other + `)`)
	args = append(args, k.Param, k.Param)
	b.WriteString(` ORDER BY x.` + end + ` ` + dir + `, x.id LIMIT ?) p
		CROSS JOIN resource r ON r.type = ? AND r.id = p.id JOIN history h ON h.seq = r.hseq
		ORDER BY p.v ` + dir + `, p.id`)
	return b.String(), append(args, q.Limit, q.Type)
}

// predExists is p tested on the row whose id is row: a lookup per match
// through the primary keys, ORed. Scalar subqueries rather than EXISTS:
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
			ors = append(ors, found(`strs e WHERE e.type = ? AND e.id = `+row+` AND +e.param = ? AND e.value >= ? AND e.value < ?`))
			args = append(args, typ, m.Param, m.Text, m.Text+maxRune)
		case fhir.MatchContains:
			ors = append(ors, found(`strs e WHERE e.type = ? AND e.id = `+row+` AND +e.param = ? AND instr(e.value, ?) > 0`))
			args = append(args, typ, m.Param, m.Text)
		case fhir.MatchRange:
			cond, condArgs := boundsSQL("e.", m.Bounds)
			ors = append(ors, found(`ranges e WHERE e.type = ? AND e.id = `+row+` AND +e.param = ?`+cond))
			args = append(append(args, typ, m.Param), condArgs...)
		}
	}
	if len(keys) > 0 {
		ors = append([]string{found(`keyx e WHERE e.h IN (` + placeholders(len(keys)) + `) AND e.id = ` + row)}, ors...)
		args = append(keys, args...)
	}
	if len(ors) == 0 {
		return "0", nil
	}
	return "(" + strings.Join(ors, " OR ") + ")", args
}
