package service

import (
	"context"
	"sync"

	"github.com/trialfhir/trialfhir/fhir"
)

// BatchWorkers bounds how many entries of one batch are processed at once.
// Batch entries are independent (R4 3.1.0.11.1), so running them side by
// side lets the embedded store commit them in shared group commits.
const BatchWorkers = 8

// Batch processes a batch Bundle's entries, each on its own (R4 3.1.0.11.1):
// a failure is reported in that entry's Err and affects no other, and an
// entry referring to another by its fullUrl fails (see linksEntries).
// Results are in entry order.
func (s *Service) Batch(ctx context.Context, entries []Entry) []EntryResult {
	results := make([]EntryResult, len(entries))
	fullURLs := map[string]bool{}
	for _, e := range entries {
		if e.FullURL != "" {
			fullURLs[e.FullURL] = true
		}
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(BatchWorkers, len(entries)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := linksEntries(&entries[i], fullURLs); err != nil {
					results[i] = EntryResult{Err: entryErr(i, err)}
					continue
				}
				results[i] = s.batchEntry(ctx, i, &entries[i])
			}
		}()
	}
	for i := range entries {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// linksEntries refuses an entry whose resource refers to another entry of
// the batch by its fullUrl: batch entries are processed independently, so
// the reference could not be resolved, and storing it as written would
// leave a link to nothing (R4 3.1.0.11.1 calls such a batch
// non-conformant; a transaction resolves them).
func linksEntries(e *Entry, fullURLs map[string]bool) error {
	if len(e.Resource) == 0 {
		return nil
	}
	var found string
	rewriteRefs(e.Resource, func(v string) (string, bool) {
		if found == "" && v != e.FullURL && fullURLs[v] {
			found = v
		}
		return v, false
	}, func(v string) (string, bool) { return v, false })
	if found != "" {
		return fhir.Errorf(fhir.CodeInvalid, "the reference %s is to another entry of the batch; batch entries are processed independently, so send a transaction to link them", found)
	}
	return nil
}

func (s *Service) batchEntry(ctx context.Context, i int, e *Entry) EntryResult {
	t, err := parseTarget(e)
	if err != nil {
		return EntryResult{Err: entryErr(i, err)}
	}
	var res *Result
	switch t.method {
	case "GET", "HEAD":
		r := s.get(ctx, t, e.Request)
		if r.Err != nil {
			r.Err = entryErr(i, r.Err)
		}
		return r
	case "POST":
		res, err = s.Create(ctx, t.typ, e.Resource, e.Request.IfNoneExist)
	case "PUT":
		if err = s.checkIfNoneMatch(ctx, t, e.Request); err != nil {
			break
		}
		if t.id != "" {
			res, err = s.Update(ctx, t.typ, t.id, e.Resource, t.ifMatch)
		} else {
			res, err = s.ConditionalUpdate(ctx, t.typ, t.query, e.Resource, t.ifMatch)
		}
	case "PATCH":
		res, err = s.patch(ctx, t)
	case "DELETE":
		if t.id != "" {
			res, err = s.Delete(ctx, t.typ, t.id, t.ifMatch)
		} else {
			res, err = s.ConditionalDelete(ctx, t.typ, t.query, t.ifMatch)
		}
	}
	if err != nil {
		return EntryResult{Err: entryErr(i, err)}
	}
	return EntryResult{Outcome: res.Outcome, Resource: res.Resource}
}

// checkIfNoneMatch refuses a PUT with ifNoneMatch "*" when the resource
// exists (create only if absent, RFC 9110 13.1.2).
func (s *Service) checkIfNoneMatch(ctx context.Context, t *target, req EntryRequest) error {
	if req.IfNoneMatch != "*" || t.id == "" {
		return nil
	}
	cur, err := s.current(ctx, t.typ, t.id)
	if err != nil {
		return err
	}
	if cur != nil && !cur.Deleted {
		return fhir.Errorf(fhir.CodePreconditionFailed, "%s/%s exists and ifNoneMatch is *", t.typ, t.id)
	}
	return nil
}
