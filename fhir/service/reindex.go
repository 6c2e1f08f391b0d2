package service

import (
	"context"
	"slices"
	"sync"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/searchparam"
)

// ReindexPage is how many resources one store.Reindex call rewrites,
// unless WithReindexPage says otherwise.
const ReindexPage = 200

// WithReindexPage sets how many resources one store.Reindex call rewrites.
func WithReindexPage(n int) Option { return func(s *Service) { s.reindexPage = max(n, 1) } }

// maxReindexPasses bounds the passes over one type: the first rewrites
// what lacks the parameter's marker, the second normally finds nothing
// (writes after the swap carry the marker); more mean something keeps
// failing to take it.
const maxReindexPasses = 4

// Reindex states, in ReindexStatus.State.
const (
	ReindexQueued     = "queued"
	ReindexRunning    = "running"
	ReindexDone       = "done"
	ReindexFailed     = "failed"
	ReindexSuperseded = "superseded" // the SearchParameter changed again; a later job took over
)

// ReindexStatus is the state of the index of one stored SearchParameter
// after its last create, update or delete.
type ReindexStatus struct {
	State     string
	Types     []string // the resource types being reindexed
	Processed int      // resources rewritten so far
	Error     string   // why a failed job failed (log-safe)
}

// reindexJob rebuilds the index of the base types of a SearchParameter
// after it changed from old to def (either may be nil: created, deleted).
type reindexJob struct {
	id       string
	def, old *searchparam.Definition
}

// types are the resource types whose index the change touches.
func (j *reindexJob) types() []string {
	var ts []string
	for _, d := range []*searchparam.Definition{j.def, j.old} {
		if d != nil {
			ts = append(ts, d.Base...)
		}
	}
	slices.Sort(ts)
	return slices.Compact(ts)
}

// stale is the predicate selecting the resources of typ the job must
// still rewrite: on the new definition's bases those without its marker,
// elsewhere those still marked by the old one.
func (j *reindexJob) stale(typ string) fhir.Pred {
	if j.def != nil && slices.Contains(j.def.Base, typ) {
		return fhir.Pred{Not: true, Any: []fhir.Match{{Kind: fhir.MatchKey, Key: index.MarkerKey(j.def)}}}
	}
	return fhir.KeyPred(index.MarkerKey(j.old))
}

// jobQueue runs reindex jobs one at a time, in order, on a goroutine that
// exists while there is work.
type jobQueue struct {
	mu      sync.Mutex
	pending []*reindexJob
	running bool
	idle    chan struct{} // closed when the queue empties
	status  map[string]*ReindexStatus
}

func (s *Service) enqueue(j *reindexJob) {
	q := &s.jobs
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.status == nil {
		q.status = map[string]*ReindexStatus{}
	}
	q.status[j.id] = &ReindexStatus{State: ReindexQueued, Types: j.types()}
	q.pending = append(q.pending, j)
	if !q.running {
		q.running = true
		q.idle = make(chan struct{})
		go s.runJobs()
	}
}

func (s *Service) runJobs() {
	q := &s.jobs
	for {
		q.mu.Lock()
		if len(q.pending) == 0 {
			q.running = false
			close(q.idle)
			q.mu.Unlock()
			return
		}
		j := q.pending[0]
		q.pending = q.pending[1:]
		q.mu.Unlock()
		// The job outlives the request that caused it.
		s.runJob(context.Background(), j)
	}
}

// setStatus changes the status of id under the queue's lock.
func (s *Service) setStatus(id string, f func(*ReindexStatus)) {
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	if st := s.jobs.status[id]; st != nil {
		f(st)
	}
}

// ReindexStatus returns the reindex state of SearchParameter id; ok is false
// when the server has not indexed it since it started (never stored, or
// not active).
func (s *Service) ReindexStatus(id string) (st ReindexStatus, ok bool) {
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	if p := s.jobs.status[id]; p != nil {
		st = *p
		st.Types = slices.Clone(p.Types)
		return st, true
	}
	return st, false
}

// WaitReindex waits until no reindex job is queued or running, or ctx ends.
func (s *Service) WaitReindex(ctx context.Context) error {
	s.jobs.mu.Lock()
	idle, running := s.jobs.idle, s.jobs.running
	s.jobs.mu.Unlock()
	if !running {
		return nil
	}
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return &fhir.Error{Code: fhir.CodeTransient, Message: "reindex still running", Err: ctx.Err()}
	}
}

func (s *Service) runJob(ctx context.Context, j *reindexJob) {
	s.setStatus(j.id, func(st *ReindexStatus) { st.State = ReindexRunning })
	for _, typ := range j.types() {
		for pass := 0; ; pass++ {
			if pass == maxReindexPasses {
				s.jobFailed(j, fhir.Errorf(fhir.CodeException, "%s resources keep missing the new index after %d passes", typ, pass))
				return
			}
			n, err := s.reindexPass(ctx, j, typ)
			if err != nil {
				s.jobFailed(j, err)
				return
			}
			if n == 0 {
				break
			}
		}
	}
	s.paramMu.Lock()
	defer s.paramMu.Unlock()
	if s.superseded(j) {
		s.setStatus(j.id, func(st *ReindexStatus) { st.State = ReindexSuperseded })
		return
	}
	if j.def != nil {
		s.setPending(j.id, false)
	}
	s.setStatus(j.id, func(st *ReindexStatus) { st.State = ReindexDone })
}

func (s *Service) jobFailed(j *reindexJob, err error) {
	if err == errSuperseded {
		s.setStatus(j.id, func(st *ReindexStatus) { st.State = ReindexSuperseded })
		return
	}
	s.log.Error("reindex failed; the search parameter stays unusable until it is stored again or the server restarts",
		"search_parameter", j.id, "error", err)
	s.setStatus(j.id, func(st *ReindexStatus) { st.State, st.Error = ReindexFailed, fhir.AsError(err).Message })
}

var errSuperseded = fhir.Errorf(fhir.CodeConflict, "superseded by a later change")

// reindexPass rewrites, in id order, the index of every resource of typ
// the job finds stale, with the registry in force page by page. It returns
// how many it found.
func (s *Service) reindexPass(ctx context.Context, j *reindexJob, typ string) (int, error) {
	found, after := 0, ""
	for {
		page, err := s.store.Search(ctx, fhir.Query{Type: typ, Preds: []fhir.Pred{j.stale(typ)}, After: after, Limit: s.reindexPage})
		if err != nil || len(page) == 0 {
			return found, err
		}
		s.paramMu.Lock()
		gone := s.superseded(j)
		s.paramMu.Unlock()
		if gone {
			return found, errSuperseded
		}
		x := s.extractor()
		entries := make([]fhir.Reindexed, len(page))
		for i, r := range page {
			ix, err := x.Extract(r.Body)
			if err != nil {
				return found, fhir.AsError(err)
			}
			entries[i] = fhir.Reindexed{ID: r.ID, VersionID: r.VersionID, Index: ix}
		}
		// A skipped entry was updated meanwhile, after the swap, so its
		// new version carries the new index already.
		if _, err := s.store.Reindex(ctx, typ, entries); err != nil {
			return found, err
		}
		found += len(page)
		s.setStatus(j.id, func(st *ReindexStatus) { st.Processed += len(page) })
		after = page[len(page)-1].ID
	}
}

// superseded reports whether the registry no longer holds what j indexes
// for (paramMu held).
func (s *Service) superseded(j *reindexJob) bool {
	return !sameDef(s.storedDef(j.id), j.def)
}
