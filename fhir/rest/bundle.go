package rest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/search"
	"github.com/trialfhir/trialfhir/fhir/service"
)

type link struct {
	Relation string `json:"relation"`
	URL      string `json:"url"`
}

type entryRequest struct {
	Method string `json:"method"`
	URL    string `json:"url"`
}

type entryResponse struct {
	Status       string          `json:"status"`
	Location     string          `json:"location,omitempty"`
	Etag         string          `json:"etag,omitempty"`
	LastModified string          `json:"lastModified,omitempty"`
	Outcome      json.RawMessage `json:"outcome,omitempty"`
}

type entrySearch struct {
	Mode string `json:"mode"`
}

type entry struct {
	FullURL  string          `json:"fullUrl,omitempty"`
	Resource json.RawMessage `json:"resource,omitempty"`
	Search   *entrySearch    `json:"search,omitempty"`
	Request  *entryRequest   `json:"request,omitempty"`
	Response *entryResponse  `json:"response,omitempty"`
}

type bundleMeta struct {
	LastUpdated string `json:"lastUpdated"`
}

type bundle struct {
	ResourceType string     `json:"resourceType"`
	ID           string     `json:"id"`
	Meta         bundleMeta `json:"meta"`
	Type         string     `json:"type"`
	Total        *int       `json:"total,omitempty"`
	Link         []link     `json:"link,omitempty"`
	Entry        []entry    `json:"entry,omitempty"`
}

