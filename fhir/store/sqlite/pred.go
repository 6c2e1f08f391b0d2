package sqlite

import (
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
)

// maxRune sorts after every UTF-8 string that starts with a given prefix,
// so value >= p AND value < p+maxRune is a prefix test the index can serve.
const maxRune = "\U0010FFFF"

// predSQL compiles one predicate to a query of the rids of resources with a
// matching entry: each match is a subquery on the index table that holds
// its kind of entry, joined by UNION for the OR of matches. p.Not is left to
// the caller.
func predSQL(typ string, p fhir.Pred) (string, []any) {
	return predSQLJoined(typ, p, " UNION ")
}

// predSQLJoined is predSQL with its subqueries joined by union (" UNION ",
// or " UNION ALL " where duplicates do not matter and sorting them away
// would cost more than the answer).
func predSQLJoined(typ string, p fhir.Pred, union string) (string, []any) {
	var subs []string
	var args []any
	var keys []any
	for _, m := range p.Any {
		switch m.Kind {
		case fhir.MatchKey:
			keys = append(keys, keyHash(typ, m.Key))
		case fhir.MatchPrefix:
			subs = append(subs, `SELECT rid FROM strs WHERE p = ? AND value >= ? AND value < ?`)
			args = append(args, paramHash(typ, m.Param), m.Text, m.Text+maxRune)
		case fhir.MatchContains:
			subs = append(subs, `SELECT rid FROM strs WHERE p = ? AND instr(value, ?) > 0`)
			args = append(args, paramHash(typ, m.Param), m.Text)
		case fhir.MatchRange:
			cond, condArgs := boundsSQL("", m.Bounds)
			subs = append(subs, `SELECT rid FROM ranges WHERE p = ?`+cond)
			args = append(append(args, paramHash(typ, m.Param)), condArgs...)
		case fhir.MatchPresent:
			// No index: the resources of the type are scanned.
			subs = append(subs, `SELECT rid FROM resource WHERE type = ? AND has_param(params, ?)`)
			args = append(args, typ, paramHash(typ, m.Param))
		}
	}
	if len(keys) > 0 {
		subs = append([]string{`SELECT rid FROM keyx WHERE h IN (` + placeholders(len(keys)) + `)`}, subs...)
		args = append(keys, args...)
	}
	if len(subs) == 0 {
		subs = []string{`SELECT NULL AS rid WHERE 0`} // no match can hold
	}
	return strings.Join(subs, union), args
}

// boundsSQL is " AND lo >= ? AND hi < ? ..." for the bounds of a range
// match, on the columns of alias ("" or "e.").
func boundsSQL(alias string, bounds []fhir.Bound) (string, []any) {
	var b strings.Builder
	var args []any
	for _, bound := range bounds {
		col := "lo"
		if bound.Hi {
			col = "hi"
		}
		b.WriteString(" AND " + alias + col + " " + sqlOp(bound.Op) + " ?")
		args = append(args, bound.V)
	}
	return b.String(), args
}

// sqlOp keeps only the four comparison operators; anything else never
// reaches SQL text.
func sqlOp(op string) string {
	switch op {
	case "<", "<=", ">", ">=":
		return op
	}
	return "IS NULL AND 0 ="
}
