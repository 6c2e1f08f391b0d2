package service

import (
	"context"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/fhirpatch"
	"github.com/trialfhir/trialfhir/fhir/search"
)

// patcher applies a parsed patch (JSON Patch or FHIRPath Patch) to a
// resource's JSON, returning the patched JSON.
type patcher func(body []byte) ([]byte, error)

// jsonPatcher parses a JSON Patch (an array of operations).
func jsonPatcher(raw []byte) (patcher, error) {
	ops, err := parseJSONPatch(raw)
	if err != nil {
		return nil, err
	}
	return func(body []byte) ([]byte, error) { return applyJSONPatch(body, ops) }, nil
}

// fhirPathPatcher parses a FHIRPath Patch (a Parameters resource).
func fhirPathPatcher(raw []byte) (patcher, error) {
	ops, err := fhirpatch.Parse(raw)
	if err != nil {
		return nil, err
	}
	return func(body []byte) ([]byte, error) { return fhirpatch.ApplyOperations(body, ops) }, nil
}

// Patch applies a JSON Patch (RFC 6902, the array of operations) to typ/id
// and stores the result as its next version (R4 3.1.0.7.1). ifMatch, when
// not nil, is the version the client expects to patch. A missing resource
// is CodeNotFound, a deleted one CodeDeleted; a patch that cannot be
// applied (a failed test, a missing path) is CodeProcessing; a result that
// is not a valid resource is refused as an update would be.
func (s *Service) Patch(ctx context.Context, typ, id string, patch []byte, ifMatch *int64) (*Result, error) {
	return s.patchWith(ctx, typ, id, "", jsonPatcher, patch, ifMatch)
}

// ConditionalPatch patches the one resource matching condition: none is
// CodeNotFound, several CodeMultipleMatches.
func (s *Service) ConditionalPatch(ctx context.Context, typ, condition string, patch []byte, ifMatch *int64) (*Result, error) {
	return s.patchWith(ctx, typ, "", condition, jsonPatcher, patch, ifMatch)
}

// FHIRPathPatch is Patch with a FHIRPath Patch, a Parameters resource
// (http://hl7.org/fhir/R4/fhirpatch.html), instead of a JSON Patch.
// Errors are as Patch's; a malformed Parameters is CodeInvalid.
func (s *Service) FHIRPathPatch(ctx context.Context, typ, id string, params []byte, ifMatch *int64) (*Result, error) {
	return s.patchWith(ctx, typ, id, "", fhirPathPatcher, params, ifMatch)
}

// ConditionalFHIRPathPatch is ConditionalPatch with a FHIRPath Patch.
func (s *Service) ConditionalFHIRPathPatch(ctx context.Context, typ, condition string, params []byte, ifMatch *int64) (*Result, error) {
	return s.patchWith(ctx, typ, "", condition, fhirPathPatcher, params, ifMatch)
}

func (s *Service) patchWith(ctx context.Context, typ, id, condition string, parse func([]byte) (patcher, error), patch []byte, ifMatch *int64) (*Result, error) {
	if err := checkType(typ); err != nil {
		return nil, err
	}
	apply, err := parse(patch)
	if err != nil {
		return nil, err
	}
	return s.patch(ctx, &target{method: "PATCH", typ: typ, id: id, query: condition, ifMatch: ifMatch, patch: apply})
}

// patch carries out a PATCH (REST or batch entry): the patch is applied to
// the current version, written as an update pinned to that version; a
// concurrent writer makes it start again on the newer version, unless
// the client pinned one with ifMatch. A conditional PATCH needs exactly
// one match (R4 3.1.0.7.1: none is 404, several 412).
func (s *Service) patch(ctx context.Context, t *target) (*Result, error) {
	if t.id == "" {
		q, err := search.ParseConditionIn(s.Registry(), t.typ, t.query)
		if err != nil {
			return nil, err
		}
		return s.conditional(ctx, q, func(matches []fhir.Resource) (*Result, error) {
			switch len(matches) {
			case 0:
				return nil, fhir.Errorf(fhir.CodeNotFound, "the condition matches no %s", t.typ)
			case 1:
				one := *t
				one.id = matches[0].ID
				return s.patch(ctx, &one)
			}
			return nil, multipleMatches(t.typ)
		})
	}
	for attempt := 0; attempt < MaxWriteAttempts; attempt++ {
		cur, err := s.current(ctx, t.typ, t.id)
		if err != nil {
			return nil, err
		}
		body, err := patched(t, cur)
		if err != nil {
			return nil, err
		}
		res, err := s.Update(ctx, t.typ, t.id, body, &cur.VersionID)
		if fhir.ErrorCode(err) != fhir.CodePreconditionFailed || t.ifMatch != nil {
			return res, err
		}
	}
	return nil, contention(t.typ, t.id)
}

// patched checks a PATCH entry's ifMatch against cur, the current version
// of its resource, and returns cur's body with the patch applied.
func patched(t *target, cur *fhir.Resource) ([]byte, error) {
	switch {
	case cur == nil:
		return nil, fhir.Errorf(fhir.CodeNotFound, "%s/%s is not known", t.typ, t.id)
	case t.ifMatch != nil && cur.VersionID != *t.ifMatch:
		return nil, versionMismatch(t.typ, t.id, *t.ifMatch)
	case cur.Deleted:
		return nil, fhir.Errorf(fhir.CodeDeleted, "%s/%s is deleted", t.typ, t.id)
	}
	body, err := t.patch(cur.Body)
	if err != nil {
		return nil, err
	}
	if bodyID(body) != t.id {
		return nil, fhir.Errorf(fhir.CodeInvalid, "a patch cannot change the resource id").At(t.typ + ".id")
	}
	return body, nil
}
