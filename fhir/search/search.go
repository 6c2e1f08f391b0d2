package search

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/resource"
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
	// Ignored lists parameters dropped under lenient handling.
	Ignored []string
}

// result parameters shape the Bundle instead of filtering resources.
var result = map[string]bool{
	"_count": true, "_summary": true, "_elements": true, "_format": true, "_pretty": true, "_page": true,
}

// Parse parses the parameters of a search on typ. With lenient false an
// unknown or unsupported parameter is an error naming it (CodeInvalid);
// with lenient true it is dropped and listed in Ignored.
func Parse(typ string, params url.Values, lenient bool) (*Request, error) {
	r := &Request{Query: fhir.Query{Type: typ}, Count: DefaultCount}
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, value := range params[name] {
			if err := r.add(typ, name, value); err != nil {
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

func (r *Request) add(typ, name, value string) error {
	base, modifier, _ := strings.Cut(name, ":")
	if modifier != "" && (base == "_id" || result[base] || base == "identifier") {
		return fhir.Errorf(fhir.CodeNotSupported, "modifier :%s is not supported on %s", modifier, base).
			At(name).WithStatus(400)
	}
	switch {
	case base == "_id":
		ids := splitOr(value)
		if len(r.Query.IDs) > 0 {
			ids = intersect(r.Query.IDs, ids) // _id twice: both must hold
			if len(ids) == 0 {
				ids = []string{""} // no id can match
			}
		}
		r.Query.IDs = ids
	case base == "identifier" && resource.HasElement(typ, "identifier"):
		var clause []string
		for _, v := range splitOr(value) {
			clause = append(clause, index.TokenKey("identifier", v))
		}
		r.Query.Clauses = append(r.Query.Clauses, clause)
	case base == "_count":
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 {
			return fhir.Errorf(fhir.CodeInvalid, "_count must be a non-negative integer").At("_count")
		}
		r.Count = min(n, MaxCount)
	case base == "_summary":
		m, err := resource.ParseSummary(value)
		if err != nil {
			return err
		}
		r.Summary = m
	case base == "_elements":
		r.Elements = append(r.Elements, strings.Split(value, ",")...)
	case result[base]:
		// _format, _pretty and _page are read by the HTTP layer.
	default:
		return fhir.Errorf(fhir.CodeNotSupported, "unknown or unsupported search parameter %q for %s", name, typ).
			At(name).WithStatus(400)
	}
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
	req, err := Parse(typ, params, false)
	if err != nil {
		return fhir.Query{}, err
	}
	if len(req.Query.IDs) == 0 && len(req.Query.Clauses) == 0 {
		return fhir.Query{}, fhir.Errorf(fhir.CodeInvalid, "a conditional interaction needs at least one search criterion")
	}
	return req.Query, nil
}

// LockNames returns the names of the store locks that make a conditional
// interaction on q atomic. They are derived from the values searched, not
// from the query text, so "identifier=a|1" and "identifier=a|1&_id=x" contend
// for the same lock; sorted, so that taking several never deadlocks.
func LockNames(q fhir.Query) []string {
	var names []string
	for _, id := range q.IDs {
		names = append(names, q.Type+"/_id/"+id)
	}
	for _, clause := range q.Clauses {
		for _, k := range clause {
			names = append(names, q.Type+"/"+index.LockName(k))
		}
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

// Params lists the search parameters supported on typ; the same switch in
// Request.add accepts them.
func Params(typ string) []Param {
	ps := []Param{{Name: "_id", Type: "token", Definition: "http://hl7.org/fhir/SearchParameter/Resource-id",
		Documentation: "logical id of the resource"}}
	if resource.HasElement(typ, "identifier") {
		ps = append(ps, Param{Name: "identifier", Type: "token",
			Definition:    "http://hl7.org/fhir/SearchParameter/" + typ + "-identifier",
			Documentation: "system|value, |value, system| or value; also the key of conditional create, update and delete"})
	}
	return ps
}