func newBundle(typ string) *bundle {
	return &bundle{ResourceType: "Bundle", ID: uuid.NewString(), Type: typ,
		Meta: bundleMeta{LastUpdated: time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00")}}
}

// History paging defaults and cap.
const (
	DefaultHistoryCount = 50
	MaxHistoryCount     = 1000
)

// historyParams are the parameters _history accepts (R4 3.1.0.12).
var historyParams = map[string]bool{"_since": true, "_count": true, "_page": true, "_format": true, "_pretty": true}

func (a *api) systemHistory(c echo.Context) error { return a.history(c, "", "") }
func (a *api) typeHistory(c echo.Context) error   { return a.history(c, c.Param("type"), "") }
func (a *api) instanceHistory(c echo.Context) error {
	return a.history(c, c.Param("type"), c.Param("id"))
}

func (a *api) history(c echo.Context, typ, id string) error {
	q, err := historyQuery(c.QueryParams())
	if err != nil {
		return err
	}
	q.Type, q.ID = typ, id
	page, err := a.svc.History(c.Request().Context(), q)
	if err != nil {
		return err
	}
	b := newBundle("history")
	base := a.baseURL(c)
	self := base + strings.TrimPrefix(c.Request().URL.Path, "/fhir")
	b.Link = append(b.Link, link{"self", self + queryOf(c.QueryParams())})
	if page.Next != "" {
		next := cloneValues(c.QueryParams())
		next.Set("_page", page.Next)
		b.Link = append(b.Link, link{"next", self + "?" + next.Encode()})
	}
	for i := range page.Versions {
		b.Entry = append(b.Entry, historyEntry(base, &page.Versions[i]))
	}
	return writeBundle(c, b)
}

func historyQuery(params url.Values) (fhir.HistoryQuery, error) {
	q := fhir.HistoryQuery{Limit: DefaultHistoryCount}
	for name := range params {
		if !historyParams[name] {
			return q, fhir.Errorf(fhir.CodeNotSupported, "parameter %q is not supported on _history", name).At(name)
		}
	}
	if s := params.Get("_since"); s != "" {
		t, err := parseInstant(s)
		if err != nil {
			return q, err
		}
		q.Since = t
	}
	if s := params.Get("_count"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, fhir.Errorf(fhir.CodeInvalid, "_count must be a positive integer").At("_count")
		}
		q.Limit = min(n, MaxHistoryCount)
	}
	q.Cursor = params.Get("_page")
	return q, nil
}

// parseInstant reads an instant; a dateTime without time zone is refused,
// since _since needs an exact point in time.
func parseInstant(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, fhir.Errorf(fhir.CodeInvalid, "_since must be an instant such as 2026-01-02T03:04:05Z").At("_since")
}

func historyEntry(base string, r *fhir.Resource) entry {
	e := entry{FullURL: base + "/" + r.Ref(), Response: &entryResponse{
		Etag: etag(r.VersionID), LastModified: r.LastUpdated.UTC().Format("2006-01-02T15:04:05.000Z07:00")}}
	switch {
	case r.Deleted:
		e.Request = &entryRequest{Method: http.MethodDelete, URL: r.Ref()}
		e.Response.Status = "204 No Content"
	case r.Method == http.MethodPost:
		e.Request = &entryRequest{Method: http.MethodPost, URL: r.Type}
		e.Response.Status = "201 Created"
	default:
		e.Request = &entryRequest{Method: http.MethodPut, URL: r.Ref()}
		e.Response.Status = "200 OK"
		if r.VersionID == 1 {
			e.Response.Status = "201 Created"
		}
	}
	if !r.Deleted {
		e.Resource = r.Body
	}
	return e
}

func (a *api) search(c echo.Context) error {
	params, err := c.FormParams() // query string, plus the form body of POST _search
	if err != nil {
		return fhir.Errorf(fhir.CodeInvalid, "cannot read search parameters")
	}
	var after service.Cursor
	var back []service.Cursor
	if token := params.Get("_page"); token != "" {
		st, err := a.pages.open(token)
		if err != nil {
			return err
		}
		params, after, back = st.Query, st.Cursor, st.Back
	}
	req, err := search.ParseIn(a.svc.Registry(), c.Param("type"), params, preferOf(c).lenient)
	if err != nil {
		return err
	}
	b := newBundle("searchset")
	base := a.baseURL(c)
	self := base + "/" + c.Param("type")
	b.Link = append(b.Link, link{"self", base + c.Request().URL.RequestURI()[len("/fhir"):]})
	ctx := c.Request().Context()
	if req.Summary == "count" || req.Count == 0 {
		if b.Total, err = a.count(c, req); err != nil {
			return err
		}
		return writeBundle(c, b)
	}
	page, err := a.svc.SearchPage(ctx, req, after, req.Count)
	if err != nil {
		return err
	}
	// first, previous and next travel sealed like next always did; the
	// token carries where the earlier pages started, so previous is as
	// stable as next (R4 3.1.1.5.8; keyset, no offset).
	var next service.Cursor
	if page.More { // Next needs a match to start after
		next = page.Next()
	}
	pageLinks := []struct {
		rel  string
		show bool
		st   pageState
	}{
		{"first", after.ID != "", pageState{Query: params}},
		{"previous", len(back) > 0, pageState{Query: params, Cursor: lastOf(back), Back: butLast(back)}},
		{"next", page.More, pageState{Query: params, Cursor: next, Back: pushBack(back, after)}},
	}
	for _, pl := range pageLinks {
		if !pl.show {
			continue
		}
		token, err := a.pages.seal(pl.st)
		if err != nil {
			return fhir.AsError(err)
		}
		q := url.Values{"_page": {token}}
		for _, keep := range []string{"_format", "_pretty"} {
			if v := c.QueryParam(keep); v != "" {
				q.Set(keep, v)
			}
		}
		b.Link = append(b.Link, link{pl.rel, self + "?" + q.Encode()})
	}
	switch {
	case req.Total == "none":
	case !page.More && after.ID == "":
		n := len(page.Matches) // the whole result is on this page
		b.Total = &n
	case req.Total == "accurate" || req.Total == "estimate":
		if b.Total, err = a.count(c, req); err != nil {
			return err
		}
	}
	for _, group := range []struct {
		mode      string
		resources []fhir.Resource
	}{{"match", page.Matches}, {"include", page.Included}} {
		for i := range group.resources {
			r := &group.resources[i]
			body, err := subsetOf(c, r)
			if err != nil {
				return err
			}
			b.Entry = append(b.Entry, entry{FullURL: base + "/" + r.Ref(), Resource: body, Search: &entrySearch{Mode: group.mode}})
		}
	}
	if req.Explain {
		plan, err := a.svc.Explain(ctx, req)
		if err != nil {
			return err
		}
		b.Entry = append(b.Entry, entry{Resource: planOutcome(plan), Search: &entrySearch{Mode: "outcome"}})
	}
	if len(req.Ignored) > 0 {
		b.Entry = append(b.Entry, entry{Resource: information("not-supported", "warning",
			"parameters ignored: "+strings.Join(req.Ignored, ", ")), Search: &entrySearch{Mode: "outcome"}})
	}
	return writeBundle(c, b)
}

// count runs the whole search for Bundle.total.
func (a *api) count(c echo.Context, req *search.Request) (*int, error) {
	q, err := a.svc.Resolve(c.Request().Context(), req)
	if err != nil {
		return nil, err
	}
	q.Sort = nil // order does not change a count
	all, err := a.svc.Search(c.Request().Context(), q)
	if err != nil {
		return nil, err
	}
	n := len(all)
	return &n, nil
}

func writeBundle(c echo.Context, b *bundle) error {
	body, err := json.Marshal(b)
	if err != nil {
		return fhir.AsError(err)
	}
	return writeRaw(c, http.StatusOK, body)
}

func queryOf(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
