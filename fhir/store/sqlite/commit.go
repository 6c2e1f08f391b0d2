package sqlite

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
)

// MaxBatch caps how many writes share one transaction; Linger is how long
// the first write of a batch waits for others to join it.
const (
	MaxBatch = 64
	Linger   = 200 * time.Microsecond
)

// groupCommit funnels every Write through one goroutine that commits the
// writes waiting at that moment in a single transaction. A commit's cost is
// mostly the index pages it rewrites, and writes close in time touch the
// same pages, so a batch costs little more than one write: group commit, as
// databases do for their logs. A version conflict is found before its write
// touches anything, so it fails alone; any other error fails the batch.
// Every caller is answered only after the commit, so nil still means
// durable.
type groupCommit struct {
	s    *Store
	reqs chan *writeReq
	done chan struct{}
	once sync.Once
	// restart asks the writer to restart the WAL between two batches
	// (see checkpointer); nextRestart is when it may try again after a
	// restart that readers kept from finishing.
	restart     atomic.Bool
	nextRestart time.Time
}

// writeReq is one Write (one element in writes) or one WriteAll.
type writeReq struct {
	ctx    context.Context
	writes []fhir.Write
	// keys holds each write's key hashes, computed by the caller's
	// goroutine: the writer is serial, and hashing took 3% of it.
	keys   []keyHashSet
	result chan error
}

func newGroupCommit(s *Store) *groupCommit {
	g := &groupCommit{s: s, reqs: make(chan *writeReq), done: make(chan struct{})}
	go g.run()
	return g
}

func (g *groupCommit) write(ctx context.Context, writes []fhir.Write) error {
	req := &writeReq{ctx: ctx, writes: writes, keys: make([]keyHashSet, len(writes)), result: make(chan error, 1)}
	for i, w := range writes {
		if !w.R.Deleted {
			req.keys[i] = hashIndex(w.R.Type, &w.R.Index)
		}
	}
	select {
	case g.reqs <- req:
	case <-g.done:
		return fhir.Errorf(fhir.CodeTransient, "embedded store is closing")
	case <-ctx.Done():
		return &fhir.Error{Code: fhir.CodeTransient, Message: "write not started", Err: ctx.Err()}
	}
	// Once queued, wait for the outcome whatever ctx does: the write may
	// commit, and the caller must not be told otherwise.
	return <-req.result
}

func (g *groupCommit) stop() {
	g.once.Do(func() { close(g.done) })
	g.reqs <- nil // wait for run to take it: the batch in progress has finished
}

func (g *groupCommit) run() {
	for {
		var first *writeReq
		select {
		case first = <-g.reqs:
		case <-g.done:
			<-g.reqs // the nil from stop
			return
		}
		if first == nil {
			return
		}
		batch := []*writeReq{first}
		linger := time.NewTimer(Linger)
	drain:
		for len(batch) < MaxBatch {
			select {
			case req := <-g.reqs:
				if req == nil {
					linger.Stop()
					g.commit(batch)
					return
				}
				batch = append(batch, req)
			case <-linger.C:
				break drain
			}
		}
		linger.Stop()
		g.commit(batch)
		if g.restart.Swap(false) {
			g.restartWAL()
		}
	}
}

// restartWAL copies the rest of the WAL into the database and makes the
// next commit write from the start of the file, on the writer's own
// connection between two batches: from another
// connection the checkpoint had to win the write lock from this goroutine,
// which takes it again within microseconds of each commit, and under a
// steady load it never did (a 5 GB WAL in ten minutes). Writers wait for
// it. A reader still in the WAL (a long export) would make it wait too, so
// it waits for readers only restartWait, and after a failure the next
// attempt comes restartBackoff later.
//
// The file keeps its size (about MaxWALBytes) to be written over: a
// TRUNCATE checkpoint also shrank it to nothing, and the writer then
// waited for the file system to free and allocate again 256 MiB; the
// Synthea ingest ran at 3,366 and 3,524 resources/s with it, 3,764 and
// 4,198 without. Close still truncates it.
func (g *groupCommit) restartWAL() {
	if time.Now().Before(g.nextRestart) {
		return
	}
	ctx := context.Background()
	conn, err := g.s.w.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	var busy, frames, copied int
	_, err = conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", restartWait.Milliseconds()))
	if err == nil {
		err = conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(RESTART)").Scan(&busy, &frames, &copied)
	}
	if _, rerr := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeout.Milliseconds())); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil || busy != 0 {
		g.nextRestart = time.Now().Add(restartBackoff)
	}
}

const (
	restartWait    = 200 * time.Millisecond
	restartBackoff = 10 * time.Second
)

// commit runs a batch in one transaction and answers every request.
func (g *groupCommit) commit(batch []*writeReq) {
	errs := make([]error, len(batch))
	ctx := context.Background() // each request's own ctx may end mid-batch
	tx, err := g.s.w.BeginTx(ctx, nil)
	if err != nil {
		answer(batch, errs, storeErr(err))
		return
	}
	ok := 0
	for i, req := range batch {
		if err := req.ctx.Err(); err != nil {
			errs[i] = &fhir.Error{Code: fhir.CodeTransient, Message: "write abandoned before it started", Err: err}
			continue
		}
		err := g.s.writeReq(ctx, tx, req.writes, req.keys)
		switch {
		case err == nil:
			ok++
		case fhir.ErrorCode(err) == fhir.CodeConflict:
			// writeReq checks every version before writing anything, so
			// a conflict leaves nothing to undo and the batch goes on.
			errs[i] = err
		default:
			// Anything else may have half-written this request: undo the
			// whole batch, which is exceptional (disk full, corruption).
			_ = tx.Rollback()
			answer(batch, errs, err)
			return
		}
	}
	if ok == 0 {
		_ = tx.Rollback()
		answer(batch, errs, nil)
		return
	}
	answer(batch, errs, storeErr(tx.Commit()))
}

// answer sends each request its error, or commitErr to those that had none.
func answer(batch []*writeReq, errs []error, commitErr error) {
	for i, req := range batch {
		err := errs[i]
		if err == nil {
			err = commitErr
		}
		req.result <- err
	}
}
