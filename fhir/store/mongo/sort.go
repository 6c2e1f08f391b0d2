package mongo

import (
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/trialfhir/trialfhir/fhir"
)

// MaxSortCandidates bounds the resources a sorted search orders in memory.
const MaxSortCandidates = 20000

// searchSorted answers a query with _sort. The sort values are aggregates
// over index arrays (lowest value ascending, highest descending, missing
// last), which a MongoDB sort on an array field does not express for one
// parameter among many, so candidates are ordered here with the reference
// fhir.CompareSort; the filter still uses the indexes, and a search that
// matches more than MaxSortCandidates is refused rather than half sorted.
func (s *Store) searchSorted(ctx context.Context, q fhir.Query) ([]fhir.Resource, error) {
	if q.After != "" && !fhir.ValidCursor(q.Sort, q.AfterSort) {
		return nil, fhir.Errorf(fhir.CodeInvalid, "mongo: the sort cursor does not fit the sort keys")
	}
	unpaged := q
	unpaged.After, unpaged.AfterSort, unpaged.Limit = "", nil, 0
	filter, _, none := s.searchFilter(unpaged)
	if none {
		return nil, nil
	}
	cur, err := s.resources.Find(ctx, filter, options.Find().SetLimit(MaxSortCandidates+1))
	if err != nil {
		return nil, dbError("search", err)
	}
	defer cur.Close(ctx)
	var all []fhir.Resource
	for cur.Next(ctx) {
		var d document
		if err := cur.Decode(&d); err != nil {
			return nil, dbError("search", err)
		}
		if r := d.resource(); holdsAll(q.Preds, &r.Index) {
			r.Sort = fhir.SortValues(q.Sort, r.ID, &r.Index)
			all = append(all, r)
		}
	}
	if err := cur.Err(); err != nil {
		return nil, dbError("search", err)
	}
	if len(all) > MaxSortCandidates {
		return nil, fhir.Errorf(fhir.CodeTooCostly, "a sorted search may match at most %d resources; narrow it", MaxSortCandidates).WithStatus(400)
	}
	slices.SortFunc(all, func(a, b fhir.Resource) int { return fhir.CompareSort(q.Sort, a.Sort, a.ID, b.Sort, b.ID) })
	if q.After != "" {
		i, _ := slices.BinarySearchFunc(all, q, func(r fhir.Resource, q fhir.Query) int {
			if fhir.CompareSort(q.Sort, r.Sort, r.ID, q.AfterSort, q.After) <= 0 {
				return -1
			}
			return 1
		})
		all = all[i:]
	}
	if q.Limit > 0 && len(all) > q.Limit {
		all = all[:q.Limit]
	}
	return all, nil
}
