package mongo_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/store/mongo"
	"github.com/trialfhir/trialfhir/fhir/store/mongo/mongotest"
)

// claim inserts r into history as WriteAll's step 3 does, tagged with txn.
func claim(t *testing.T, db *driver.Database, r *fhir.Resource, txn string) string {
	t.Helper()
	id := r.Type + "/" + r.ID + "/" + strconv.FormatInt(r.VersionID, 10)
	_, err := db.Collection("history").InsertOne(context.Background(), bson.D{
		{Key: "_id", Value: id}, {Key: "type", Value: r.Type}, {Key: "id", Value: r.ID},
		{Key: "vid", Value: r.VersionID}, {Key: "lu", Value: bson.NewDateTimeFromTime(r.LastUpdated)},
		{Key: "del", Value: false}, {Key: "method", Value: r.Method}, {Key: "body", Value: string(r.Body)},
		{Key: "keys", Value: r.Index.Keys}, {Key: "strs", Value: bson.A{}}, {Key: "rng", Value: bson.A{}},
		{Key: "txn", Value: txn},
	})
	require.NoError(t, err)
	return id
}

// TestJournalRecovery plays a WriteAll writer that died at each step of the
// journal protocol, and checks what readers see before and after the store
// is opened again: all of the transaction or none of it.
func TestJournalRecovery(t *testing.T) {
	for _, tc := range []struct {
		name    string
		outcome string // "", "commit" or "abort"
		expired bool
		visible bool // after reopening
	}{
		{"claimed, within lease", "", false, false},
		{"claimed, lease over", "", true, false},
		{"committed, not applied", "commit", false, true},
		{"aborted, not cleaned", "abort", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, db := openRaw(t)
			require.NoError(t, s.Write(ctx, patient("a", 1, "a1"), 0))
			a2, b1 := patient("a", 2, "a2"), patient("b", 1, "b1")
			expires := time.Now().Add(time.Hour)
			if tc.expired {
				expires = time.Now().Add(-time.Second)
			}
			refs := bson.A{claim(t, db, a2, "J"), claim(t, db, b1, "J")}
			_, err := db.Collection("journals").InsertOne(ctx, bson.D{{Key: "_id", Value: "J"}, {Key: "refs", Value: refs}, {Key: "expires", Value: expires}})
			require.NoError(t, err)
			if tc.outcome != "" {
				_, err = db.Collection("outcomes").InsertOne(ctx, bson.D{{Key: "_id", Value: "J"}, {Key: "commit", Value: tc.outcome == "commit"}})
				require.NoError(t, err)
			}

			check := func(t *testing.T, s fhir.Store, visible bool, searchable bool) {
				a, err := s.Read(ctx, "Patient", "a")
				require.NoError(t, err)
				_, errB := s.Read(ctx, "Patient", "b")
				_, errV := s.VRead(ctx, "Patient", "a", 2)
				page, err := s.History(ctx, fhir.HistoryQuery{Limit: 10})
				require.NoError(t, err)
				if visible {
					require.EqualValues(t, 2, a.VersionID)
					require.NoError(t, errB)
					require.NoError(t, errV)
					require.Len(t, page.Versions, 3)
				} else {
					require.EqualValues(t, 1, a.VersionID)
					require.Equal(t, fhir.CodeNotFound, fhir.ErrorCode(errB))
					require.Equal(t, fhir.CodeNotFound, fhir.ErrorCode(errV))
					require.Len(t, page.Versions, 1)
				}
				if searchable {
					found, err := s.Search(ctx, fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(index.TokenKey("identifier", "urn:mrn|b1"))}})
					require.NoError(t, err)
					require.Len(t, found, 1)
				}
			}
			check(t, s, tc.outcome == "commit", false)

			again, err := mongo.Open(ctx, mongotest.URI(t), db.Name())
			require.NoError(t, err)
			defer again.Close()
			check(t, again, tc.visible, tc.visible)
			n, err := db.Collection("journals").CountDocuments(ctx, bson.D{})
			require.NoError(t, err)
			if tc.outcome == "" && !tc.expired {
				require.EqualValues(t, 1, n, "a journal within its lease may still be running")
				return
			}
			require.Zero(t, n, "recovery finished the journal")
			// The resources are writable again at the right versions.
			next := int64(2)
			if tc.visible {
				next = 3
			}
			require.NoError(t, again.Write(ctx, patient("a", next, "later"), next-1))
		})
	}
}

// TestWriteAllUnderRecovery checks the outcome race: a transaction whose
// lease a recoverer ended cannot commit afterwards.
func TestWriteAllAbortedByRecoverer(t *testing.T) {
	ctx := context.Background()
	s, db := openRaw(t)
	// A recoverer decided "abort" on every journal id before it committed:
	// simulate by deciding abort on the next journal as soon as it exists.
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			cur, err := db.Collection("journals").Find(ctx, bson.D{})
			if err != nil {
				continue
			}
			var js []bson.M
			_ = cur.All(ctx, &js)
			for _, j := range js {
				_, _ = db.Collection("outcomes").InsertOne(ctx, bson.D{{Key: "_id", Value: j["_id"]}, {Key: "commit", Value: false}})
			}
		}
	}()
	var committed, aborted int
	for i := 0; i < 20; i++ {
		id := "p" + strconv.Itoa(i)
		err := s.WriteAll(ctx, []fhir.Write{{R: patient(id, 1, id)}, {R: patient(id+"x", 1, id), Entry: 1}})
		_, errA := s.Read(ctx, "Patient", id)
		_, errB := s.Read(ctx, "Patient", id+"x")
		if err == nil {
			committed++
			require.NoError(t, errA)
			require.NoError(t, errB)
		} else {
			aborted++
			require.Equal(t, fhir.CodeTransient, fhir.ErrorCode(err), "%v", err)
			require.Equal(t, fhir.CodeNotFound, fhir.ErrorCode(errA))
			require.Equal(t, fhir.CodeNotFound, fhir.ErrorCode(errB))
		}
	}
	close(stop)
	<-done
	t.Logf("committed %d, aborted %d", committed, aborted)
}
