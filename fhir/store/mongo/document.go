package mongo

import (
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/trialfhir/trialfhir/fhir"
)

// document is one resource version as stored, both in history and in
// resources (the newest version, for Search); only _id differs.
type document struct {
	ID     string        `bson:"_id"`
	Type   string        `bson:"type"`
	RID    string        `bson:"id"`
	VID    int64         `bson:"vid"`
	LU     bson.DateTime `bson:"lu"`
	Del    bool          `bson:"del"`
	Method string        `bson:"method"`
	// Body is a string, not a sub-document, so that the JSON comes back byte
	// for byte (decimal precision, key order, whitespace).
	Body string   `bson:"body,omitempty"`
	Keys []string `bson:"keys"`
}

// currentID is the _id of a resource in the resources collection.
func currentID(typ, id string) string { return typ + "/" + id }

// historyID is the _id of one version in the history collection. The vid is
// not zero-padded: nothing sorts on it, the _id only has to be unique.
func historyID(typ, id string, vid int64) string {
	return typ + "/" + id + "/" + strconv.FormatInt(vid, 10)
}

// newDocument returns the history document of r.
func newDocument(r *fhir.Resource) *document {
	d := &document{
		ID:     historyID(r.Type, r.ID, r.VersionID),
		Type:   r.Type,
		RID:    r.ID,
		VID:    r.VersionID,
		LU:     bson.NewDateTimeFromTime(r.LastUpdated),
		Del:    r.Deleted,
		Method: r.Method,
		// An empty array rather than null, so every document has the same
		// shape for $in.
		Keys: []string{},
	}
	if !r.Deleted {
		d.Body = string(r.Body)
		d.Keys = append(d.Keys, r.Index...)
	}
	return d
}

// current returns d as it is kept in the resources collection.
func (d *document) current() *document {
	c := *d
	c.ID = currentID(d.Type, d.RID)
	return &c
}

// resource returns the fhir.Resource d holds.
func (d *document) resource() fhir.Resource {
	r := fhir.Resource{
		Type:        d.Type,
		ID:          d.RID,
		VersionID:   d.VID,
		LastUpdated: d.LU.Time().UTC(),
		Deleted:     d.Del,
		Method:      d.Method,
	}
	if d.Body != "" {
		r.Body = []byte(d.Body)
	}
	if len(d.Keys) > 0 {
		r.Index = d.Keys
	}
	return r
}
