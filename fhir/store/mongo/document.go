package mongo

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
)

// strSep joins the parameter and the value of a string index entry into one
// array element, so that one anchored regex tests both on the same entry.
// Parameters may not contain it (see validIndex), so the first one splits.
const strSep = "\x1f"

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
	Body string `bson:"body,omitempty"`
	// Keys, Strs and Rng are fhir.Resource.Index: Keys its keys and a
	// presenceKey for each of its Present, Strs its strings as
	// "param\x1fvalue", Rng its ranges. Presence among the keys costs no
	// index of its own, and documents written before Present was apart
	// from the keys read the same.
	Keys []string   `bson:"keys"`
	Strs []string   `bson:"strs"`
	Rng  []rangeDoc `bson:"rng"`
	// Txn, set only in history, names the WriteAll that claimed this
	// version while it is unfinished (see journal.go).
	Txn string `bson:"txn,omitempty"`
}

// rangeDoc is one fhir.IndexRange. Sub-documents rather than parallel
// arrays, so that MongoDB's $elemMatch tests both ends on one interval.
type rangeDoc struct {
	P  string  `bson:"p"`
	Lo float64 `bson:"lo"`
	Hi float64 `bson:"hi"`
}

// presencePrefix starts the key that files an Index.Present parameter;
// presenceKey is the index package's spelling, kept for the documents
// already stored with it.
var presencePrefix = index.PresenceKey("")

func presenceKey(param string) string { return index.PresenceKey(param) }

// currentID is the _id of a resource in the resources collection.
func currentID(typ, id string) string { return typ + "/" + id }

// historyID is the _id of one version in the history collection. The vid is
// not zero-padded: nothing sorts on it, the _id only has to be unique.
func historyID(typ, id string, vid int64) string {
	return typ + "/" + id + "/" + strconv.FormatInt(vid, 10)
}

// validIndex reports whether ix can be stored and searched as compiled in
// pred.go: UTF-8 strings (BSON and regexes need it), no strSep in a string
// parameter, no NaN in a range (MongoDB and Go order NaN differently).
func validIndex(ix *fhir.Index) bool {
	for _, k := range ix.Keys {
		if !utf8.ValidString(k) {
			return false
		}
	}
	for _, p := range ix.Present {
		if !utf8.ValidString(p) {
			return false
		}
	}
	for _, s := range ix.Strings {
		if strings.Contains(s.Param, strSep) || !utf8.ValidString(s.Param) || !utf8.ValidString(s.Value) {
			return false
		}
	}
	for _, r := range ix.Ranges {
		if !utf8.ValidString(r.Param) || math.IsNaN(r.Lo) || math.IsNaN(r.Hi) {
			return false
		}
	}
	return true
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
		// Empty arrays rather than null, so every document has the same
		// shape for the search filters.
		Keys: []string{},
		Strs: []string{},
		Rng:  []rangeDoc{},
	}
	if !r.Deleted {
		d.Body = string(r.Body)
		ix := &r.Index
		d.Keys = append(d.Keys, ix.Keys...)
		for _, p := range ix.Present {
			d.Keys = append(d.Keys, presenceKey(p))
		}
		for _, s := range ix.Strings {
			d.Strs = append(d.Strs, s.Param+strSep+s.Value)
		}
		for _, v := range ix.Ranges {
			d.Rng = append(d.Rng, rangeDoc{P: v.Param, Lo: v.Lo, Hi: v.Hi})
		}
	}
	return d
}

// current returns d as it is kept in the resources collection.
func (d *document) current() *document {
	c := *d
	c.ID = currentID(d.Type, d.RID)
	c.Txn = ""
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
	for _, k := range d.Keys {
		if p, ok := strings.CutPrefix(k, presencePrefix); ok {
			r.Index.Present = append(r.Index.Present, p)
		} else {
			r.Index.Keys = append(r.Index.Keys, k)
		}
	}
	for _, s := range d.Strs {
		p, v, _ := strings.Cut(s, strSep)
		r.Index.Strings = append(r.Index.Strings, fhir.IndexString{Param: p, Value: v})
	}
	for _, v := range d.Rng {
		r.Index.Ranges = append(r.Index.Ranges, fhir.IndexRange{Param: v.P, Lo: v.Lo, Hi: v.Hi})
	}
	return r
}
