package profiles_test

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/search"
	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
	"github.com/trialfhir/trialfhir/profiles"
)

func newService(t *testing.T) *service.Service {
	t.Helper()
	store, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, store.Close()) })
	return service.New(store)
}

func versions(t *testing.T, svc *service.Service, typ, id string) int {
	t.Helper()
	page, err := svc.History(context.Background(), fhir.HistoryQuery{Type: typ, ID: id})
	require.NoError(t, err)
	return len(page.Versions)
}

func TestLoadIsIdempotent(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	rs, err := profiles.Resources()
	require.NoError(t, err)
	require.NoError(t, profiles.Load(ctx, svc))
	require.NoError(t, profiles.Load(ctx, svc))
	for _, r := range rs {
		t.Run(r.Type+"/"+r.ID, func(t *testing.T) {
			require.Equal(t, 1, versions(t, svc, r.Type, r.ID))
		})
	}
	all, err := svc.History(ctx, fhir.HistoryQuery{})
	require.NoError(t, err)
	require.Len(t, all.Versions, len(rs), "loading twice wrote nothing but one version per resource")
}

// TestLoadReplacesAnEditedResource shows that a changed stored copy (as
// after an edit of the file in a new release) is brought back to the file's
// content as a new version, not left alone.
func TestLoadReplacesAnEditedResource(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	require.NoError(t, profiles.Load(ctx, svc))
	cur, err := svc.Read(ctx, "ResearchStudy", profiles.StudyID)
	require.NoError(t, err)
	var study map[string]any
	require.NoError(t, json.Unmarshal(cur.Body, &study))
	study["status"] = "closed-to-accrual"
	delete(study, "meta")
	edited, err := json.Marshal(study)
	require.NoError(t, err)
	_, err = svc.Update(ctx, "ResearchStudy", profiles.StudyID, edited, nil)
	require.NoError(t, err)

	require.NoError(t, profiles.Load(ctx, svc))
	require.Equal(t, 3, versions(t, svc, "ResearchStudy", profiles.StudyID))
	cur, err = svc.Read(ctx, "ResearchStudy", profiles.StudyID)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(cur.Body, &study))
	require.Equal(t, "active", study["status"])
}

func TestStudyFoundBySearch(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	require.NoError(t, profiles.Load(ctx, svc))
	for name, tc := range map[string]struct {
		params url.Values
		want   []string
	}{
		"registry id":              {url.Values{"identifier": {profiles.RegistryID}}, []string{profiles.StudyID}},
		"registry system and id":   {url.Values{"identifier": {profiles.RegistrySystem + "|" + profiles.RegistryID}}, []string{profiles.StudyID}},
		"protocol id":              {url.Values{"identifier": {profiles.ProtocolSystem + "|" + profiles.ProtocolID}}, []string{profiles.StudyID}},
		"protocol id wrong system": {url.Values{"identifier": {profiles.RegistrySystem + "|" + profiles.ProtocolID}}, nil},
		"other trial":              {url.Values{"identifier": {"NCT00000000"}}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			req, err := search.Parse("ResearchStudy", tc.params, false)
			require.NoError(t, err)
			res, err := svc.SearchPage(ctx, req, service.Cursor{}, 10)
			require.NoError(t, err)
			var got []string
			for _, r := range res.Matches {
				got = append(got, r.ID)
			}
			require.Equal(t, tc.want, got)
		})
	}
}
