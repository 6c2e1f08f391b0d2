package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/trialfhir/trialfhir/fhir"
)

// Search returns current, non-deleted resources of q.Type matching every
// clause, ordered by id.
func (s *Store) Search(ctx context.Context, q fhir.Query) ([]fhir.Resource, error) {
	if q.Limit < 0 {
		return nil, fhir.Errorf(fhir.CodeInvalid, "mongo: negative search limit")
	}
	cur, err := s.resources.Find(ctx, searchFilter(q),
		options.Find().SetSort(bson.D{{Key: "id", Value: 1}}).SetLimit(int64(q.Limit)))
	if err != nil {
		return nil, dbError("search", err)
	}
	var docs []document
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbError("search", err)
	}
	var out []fhir.Resource
	for i := range docs {
		out = append(out, docs[i].resource())
	}
	return out, nil
}

// searchFilter compiles q. Each clause is {keys: {$in: clause}} (the array
// field holds any of the keys) and clauses are joined by $and, rather than
// $all or $elemMatch: plain $in on an array is the form MongoDB and FerretDB
// both index and evaluate alike.
func searchFilter(q fhir.Query) bson.D {
	and := bson.A{
		bson.D{{Key: "type", Value: q.Type}},
		bson.D{{Key: "del", Value: false}},
	}
	for _, clause := range q.Clauses {
		// An empty clause is an OR of nothing: it matches nothing, and so
		// does $in with an empty list.
		keys := clause
		if keys == nil {
			keys = []string{}
		}
		and = append(and, bson.D{{Key: "keys", Value: bson.D{{Key: "$in", Value: keys}}}})
	}
	if len(q.IDs) > 0 {
		and = append(and, bson.D{{Key: "id", Value: bson.D{{Key: "$in", Value: q.IDs}}}})
	}
	if q.After != "" {
		and = append(and, bson.D{{Key: "id", Value: bson.D{{Key: "$gt", Value: q.After}}}})
	}
	return bson.D{{Key: "$and", Value: and}}
}
