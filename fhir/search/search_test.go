package search_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
	"github.com/trialfhir/trialfhir/fhir/search"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name, query string
		lenient     bool
		want        fhir.Query
		count       int
		ignored     []string
		errCode     fhir.Code
	}{
		{name: "ids", query: "_id=a,b", want: fhir.Query{Type: "Patient", IDs: []string{"a", "b"}}},
		{name: "ids twice intersect", query: "_id=a,b&_id=b,c", want: fhir.Query{Type: "Patient", IDs: []string{"b"}}},
		{name: "identifier or", query: "identifier=s|1,2", want: fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(index.TokenKey("identifier", "s|1"), index.TokenKey("identifier", "2"))}}},
		{name: "escaped comma", query: `identifier=a\,b`, want: fhir.Query{Type: "Patient", Preds: []fhir.Pred{fhir.KeyPred(index.TokenKey("identifier", "a,b"))}}},
		{name: "count", query: "_count=5", want: fhir.Query{Type: "Patient"}, count: 5},
		{name: "count capped", query: "_count=100000", want: fhir.Query{Type: "Patient"}, count: search.MaxCount},
		{name: "bad count", query: "_count=-1", errCode: fhir.CodeInvalid},
		{name: "unknown strict", query: "colour=blue", errCode: fhir.CodeNotSupported},
		{name: "unknown modifier", query: "identifier:fuzzy=x", errCode: fhir.CodeNotSupported},
		{name: "unknown lenient", query: "colour=blue&_id=a", lenient: true, want: fhir.Query{Type: "Patient", IDs: []string{"a"}}, ignored: []string{"colour"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			params, err := url.ParseQuery(tc.query)
			require.NoError(t, err)
			req, err := search.Parse("Patient", params, tc.lenient)
			if tc.errCode != "" {
				require.Equal(t, tc.errCode, fhir.ErrorCode(err), "%v", err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, req.Query)
			if tc.count != 0 {
				require.Equal(t, tc.count, req.Count)
			}
			require.Equal(t, tc.ignored, req.Ignored)
		})
	}
}

func TestIdentifierOnlyWhereTheTypeHasOne(t *testing.T) {
	_, err := search.Parse("Binary", url.Values{"identifier": {"x"}}, false)
	require.Equal(t, fhir.CodeNotSupported, fhir.ErrorCode(err))
}

func TestParseCondition(t *testing.T) {
	q, err := search.ParseCondition("Patient", "Patient?identifier=s|1&_format=json")
	require.NoError(t, err)
	require.Equal(t, []fhir.Pred{fhir.KeyPred(index.TokenKey("identifier", "s|1"))}, q.Preds)

	for _, bad := range []string{"", "_count=1", "Observation?identifier=1", "colour=red", "%zz"} {
		_, err := search.ParseCondition("Patient", bad)
		require.Error(t, err, bad)
	}
}

func TestLockNames(t *testing.T) {
	a, err := search.ParseCondition("Patient", "identifier=s|1")
	require.NoError(t, err)
	b, err := search.ParseCondition("Patient", "identifier=1&_id=x")
	require.NoError(t, err)
	require.Subset(t, search.LockNames(b), search.LockNames(a), "differently spelled conditions share the lock")
	require.NotContains(t, search.LockNames(a), "Patient", "a condition on a token locks its value only")

	for _, cond := range []string{"name=smith&birthdate=2000", "gender:missing=false", "identifier:not=s|1"} {
		q, err := search.ParseCondition("Patient", cond)
		require.NoError(t, err, cond)
		require.Equal(t, []string{"Patient"}, search.LockNames(q), "%s has no exact value: the type is locked", cond)
	}
}
