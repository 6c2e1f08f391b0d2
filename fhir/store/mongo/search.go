package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/trialfhir/trialfhir/fhir"
)

// Search returns current, non-deleted resources of q.Type for which every
// predicate holds, ordered by id. The filter selects a superset where a
// predicate cannot be compiled exactly (see predFilter); every document
// fetched is then checked with Pred.Holds, the reference semantics.
func (s *Store) Search(ctx context.Context, q fhir.Query) ([]fhir.Resource, error) {
	if q.Limit < 0 {
		return nil, fhir.Errorf(fhir.CodeInvalid, "mongo: negative search limit")
	}
	if len(q.Sort) > 0 {
		return s.searchSorted(ctx, q)
	}
	filter, exact, none := s.searchFilter(q)
	if none {
		return nil, nil
	}
	opts := options.Find().SetSort(bson.D{{Key: "id", Value: 1}})
	if q.Limit > 0 && exact {
		opts.SetLimit(int64(q.Limit))
	} else if q.Limit > 0 {
		// The check may drop documents, so the limit is applied here, in id
		// order; batches a bit larger than it save round trips.
		opts.SetBatchSize(int32(min(max(2*q.Limit, 16), 1000)))
	}
	cur, err := s.resources.Find(ctx, filter, opts)
	if err != nil {
		return nil, dbError("search", err)
	}
	defer cur.Close(ctx) // kills the server cursor when the limit stops early
	var out []fhir.Resource
	for (q.Limit == 0 || len(out) < q.Limit) && cur.Next(ctx) {
		var d document
		if err := cur.Decode(&d); err != nil {
			return nil, dbError("search", err)
		}
		if r := d.resource(); holdsAll(q.Preds, &r.Index) {
			out = append(out, r)
		}
	}
	if err := cur.Err(); err != nil {
		return nil, dbError("search", err)
	}
	return out, nil
}

func holdsAll(preds []fhir.Pred, ix *fhir.Index) bool {
	for _, p := range preds {
		if !p.Holds(ix) {
			return false
		}
	}
	return true
}

// searchFilter compiles q into one $and. exact reports that it selects
// exactly the answer, so that MongoDB may apply the limit; none that the
// answer is empty without asking.
func (s *Store) searchFilter(q fhir.Query) (filter bson.D, exact, none bool) {
	and := bson.A{
		bson.D{{Key: "type", Value: q.Type}},
		bson.D{{Key: "del", Value: false}},
	}
	exact = true
	for _, p := range q.Preds {
		conds, ok, empty := s.predFilter(p)
		if empty {
			return nil, true, true
		}
		exact = exact && ok
		for _, c := range conds {
			and = append(and, c)
		}
	}
	if len(q.IDs) > 0 {
		and = append(and, bson.D{{Key: "id", Value: bson.D{{Key: "$in", Value: q.IDs}}}})
	}
	if q.After != "" {
		and = append(and, bson.D{{Key: "id", Value: bson.D{{Key: "$gt", Value: q.After}}}})
	}
	return bson.D{{Key: "$and", Value: and}}, exact, false
}
