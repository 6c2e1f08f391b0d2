package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/profiles"
)

// bundleTotal GETs a search or history URL and returns how many entries
// the Bundle holds.
func bundleTotal(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var b struct {
		Entry []json.RawMessage `json:"entry"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&b))
	return len(b.Entry)
}

func TestServeLoadsProfilesOnce(t *testing.T) {
	dir := t.TempDir()
	study := "/fhir/ResearchStudy?identifier=" + profiles.RegistryID
	history := "/fhir/ResearchStudy/" + profiles.StudyID + "/_history"
	for restart := 0; restart < 2; restart++ {
		base, stop := start(t, dir)
		require.Equal(t, 1, bundleTotal(t, base+study))
		require.Equal(t, 1, bundleTotal(t, base+history), "a restart writes no new version")
		stop()
	}
}

func TestServeWithoutProfiles(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	addr, done := make(chan net.Addr, 1), make(chan error, 1)
	go func() {
		done <- Main(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--no-profiles"},
			func(string) string { return "" }, io.Discard, func(a net.Addr) { addr <- a })
	}()
	select {
	case a := <-addr:
		require.Equal(t, 0, bundleTotal(t, "http://"+a.String()+"/fhir/ResearchStudy?identifier="+profiles.RegistryID))
	case err := <-done:
		t.Fatalf("server did not start: %v", err)
	}
	cancel()
	require.NoError(t, <-done)
}
