package search

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/resource"
	"github.com/trialfhir/trialfhir/fhir/searchparam"
)

// Page sizes: DefaultCount when the client gives none, MaxCount at most.
const (
	DefaultCount = 50
	MaxCount     = 1000
)

// Request is a parsed search: the filter plus how to shape the results.
type Request struct {
	Query    fhir.Query
	Count    int
	Summary  resource.SummaryMode
	Elements []string
	// Total is the _total asked for: "none", "estimate", "accurate", or ""
	// (the server's choice: given when it costs nothing).
	Total string
	// Ignored lists parameters dropped under lenient handling.
	Ignored []string
	// Joins are chained and _has conditions, resolved by the service.
	Joins []Join
	// joinGroups says how many consecutive Joins form one condition (a
	// chain over several target types is an OR of joins).
	joinGroups []int
	// Includes are the _include and _revinclude of the search.
	Includes []Include
	// Explain asks for the query plan (_explain=true) as an outcome entry.
	Explain bool
}

// JoinGroups returns the Joins grouped into conditions: the joins of one
// group are ORed, the groups ANDed.
func (r *Request) JoinGroups() [][]Join {
	var out [][]Join
	i := 0
	for _, n := range r.joinGroups {
		out = append(out, r.Joins[i:i+n])
		i += n
	}
	return out
}

// result parameters shape the Bundle instead of filtering resources.
var result = map[string]bool{
	"_count": true, "_summary": true, "_elements": true, "_format": true, "_pretty": true, "_page": true, "_total": true, "_explain": true,
}

// Parse parses the parameters of a search on typ against the default
// registry. With lenient false an unknown or unsupported parameter is an
// error naming it; with lenient true it is dropped and listed in Ignored.
func Parse(typ string, params url.Values, lenient bool) (*Request, error) {
	return ParseIn(searchparam.Default(), typ, params, lenient)
}

// ParseIn is Parse against registry reg (a server's, with its stored
// SearchParameters). A parameter still being indexed (Pending) is an
// error, lenient or not.
func ParseIn(reg *searchparam.Registry, typ string, params url.Values, lenient bool) (*Request, error) {
	return (&parser{reg: reg, now: time.Now()}).parseDepth(typ, params, lenient, 0)
}

type parser struct {
	reg *searchparam.Registry
	now time.Time
}

func (p *parser) parseDepth(typ string, params url.Values, lenient bool, depth int) (*Request, error) {
	if depth > MaxChainDepth {
		return nil, fhir.Errorf(fhir.CodeTooCostly, "chains and _has nest at most %d levels", MaxChainDepth).WithStatus(400)
	}
	r := &Request{Query: fhir.Query{Type: typ}, Count: DefaultCount}
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, value := range params[name] {
			if err := p.add(r, typ, name, value, depth); err != nil {
				if lenient && fhir.ErrorCode(err) == fhir.CodeNotSupported {
					r.Ignored = append(r.Ignored, name)
					continue
				}
				return nil, err
			}
		}
	}
	return r, nil
}

func (p *parser) add(r *Request, typ, name, value string, depth int) error {
	switch {
	case strings.HasPrefix(name, "_has:"):
		return p.has(r, typ, name, value, depth)
	case strings.HasPrefix(name, "_include") || strings.HasPrefix(name, "_revinclude"):
		return p.include(r, typ, name, value)
	case strings.Contains(name, ".") && !strings.HasPrefix(name, "_"):
		return p.chain(r, typ, name, value, depth)
	}
	base, modifier, _ := strings.Cut(name, ":")
	if base == "_sort" {
		if modifier != "" {
			return unsupportedModifier(base, modifier)
		}
		return p.sort(r, typ, value)
	}
	if result[base] {
		if modifier != "" {
			return unsupportedModifier(base, modifier)
		}
		return r.addResult(base, value)
	}
	if base == "_id" {
		if modifier != "" {
			return unsupportedModifier(base, modifier)
		}
		ids := splitOr(value)
		if len(r.Query.IDs) > 0 {
			ids = intersect(r.Query.IDs, ids) // _id twice: both must hold
			if len(ids) == 0 {
				ids = []string{""} // no id can match
			}
		}
		r.Query.IDs = ids
		return nil
	}
	d, ok := p.reg.Lookup(typ, base)
	if !ok || skippedParams[base] || d.Type == searchparam.Special {
		return fhir.Errorf(fhir.CodeNotSupported, "unknown or unsupported search parameter %q for %s", name, typ).
			At(name).WithStatus(400)
	}
	if d.Pending {
		return beingIndexed(name)
	}
	pred, err := p.pred(d, modifier, value)
	if err != nil {
		return err
	}
	r.Query.Preds = append(r.Query.Preds, pred)
	return nil
}

