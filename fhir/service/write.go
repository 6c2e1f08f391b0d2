package service

import (
	"bytes"
	"context"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/resource"
	"github.com/trialfhir/trialfhir/fhir/search"
)

// Create stores body as a new typ with a server-assigned id; an id in the
// body is ignored (R4 3.1.0.8). With a condition (If-None-Exist) it creates
// only when nothing matches: one match is returned as Matched, several are
// CodeMultipleMatches.
func (s *Service) Create(ctx context.Context, typ string, body []byte, ifNoneExist string) (*Result, error) {
	doc, err := parse(typ, body)
	if err != nil {
		return nil, err
	}
	create := func() (*Result, error) {
		r, err := s.version(typ, doc, s.newID(), nil, "POST")
		if err != nil {
			return nil, err
		}
		if err := s.writeOne(ctx, r, 0); err != nil {
			return nil, err
		}
		return &Result{Outcome: Created, Resource: r}, nil
	}
	if ifNoneExist == "" {
		return create()
	}
	q, err := search.ParseConditionIn(s.Registry(), typ, ifNoneExist)
	if err != nil {
		return nil, err
	}
	return s.conditional(ctx, q, func(matches []fhir.Resource) (*Result, error) {
		switch len(matches) {
		case 0:
			return create()
		case 1:
			return &Result{Outcome: Matched, Resource: &matches[0]}, nil
		}
		return nil, multipleMatches(typ)
	})
}

// Update stores body as the next version of typ/id, creating it when absent
// (update as create, R4 3.1.0.4.1). ifMatch, when not nil, is the version the
// client expects to replace (If-Match): anything else is
// CodePreconditionFailed.
func (s *Service) Update(ctx context.Context, typ, id string, body []byte, ifMatch *int64) (*Result, error) {
	var cur *fhir.Resource
	if resource.Known(typ) {
		var err error
		if cur, err = s.current(ctx, typ, id); err != nil {
			return nil, err
		}
		if resent(cur, typ, id, body, ifMatch) {
			return &Result{Outcome: Updated, Resource: cur}, nil
		}
	}
	doc, err := parse(typ, body)
	if err != nil {
		return nil, err
	}
	switch bodyID := doc.ID(); {
	case bodyID == "":
		return nil, fhir.Errorf(fhir.CodeRequired, "the resource has no id; an update needs one equal to the URL's").At(typ + ".id")
	case bodyID != id:
		return nil, fhir.Errorf(fhir.CodeInvalid, "the resource id does not match the id in the URL").At(typ + ".id")
	}
	return s.update(ctx, doc, id, ifMatch, cur)
}

// update writes doc as the next version of id, whose current version the
// caller has read as cur (nil: none), retrying lost races on a fresh read
// unless the client pinned the version with If-Match.
func (s *Service) update(ctx context.Context, doc *resource.Doc, id string, ifMatch *int64, cur *fhir.Resource) (*Result, error) {
	for attempt := 0; attempt < MaxWriteAttempts; attempt++ {
		if attempt > 0 {
			var err error
			if cur, err = s.current(ctx, doc.Type, id); err != nil {
				return nil, err
			}
		}
		if ifMatch != nil && (cur == nil || cur.VersionID != *ifMatch) {
			return nil, versionMismatch(doc.Type, id, *ifMatch)
		}
		if unchanged, err := sameContent(doc, cur); err != nil || unchanged {
			// A resent update changes nothing, so it makes no new version
			// (as HAPI does): retries of a hospital's feed stay idempotent.
			return &Result{Outcome: Updated, Resource: cur}, err
		}
		r, err := s.version(doc.Type, doc, id, cur, "PUT")
		if err != nil {
			return nil, err
		}
		err = s.writeOne(ctx, r, expectOf(cur))
		if err == nil {
			outcome := Updated
			if cur == nil || cur.Deleted {
				outcome = Created
			}
			return &Result{Outcome: outcome, Resource: r}, nil
		}
		if fhir.ErrorCode(err) != fhir.CodeConflict {
			return nil, err
		}
		if ifMatch != nil {
			return nil, versionMismatch(doc.Type, id, *ifMatch)
		}
	}
	return nil, contention(doc.Type, id)
}

// ConditionalUpdate updates the one resource matching condition, creates
// when none does (with the body's id, if any, as update as create), and
// fails with CodeMultipleMatches when several do (R4 3.1.0.4.2). ifMatch,
// when not nil, is the version the match must be at: with no match there
// is no such version, so nothing is created.
func (s *Service) ConditionalUpdate(ctx context.Context, typ, condition string, body []byte, ifMatch *int64) (*Result, error) {
	doc, err := parse(typ, body)
	if err != nil {
		return nil, err
	}
	q, err := search.ParseConditionIn(s.Registry(), typ, condition)
	if err != nil {
		return nil, err
	}
	return s.conditional(ctx, q, func(matches []fhir.Resource) (*Result, error) {
		bodyID := doc.ID()
		switch len(matches) {
		case 0:
			if ifMatch != nil {
				return nil, fhir.Errorf(fhir.CodePreconditionFailed, "the condition matches no %s to be at version %d", typ, *ifMatch)
			}
			if bodyID == "" {
				bodyID = s.newID()
			}
			cur, err := s.current(ctx, typ, bodyID)
			if err != nil {
				return nil, err
			}
			return s.update(ctx, doc, bodyID, nil, cur)
		case 1:
			if bodyID != "" && bodyID != matches[0].ID {
				return nil, fhir.Errorf(fhir.CodeInvalid, "the resource id does not match the resource the condition found").At(typ + ".id")
			}
			return s.update(ctx, doc, matches[0].ID, ifMatch, &matches[0])
		}
		return nil, multipleMatches(typ)
	})
}

