package mongo

import (
	"encoding/base64"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/trialfhir/trialfhir/fhir"
)

// historyCursor is the position of a version in history order, (lu desc,
// _id desc). The order is total (_id is unique), and a new version gets a
// current time, so it sorts before any cursor handed out earlier: pages
// continue strictly after a cursor and never shift.
type historyCursor struct {
	LU bson.DateTime
	ID string
}

// String encodes c as base64url("<lu millis>|<_id>"): opaque to clients, and
// safe in a URL query without escaping.
func (c historyCursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(int64(c.LU), 10) + "|" + c.ID))
}

// parseHistoryCursor decodes a Next value; anything else is CodeInvalid.
func parseHistoryCursor(s string) (historyCursor, error) {
	invalid := fhir.Errorf(fhir.CodeInvalid, "mongo: invalid history cursor")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return historyCursor{}, invalid
	}
	ms, id, ok := strings.Cut(string(raw), "|")
	if !ok || id == "" {
		return historyCursor{}, invalid
	}
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return historyCursor{}, invalid
	}
	return historyCursor{LU: bson.DateTime(n), ID: id}, nil
}

// after is the filter for positions strictly after c in history order.
func (c historyCursor) after() bson.D {
	return bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "lu", Value: bson.D{{Key: "$lt", Value: c.LU}}}},
		bson.D{{Key: "lu", Value: c.LU}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: c.ID}}}},
	}}}
}
