package search

import (
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/searchparam"
)

// MaxSortKeys bounds _sort: every key costs the stores an index lookup per
// candidate.
const MaxSortKeys = 3

// sort parses _sort (R4 3.1.1.5.5): parameter names separated by commas, a
// leading "-" for descending. Parameters whose index holds an order (string,
// date, number, quantity, _id, _lastUpdated) can sort; tokens, references
// and URIs order by nothing a user would expect, so they are refused rather
// than sorted arbitrarily.
func (p *parser) sort(r *Request, typ, value string) error {
	if len(r.Query.Sort) > 0 {
		return fhir.Errorf(fhir.CodeInvalid, "_sort may be given once; list several keys separated by commas").At("_sort")
	}
	seen := map[string]bool{}
	for _, name := range strings.Split(value, ",") {
		desc := strings.HasPrefix(name, "-")
		name = strings.TrimPrefix(name, "-")
		if name == "" {
			return fhir.Errorf(fhir.CodeInvalid, "_sort has an empty key").At("_sort")
		}
		if seen[name] {
			return fhir.Errorf(fhir.CodeInvalid, "_sort names %s twice", name).At("_sort")
		}
		seen[name] = true
		key, err := p.sortKey(typ, name)
		if err != nil {
			return err
		}
		key.Desc = desc
		r.Query.Sort = append(r.Query.Sort, key)
	}
	if len(r.Query.Sort) > MaxSortKeys {
		return fhir.Errorf(fhir.CodeTooCostly, "_sort takes at most %d keys", MaxSortKeys).At("_sort").WithStatus(400)
	}
	// Sorting by id alone is the natural order; keeping it explicit would
	// only cost the stores a second ordering.
	if len(r.Query.Sort) == 1 && r.Query.Sort[0].Kind == fhir.SortID && !r.Query.Sort[0].Desc {
		r.Query.Sort = nil
	}
	return nil
}

func (p *parser) sortKey(typ, name string) (fhir.SortKey, error) {
	if name == "_id" {
		return fhir.SortKey{Param: name, Kind: fhir.SortID}, nil
	}
	d, ok := p.reg.Lookup(typ, name)
	if !ok || skippedParams[name] {
		return fhir.SortKey{}, fhir.Errorf(fhir.CodeNotSupported, "unknown search parameter %q in _sort for %s", name, typ).
			At("_sort").WithStatus(400)
	}
	if d.Pending {
		return fhir.SortKey{}, beingIndexed(name)
	}
	switch d.Type {
	case searchparam.String:
		return fhir.SortKey{Param: d.Code, Kind: fhir.SortString}, nil
	case searchparam.Date, searchparam.Number:
		return fhir.SortKey{Param: d.Code, Kind: fhir.SortRange}, nil
	case searchparam.Quantity:
		// By the value as sent: values in different units do not order
		// without a common unit, and a sort must never fail half-way.
		return fhir.SortKey{Param: index.QuantityParam(d.Code), Kind: fhir.SortRange}, nil
	}
	return fhir.SortKey{}, fhir.Errorf(fhir.CodeNotSupported, "_sort by the %s parameter %s is not supported (string, date, number, quantity and _id are)", d.Type, name).
		At("_sort").WithStatus(400)
}