// beingIndexed is the error for a stored parameter whose reindex has not
// finished: its index would miss resources stored before it, and a search
// that silently misses them is wrong, not lenient.
func beingIndexed(name string) error {
	return fhir.Errorf(fhir.CodeTransient, "search parameter %q is being indexed; try again when its reindex has finished", name).
		At(name).WithStatus(400)
}

// skippedParams are defined by the spec but not indexed (see index.Extract).
var skippedParams = map[string]bool{"_text": true, "_content": true, "_query": true, "_list": true, "_has": true}

// pred parses one parameter occurrence: its comma-separated values are ORed
// (R4 3.1.1.5.7).
func (p *parser) pred(d *searchparam.Definition, modifier, value string) (fhir.Pred, error) {
	if modifier == "missing" {
		switch value {
		case "true":
			return fhir.Pred{Not: true, Any: []fhir.Match{{Kind: fhir.MatchPresent, Param: d.Code}}}, nil
		case "false":
			return fhir.Pred{Any: []fhir.Match{{Kind: fhir.MatchPresent, Param: d.Code}}}, nil
		}
		return fhir.Pred{}, fhir.Errorf(fhir.CodeInvalid, "%s:missing must be true or false", d.Code).At(d.Code + ":missing")
	}
	var pred fhir.Pred
	values := splitOr(value)
	for _, v := range values {
		if v == "" {
			return fhir.Pred{}, fhir.Errorf(fhir.CodeInvalid, "%s has an empty value", d.Code).At(d.Code)
		}
		ms, not, err := p.matches(d, modifier, v)
		if err != nil {
			return fhir.Pred{}, err
		}
		if not {
			if len(values) > 1 {
				return fhir.Pred{}, fhir.Errorf(fhir.CodeNotSupported, "%s: ne or :not cannot be combined with other values", d.Code).At(d.Code).WithStatus(400)
			}
			pred.Not = true
		}
		pred.Any = append(pred.Any, ms...)
	}
	return pred, nil
}

func (p *parser) matches(d *searchparam.Definition, modifier, v string) ([]fhir.Match, bool, error) {
	noModifier := func() error {
		if modifier != "" {
			return unsupportedModifier(d.Code, modifier)
		}
		return nil
	}
	switch d.Type {
	case searchparam.Token:
		ms, err := tokenMatches(d.Code, modifier, v)
		return ms, modifier == "not", err
	case searchparam.String:
		ms, err := stringMatches(d.Code, modifier, v)
		return ms, false, err
	case searchparam.Reference:
		ms, err := referenceMatches(d.Code, modifier, v, d.Target)
		return ms, false, err
	case searchparam.URI:
		ms, err := uriMatches(d.Code, modifier, v)
		return ms, false, err
	case searchparam.Date:
		if err := noModifier(); err != nil {
			return nil, false, err
		}
		return dateMatches(d.Code, v, p.now)
	case searchparam.Number:
		if err := noModifier(); err != nil {
			return nil, false, err
		}
		return numberMatches(d.Code, v)
	case searchparam.Quantity:
		if err := noModifier(); err != nil {
			return nil, false, err
		}
		return quantityMatches(d.Code, v)
	case searchparam.Composite:
		if err := noModifier(); err != nil {
			return nil, false, err
		}
		return p.compositeMatches(d, v, p.now)
	}
	return nil, false, fhir.Errorf(fhir.CodeNotSupported, "search parameter %s is not supported", d.Code).At(d.Code).WithStatus(400)
}

func (r *Request) addResult(name, value string) error {
	switch name {
	case "_count":
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 {
			return fhir.Errorf(fhir.CodeInvalid, "_count must be a non-negative integer").At("_count")
		}
		r.Count = min(n, MaxCount)
	case "_summary":
		m, err := resource.ParseSummary(value)
		if err != nil {
			return err
		}
		r.Summary = m
	case "_elements":
		r.Elements = append(r.Elements, strings.Split(value, ",")...)
	case "_total":
		if value != "none" && value != "estimate" && value != "accurate" {
			return fhir.Errorf(fhir.CodeInvalid, "_total must be none, estimate or accurate").At("_total")
		}
		r.Total = value
	case "_explain":
		if value != "true" && value != "false" {
			return fhir.Errorf(fhir.CodeInvalid, "_explain must be true or false").At("_explain")
		}
		r.Explain = value == "true"
	}
	// _format, _pretty and _page are read by the HTTP layer.
	return nil
}

