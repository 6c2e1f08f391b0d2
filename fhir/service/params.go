package service

import (
	"context"
	"regexp"
	"slices"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/fhirpath"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/resource"
	"github.com/trialfhir/trialfhir/fhir/searchparam"
)

// paramState is the search parameter registry in force and its extractor.
// It is never changed: a new SearchParameter swaps in a new one.
type paramState struct {
	reg *searchparam.Registry
	x   *index.Extractor
}

// Registry returns the search parameters in force: the specification's and
// the active stored SearchParameters. Parse searches against it
// (search.ParseIn); it is never changed, a later call may return another.
func (s *Service) Registry() *searchparam.Registry { return s.params.Load().reg }

func (s *Service) extractor() *index.Extractor { return s.params.Load().x }

// put stores ws (one Write, or a WriteAll when all is set), then updates
// the registry for SearchParameters written and calls the OnWrite hooks.
//
// Each version's index is extracted here, under the read side of s.swap,
// which is held until the store has it: a registry swap (the write side)
// therefore waits for every write extracted with the old registry, and the
// reindex that follows a swap sees them all. Writes after the swap extract
// with the new registry. So no version is ever left indexed by a registry
// older than the one its reindex ran after.
func (s *Service) put(ctx context.Context, ws []fhir.Write, all bool) error {
	s.swap.RLock()
	x := s.extractor()
	for _, w := range ws {
		if w.R.Deleted {
			continue
		}
		ix, err := x.Extract(w.R.Body)
		if err != nil {
			s.swap.RUnlock()
			return fhir.AsError(err)
		}
		w.R.Index = ix
	}
	var err error
	if all {
		err = s.store.WriteAll(ctx, ws)
	} else {
		err = s.store.Write(ctx, ws[0].R, ws[0].Expect)
	}
	s.swap.RUnlock()
	if err != nil {
		return err
	}
	for _, w := range ws {
		if w.R.Type == searchParameter {
			s.syncParam(ctx, w.R.ID)
		}
	}
	s.notify(ctx, ws)
	return nil
}

// writeAll is store.WriteAll with what put adds.
func (s *Service) writeAll(ctx context.Context, ws []fhir.Write) error { return s.put(ctx, ws, true) }

const searchParameter = "SearchParameter"

// stored types a SearchParameter resource may have (R4 3.1.1.4; special
// needs code of its own, so it is refused).
var storedTypes = []searchparam.Type{searchparam.String, searchparam.Token, searchparam.Reference, searchparam.Date,
	searchparam.Number, searchparam.Quantity, searchparam.URI, searchparam.Composite}

// codeRe is what a stored parameter may be called: no leading "_" (the
// spec's own), and nothing search syntax gives a meaning to (".", ":").
var codeRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)

// checkParam validates a SearchParameter resource before it is stored:
// what it says must be indexable by this server, and it must not take the
// name or URL of a parameter in force. 400 for an expression outside the
// supported FHIRPath subset, 422 for the rest.
func (s *Service) checkParam(id string, body []byte) (*searchparam.Definition, error) {
	d, _, err := searchparam.FromResource(id, body)
	if err != nil {
		return nil, fhir.Errorf(fhir.CodeStructure, "the SearchParameter cannot be read").WithDiagnostics(err.Error())
	}
	rule := func(at, format string, args ...any) error {
		return fhir.Errorf(fhir.CodeBusinessRule, format, args...).At("SearchParameter." + at)
	}
	switch {
	case d.URL == "":
		return nil, fhir.Errorf(fhir.CodeRequired, "a SearchParameter needs a url").At("SearchParameter.url")
	case !codeRe.MatchString(d.Code):
		return nil, rule("code", "the code must be a letter followed by letters, digits, '-' or '_'")
	case len(d.Base) == 0:
		return nil, rule("base", "a SearchParameter needs a base")
	case !slices.Contains(storedTypes, d.Type):
		return nil, rule("type", "search parameters of type %q are not supported (string, token, reference, date, number, quantity, uri and composite are)", d.Type)
	case d.Expression == "":
		return nil, fhir.Errorf(fhir.CodeRequired, "a SearchParameter needs an expression").At("SearchParameter.expression")
	}
	if err := compiles(d.Expression, "SearchParameter.expression"); err != nil {
		return nil, err
	}
	reg := s.Registry()
	for _, b := range d.Base {
		if !resource.Known(b) {
			return nil, rule("base", "%q is not a resource type this server stores", b)
		}
		if _, ok := searchparam.Default().Lookup(b, d.Code); ok {
			return nil, rule("code", "%s already has a search parameter %q defined by the specification", b, d.Code)
		}
		if other, ok := reg.Lookup(b, d.Code); ok && other.ID != id {
			return nil, rule("code", "%s already has a search parameter %q (SearchParameter/%s)", b, d.Code, other.ID)
		}
	}
	if other, ok := reg.ByURL(d.URL); ok && other.ID != id {
		return nil, rule("url", "another search parameter has the url %s", d.URL)
	}
	for _, t := range d.Target {
		if !resource.Known(t) {
			return nil, rule("target", "%q is not a resource type", t)
		}
	}
	if d.Type == searchparam.Composite {
		if err := checkComposite(reg, &d); err != nil {
			return nil, err
		}
	}
	return &d, nil
}

// checkComposite checks what index.Extractor can index of a composite: two
// components, the first a token (as every composite of R4 on the types
// served here), both defined.
func checkComposite(reg *searchparam.Registry, d *searchparam.Definition) error {
	if len(d.Component) != 2 {
		return fhir.Errorf(fhir.CodeBusinessRule, "a composite needs exactly two components").At("SearchParameter.component")
	}
	for i, c := range d.Component {
		part, ok := reg.ByURL(c.Definition)
		if !ok {
			return fhir.Errorf(fhir.CodeBusinessRule, "component %d refers to an unknown search parameter %s", i, c.Definition).
				At("SearchParameter.component.definition")
		}
		if i == 0 && part.Type != searchparam.Token {
			return fhir.Errorf(fhir.CodeBusinessRule, "the first component of a composite must be a token").At("SearchParameter.component.definition")
		}
		if err := compiles(c.Expression, "SearchParameter.component.expression"); err != nil {
			return err
		}
	}
	return nil
}

func compiles(expr, at string) error {
	if _, err := fhirpath.Compile(expr); err != nil {
		return fhir.Errorf(fhir.CodeInvalid, "the expression is not in the FHIRPath subset this server evaluates").
			At(at).WithDiagnostics(err.Error())
	}
	return nil
}
