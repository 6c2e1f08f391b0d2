package service

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/resource"
	"github.com/trialfhir/trialfhir/fhir/search"
	"github.com/trialfhir/trialfhir/internal/jsonscan"
)

// txRefs is what a transaction knows of the resources its entries are:
// the fullUrls to rewrite and the resources it deletes.
type txRefs struct {
	s   *Service
	ctx context.Context
	// refs maps a fullUrl (and the Type/id tail of an absolute one) or a
	// resolved conditional reference to Type/id.
	refs     map[string]string
	fullURLs map[string]bool
	// deleted holds the Type/id of every resource a DELETE entry deletes:
	// they are processed first, so later entries no longer find them.
	deleted map[string]bool
}

// add records entry x's fullUrl u; a GET, HEAD or DELETE, or a DELETE
// that finds nothing, is no resource to point to.
func (r *txRefs) add(u string, x *txEntry) {
	if r.fullURLs == nil {
		r.fullURLs = map[string]bool{}
	}
	r.fullURLs[u] = true
	if m := x.t.method; x.id == "" || m == "GET" || m == "HEAD" || m == "DELETE" {
		return
	}
	ref := x.t.typ + "/" + x.id
	r.refs[u] = ref
	// An absolute fullUrl ending in Type/id: relative references to that
	// id resolve against it (R4 2.36.0.5).
	if strings.Contains(u, "://") {
		if tail, ok := typeIDTail(u, x.t.typ); ok {
			r.refs[tail] = ref
		}
	}
}

// rewrite returns body with its references resolved: to an entry's
// fullUrl, or conditional (Type?query). A urn:uuid or urn:oid that is no
// entry's fullUrl is an error (R4 3.1.0.11.2: the server cannot know what
// it is).
func (r *txRefs) rewrite(body []byte) ([]byte, error) {
	var first error
	out := rewriteRefs(body, func(v string) (string, bool) {
		nv, changed, err := r.resolve(v)
		if err != nil && first == nil {
			first = err
		}
		return nv, changed
	}, r.placeholder)
	return out, first
}

// placeholder resolves a urn:uuid or urn:oid fullUrl of the transaction
// found in an element of type uri, url, uuid or oid: R4 3.1.0.11.2 has
// those replaced too. Other values of such elements (canonical URLs among
// them) stay as they are, even when they equal an absolute fullUrl.
func (r *txRefs) placeholder(v string) (string, bool) {
	if !strings.HasPrefix(v, "urn:uuid:") && !strings.HasPrefix(v, "urn:oid:") {
		return v, false
	}
	ref, ok := r.refs[v]
	return ref, ok
}

func (r *txRefs) resolve(v string) (string, bool, error) {
	if ref, ok := r.refs[v]; ok {
		return ref, ref != v, nil
	}
	if strings.HasPrefix(v, "urn:uuid:") || strings.HasPrefix(v, "urn:oid:") {
		return v, false, fhir.Errorf(fhir.CodeInvalid, "the reference %s is to no entry of the transaction", v)
	}
	return r.conditional(v)
}

// conditional resolves a conditional reference, Type?query (R4
// 3.1.0.11.2), to the one resource it matches, caching it. changed is
// false for a value that is not one.
func (r *txRefs) conditional(v string) (string, bool, error) {
	typ, query, found := strings.Cut(v, "?")
	if !found || strings.Contains(typ, "/") || strings.Contains(typ, ":") || !resource.Known(typ) {
		return v, false, nil
	}
	q, err := search.ParseConditionIn(r.s.Registry(), typ, query)
	if err != nil {
		return v, false, err
	}
	matches, err := r.search(q)
	switch {
	case err != nil:
		return v, false, err
	case len(matches) == 0:
		return v, false, fhir.Errorf(fhir.CodeNotFound, "a conditional reference to %s matches nothing", typ)
	case len(matches) > 1:
		return v, false, fhir.Errorf(fhir.CodeMultipleMatches, "a conditional reference to %s matches more than one", typ)
	}
	r.refs[v] = matches[0].Ref()
	return r.refs[v], true, nil
}

