package rest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/service"
)

// outcomeStatus is the HTTP status of each successful entry outcome.
var outcomeStatus = map[service.Outcome]int{
	service.Created: http.StatusCreated, service.Updated: http.StatusOK, service.Matched: http.StatusOK,
	service.Deleted: http.StatusNoContent, service.NoneFound: http.StatusNoContent,
	service.Found: http.StatusOK, service.Searched: http.StatusOK, service.NotModified: http.StatusNotModified,
}

func statusLine(code int) string { return strconv.Itoa(code) + " " + http.StatusText(code) }

// responseBundle renders the batch-response or transaction-response: per
// entry its status, location, etag and lastModified, and the resource or an
// OperationOutcome as Prefer asks (R4 3.1.0.11.3, 3.1.0.1.8).
func (a *api) responseBundle(c echo.Context, typ string, entries []service.Entry, results []service.EntryResult) []byte {
	b := newBundle(typ)
	ret := preferOf(c).ret
	base := a.baseURL(c)
	b.Entry = make([]entry, len(results))
	for i, res := range results {
		e := entry{Response: &entryResponse{}}
		if res.Err != nil {
			e.Response.Status = statusLine(Status(res.Err))
			e.Response.Outcome = Outcome(res.Err)
			b.Entry[i] = e
			continue
		}
		e.Response.Status = statusLine(outcomeStatus[res.Outcome])
		if r := res.Resource; r != nil {
			e.FullURL = base + "/" + r.Ref()
			e.Response.Etag = etag(r.VersionID)
			e.Response.LastModified = r.LastUpdated.UTC().Format("2006-01-02T15:04:05.000Z07:00")
			if !r.Deleted && entries[i].Request.Method != http.MethodGet && entries[i].Request.Method != http.MethodHead {
				e.Response.Location = r.Ref() + "/_history/" + itoa(r.VersionID)
			}
		}
		switch {
		case res.Outcome == service.Searched:
			e.Resource = a.searchsetOf(base, entries[i].Request.URL, res.Search)
		case res.Outcome == service.Found:
			if !strings.EqualFold(entries[i].Request.Method, http.MethodHead) { // HEAD is GET without the body
				e.Resource = res.Resource.Body
			}
		case ret == "OperationOutcome" && res.Outcome != service.NotModified:
			e.Response.Outcome = information("informational", "information", outcomeText[res.Outcome])
		case res.Outcome == service.NotModified, res.Resource == nil, res.Resource.Deleted:
		case ret == "representation":
			e.Resource = res.Resource.Body
		}
		b.Entry[i] = e
	}
	body, err := json.Marshal(b)
	if err != nil {
		return Outcome(fhir.AsError(err))
	}
	return body
}

var outcomeText = map[service.Outcome]string{service.Created: "created", service.Updated: "updated",
	service.Matched: "a resource matching ifNoneExist already exists; nothing created",
	service.Deleted: "deleted", service.NoneFound: "nothing to delete"}

// searchsetOf renders the page of a search entry as a searchset Bundle,
// with a self link and, when more matches remain, a next link as a
// search's own (R4 3.1.1.5.8).
func (a *api) searchsetOf(base, reqURL string, page *service.SearchResult) []byte {
	s := newBundle("searchset")
	path, query, _ := strings.Cut(strings.TrimPrefix(reqURL, "/"), "?")
	s.Link = append(s.Link, link{"self", base + "/" + strings.TrimPrefix(reqURL, "/")})
	if !page.More {
		n := len(page.Matches)
		s.Total = &n
	} else if params, err := url.ParseQuery(query); err == nil {
		if token, err := a.pages.seal(pageState{Query: params, Cursor: page.Next()}); err == nil {
			s.Link = append(s.Link, link{"next", base + "/" + path + "?" + url.Values{"_page": {token}}.Encode()})
		}
	}
	for _, group := range []struct {
		mode      string
		resources []fhir.Resource
	}{{"match", page.Matches}, {"include", page.Included}} {
		for i := range group.resources {
			r := &group.resources[i]
			s.Entry = append(s.Entry, entry{FullURL: base + "/" + r.Ref(), Resource: r.Body, Search: &entrySearch{Mode: group.mode}})
		}
	}
	body, _ := json.Marshal(s)
	return body
}
