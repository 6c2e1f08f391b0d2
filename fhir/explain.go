package fhir

import (
	"context"
	"strings"
)

// Plan says how a store answered a search (_explain): which of its indexes
// each predicate used and how many resources each selected. It holds
// parameter names, index names and counts only, never searched values, so
// it is safe to log.
type Plan struct {
	Store string
	Steps []PlanStep
	// Matches is the number of resources the whole query selects.
	Matches int
	// Native is the database's own account of the query (SQLite's EXPLAIN
	// QUERY PLAN, MongoDB's winning plan), one line per step.
	Native []string
}

// PlanStep is one predicate of a query.
type PlanStep struct {
	// Pred describes the predicate: its kind and parameter.
	Pred string
	// Index names the store index that serves it.
	Index string
	// Candidates is the number of resources the predicate selects alone.
	Candidates int
}

// Explainer is implemented by stores that can account for a search.
type Explainer interface {
	// Explain runs q's parts separately and reports them; it reads only.
	Explain(ctx context.Context, q Query) (*Plan, error)
}

// Describe names a predicate's kind and parameter for a Plan, without its
// values.
func (p Pred) Describe() string {
	if len(p.Any) == 0 {
		return "nothing (an empty OR)"
	}
	m := p.Any[0]
	var s string
	switch m.Kind {
	case MatchKey:
		// Keys are "kind\x1fparam\x1fvalue..." (index package): name the
		// parameter, never the value.
		s = "exact key"
		if parts := strings.SplitN(m.Key, "\x1f", 3); len(parts) >= 2 {
			s += " on " + parts[1]
		}
	case MatchPrefix:
		s = "string prefix on " + m.Param
	case MatchContains:
		s = "string contains on " + m.Param
	case MatchRange:
		s = "range on " + m.Param
	case MatchPresent:
		s = "presence of " + m.Param
	}
	if len(p.Any) > 1 {
		s += " (or more)"
	}
	if p.Not {
		s = "not " + s
	}
	return s
}
