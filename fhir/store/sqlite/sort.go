package sqlite

import (
	"fmt"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
)

// sortedSQL answers a query with _sort. Each key's value is the aggregate
// fhir.SortValues defines (lowest ascending, highest descending), computed
// per candidate through the primary keys of strs and ranges; the page after
// a cursor is selected by comparing (values..., id) with it, so paging
// stays exact while other resources are written.
func sortedSQL(q fhir.Query, from string, args []any) (string, []any) {
	var cols []string
	var colArgs []any
	for i, k := range q.Sort {
		expr, arg := sortExpr(q.Type, k)
		cols = append(cols, fmt.Sprintf("%s AS s%d", expr, i))
		if arg != nil {
			colArgs = append(colArgs, arg)
		}
	}
	var b strings.Builder
	b.WriteString(`SELECT * FROM (SELECT ` + versionColumns + `, ` + strings.Join(cols, ", ") + from + `)`)
	all := append(colArgs, args...)
	if q.After != "" {
		where, whereArgs := keyset(q.Sort, q.AfterSort, q.After)
		b.WriteString(` WHERE ` + where)
		all = append(all, whereArgs...)
	}
	var order []string
	for i, k := range q.Sort {
		dir := "ASC"
		if k.Desc {
			dir = "DESC"
		}
		order = append(order, fmt.Sprintf("s%d %s NULLS LAST", i, dir))
	}
	b.WriteString(` ORDER BY ` + strings.Join(order, ", ") + `, id`)
	if q.Limit > 0 {
		b.WriteString(` LIMIT ?`)
		all = append(all, q.Limit)
	}
	return b.String(), all
}

// sortExpr is the SQL value of one key for the current row r of type typ,
// with its parameter argument (nil for none); +x.p for the primary key,
// as in predExists.
func sortExpr(typ string, k fhir.SortKey) (string, any) {
	agg := "min"
	if k.Desc {
		agg = "max"
	}
	switch k.Kind {
	case fhir.SortString:
		return `(SELECT ` + agg + `(x.value) FROM strs x WHERE x.rid = r.rid AND +x.p = ?)`, paramHash(typ, k.Param)
	case fhir.SortRange:
		end := "lo"
		if k.Desc {
			end = "hi"
		}
		return `(SELECT ` + agg + `(x.` + end + `) FROM ranges x WHERE x.rid = r.rid AND +x.p = ?)`, paramHash(typ, k.Param)
	}
	return `r.id`, nil
}

// keyset selects the rows ordered after the cursor (values, id): for some
// i, the first i keys equal the cursor's and key i lies beyond it, or all
// keys equal and the id is greater. Missing values sort last in both
// directions, so "beyond" a present value includes NULL and nothing lies
// beyond NULL but later keys.
func keyset(keys []fhir.SortKey, values []fhir.SortValue, id string) (string, []any) {
	var ors []string
	var args []any
	var eq []string
	var eqArgs []any
	for i, k := range keys {
		v := values[i]
		col := fmt.Sprintf("s%d", i)
		if !v.Null {
			op := ">"
			if k.Desc {
				op = "<"
			}
			ors = append(ors, "("+strings.Join(append(append([]string{}, eq...), "("+col+" "+op+" ? OR "+col+" IS NULL)"), " AND ")+")")
			args = append(append(args, eqArgs...), sqlValue(k, v))
			eq = append(eq, col+" = ?")
			eqArgs = append(eqArgs, sqlValue(k, v))
		} else {
			eq = append(eq, col+" IS NULL")
		}
	}
	ors = append(ors, "("+strings.Join(append(eq, "id > ?"), " AND ")+")")
	args = append(append(args, eqArgs...), id)
	return "(" + strings.Join(ors, " OR ") + ")", args
}

func sqlValue(k fhir.SortKey, v fhir.SortValue) any {
	if k.Kind == fhir.SortRange {
		return v.F
	}
	return v.S
}

// sortValues turns the sort columns of one row into SortValues.
func sortValues(keys []fhir.SortKey, raw []any) []fhir.SortValue {
	out := make([]fhir.SortValue, len(keys))
	for i := range keys {
		switch v := raw[i].(type) {
		case nil:
			out[i] = fhir.SortValue{Null: true}
		case float64:
			out[i] = fhir.SortValue{F: v}
		case int64:
			out[i] = fhir.SortValue{F: float64(v)}
		case string:
			out[i] = fhir.SortValue{S: v}
		case []byte:
			out[i] = fhir.SortValue{S: string(v)}
		}
	}
	return out
}
