package service

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/resource"
	"github.com/trialfhir/trialfhir/fhir/search"
)

// MaxTransactionAttempts bounds how often a transaction is planned again
// after losing a compare-and-set race to a concurrent writer of one of its
// resources (one without ifMatch: with it, the race is the client's 412).
const MaxTransactionAttempts = 10

// TransactionLockTimeout bounds a transaction's wait for the locks of its
// conditions: longer than LockTimeout, since the holder may be another
// transaction with hundreds of entries to process.
const TransactionLockTimeout = 2 * time.Minute

// txEntry is one entry of a transaction being processed.
type txEntry struct {
	i       int
	e       *Entry
	t       *target
	cond    *fhir.Query    // ifNoneExist of a POST, condition of a PUT or DELETE
	id      string         // the resource written; "" for a DELETE that finds nothing
	matched *fhir.Resource // what a POST's ifNoneExist found
	// fresh is the condition of a conditional create or update that
	// matched nothing, as Type?query with sorted parameters.
	fresh string
	doc   *resource.Doc
}

// order is the processing order of R4 3.1.0.11.2: DELETE, POST, PUT and
// PATCH, then GET and HEAD.
func (x *txEntry) order() int {
	return map[string]int{"DELETE": 0, "POST": 1, "PUT": 2, "PATCH": 2}[x.t.method] + 3*btoi(x.t.method == "GET" || x.t.method == "HEAD")
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Transaction processes a transaction Bundle's entries as one unit (R4
// 3.1.0.11.2): every entry is parsed and validated, every condition
// resolved and every fullUrl and conditional reference rewritten before
// anything is written; then all writes go to the store in one WriteAll,
// so they happen together or not at all. A failure returns one error
// naming the entry ("Bundle.entry[n]" first in its Expression) and writes
// nothing.
//
// Conditions (ifNoneExist, conditional PUT and DELETE) are resolved while
// holding the store locks of all of them, taken in one sorted order and
// held until the write: two identical transactions sent at once create
// each conditionally created resource once.
//
// GET and HEAD entries run after the write and see it. One that would
// fail (a read of what neither exists nor is written, or is deleted by the
// transaction; a malformed search) fails the transaction before the write;
// one that fails only after it, having lost a race, is reported in its
// entry's Err, the writes being committed by then. Results are in entry
// order.
func (s *Service) Transaction(ctx context.Context, entries []Entry) ([]EntryResult, error) {
	tx := make([]*txEntry, len(entries))
	var names []string
	for i := range entries {
		x := &txEntry{i: i, e: &entries[i]}
		t, err := parseTarget(x.e)
		if err != nil {
			return nil, entryErr(i, err)
		}
		x.t = t
		cond := ""
		switch {
		case t.method == "POST":
			cond = x.e.Request.IfNoneExist
		case (t.method == "PUT" || t.method == "PATCH" || t.method == "DELETE") && t.id == "":
			cond = t.query
		}
		if cond != "" {
			q, err := search.ParseConditionIn(s.Registry(), t.typ, cond)
			if err != nil {
				return nil, entryErr(i, err)
			}
			x.cond = &q
			names = append(names, search.LockNames(q)...)
		}
		tx[i] = x
	}
	release, err := s.lockAll(ctx, names)
	if err != nil {
		return nil, err
	}
	defer release()
	refs := &txRefs{s: s, ctx: ctx, refs: map[string]string{}, deleted: map[string]bool{}}
	if err := s.resolveTargets(tx, refs); err != nil {
		return nil, err
	}
	if err := s.parseEntries(tx, refs); err != nil {
		return nil, err
	}
	if err := s.checkReads(ctx, tx, refs); err != nil {
		return nil, err
	}
	ordered := slices.Clone(tx)
	slices.SortStableFunc(ordered, func(a, b *txEntry) int { return a.order() - b.order() })
	results := make([]EntryResult, len(tx))
	for attempt := 0; ; attempt++ {
		ws, err := s.plan(ctx, ordered, results, refs)
		if err != nil {
			return nil, err
		}
		err = s.writeAll(ctx, ws)
		if err == nil {
			break
		}
		if fhir.ErrorCode(err) != fhir.CodeConflict || attempt+1 >= MaxTransactionAttempts || pinned(ordered) {
			return nil, err
		}
	}
	for _, x := range ordered {
		if x.t.method == "GET" || x.t.method == "HEAD" {
			results[x.i] = s.get(ctx, x.t, x.e.Request)
			if results[x.i].Err != nil {
				results[x.i].Err = entryErr(x.i, results[x.i].Err)
			}
		}
	}
	return results, nil
}

// pinned reports whether an entry has ifMatch: a lost race is then the
// client's precondition, not something to retry.
func pinned(tx []*txEntry) bool {
	for _, x := range tx {
		if x.t.ifMatch != nil {
			return true
		}
	}
	return false
}

// lockAll takes the named locks in sorted order, so that transactions and
// conditional interactions taking overlapping sets never deadlock.
func (s *Service) lockAll(ctx context.Context, names []string) (func(), error) {
	slices.Sort(names)
	names = slices.Compact(names)
	lockCtx, cancel := context.WithTimeout(ctx, TransactionLockTimeout)
	defer cancel()
	var releases []func()
	releaseAll := func() {
		for i := len(releases) - 1; i >= 0; i-- {
			releases[i]()
		}
	}
	for _, name := range names {
		release, err := s.store.Lock(lockCtx, name)
		if err != nil {
			releaseAll()
			return nil, err
		}
		releases = append(releases, release)
	}
	return releaseAll, nil
}

// resolveTargets decides the resource each write entry is about: a new id
// for a create, the match of a condition, or the URL's id; and refuses a
// resource touched twice. The DELETE entries are resolved first, as they
// are processed first (R4 3.1.0.11.2): a condition of a later entry does
// not find what the transaction deletes.
func (s *Service) resolveTargets(tx []*txEntry, refs *txRefs) error {
	for _, deletes := range []bool{true, false} {
		for _, x := range tx {
			if m := x.t.method; m == "GET" || m == "HEAD" || (m == "DELETE") != deletes {
				continue
			}
			if err := s.resolveTarget(x, refs); err != nil {
				return err
			}
			if deletes && x.id != "" {
				refs.deleted[x.t.typ+"/"+x.id] = true
			}
		}
	}
	seen := map[string]bool{}
	for _, x := range tx {
		if x.id == "" || x.t.method == "GET" || x.t.method == "HEAD" {
			continue
		}
		// Two entries creating by the same condition would make two
		// resources where the condition asks for one: the same resource.
		for _, key := range []string{x.t.typ + "/" + x.id, x.fresh} {
			if key != "" && seen[key] {
				return entryErr(x.i, fhir.Errorf(fhir.CodeInvalid, "%s is the target of more than one entry of the transaction", x.t.typ))
			}
			seen[key] = true
		}
	}
	return nil
}

func (s *Service) resolveTarget(x *txEntry, refs *txRefs) error {
	m := x.t.method
	x.id = x.t.id
	if m == "POST" {
		x.id = s.newID()
	}
	if x.cond == nil {
		return nil
	}
	matches, err := refs.search(*x.cond)
	if err != nil {
		return entryErr(x.i, err)
	}
	switch len(matches) {
	case 0:
		x.fresh = freshKey(x)
		switch m {
		case "PUT":
			if x.id = bodyID(x.e.Resource); x.id == "" {
				x.id = s.newID()
			}
		case "PATCH":
			return entryErr(x.i, fhir.Errorf(fhir.CodeNotFound, "the condition matches no %s", x.t.typ))
		}
	case 1:
		x.id = matches[0].ID
		if m == "POST" {
			x.matched = &matches[0]
		}
	default:
		return entryErr(x.i, multipleMatches(x.t.typ))
	}
	return nil
}

// bodyID is the id in a resource's JSON, "" when it has none.
func bodyID(body []byte) string {
	var head struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(body, &head)
	return head.ID
}

// parseEntries rewrites the references of every entry's resource to the
// resources the transaction resolved, then parses and validates it. A
// fullUrl may name one entry only (R4 bdl-7).
func (s *Service) parseEntries(tx []*txEntry, refs *txRefs) error {
	for _, x := range tx {
		if u := x.e.FullURL; u != "" {
			if _, dup := refs.fullURLs[u]; dup {
				return entryErr(x.i, fhir.Errorf(fhir.CodeInvalid, "fullUrl %s is the fullUrl of an earlier entry", u).At("fullUrl"))
			}
			refs.add(u, x)
		}
	}
	for _, x := range tx {
		if x.t.method != "POST" && x.t.method != "PUT" || x.matched != nil {
			continue // a create whose ifNoneExist matched writes nothing; a PATCH is parsed once applied
		}
		body, err := refs.rewrite(x.e.Resource)
		if err != nil {
			return entryErr(x.i, err)
		}
		doc, err := parse(x.t.typ, body)
		if err != nil {
			return entryErr(x.i, err)
		}
		if x.t.method == "PUT" {
			switch bodyID := doc.ID(); {
			case x.t.id != "" && bodyID == "":
				return entryErr(x.i, fhir.Errorf(fhir.CodeRequired, "the resource has no id; an update needs one equal to the URL's").At(x.t.typ+".id"))
			case bodyID != "" && bodyID != x.id:
				return entryErr(x.i, fhir.Errorf(fhir.CodeInvalid, "the resource id does not match the id in the URL or the resource the condition found").At(x.t.typ+".id"))
			}
		}
		x.doc = doc
	}
	return nil
}

// plan reads the current version of every resource written, checks the
// entries' preconditions and renders the versions to write, filling in
// the results of the write entries.
func (s *Service) plan(ctx context.Context, tx []*txEntry, results []EntryResult, refs *txRefs) ([]fhir.Write, error) {
	var ws []fhir.Write
	for _, x := range tx {
		var res EntryResult
		var r *fhir.Resource
		var cur *fhir.Resource
		var err error
		switch x.t.method {
		case "POST":
			if x.matched != nil {
				results[x.i] = EntryResult{Outcome: Matched, Resource: x.matched}
				continue
			}
			r, err = s.version(x.t.typ, x.doc, x.id, nil, "POST")
			res.Outcome = Created
		case "PUT", "PATCH":
			if cur, err = s.checked(ctx, x); err != nil {
				return nil, err
			}
			if x.t.method == "PATCH" {
				if err := s.applyPatch(x, cur, refs); err != nil {
					return nil, entryErr(x.i, err)
				}
			}
			if x.e.Request.IfNoneMatch == "*" && cur != nil && !cur.Deleted {
				return nil, entryErr(x.i, fhir.Errorf(fhir.CodePreconditionFailed, "%s/%s exists and ifNoneMatch is *", x.t.typ, x.id))
			}
			unchanged, err := sameContent(x.doc, cur)
			if err != nil {
				return nil, entryErr(x.i, err)
			}
			if unchanged {
				results[x.i] = EntryResult{Outcome: Updated, Resource: cur}
				continue
			}
			r, err = s.version(x.t.typ, x.doc, x.id, cur, "PUT")
			res.Outcome = Updated
			if cur == nil || cur.Deleted {
				res.Outcome = Created
			}
		case "DELETE":
			if x.id != "" {
				if cur, err = s.checked(ctx, x); err != nil {
					return nil, err
				}
			}
			if cur == nil || cur.Deleted {
				results[x.i] = EntryResult{Outcome: NoneFound, Resource: cur}
				continue
			}
			r, err = s.version(x.t.typ, nil, x.id, cur, "DELETE")
			res.Outcome = Deleted
		default:
			continue
		}
		if err != nil {
			return nil, entryErr(x.i, err)
		}
		res.Resource = r
		results[x.i] = res
		ws = append(ws, fhir.Write{R: r, Expect: expectOf(cur), Entry: x.i})
	}
	return ws, nil
}

// checked reads the current version of an entry's resource and applies
// its ifMatch.
func (s *Service) checked(ctx context.Context, x *txEntry) (*fhir.Resource, error) {
	cur, err := s.current(ctx, x.t.typ, x.id)
	if err != nil {
		return nil, entryErr(x.i, err)
	}
	if m := x.t.ifMatch; m != nil && (cur == nil || cur.VersionID != *m) {
		return nil, entryErr(x.i, versionMismatch(x.t.typ, x.id, *m))
	}
	return cur, nil
}

// applyPatch applies a PATCH entry to cur, the current version, rewriting
// the references the patch brings in; plan calls it on every attempt, so a
// retry after a lost race patches the newer version.
func (s *Service) applyPatch(x *txEntry, cur *fhir.Resource, refs *txRefs) error {
	t := *x.t
	t.id = x.id // the match of a conditional PATCH
	body, err := patched(&t, cur)
	if err != nil {
		return err
	}
	if body, err = refs.rewrite(body); err != nil {
		return err
	}
	x.doc, err = parse(x.t.typ, body)
	return err
}

// checkReads fails the transaction, before anything is written, on a GET or
// HEAD entry bound to fail: the transaction succeeds or fails as a whole
// (R4 3.1.0.11.2), and its reads run after the write.
func (s *Service) checkReads(ctx context.Context, tx []*txEntry, refs *txRefs) error {
	written := map[string]bool{}
	for _, x := range tx {
		if m := x.t.method; x.id != "" && (m == "POST" || m == "PUT" || m == "PATCH") {
			written[x.t.typ+"/"+x.id] = true
		}
	}
	for _, x := range tx {
		if m := x.t.method; m != "GET" && m != "HEAD" {
			continue
		}
		ref := x.t.typ + "/" + x.t.id
		var err error
		switch {
		case x.t.search:
			_, err = s.searchOf(x.t)
		case refs.deleted[ref]:
			err = fhir.Errorf(fhir.CodeDeleted, "%s/%s is deleted by the transaction", x.t.typ, x.t.id)
		case !written[ref]:
			err = s.get(ctx, x.t, x.e.Request).Err
		}
		if err != nil {
			return entryErr(x.i, err)
		}
	}
	return nil
}

// freshKey is the condition of x as Type?query with sorted parameters.
func freshKey(x *txEntry) string {
	cond := x.t.query
	if x.t.method == "POST" {
		cond = x.e.Request.IfNoneExist
	}
	if i := strings.IndexByte(cond, '?'); i >= 0 {
		cond = cond[i+1:]
	}
	if v, err := url.ParseQuery(cond); err == nil {
		cond = v.Encode()
	}
	return x.t.typ + "?" + cond
}
