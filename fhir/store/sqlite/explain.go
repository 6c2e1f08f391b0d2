package sqlite

import (
	"context"
	"fmt"

	"github.com/trialfhir/trialfhir/fhir"
)

var _ fhir.Explainer = (*Store)(nil)

// Explain implements fhir.Explainer: the count each predicate's index
// lookup selects on its own, the size of the whole answer, and SQLite's
// EXPLAIN QUERY PLAN of the statement Search runs.
func (s *Store) Explain(ctx context.Context, q fhir.Query) (*fhir.Plan, error) {
	plan := &fhir.Plan{Store: "sqlite (embedded)"}
	for _, p := range q.Preds {
		sub, args := predSQL(q.Type, p)
		step := fhir.PlanStep{Pred: p.Describe(), Index: indexOf(p)}
		if err := s.r.QueryRowContext(ctx, `SELECT count(DISTINCT rid) FROM (`+sub+`)`, args...).Scan(&step.Candidates); err != nil {
			return nil, storeErr(err)
		}
		plan.Steps = append(plan.Steps, step)
	}
	driver, broad, err := s.choose(ctx, q)
	if err != nil {
		return nil, err
	}
	whole := q
	whole.Limit, whole.After, whole.AfterSort = 0, "", nil
	query, args := searchSQL(whole, driver)
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (`+query+`)`, args...).Scan(&plan.Matches); err != nil {
		return nil, storeErr(err)
	}
	switch {
	case broad && walkable(q):
		plan.Native = append(plan.Native, fmt.Sprintf("every predicate is broad: walk the %s index in sort order, testing each entry", q.Sort[0].Param))
	case broad && q.Limit > 0 && len(q.Sort) == 0:
		plan.Native = append(plan.Native, "every predicate is broad: walk the resources in id order, testing each")
	case driver >= 0:
		plan.Native = append(plan.Native, fmt.Sprintf("driven by predicate %d (the fewest candidates), the others tested per row", driver+1))
	default:
		plan.Native = append(plan.Native, "no positive predicate: every resource of the type")
	}
	query, args, err = s.plan(ctx, q)
	if err != nil {
		return nil, err
	}
	return plan, s.nativePlan(ctx, plan, query, args)
}

// nativePlan appends SQLite's EXPLAIN QUERY PLAN of query.
func (s *Store) nativePlan(ctx context.Context, plan *fhir.Plan, query string, args []any) error {
	rows, err := s.r.QueryContext(ctx, `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		return storeErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return storeErr(err)
		}
		plan.Native = append(plan.Native, fmt.Sprintf("%d<-%d %s", id, parent, detail))
	}
	return storeErr(rows.Err())
}

// indexOf names the index predSQL's lookups use for p (schema.go).
func indexOf(p fhir.Pred) string {
	if len(p.Any) == 0 {
		return "none"
	}
	switch p.Any[0].Kind {
	case fhir.MatchKey:
		return "keyx primary key (hash of type and key, rid)"
	case fhir.MatchPrefix:
		return "strs_value (hash of type and param, value)"
	case fhir.MatchContains:
		return "strs_value (hash of type and param), scanning values"
	case fhir.MatchPresent:
		return "none: the params column of each resource of the type"
	case fhir.MatchRange:
		return "ranges_lo (hash of type and param, lo) or ranges_hi (hash of type and param, hi)"
	}
	return "none"
}
