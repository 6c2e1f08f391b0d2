package resource

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/internal/jsonscan"
)

// Render returns the version of d the server stores: the JSON the client
// sent, compacted, with resourceType, id and meta first, the id set to id
// and meta.versionId and meta.lastUpdated set to version and lastUpdated
// (the rest of meta, profiles, tags and security labels, kept as sent).
//
// The body is spliced rather than rendered from the parsed proto: Parse has
// validated exactly these bytes, and re-marshalling them through google/fhir
// cost as much CPU as parsing them (docs/benchmarks.md, ingest).
func (d *Doc) Render(id string, version int64, lastUpdated time.Time) ([]byte, error) {
	return render(d.body, d.Type, id, version, lastUpdated)
}

// Resent reports whether body, a resource as a client sent it for
// typ/id, renders exactly to stored, the current version of typ/id with
// that version and lastUpdated. Then body is valid (stored was, and
// rendering keeps every byte of content), and an update with it would
// change nothing: it need not be parsed. A body with another id or type
// is never resent, so that the update refuses it as it should.
func Resent(body []byte, typ, id string, version int64, lastUpdated time.Time, stored []byte) bool {
	if !json.Valid(body) {
		return false
	}
	props, err := properties(body)
	if err != nil {
		return false
	}
	// The id and resourceType are replaced by rendering: they must be
	// the ones the update names, or the update must refuse the body.
	want := map[string]string{"id": id, "resourceType": typ}
	found := 0
	for _, p := range props {
		if w, ok := want[p.name]; ok {
			var v string
			if json.Unmarshal(p.value, &v) != nil || v != w {
				return false
			}
			found++
		}
	}
	if found != len(want) {
		return false
	}
	out, err := render(body, typ, id, version, lastUpdated)
	return err == nil && bytes.Equal(out, stored)
}

func render(body []byte, typ, id string, version int64, lastUpdated time.Time) ([]byte, error) {
	compact, ok := appendCompact(make([]byte, 0, len(body)), body)
	if !ok {
		var buf bytes.Buffer
		if err := json.Compact(&buf, body); err != nil {
			return nil, &fhir.Error{Code: fhir.CodeException, Message: "cannot render resource", Err: err}
		}
		compact = buf.Bytes()
	}
	props, err := properties(compact)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(compact)+96)
	out = append(out, `{"resourceType":`...)
	out = strconv.AppendQuote(out, typ)
	out = append(out, `,"id":`...)
	out = strconv.AppendQuote(out, id)
	out = append(out, `,"meta":{"versionId":"`...)
	out = strconv.AppendInt(out, version, 10)
	out = append(out, `","lastUpdated":"`...)
	out = lastUpdated.UTC().AppendFormat(out, instantLayout)
	out = append(out, '"')
	for _, p := range props {
		if p.name != "meta" {
			continue
		}
		meta, err := properties(p.value)
		if err != nil {
			return nil, err
		}
		for _, m := range meta {
			switch m.name {
			case "versionId", "_versionId", "lastUpdated", "_lastUpdated":
				// The server's own values replace the client's, with
				// any extensions the client put on them.
			default:
				out = appendMember(append(out, ','), m)
			}
		}
	}
	out = append(out, '}')
	for _, p := range props {
		switch p.name {
		case "resourceType", "id", "_id", "meta":
		default:
			out = appendMember(append(out, ','), p)
		}
	}
	return append(out, '}'), nil
}

// instantLayout is how the server writes meta.lastUpdated: UTC, to the
// millisecond it keeps.
const instantLayout = "2006-01-02T15:04:05.000Z"

func appendMember(out []byte, p property) []byte {
	out = strconv.AppendQuote(out, p.name)
	out = append(out, ':')
	return append(out, p.value...)
}

// properties lists the members of a JSON object in order, each value as
// its raw bytes. The object must be valid JSON (every caller has it from
// Parse or from the store); whitespace between tokens is allowed.
func properties(obj []byte) ([]property, error) {
	ms, ok := jsonscan.Members(obj)
	if !ok {
		return nil, fhir.Errorf(fhir.CodeException, "stored resource is not a JSON object")
	}
	props := make([]property, len(ms))
	for i, m := range ms {
		props[i] = property{name: m.Name, value: m.Value}
	}
	return props, nil
}
