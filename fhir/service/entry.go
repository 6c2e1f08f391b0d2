package service

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/search"
)

// Entry is one entry of a batch or transaction Bundle, as decoded by the
// transport.
type Entry struct {
	FullURL  string
	Resource []byte // the resource JSON; nil when the entry has none
	Request  EntryRequest
}

// EntryRequest is Bundle.entry.request.
type EntryRequest struct {
	Method          string
	URL             string
	IfNoneMatch     string
	IfModifiedSince string
	IfMatch         string
	IfNoneExist     string
}

// EntryResult is what one entry did: Outcome and Resource for writes and
// reads, Search for a search, Err for an entry of a batch that failed.
type EntryResult struct {
	Outcome  Outcome
	Resource *fhir.Resource
	// Search and SearchRequest hold the page of a GET search entry.
	Search        *SearchResult
	SearchRequest *search.Request
	Err           error
}

// The outcomes of read entries.
const (
	Found       Outcome = iota + 100 // a read: 200
	Searched                         // a search: 200
	NotModified                      // a read whose If-None-Match or If-Modified-Since held: 304
)

// target is an entry's request URL taken apart: Type, Type/id,
// Type/id/_history/vid or Type?query.
type target struct {
	method  string
	typ     string
	id      string
	vid     int64
	query   string // the condition or search, without '?'
	search  bool   // GET Type or Type?query
	ifMatch *int64
	patch   patcher // the JSON Patch or FHIRPath Patch of a PATCH
}

func entryExpr(i int, rest ...string) string {
	return fmt.Sprintf("Bundle.entry[%d]", i) + strings.Join(rest, "")
}

// entryErr returns err, as an *fhir.Error, naming entry i first among its
// expressions.
func entryErr(i int, err error) *fhir.Error {
	fe := *fhir.AsError(err)
	fe.Expression = append([]string{entryExpr(i)}, fe.Expression...)
	if fe.Diagnostics == "" && fe.Code != fhir.CodeException {
		fe.Diagnostics = fmt.Sprintf("entry %d: %s", i, fe.Message)
	}
	return &fe
}

// parseTarget reads entry.request: method and URL (R4 3.1.0.11.1: the URL
// is relative to the base; an absolute URL on another server is refused).
func parseTarget(e *Entry) (*target, error) {
	t := &target{method: strings.ToUpper(e.Request.Method)}
	raw := e.Request.URL
	if raw == "" {
		return nil, fhir.Errorf(fhir.CodeRequired, "entry.request.url is missing").At("request.url")
	}
	if p, _, _ := strings.Cut(raw, "?"); strings.Contains(p, "://") {
		// The transport makes URLs on its own base relative; any other
		// absolute URL is another server's.
		return nil, fhir.Errorf(fhir.CodeInvalid, "entry.request.url is an absolute URL that is not on this server's base").At("request.url")
	}
	raw = strings.TrimPrefix(raw, "/")
	path, query, hasQuery := strings.Cut(raw, "?")
	t.query = query
	parts := strings.Split(path, "/")
	if strings.Contains(path, "$") {
		return nil, fhir.Errorf(fhir.CodeNotSupported, "operations are not supported in a batch or transaction").At("request.url")
	}
	t.typ = parts[0]
	if err := checkType(t.typ); err != nil {
		return nil, fhir.Errorf(fhir.CodeNotFound, "unknown resource type in entry.request.url").At("request.url")
	}
	switch len(parts) {
	case 1:
	case 2:
		t.id = parts[1]
	case 4:
		if parts[2] != "_history" {
			return nil, badURL()
		}
		t.id = parts[1]
		v, err := strconv.ParseInt(parts[3], 10, 64)
		if err != nil || v < 1 {
			return nil, badURL()
		}
		t.vid = v
	default:
		return nil, badURL()
	}
	if t.id == "" && len(parts) > 1 {
		return nil, badURL()
	}
	if e.Request.IfMatch != "" {
		v, ok := ParseETag(e.Request.IfMatch)
		if !ok {
			return nil, fhir.Errorf(fhir.CodeInvalid, `ifMatch must be a version ETag such as W/"3"`).At("request.ifMatch")
		}
		t.ifMatch = &v
	}
	switch t.method {
	case "GET", "HEAD":
		t.search = t.id == ""
	case "POST":
		if t.id != "" || hasQuery {
			return nil, fhir.Errorf(fhir.CodeInvalid, "a POST entry's url is the resource type").At("request.url")
		}
	case "PUT", "DELETE", "PATCH":
		if t.vid != 0 || (t.id == "" && !hasQuery) || (t.id != "" && hasQuery) {
			return nil, fhir.Errorf(fhir.CodeInvalid, "a %s entry's url is Type/id or Type?condition", t.method).At("request.url")
		}
	default:
		return nil, fhir.Errorf(fhir.CodeInvalid, "entry.request.method %q is not GET, HEAD, POST, PUT, PATCH or DELETE", e.Request.Method).At("request.method")
	}
	if (t.method == "POST" || t.method == "PUT" || t.method == "PATCH") && len(e.Resource) == 0 {
		return nil, fhir.Errorf(fhir.CodeRequired, "a %s entry needs a resource", t.method).At("resource")
	}
	if t.method == "PATCH" {
		apply, err := patchOf(e.Resource)
		if err != nil {
			return nil, err
		}
		t.patch = apply
	}
	return t, nil
}

