package service

import (
	"context"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/search"
)

// Limits on the work one search may cause; beyond them it is refused
// (too-costly) rather than answered partially.
const (
	MaxJoinMatches = 1000 // resources an inner search of a chain or _has may find
	MaxIncluded    = 1000 // resources _include and _revinclude may add to a page
	MaxIterations  = 3    // rounds of _include:iterate
)

// SearchResult is one page of a search.
type SearchResult struct {
	Matches  []fhir.Resource
	Included []fhir.Resource
	// More is true when resources after the last match remain.
	More bool
}

// Cursor is where a page of search results starts: after the resource with
// ID, whose sort values (when the search has _sort) were Sort. The zero
// Cursor starts at the beginning.
type Cursor struct {
	ID   string           `json:"a,omitempty"`
	Sort []fhir.SortValue `json:"s,omitempty"`
}

// Next returns the cursor after the last match of a page.
func (r *SearchResult) Next() Cursor {
	last := r.Matches[len(r.Matches)-1]
	return Cursor{ID: last.ID, Sort: last.Sort}
}

// SearchPage runs req from after (exclusive, in the order of the search's
// _sort, then ids ascending), returning at most limit matches and what the
// page's _include and _revinclude bring.
func (s *Service) SearchPage(ctx context.Context, req *search.Request, after Cursor, limit int) (*SearchResult, error) {
	q, err := s.Resolve(ctx, req)
	if err != nil {
		return nil, err
	}
	if after.ID != "" && !fhir.ValidCursor(q.Sort, after.Sort) {
		return nil, fhir.Errorf(fhir.CodeInvalid, "_page does not belong to this search: repeat the search").At("_page")
	}
	q.After, q.AfterSort, q.Limit = after.ID, after.Sort, limit+1
	found, err := s.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	res := &SearchResult{Matches: found}
	if len(found) > limit {
		res.Matches, res.More = found[:limit], true
	}
	res.Included, err = s.includes(ctx, req.Includes, res.Matches)
	return res, err
}

// Resolve turns the chained and _has conditions of req into predicates on
// its own query by running their inner searches first.
func (s *Service) Resolve(ctx context.Context, req *search.Request) (fhir.Query, error) {
	q := req.Query
	for _, group := range req.JoinGroups() {
		var pred fhir.Pred
		for _, j := range group {
			inner, err := s.Resolve(ctx, j.Inner)
			if err != nil {
				return q, err
			}
			inner.Limit = MaxJoinMatches + 1
			found, err := s.Search(ctx, inner)
			if err != nil {
				return q, err
			}
			if len(found) > MaxJoinMatches {
				return q, fhir.Errorf(fhir.CodeTooCostly, "a chained or _has condition matches more than %d %s resources; narrow it",
					MaxJoinMatches, inner.Type).WithStatus(400)
			}
			if !j.Reverse {
				for _, r := range found {
					pred.Any = append(pred.Any, fhir.Match{Kind: fhir.MatchKey, Key: index.RefKey(j.Param, r.Ref())})
				}
				continue
			}
			ids := map[string]bool{}
			for _, r := range found {
				refs, err := s.extractor().References(r.Body, j.Param)
				if err != nil {
					return q, fhir.AsError(err)
				}
				for _, ref := range refs {
					if t, id, ok := strings.Cut(ref, "/"); ok && t == q.Type {
						ids[id] = true
					}
				}
			}
			q.IDs = restrictIDs(q.IDs, ids)
		}
		if len(group) > 0 && !group[0].Reverse {
			q.Preds = append(q.Preds, pred)
		}
	}
	return q, nil
}

// restrictIDs intersects an id filter (empty: none yet) with a set.
func restrictIDs(current []string, allowed map[string]bool) []string {
	var out []string
	if len(current) == 0 {
		for id := range allowed {
			out = append(out, id)
		}
	} else {
		for _, id := range current {
			if allowed[id] {
				out = append(out, id)
			}
		}
	}
	if len(out) == 0 {
		return []string{""} // matches nothing
	}
	return out
}

// includes follows _include and _revinclude from the page's matches, and
// with :iterate from what was included too (R4 3.1.1.5.4).
func (s *Service) includes(ctx context.Context, incs []search.Include, matches []fhir.Resource) ([]fhir.Resource, error) {
	if len(incs) == 0 || len(matches) == 0 {
		return nil, nil
	}
	seen := map[string]bool{}
	for _, m := range matches {
		seen[m.Ref()] = true
	}
	var included []fhir.Resource
	from := matches
	for round := 0; round < MaxIterations && len(from) > 0; round++ {
		var next []fhir.Resource
		for _, inc := range incs {
			if round > 0 && !inc.Iterate {
				continue
			}
			found, err := s.include(ctx, inc, from)
			if err != nil {
				return nil, err
			}
			for _, r := range found {
				if !seen[r.Ref()] {
					seen[r.Ref()] = true
					next = append(next, r)
				}
			}
		}
		included = append(included, next...)
		if len(included) > MaxIncluded {
			return nil, fhir.Errorf(fhir.CodeTooCostly, "_include and _revinclude would add more than %d resources; lower _count", MaxIncluded).WithStatus(400)
		}
		from = next
	}
	return included, nil
}

func (s *Service) include(ctx context.Context, inc search.Include, from []fhir.Resource) ([]fhir.Resource, error) {
	var out []fhir.Resource
	if inc.Reverse {
		var keys []string
		for _, r := range from {
			if inc.TargetType == "" || inc.TargetType == r.Type {
				keys = append(keys, index.RefKey(inc.Param, r.Ref()))
			}
		}
		if len(keys) == 0 || inc.Param == "*" {
			return nil, nil
		}
		return s.Search(ctx, fhir.Query{Type: inc.SourceType, Preds: []fhir.Pred{fhir.KeyPred(keys...)}, Limit: MaxIncluded + 1})
	}
	for _, r := range from {
		if r.Type != inc.SourceType {
			continue
		}
		refs, err := s.extractor().References(r.Body, inc.Param)
		if err != nil {
			return nil, fhir.AsError(err)
		}
		for _, ref := range refs {
			t, id, ok := strings.Cut(ref, "/")
			if !ok || strings.Contains(id, "/") || (inc.TargetType != "" && t != inc.TargetType) || checkType(t) != nil {
				continue
			}
			got, err := s.store.Read(ctx, t, id)
			if fhir.ErrorCode(err) == fhir.CodeNotFound {
				continue // a dangling reference includes nothing
			}
			if err != nil {
				return nil, err
			}
			if !got.Deleted {
				out = append(out, *got)
			}
		}
	}
	return out, nil
}

// Explain reports how the store answers req (_explain): chains and _has
// are resolved first, as SearchPage does, and appear as the key or id
// predicates they became.
func (s *Service) Explain(ctx context.Context, req *search.Request) (*fhir.Plan, error) {
	ex, ok := s.store.(fhir.Explainer)
	if !ok {
		return nil, fhir.Errorf(fhir.CodeNotSupported, "this store cannot explain searches").At("_explain").WithStatus(400)
	}
	q, err := s.Resolve(ctx, req)
	if err != nil {
		return nil, err
	}
	q.Limit = req.Count + 1
	return ex.Explain(ctx, q)
}
