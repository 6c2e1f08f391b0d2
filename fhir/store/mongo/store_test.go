package mongo_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/store/mongo"
	"github.com/trialfhir/trialfhir/fhir/store/mongo/mongotest"
	"github.com/trialfhir/trialfhir/fhir/store/storetest"
)

func TestMain(m *testing.M) { mongotest.Main(m) }

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) fhir.Store { return mongotest.Open(t) })
}

// TestBodyVerbatim checks what the contract suite compares only as JSON: the
// body comes back byte for byte. Stored as a BSON sub-document it would lose
// the trailing zero of 1.50, the exponent form and the whitespace.
func TestBodyVerbatim(t *testing.T) {
	ctx := context.Background()
	s := mongotest.Open(t)
	body := `{ "resourceType":"Observation", "id":"o",` + "\n" +
		`  "valueQuantity":{"value":1.50,"unit":"mg"}, "note":[{"text":"caf\u00e9 ü \u2028"}], "z":1e3 }`
	r := &fhir.Resource{Type: "Observation", ID: "o", VersionID: 1, Method: "POST", Body: []byte(body),
		LastUpdated: time.Date(2026, 1, 2, 3, 4, 5, 678_900_000, time.FixedZone("X", 3600))}
	require.NoError(t, s.Write(ctx, r, 0))
	for _, read := range []func() (*fhir.Resource, error){
		func() (*fhir.Resource, error) { return s.Read(ctx, "Observation", "o") },
		func() (*fhir.Resource, error) { return s.VRead(ctx, "Observation", "o", 1) },
	} {
		got, err := read()
		require.NoError(t, err)
		require.Equal(t, body, string(got.Body))
		// Stored at millisecond precision, handed back in UTC.
		require.Equal(t, time.Date(2026, 1, 2, 2, 4, 5, 678_000_000, time.UTC), got.LastUpdated)
		require.Equal(t, time.UTC, got.LastUpdated.Location())
	}
}

// TestInvalidInput covers what the contract leaves to each store: names
// that cannot be part of an _id, and cursors that were never handed out.
func TestInvalidInput(t *testing.T) {
	ctx := context.Background()
	s := mongotest.Open(t)
	cases := []struct {
		name string
		err  error
		want fhir.Code
	}{
		{"slash in id", s.Write(ctx, &fhir.Resource{Type: "Patient", ID: "a/b", VersionID: 1}, 0), fhir.CodeInvalid},
		{"empty type", s.Write(ctx, &fhir.Resource{ID: "a", VersionID: 1}, 0), fhir.CodeInvalid},
		{"body not UTF-8", s.Write(ctx, &fhir.Resource{Type: "Patient", ID: "a", VersionID: 1, Body: []byte{0xff}}, 0), fhir.CodeInvalid},
		{"index parameter with separator", s.Write(ctx, &fhir.Resource{Type: "Patient", ID: "a", VersionID: 1, Body: []byte("{}"),
			Index: fhir.Index{Strings: []fhir.IndexString{{Param: "a\x1fb", Value: "c"}}}}, 0), fhir.CodeInvalid},
		{"index range NaN", s.Write(ctx, &fhir.Resource{Type: "Patient", ID: "a", VersionID: 1, Body: []byte("{}"),
			Index: fhir.Index{Ranges: []fhir.IndexRange{{Param: "a", Lo: math.NaN(), Hi: 1}}}}, 0), fhir.CodeInvalid},
		{"read slash", second(s.Read(ctx, "Patient", "a/b")), fhir.CodeNotFound},
		{"cursor not base64", second(s.History(ctx, fhir.HistoryQuery{Cursor: "%%%"})), fhir.CodeInvalid},
		{"cursor without id", second(s.History(ctx, fhir.HistoryQuery{Cursor: "MTIz"})), fhir.CodeInvalid},     // "123"
		{"cursor bad time", second(s.History(ctx, fhir.HistoryQuery{Cursor: "eHxQL3AvMQ"})), fhir.CodeInvalid}, // "x|P/p/1"
		{"instance without type", second(s.History(ctx, fhir.HistoryQuery{ID: "a"})), fhir.CodeInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, fhir.ErrorCode(tc.err), "error: %v", tc.err)
		})
	}
}

func second[T any](_ T, err error) error { return err }

// TestUnavailable checks that a database that cannot be reached reads as
// "try again" (503), not as a server bug.
func TestUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := mongo.Open(ctx, "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100&connectTimeoutMS=100", "x")
	require.Equal(t, fhir.CodeTransient, fhir.ErrorCode(err), "open unreachable: %v", err)

	_, err = mongo.Open(ctx, "http://not-mongo", "x")
	require.Equal(t, fhir.CodeException, fhir.ErrorCode(err), "open bad uri: %v", err)

	s := mongotest.Open(t)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "close twice")
	_, err = s.Read(ctx, "Patient", "p")
	require.Equal(t, fhir.CodeTransient, fhir.ErrorCode(err), "read after close: %v", err)
}

// TestHistorySinceRounding checks that a _since finer than the stored
// millisecond does not let in the version of that millisecond.
func TestHistorySinceRounding(t *testing.T) {
	ctx := context.Background()
	s := mongotest.Open(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 7_000_000, time.UTC)
	require.NoError(t, s.Write(ctx, &fhir.Resource{Type: "Patient", ID: "p", VersionID: 1, Method: "POST",
		Body: []byte(`{"resourceType":"Patient","id":"p"}`), LastUpdated: at}, 0))
	for _, tc := range []struct {
		name  string
		since time.Time
		want  int
	}{
		{"same millisecond", at, 1},
		{"within the millisecond after it", at.Add(500 * time.Microsecond), 0},
		{"just before", at.Add(-time.Nanosecond), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, err := s.History(ctx, fhir.HistoryQuery{Since: tc.since})
			require.NoError(t, err)
			require.Len(t, page.Versions, tc.want)
		})
	}
}
