package rest_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/rest"
	"github.com/trialfhir/trialfhir/fhir/service"
)

// TestBundleLimitOptions checks that Options.MaxBundleEntries and
// MaxBundleBytes are the limits applied, each with a 413 OperationOutcome,
// and that a refused transaction writes nothing.
func TestBundleLimitOptions(t *testing.T) {
	c := startAPIWith(t, service.New(stores[0].open(t)), rest.Options{MaxBundleEntries: 3, MaxBundleBytes: 1000})
	post := txEntry("", "POST", "Patient", `{"resourceType":"Patient"}`)
	for _, tc := range []struct {
		name   string
		body   string
		status int
	}{
		{"at the entry limit", txBundle("transaction", post, post, post), http.StatusOK},
		{"over the entry limit", txBundle("transaction", post, post, post, post), http.StatusRequestEntityTooLarge},
		{"over the byte limit", txBundle("transaction", txEntry("", "POST", "Patient",
			`{"resourceType":"Patient","name":[{"text":"`+strings.Repeat("x", 1000)+`"}]}`)), http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := c.total(t, "/Patient")
			res := c.do("POST", "", tc.body)
			if tc.status == http.StatusOK {
				require.Len(t, res.bundle(t).Entry, 3)
				return
			}
			res.requireOutcome(t, tc.status, "too-costly")
			require.Equal(t, before, c.total(t, "/Patient"))
		})
	}
}

// TestConcurrentConditionalEntries sends batches and transactions with the
// same ifNoneExist at once: the patient is created once, and every other
// entry reports the match.
func TestConcurrentConditionalEntries(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			c := startAPI(t, st.open(t))
			replies := make([]reply, 8)
			var wg sync.WaitGroup
			for i := range replies {
				wg.Go(func() {
					typ := []string{"batch", "transaction"}[i%2]
					replies[i] = c.do("POST", "", txBundle(typ, txEntry("", "POST", "Patient",
						`{"resourceType":"Patient","identifier":[{"system":"s","value":"race"}]}`, "ifNoneExist", "identifier=s|race")))
				})
			}
			wg.Wait()
			var got []string
			for _, r := range replies {
				got = append(got, statuses(r.bundle(t))...)
			}
			require.ElementsMatch(t, []string{"201 Created", "200 OK", "200 OK", "200 OK", "200 OK", "200 OK", "200 OK", "200 OK"}, got)
			require.Equal(t, "1", c.total(t, "/Patient?identifier=s|race"))
		})
	}
}

// TestIdempotentCreate checks Idempotency-Key on a create: the repeat gets
// the first response, headers included, and nothing is created twice; the
// key with another body or path is refused.
func TestIdempotentCreate(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			c := startAPI(t, st.open(t))
			body := `{"resourceType":"Patient","active":true}`
			for _, tc := range []struct {
				name, key string
				headers   []string
				empty     bool
			}{
				{name: "representation", key: "c1"},
				{name: "minimal", key: "c2", headers: []string{"Prefer", "return=minimal"}, empty: true},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before := c.total(t, "/Patient")
					headers := append([]string{"Idempotency-Key", tc.key}, tc.headers...)
					first := c.do("POST", "/Patient", body, headers...)
					require.Equal(t, http.StatusCreated, first.status, "%s", first.body)
					again := c.do("POST", "/Patient", body, headers...)
					require.Equal(t, http.StatusCreated, again.status)
					require.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
					require.Equal(t, string(first.body), string(again.body))
					require.Equal(t, tc.empty, len(again.body) == 0)
					for _, h := range []string{"Location", "ETag", "Last-Modified"} {
						require.NotEmpty(t, first.header.Get(h), h)
						require.Equal(t, first.header.Get(h), again.header.Get(h), h)
					}
					require.Equal(t, fmt.Sprint(atoi(t, before)+1), c.total(t, "/Patient"))
					c.do("POST", "/Patient", `{"resourceType":"Patient"}`, "Idempotency-Key", tc.key).
						requireOutcome(t, http.StatusUnprocessableEntity, "business-rule")
					c.do("POST", "/Observation", body, "Idempotency-Key", tc.key).
						requireOutcome(t, http.StatusUnprocessableEntity, "business-rule")
				})
			}
		})
	}
}

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}
