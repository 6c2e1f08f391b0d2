package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/trialfhir/trialfhir/fhir"
)

// History returns versions newest first, ordered by (lastUpdated, _id)
// descending at every scope. Within one resource that is version order too,
// because lastUpdated strictly increases across its versions; one order for
// all scopes means one cursor scheme.
func (s *Store) History(ctx context.Context, q fhir.HistoryQuery) (*fhir.HistoryPage, error) {
	if q.ID != "" && q.Type == "" {
		return nil, fhir.Errorf(fhir.CodeInvalid, "mongo: instance history needs a type")
	}
	if q.Limit < 0 {
		return nil, fhir.Errorf(fhir.CodeInvalid, "mongo: negative history limit")
	}
	and := bson.A{}
	if q.Type != "" {
		and = append(and, bson.D{{Key: "type", Value: q.Type}})
	}
	if q.ID != "" {
		and = append(and, bson.D{{Key: "id", Value: q.ID}})
	}
	if !q.Since.IsZero() {
		and = append(and, bson.D{{Key: "lu", Value: bson.D{{Key: "$gte", Value: sinceMillis(q.Since)}}}})
	}
	if q.Cursor != "" {
		c, err := parseHistoryCursor(q.Cursor)
		if err != nil {
			return nil, err
		}
		and = append(and, c.after())
	}
	filter := bson.D{}
	if len(and) > 0 {
		filter = bson.D{{Key: "$and", Value: and}}
	}

	opts := options.Find().SetSort(bson.D{{Key: "lu", Value: -1}, {Key: "_id", Value: -1}})
	if q.Limit > 0 {
		// One more than asked tells whether there is a next page.
		opts.SetLimit(int64(q.Limit) + 1)
	}
	cur, err := s.history.Find(ctx, filter, opts)
	if err != nil {
		return nil, dbError("history", err)
	}
	var docs []document
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbError("history", err)
	}

	page := &fhir.HistoryPage{}
	if q.Limit > 0 && len(docs) > q.Limit {
		docs = docs[:q.Limit]
		last := docs[len(docs)-1]
		page.Next = historyCursor{LU: last.LU, ID: last.ID}.String()
	}
	// Versions of an unfinished WriteAll are left out; the page may come
	// out short, the cursor still follows the last document read.
	page.Versions = make([]fhir.Resource, 0, len(docs))
	for i := range docs {
		ok, err := s.visible(ctx, &docs[i])
		if err != nil {
			return nil, err
		}
		if ok {
			page.Versions = append(page.Versions, docs[i].resource())
		}
	}
	return page, nil
}

// sinceMillis is the first stored millisecond at or after since. Stored times
// are whole milliseconds, so a since with a finer part rounds up: truncating
// it would let in versions up to a millisecond older than asked.
func sinceMillis(since time.Time) bson.DateTime {
	ms := bson.NewDateTimeFromTime(since)
	if ms.Time().Before(since) {
		ms++
	}
	return ms
}
