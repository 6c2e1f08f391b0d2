package service

import (
	"context"
	"slices"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/searchparam"
)

// LoadSearchParameters activates the active SearchParameter resources the
// store holds, so that a restart keeps them. Call it once at start-up,
// before serving. A parameter whose index is complete (every resource of
// its base types carries its marker, see index.MarkerKey) is usable at
// once; one whose reindex was cut short (a crash) is reindexed in the
// background first. A stored parameter that is no longer valid (it clashes
// with another) is logged and left inactive.
func (s *Service) LoadSearchParameters(ctx context.Context) error {
	s.paramMu.Lock()
	defer s.paramMu.Unlock()
	var defs []searchparam.Definition
	after := ""
	for {
		page, err := s.store.Search(ctx, fhir.Query{Type: searchParameter, After: after, Limit: ReindexPage})
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		after = page[len(page)-1].ID
		for _, r := range page {
			d, status, err := searchparam.FromResource(r.ID, r.Body)
			if err != nil || status != "active" {
				continue
			}
			if _, err := s.checkParam(r.ID, r.Body); err != nil {
				s.log.Warn("stored search parameter not activated", "search_parameter", r.ID, "error", fhir.AsError(err).Message)
				continue
			}
			d.Pending = true
			defs = append(defs, d)
			s.rebuild(defs) // the next check sees it
		}
	}
	var jobs []*reindexJob
	for i := range defs {
		complete, err := s.indexed(ctx, &defs[i])
		if err != nil {
			return err
		}
		defs[i].Pending = !complete
		if complete {
			s.jobs.mu.Lock()
			if s.jobs.status == nil {
				s.jobs.status = map[string]*ReindexStatus{}
			}
			s.jobs.status[defs[i].ID] = &ReindexStatus{State: ReindexDone, Types: slices.Clone(defs[i].Base)}
			s.jobs.mu.Unlock()
		} else {
			d := defs[i]
			jobs = append(jobs, &reindexJob{id: d.ID, def: &d})
		}
	}
	s.rebuild(defs)
	for _, j := range jobs {
		s.enqueue(j)
	}
	return nil
}

// indexed reports whether every resource of d's base types carries d's
// marker.
func (s *Service) indexed(ctx context.Context, d *searchparam.Definition) (bool, error) {
	j := &reindexJob{def: d}
	for _, b := range d.Base {
		found, err := s.store.Search(ctx, fhir.Query{Type: b, Preds: []fhir.Pred{j.stale(b)}, Limit: 1})
		if err != nil || len(found) > 0 {
			return false, err
		}
	}
	return true, nil
}

// syncParam brings the registry in line with the stored SearchParameter
// id after a write: activated (pending until reindexed), changed, or
// removed. It reads the resource again rather than trusting the version
// just written, so concurrent writes of one SearchParameter end with the
// registry holding the newest.
func (s *Service) syncParam(ctx context.Context, id string) {
	s.paramMu.Lock()
	defer s.paramMu.Unlock()
	cur, err := s.store.Read(ctx, searchParameter, id)
	if err != nil && fhir.ErrorCode(err) != fhir.CodeNotFound {
		s.log.Error("search parameter written but not applied; it is on restart", "search_parameter", id, "error", err)
		return
	}
	var def *searchparam.Definition
	if cur != nil && !cur.Deleted {
		d, status, err := searchparam.FromResource(id, cur.Body)
		if err == nil && status == "active" {
			if _, err := s.checkParam(id, cur.Body); err != nil {
				// Checked before the write; only a concurrent clash gets here.
				s.log.Warn("stored search parameter not activated", "search_parameter", id, "error", fhir.AsError(err).Message)
			} else {
				def = &d
			}
		}
	}
	old := s.storedDef(id)
	if sameDef(old, def) {
		if def != nil {
			def.Pending = old.Pending // a change that indexes nothing new (a name, a description)
			s.replaceDef(id, def)
		}
		return
	}
	if def != nil {
		def.Pending = true
	}
	s.replaceDef(id, def)
	s.enqueue(&reindexJob{id: id, def: def, old: old})
}

// storedDef returns the stored definition with SearchParameter id id in
// force, nil for none.
func (s *Service) storedDef(id string) *searchparam.Definition {
	for _, d := range s.Registry().Stored() {
		if d.ID == id {
			return d
		}
	}
	return nil
}

// sameDef reports whether a and b index the same entries on the same types.
func sameDef(a, b *searchparam.Definition) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Fingerprint() == b.Fingerprint() && slices.Equal(slices.Sorted(slices.Values(a.Base)), slices.Sorted(slices.Values(b.Base)))
}

// replaceDef swaps in a registry where the stored definition id is def
// (nil: none).
func (s *Service) replaceDef(id string, def *searchparam.Definition) {
	var defs []searchparam.Definition
	for _, d := range s.Registry().Stored() {
		if d.ID != id {
			defs = append(defs, *d)
		}
	}
	if def != nil {
		defs = append(defs, *def)
	}
	s.rebuild(defs)
}

// setPending marks stored definition id as (not) being indexed.
func (s *Service) setPending(id string, pending bool) {
	if d := s.storedDef(id); d != nil {
		c := *d
		c.Pending = pending
		s.replaceDef(id, &c)
	}
}

// rebuild swaps in the specification's registry plus defs (paramMu held).
// It takes s.swap for writing, so it returns only once no write that
// extracted its index with the old registry is still being stored.
func (s *Service) rebuild(defs []searchparam.Definition) {
	slices.SortFunc(defs, func(a, b searchparam.Definition) int { return strings.Compare(a.ID, b.ID) })
	reg, err := searchparam.Default().With(defs...)
	if err != nil {
		// checkParam made sure each has a code, base and type.
		s.log.Error("search parameters not applied", "error", err)
		return
	}
	st := &paramState{reg: reg, x: index.Default().With(reg)}
	s.swap.Lock()
	s.params.Store(st)
	s.swap.Unlock()
}