// search returns up to two resources matching q that the transaction does
// not delete: enough to tell one match from several.
func (r *txRefs) search(q fhir.Query) ([]fhir.Resource, error) {
	q.Limit = 2 + len(r.deleted)
	matches, err := r.s.store.Search(r.ctx, q)
	if err != nil {
		return nil, err
	}
	kept := matches[:0]
	for _, m := range matches {
		if !r.deleted[m.Ref()] {
			kept = append(kept, m)
		}
	}
	return kept[:min(len(kept), 2)], nil
}

// typeIDTail returns "Type/id" when u ends with it.
func typeIDTail(u, typ string) (string, bool) {
	parts := strings.Split(strings.TrimSuffix(u, "/"), "/")
	if len(parts) < 2 || parts[len(parts)-2] != typ {
		return "", false
	}
	return typ + "/" + parts[len(parts)-1], true
}

// rewriteRefs returns body with every reference rewritten by resolve: each
// string value of a "reference" property, wherever it is (contained
// resources and extensions included), and the href and src attributes of
// narrative "div" values (R4 3.1.0.11.2: "references ... in the narrative
// must be updated too"). Values of properties that are uri, url, uuid or
// oid by their name (uriProperty) go to resolveURI. A resolver reports
// whether it changed a value. The body is scanned once, without decoding
// it: strings of other properties, identifiers among them, are never
// touched, however they look.
func rewriteRefs(body []byte, resolve, resolveURI func(string) (string, bool)) []byte {
	var out []byte
	last := 0 // body[:last] is in out already, when out is not nil
	key := ""
	for i := 0; i < len(body); {
		if body[i] != '"' {
			i++
			continue
		}
		end := jsonscan.Skip(body, i)
		k := end
		for k < len(body) && (body[k] == ' ' || body[k] == '\t' || body[k] == '\n' || body[k] == '\r') {
			k++
		}
		if k < len(body) && body[k] == ':' {
			key = string(body[i+1 : end-1]) // property names have no escapes in FHIR JSON
			i = end
			continue
		}
		if key == "reference" || key == "div" || uriProperty(key) {
			v, _, ok := jsonscan.Read(body, i)
			if !ok {
				ok = json.Unmarshal(body[i:end], &v) == nil
			}
			if ok {
				nv, changed := v, false
				switch key {
				case "reference":
					nv, changed = resolve(v)
				case "div":
					nv, changed = rewriteNarrative(v, resolve)
				default:
					nv, changed = resolveURI(v)
				}
				if changed {
					enc, _ := json.Marshal(nv)
					out = append(append(out, body[last:i]...), enc...)
					last = end
				}
			}
		}
		i = end
	}
	if out == nil {
		return body
	}
	return append(out, body[last:]...)
}

// uriProperty reports whether a property is of a type uri, url, uuid or
// oid by its name: the value[x] and other choice elements of those types
// (valueUri, valueUrl, ...), and the url and uri elements (Attachment.url,
// Extension.url). Without a schema at hand, the name stands for the type; a value is rewritten only when it is a placeholder fullUrl of
// the transaction, so a misjudged name can change nothing else.
func uriProperty(key string) bool {
	if key == "url" || key == "uri" {
		return true
	}
	for _, suffix := range []string{"Uri", "Url", "Uuid", "Oid"} {
		if len(key) > len(suffix) && strings.HasSuffix(key, suffix) {
			return true
		}
	}
	return false
}

// rewriteNarrative rewrites the href and src attributes of XHTML whose
// value resolve knows.
func rewriteNarrative(div string, resolve func(string) (string, bool)) (string, bool) {
	var b strings.Builder
	changed := false
	rest := div
	for {
		at, attrLen := -1, 0
		for _, attr := range []string{`href="`, `src="`, `href='`, `src='`} {
			if j := strings.Index(rest, attr); j >= 0 && (at < 0 || j < at) {
				at, attrLen = j, len(attr)
			}
		}
		if at < 0 {
			break
		}
		quote := rest[at+attrLen-1]
		valStart := at + attrLen
		valEnd := strings.IndexByte(rest[valStart:], quote)
		if valEnd < 0 {
			break
		}
		valEnd += valStart
		b.WriteString(rest[:valStart])
		if nv, ok := resolve(rest[valStart:valEnd]); ok {
			b.WriteString(nv)
			changed = true
		} else {
			b.WriteString(rest[valStart:valEnd])
		}
		rest = rest[valEnd:]
	}
	if !changed {
		return div, false
	}
	b.WriteString(rest)
	return b.String(), true
}