// Delete deletes typ/id by writing a tombstone. Deleting what never existed
// or is already deleted succeeds with NoneFound (R4 3.1.0.7).
func (s *Service) Delete(ctx context.Context, typ, id string, ifMatch *int64) (*Result, error) {
	if err := checkType(typ); err != nil {
		return nil, err
	}
	for attempt := 0; attempt < MaxWriteAttempts; attempt++ {
		cur, err := s.current(ctx, typ, id)
		if err != nil {
			return nil, err
		}
		if ifMatch != nil && (cur == nil || cur.VersionID != *ifMatch) {
			return nil, versionMismatch(typ, id, *ifMatch)
		}
		if cur == nil || cur.Deleted {
			return &Result{Outcome: NoneFound, Resource: cur}, nil
		}
		r, err := s.version(typ, nil, id, cur, "DELETE")
		if err != nil {
			return nil, err
		}
		err = s.writeOne(ctx, r, cur.VersionID)
		if err == nil {
			return &Result{Outcome: Deleted, Resource: r}, nil
		}
		if fhir.ErrorCode(err) != fhir.CodeConflict {
			return nil, err
		}
		if ifMatch != nil {
			return nil, versionMismatch(typ, id, *ifMatch)
		}
	}
	return nil, contention(typ, id)
}

// ConditionalDelete deletes the one resource matching condition; none is
// NoneFound, several CodeMultipleMatches (R4 3.1.0.7.1: this server does
// not delete multiple matches). ifMatch, when not nil, is the version the
// match must be at; with no match that fails too.
func (s *Service) ConditionalDelete(ctx context.Context, typ, condition string, ifMatch *int64) (*Result, error) {
	if err := checkType(typ); err != nil {
		return nil, err
	}
	q, err := search.ParseConditionIn(s.Registry(), typ, condition)
	if err != nil {
		return nil, err
	}
	return s.conditional(ctx, q, func(matches []fhir.Resource) (*Result, error) {
		switch len(matches) {
		case 0:
			if ifMatch != nil {
				return nil, fhir.Errorf(fhir.CodePreconditionFailed, "the condition matches no %s to be at version %d", typ, *ifMatch)
			}
			return &Result{Outcome: NoneFound}, nil
		case 1:
			return s.Delete(ctx, typ, matches[0].ID, ifMatch)
		}
		return nil, multipleMatches(typ)
	})
}

// conditional runs then with the resources matching q (at most two: enough
// to tell one from several) while holding the locks of q, so that no other
// conditional interaction on the same values can act between the search and
// the write.
func (s *Service) conditional(ctx context.Context, q fhir.Query, then func([]fhir.Resource) (*Result, error)) (*Result, error) {
	lockCtx, cancel := context.WithTimeout(ctx, LockTimeout)
	defer cancel()
	for _, name := range search.LockNames(q) {
		release, err := s.store.Lock(lockCtx, name)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	q.Limit = 2
	matches, err := s.store.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	return then(matches)
}

func multipleMatches(typ string) error {
	return fhir.Errorf(fhir.CodeMultipleMatches, "the condition matches more than one %s", typ)
}

func versionMismatch(typ, id string, want int64) error {
	return fhir.Errorf(fhir.CodePreconditionFailed, "%s/%s is not at version %d", typ, id, want)
}

func contention(typ, id string) error {
	return fhir.Errorf(fhir.CodeTransient, "%s/%s is being updated by too many writers; try again", typ, id)
}

// resent reports whether body is cur, the current version of typ/id,
// sent again (resource.Resent): a hospital resending its feed then costs
// the read the update makes anyway, not a validating parse. false sends
// the update the usual way, which also answers every error.
func resent(cur *fhir.Resource, typ, id string, body []byte, ifMatch *int64) bool {
	if cur == nil || cur.Deleted || ifMatch != nil && *ifMatch != cur.VersionID {
		return false
	}
	return resource.Resent(body, typ, id, cur.VersionID, cur.LastUpdated, cur.Body)
}

// sameContent reports whether doc, given cur's id and meta, renders to
// exactly cur's stored body.
func sameContent(doc *resource.Doc, cur *fhir.Resource) (bool, error) {
	if cur == nil || cur.Deleted {
		return false, nil
	}
	body, err := doc.Render(cur.ID, cur.VersionID, cur.LastUpdated)
	if err != nil {
		return false, err
	}
	return bytes.Equal(body, cur.Body), nil
}
