package service

import (
	"context"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/resource"
)

func checkType(typ string) error {
	if !resource.Known(typ) {
		return fhir.Errorf(fhir.CodeNotFound, "unknown resource type %q", typ)
	}
	return nil
}

// Read returns the current version of typ/id: CodeNotFound if it never
// existed, CodeDeleted (with the tombstone's version) if it was deleted.
func (s *Service) Read(ctx context.Context, typ, id string) (*fhir.Resource, error) {
	if err := checkType(typ); err != nil {
		return nil, err
	}
	r, err := s.store.Read(ctx, typ, id)
	if err != nil {
		return nil, err
	}
	if r.Deleted {
		return r, deletedErr(r)
	}
	return r, nil
}

// VRead returns one version; a version that is a delete tombstone is
// CodeDeleted, as R4 3.1.0.5 asks (410).
func (s *Service) VRead(ctx context.Context, typ, id string, vid int64) (*fhir.Resource, error) {
	if err := checkType(typ); err != nil {
		return nil, err
	}
	r, err := s.store.VRead(ctx, typ, id, vid)
	if err != nil {
		return nil, err
	}
	if r.Deleted {
		return r, deletedErr(r)
	}
	return r, nil
}

func deletedErr(r *fhir.Resource) error {
	return fhir.Errorf(fhir.CodeDeleted, "%s was deleted (version %d)", r.Ref(), r.VersionID)
}

// History returns a page of history; q.Type, when set, must be a known type.
func (s *Service) History(ctx context.Context, q fhir.HistoryQuery) (*fhir.HistoryPage, error) {
	if q.Type != "" {
		if err := checkType(q.Type); err != nil {
			return nil, err
		}
	}
	if q.ID != "" {
		if _, err := s.store.Read(ctx, q.Type, q.ID); err != nil {
			return nil, err
		}
	}
	page, err := s.store.History(ctx, q)
	if err != nil || q.Type != "" {
		return page, err
	}
	// System history leaves out what the store keeps under private types
	// (such as the REST layer's idempotency records): they are not FHIR.
	kept := page.Versions[:0]
	for _, v := range page.Versions {
		if resource.Known(v.Type) {
			kept = append(kept, v)
		}
	}
	page.Versions = kept
	return page, nil
}

// Search returns current resources matching q.
func (s *Service) Search(ctx context.Context, q fhir.Query) ([]fhir.Resource, error) {
	if err := checkType(q.Type); err != nil {
		return nil, err
	}
	return s.store.Search(ctx, q)
}
