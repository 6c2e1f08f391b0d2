package mongo_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/trialfhir/trialfhir/fhir"
)

// TestLockLease plays a holder that died without releasing: its lock stops
// excluding others once its lease has ended, and not before.
func TestLockLease(t *testing.T) {
	const key = "Patient?identifier=urn:mrn|1"
	sum := sha256.Sum256([]byte(key)) // locks are kept under the key's hash
	for _, tc := range []struct {
		name    string
		expires time.Duration // lease end of the dead holder, from now
		want    fhir.Code
	}{
		{"expired lease is broken", -time.Second, ""},
		{"live lease excludes", time.Minute, fhir.CodeTransient},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, db := openRaw(t)
			_, err := db.Collection("locks").InsertOne(context.Background(), bson.D{
				{Key: "_id", Value: hex.EncodeToString(sum[:])},
				{Key: "owner", Value: "dead"},
				{Key: "expires", Value: time.Now().Add(tc.expires)},
			})
			require.NoError(t, err)

			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			release, err := s.Lock(ctx, key)
			require.Equal(t, tc.want, fhir.ErrorCode(err), "error: %v", err)
			if err == nil {
				release()
				release() // idempotent
			}
		})
	}
}
