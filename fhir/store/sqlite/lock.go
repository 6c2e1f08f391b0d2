package sqlite

import (
	"context"
	"sync"

	"github.com/trialfhir/trialfhir/fhir"
)

// keyLocks are named mutexes. In-process locks suffice because Open holds an
// exclusive lock on the data directory: no other process can write here.
type keyLocks struct {
	mu   sync.Mutex
	held map[string]chan struct{} // closed when the holder releases
}

func newKeyLocks() *keyLocks { return &keyLocks{held: map[string]chan struct{}{}} }

// Lock implements fhir.Store.
func (s *Store) Lock(ctx context.Context, key string) (func(), error) {
	l := s.locks
	for {
		l.mu.Lock()
		wait, busy := l.held[key]
		if !busy {
			done := make(chan struct{})
			l.held[key] = done
			l.mu.Unlock()
			var once sync.Once
			return func() {
				once.Do(func() {
					l.mu.Lock()
					delete(l.held, key)
					l.mu.Unlock()
					close(done)
				})
			}, nil
		}
		l.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, &fhir.Error{Code: fhir.CodeTransient, Message: "timed out waiting for a lock", Err: ctx.Err()}
		}
	}
}
