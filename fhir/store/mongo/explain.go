package mongo

import (
	"context"
	"fmt"
	"sort"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/trialfhir/trialfhir/fhir"
)

var _ fhir.Explainer = (*Store)(nil)

// Explain implements fhir.Explainer: the documents each predicate's filter
// selects on its own (before the exact check in Go), the size of the whole
// answer, and the server's winning plan for the search filter: the indexes
// it uses (createIndexes) and its stages. A server that cannot explain
// (FerretDB 1.x explains little) says so in Native instead of failing.
func (s *Store) Explain(ctx context.Context, q fhir.Query) (*fhir.Plan, error) {
	plan := &fhir.Plan{Store: "mongodb"}
	if !s.elemMatch {
		plan.Store = "mongodb (FerretDB)"
	}
	for _, p := range q.Preds {
		step := fhir.PlanStep{Pred: p.Describe(), Index: "(type, keys)"}
		if len(p.Any) > 0 {
			switch p.Any[0].Kind {
			case fhir.MatchPrefix, fhir.MatchContains:
				step.Index = "(type, strs)"
			case fhir.MatchRange:
				step.Index = "(type, rng.p, rng.lo) or (type, rng.p, rng.hi)"
			}
		}
		conds, _, none := s.predFilter(p)
		if !none {
			and := bson.A{bson.D{{Key: "type", Value: q.Type}}, bson.D{{Key: "del", Value: false}}}
			for _, c := range conds {
				and = append(and, c)
			}
			n, err := s.resources.CountDocuments(ctx, bson.D{{Key: "$and", Value: and}})
			if err != nil {
				return nil, dbError("explain", err)
			}
			step.Candidates = int(n)
		}
		plan.Steps = append(plan.Steps, step)
	}
	whole := q
	whole.Limit, whole.After, whole.AfterSort = 0, "", nil
	all, err := s.Search(ctx, whole)
	if err != nil {
		return nil, err
	}
	plan.Matches = len(all)
	filter, _, none := s.searchFilter(whole)
	if none {
		plan.Native = []string{"no query: a predicate can never hold"}
		return plan, nil
	}
	var out bson.M
	err = s.resources.Database().RunCommand(ctx, bson.D{
		{Key: "explain", Value: bson.D{{Key: "find", Value: s.resources.Name()}, {Key: "filter", Value: filter},
			{Key: "sort", Value: bson.D{{Key: "id", Value: 1}}}}},
		{Key: "verbosity", Value: "queryPlanner"},
	}).Decode(&out)
	if err != nil {
		plan.Native = []string{"explain unavailable: " + err.Error()}
		return plan, nil
	}
	qp, _ := out["queryPlanner"].(bson.M)
	plan.Native = describeStages(qp["winningPlan"], 0)
	if len(plan.Native) == 0 {
		plan.Native = []string{"the server returned no winning plan"}
	}
	return plan, nil
}

// describeStages flattens a winning plan into "stage index" lines, depth
// first; only stage names, index names and key patterns, never filters.
func describeStages(v any, depth int) []string {
	stage, ok := v.(bson.M)
	if !ok {
		return nil
	}
	var lines []string
	if name, ok := stage["stage"].(string); ok {
		line := fmt.Sprintf("%*s%s", 2*depth, "", name)
		if idx, ok := stage["indexName"].(string); ok {
			line += " " + idx
		}
		lines = append(lines, line)
	}
	keys := make([]string, 0, len(stage))
	for k := range stage {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch k {
		case "inputStage", "queryPlan":
			lines = append(lines, describeStages(stage[k], depth+1)...)
		case "inputStages":
			if arr, ok := stage[k].(bson.A); ok {
				for _, in := range arr {
					lines = append(lines, describeStages(in, depth+1)...)
				}
			}
		}
	}
	return lines
}
