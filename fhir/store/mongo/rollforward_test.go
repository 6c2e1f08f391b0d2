package mongo_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/store/mongo"
	"github.com/trialfhir/trialfhir/fhir/store/mongo/mongotest"
)

// openRaw returns a store and a driver handle on the same fresh database,
// for tests that arrange documents by hand.
func openRaw(t *testing.T) (*mongo.Store, *driver.Database) {
	t.Helper()
	uri, name := mongotest.URI(t), mongotest.Database()
	ctx := context.Background()
	s, err := mongo.Open(ctx, uri, name)
	require.NoError(t, err)
	client, err := driver.Connect(options.Client().ApplyURI(uri))
	require.NoError(t, err)
	db := client.Database(name)
	t.Cleanup(func() {
		_ = s.Close()
		_ = db.Drop(ctx)
		_ = client.Disconnect(ctx)
	})
	return s, db
}

var base = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func patient(id string, vid int64, mrn string) *fhir.Resource {
	body := []byte(`{"resourceType":"Patient","id":"` + id + `","identifier":[{"system":"urn:mrn","value":"` + mrn + `"}]}`)
	ix, _ := index.Extract(body)
	return &fhir.Resource{Type: "Patient", ID: id, VersionID: vid, LastUpdated: base.Add(time.Duration(vid) * time.Second),
		Method: "PUT", Body: body, Index: ix}
}

// TestRollForward plays a writer that died after committing a version to
// history (step 2) and before copying it into resources (step 3): Read must
// show it, the next writer must repair the search projection and report a
// conflict, and the resource must stay writable.
func TestRollForward(t *testing.T) {
	for _, tc := range []struct {
		name   string
		expect int64 // the version current when the writer died; 0: none
	}{
		{"create", 0},
		{"update", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, db := openRaw(t)
			for v := int64(1); v <= tc.expect; v++ {
				require.NoError(t, s.Write(ctx, patient("p", v, "before"), v-1))
			}

			// The dead writer's commit, as Write stores it.
			orphan := patient("p", tc.expect+1, "orphan")
			strs, rng := bson.A{}, bson.A{}
			for _, v := range orphan.Index.Strings {
				strs = append(strs, v.Param+"\x1f"+v.Value)
			}
			for _, v := range orphan.Index.Ranges {
				rng = append(rng, bson.D{{Key: "p", Value: v.Param}, {Key: "lo", Value: v.Lo}, {Key: "hi", Value: v.Hi}})
			}
			_, err := db.Collection("history").InsertOne(ctx, bson.D{
				{Key: "_id", Value: "Patient/p/" + strconv.FormatInt(orphan.VersionID, 10)},
				{Key: "type", Value: "Patient"}, {Key: "id", Value: "p"},
				{Key: "vid", Value: orphan.VersionID},
				{Key: "lu", Value: bson.NewDateTimeFromTime(orphan.LastUpdated)},
				{Key: "del", Value: false}, {Key: "method", Value: "PUT"},
				{Key: "body", Value: string(orphan.Body)}, {Key: "keys", Value: orphan.Index.Keys}, {Key: "strs", Value: strs}, {Key: "rng", Value: rng},
			})
			require.NoError(t, err)

			err = s.Write(ctx, patient("p", tc.expect+1, "loser"), tc.expect)
			require.Equal(t, fhir.CodeConflict, fhir.ErrorCode(err), "error: %v", err)

			got, err := s.Read(ctx, "Patient", "p")
			require.NoError(t, err)
			require.Equal(t, tc.expect+1, got.VersionID)
			require.Equal(t, string(orphan.Body), string(got.Body))
			require.True(t, orphan.LastUpdated.Equal(got.LastUpdated))
			found, err := s.Search(ctx, fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(index.TokenKey("identifier", "urn:mrn|orphan"))}})
			require.NoError(t, err)
			require.Len(t, found, 1, "the rolled-forward version is indexed")

			require.NoError(t, s.Write(ctx, patient("p", tc.expect+2, "after"), tc.expect+1))
			got, err = s.Read(ctx, "Patient", "p")
			require.NoError(t, err)
			require.Equal(t, tc.expect+2, got.VersionID)
			require.Contains(t, string(got.Body), `"after"`)
			page, err := s.History(ctx, fhir.HistoryQuery{Type: "Patient", ID: "p"})
			require.NoError(t, err)
			require.Len(t, page.Versions, int(tc.expect+2))
		})
	}
}