// splitOr splits a parameter value on commas not escaped with a backslash
// and removes the escapes (R4 3.1.1.5.7).
func splitOr(value string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case c == '\\' && i+1 < len(value):
			i++
			cur.WriteByte(value[i])
		case c == ',':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(out, cur.String())
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// ParseCondition parses the query of a conditional interaction: the value
// of If-None-Exist, or the query string of a conditional update or delete,
// optionally prefixed "Type?". A condition must filter (R4 3.1.0.8 forbids
// an empty one) and is always strict: dropping an unknown filter would widen
// the match and update or delete the wrong resource.
func ParseCondition(typ, condition string) (fhir.Query, error) {
	return ParseConditionIn(searchparam.Default(), typ, condition)
}

// ParseConditionIn is ParseCondition against registry reg.
func ParseConditionIn(reg *searchparam.Registry, typ, condition string) (fhir.Query, error) {
	if i := strings.IndexByte(condition, '?'); i >= 0 {
		if prefix := condition[:i]; prefix != typ && prefix != "" {
			return fhir.Query{}, fhir.Errorf(fhir.CodeInvalid, "condition is for %s, not %s", prefix, typ)
		}
		condition = condition[i+1:]
	}
	params, err := url.ParseQuery(condition)
	if err != nil {
		return fhir.Query{}, fhir.Errorf(fhir.CodeInvalid, "condition is not a valid query string")
	}
	for name := range params {
		if result[name] {
			delete(params, name)
		}
	}
	req, err := ParseIn(reg, typ, params, false)
	if err != nil {
		return fhir.Query{}, err
	}
	if len(req.Joins) > 0 || len(req.Includes) > 0 {
		return fhir.Query{}, fhir.Errorf(fhir.CodeNotSupported, "a condition cannot use chains, _has or _include").WithStatus(400)
	}
	if len(req.Query.IDs) == 0 && len(req.Query.Preds) == 0 {
		return fhir.Query{}, fhir.Errorf(fhir.CodeInvalid, "a conditional interaction needs at least one search criterion")
	}
	return req.Query, nil
}

// LockNames returns the names of the store locks that make a conditional
// interaction on q atomic. They are derived from the values searched, not
// from the query text, so "identifier=a|1" and "identifier=a|1&_id=x" contend
// for the same lock; sorted, so that taking several never deadlocks. A
// condition with no exact value to lock on (name=smith&birthdate=2000,
// gender:missing=false) takes the lock of its whole type, so that a bundle
// sent twice at once still creates its resource once.
func LockNames(q fhir.Query) []string {
	var names []string
	for _, id := range q.IDs {
		names = append(names, q.Type+"/_id/"+id)
	}
	for _, p := range q.Preds {
		for _, m := range p.Any {
			if m.Kind == fhir.MatchKey && !p.Not {
				names = append(names, q.Type+"/"+index.LockName(m.Key))
			}
		}
	}
	if len(names) == 0 {
		return []string{q.Type}
	}
	sort.Strings(names)
	out := names[:0]
	for i, n := range names {
		if i == 0 || n != names[i-1] {
			out = append(out, n)
		}
	}
	return out
}

// Param describes a supported search parameter, for the CapabilityStatement.
type Param struct {
	Name, Type, Definition, Documentation string
}

// Params lists the search parameters supported on typ by the default
// registry.
func Params(typ string) []Param { return ParamsIn(searchparam.Default(), typ) }

// ParamsIn lists the search parameters supported on typ by reg; stored
// ones still being indexed are left out until they can be searched.
func ParamsIn(reg *searchparam.Registry, typ string) []Param {
	ps := []Param{{Name: "_id", Type: "token", Definition: "http://hl7.org/fhir/SearchParameter/Resource-id",
		Documentation: "logical id of the resource"}}
	for _, d := range reg.For(typ) {
		if d.Code == "_id" || skippedParams[d.Code] || d.Type == searchparam.Special || d.Expression == "" || d.Pending {
			continue
		}
		ps = append(ps, Param{Name: d.Code, Type: string(d.Type), Definition: d.URL})
	}
	return ps
}