func badURL() error {
	return fhir.Errorf(fhir.CodeInvalid, "entry.request.url must be Type, Type/id, Type/id/_history/vid or Type?query").At("request.url")
}

// ParseETag reads a version ETag: W/"3", "3" or 3.
func ParseETag(h string) (int64, bool) {
	h = strings.TrimSpace(h)
	h = strings.TrimPrefix(h, "W/")
	h = strings.Trim(h, `"`)
	v, err := strconv.ParseInt(h, 10, 64)
	return v, err == nil && v > 0
}

// get carries out a GET or HEAD entry: read, vread or search, with the
// entry's conditional-read settings.
func (s *Service) get(ctx context.Context, t *target, req EntryRequest) EntryResult {
	if t.search {
		sreq, err := s.searchOf(t)
		if err != nil {
			return EntryResult{Err: err}
		}
		page, err := s.SearchPage(ctx, sreq, Cursor{}, sreq.Count)
		if err != nil {
			return EntryResult{Err: err}
		}
		return EntryResult{Outcome: Searched, Search: page, SearchRequest: sreq}
	}
	var r *fhir.Resource
	var err error
	if t.vid != 0 {
		r, err = s.VRead(ctx, t.typ, t.id, t.vid)
	} else {
		r, err = s.Read(ctx, t.typ, t.id)
	}
	if err != nil {
		return EntryResult{Err: err, Resource: r}
	}
	if notModified(r, req) {
		return EntryResult{Outcome: NotModified, Resource: r}
	}
	return EntryResult{Outcome: Found, Resource: r}
}

// searchOf parses the search of a GET entry; lenient, as the official
// batch examples expect: a parameter this server does not know (such as
// _list) is ignored, not an error.
func (s *Service) searchOf(t *target) (*search.Request, error) {
	params, err := url.ParseQuery(t.query)
	if err != nil {
		return nil, fhir.Errorf(fhir.CodeInvalid, "entry.request.url has a malformed query").At("request.url")
	}
	return search.ParseIn(s.Registry(), t.typ, params, true)
}

// notModified applies ifNoneMatch and ifModifiedSince to a read (R4
// 3.1.0.5.1); ifModifiedSince is ignored when ifNoneMatch is given.
func notModified(r *fhir.Resource, req EntryRequest) bool {
	if req.IfNoneMatch != "" {
		for _, tag := range strings.Split(req.IfNoneMatch, ",") {
			if strings.TrimSpace(tag) == "*" {
				return true
			}
			if v, ok := ParseETag(tag); ok && v == r.VersionID {
				return true
			}
		}
		return false
	}
	if req.IfModifiedSince != "" {
		if t, err := time.Parse(time.RFC3339Nano, req.IfModifiedSince); err == nil {
			return !r.LastUpdated.After(t)
		}
		if t, err := time.Parse(time.RFC1123, req.IfModifiedSince); err == nil {
			return !r.LastUpdated.Truncate(time.Second).After(t)
		}
	}
	return false
}
