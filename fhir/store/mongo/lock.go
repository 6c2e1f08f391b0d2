package mongo

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	mrand "math/rand/v2"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/trialfhir/trialfhir/fhir"
)

const (
	// lease is how long a lock outlives a holder that died without
	// releasing it. Locks guard short check-then-write sequences (a search
	// and a write, milliseconds), so a live holder never comes near it; a
	// holder that could would need to renew, which nothing here does.
	lease = 30 * time.Second
	// A waiter polls, starting fast because most holds are short, backing
	// off so that many waiters do not hammer the server.
	minPoll = 2 * time.Millisecond
	maxPoll = 50 * time.Millisecond
)

// lockDoc is a held lock in the locks collection.
type lockDoc struct {
	// ID is a hash of the lock key: keys are search conditions such as
	// "Patient?identifier=urn:mrn|777" and may hold patient data, which must
	// not end up in the database or in a duplicate key error message.
	ID string `bson:"_id"`
	// Owner is a random token, so that only its holder releases a lock.
	Owner string `bson:"owner"`
	// Expires ends the lease; the TTL index sweeps on it.
	Expires time.Time `bson:"expires"`
}

func lockID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// Lock takes the named lock by inserting its document: the unique _id makes
// the insert succeed for one holder at a time. A waiter removes a document
// whose lease has expired and polls otherwise, until ctx ends
// (CodeTransient).
//
// Leases are compared with this process's clock, so server clocks must agree
// to well within the lease, as they do under NTP.
//
// On FerretDB 1.x a filtered delete is not atomic (see the package
// documentation), so when a dead holder's lease is broken by two waiters at
// once, or a holder releases just after its lease was broken, a fresh lock
// can be deleted and two holders may overlap. Both need a holder that died
// or held the lock for the whole lease; on MongoDB neither can happen.
func (s *Store) Lock(ctx context.Context, key string) (func(), error) {
	id := lockID(key)
	owner := rand.Text()
	poll := minPoll
	for {
		now := time.Now()
		_, err := s.locks.InsertOne(ctx, lockDoc{ID: id, Owner: owner, Expires: now.Add(lease)})
		if err == nil {
			return s.releaser(id, owner), nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return nil, lockError(ctx, err)
		}

		// Held. Break the lease if it has expired. The expiry is part of
		// the filter, so on MongoDB this compare-and-delete cannot remove a
		// lock that someone took (or renewed) after we looked; unlike
		// reading the owner first and deleting by owner, it needs no second
		// round trip.
		res, err := s.locks.DeleteOne(ctx, bson.D{
			{Key: "_id", Value: id},
			{Key: "expires", Value: bson.D{{Key: "$lte", Value: now}}},
		})
		if err != nil {
			return nil, lockError(ctx, err)
		}
		if res.DeletedCount > 0 {
			continue
		}

		// Jitter keeps waiters that started together from polling together.
		t := time.NewTimer(poll/2 + mrand.N(poll/2+1))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, lockError(ctx, ctx.Err())
		case <-t.C:
		}
		poll = min(2*poll, maxPoll)
	}
}

// lockError reports a failed Lock. The key is left out: it may hold patient
// data.
func lockError(ctx context.Context, err error) *fhir.Error {
	if ctx.Err() != nil {
		return &fhir.Error{Code: fhir.CodeTransient, Message: "mongo: gave up waiting for a lock", Err: ctx.Err()}
	}
	return dbError("lock", err)
}

// releaser returns the release func of a lock: idempotent, and deleting the
// document only if we still own it, so a holder that outlived its lease does
// not release its successor's lock. It uses its own context because release
// usually runs deferred, after the request context may have ended.
func (s *Store) releaser(id, owner string) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
			defer cancel()
			_, err := s.locks.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "owner", Value: owner}})
			if err != nil {
				// Harmless but slow: waiters get the lock when the lease ends.
				s.log.Warn("mongo: releasing a lock failed; it frees at lease end", "error", err)
			}
		})
	}
}
