package operations_test

import (
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/rest"
	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
	"github.com/trialfhir/trialfhir/profiles"
	"github.com/trialfhir/trialfhir/study/operations"
	"github.com/trialfhir/trialfhir/study/recist"
	"github.com/trialfhir/trialfhir/study/screening"
	"github.com/trialfhir/trialfhir/trial/eligibility"
)

var update = flag.Bool("update", false, "rewrite the golden assessments of testdata/eligibility")

// fixtures is the top-level testdata/eligibility directory: a baseline
// patient that is eligible, one overlay transaction Bundle per case and the
// expectations of cases.json, worked out by hand from criteria.md and
// domain.md (the notes say how for the boundaries).
const fixtures = "../../testdata/eligibility"

// fixtureIndexDate is the index date of every case unless it says another.
const fixtureIndexDate = "2026-03-10"

// fixtureCase is one row of cases.json.
type fixtureCase struct {
	Name     string            `json:"name"`
	Overlay  string            `json:"overlay"`
	Want     map[string]string `json:"want"`
	Decision string            `json:"decision"`
	Date     string            `json:"date"`
	Options  struct {
		RegimenVariants string `json:"regimenVariants"`
	} `json:"options"`
	// Bundle: also evaluate through the bundle parameter (nothing stored).
	Bundle bool `json:"bundle"`
	// Golden: compare the whole assessment with golden/<name>.json.
	Golden bool   `json:"golden"`
	Note   string `json:"note"`
}

func loadCases(t *testing.T) []fixtureCase {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtures, "cases.json"))
	require.NoError(t, err)
	var cases []fixtureCase
	require.NoError(t, json.Unmarshal(raw, &cases))
	return cases
}

// trialServer starts the API on a fresh embedded store wired as
// cmd/trialfhir does: the study loaded, RECIST derivation before
// re-screening, both sets of operations.
func trialServer(t *testing.T, opts eligibility.Options) string {
	t.Helper()
	store, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	svc := service.New(store)
	require.NoError(t, profiles.Load(context.Background(), svc))
	rc := recist.New(svc, recist.Options{})
	svc.Observe(rc.Observe)
	sc := screening.New(svc, screening.Config{Options: opts, Derive: rc.DeriveBundle})
	svc.Observe(sc.Observer(profiles.StudyID))
	h, err := rest.New(svc, rest.Options{Operations: append(operations.RECIST(rc), operations.Eligibility(sc)...)})
	require.NoError(t, err)
	return startServer(t, h)
}

func startServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + "/fhir"
}

// postTransaction posts a testdata transaction Bundle to POST /fhir.
func postTransaction(t *testing.T, base, file string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtures, file))
	require.NoError(t, err)
	status, m := call(t, "POST", base, string(raw))
	require.Equal(t, 200, status, "%s: %v", file, m)
	require.Equal(t, "transaction-response", m["type"])
}

func evaluateParams(subjectOrBundle, date string) string {
	return `{"resourceType":"Parameters","parameter":[` + subjectOrBundle + `,{"name":"date","valueDate":"` + date + `"}]}`
}

// TestEligibilityFixtures posts each case's records through POST /fhir to a
// fresh server and checks $evaluate-eligibility against the expectations.
func TestEligibilityFixtures(t *testing.T) {
	for _, tc := range loadCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			base := trialServer(t, eligibility.Options{RegimenVariants: eligibility.Outcome(tc.Options.RegimenVariants)})
			postTransaction(t, base, "baseline.json")
			if tc.Overlay != "" {
				postTransaction(t, base, tc.Overlay)
			}
			date := tc.Date
			if date == "" {
				date = fixtureIndexDate
			}
			status, obs := call(t, "POST", base+"/ResearchStudy/"+profiles.StudyID+"/$evaluate-eligibility",
				evaluateParams(`{"name":"subject","valueReference":{"reference":"Patient/p1"}}`, date))
			require.Equal(t, 200, status, "%v", obs)
			got := outcomes(t, obs)
			require.Len(t, got, len(eligibility.Criteria()))
			for id, want := range tc.Want {
				require.Equal(t, want, got[id], "%s: %s", id, reasonOf(obs, id))
			}
			require.Equal(t, tc.Decision, decision(obs), "%s", summary(obs))
			if tc.Golden {
				checkGolden(t, filepath.Join(fixtures, "golden", tc.Name+".json"), obs)
			}
			if tc.Bundle {
				checkBundlePath(t, base, tc, date)
			}
		})
	}
}

// checkBundlePath evaluates the same records posted as one Bundle parameter
// (baseline with the overlay applied): the RECIST responses are derived
// from the posted measurements as they are when stored, so every outcome
// and the decision must equal the stored path's.
func checkBundlePath(t *testing.T, base string, tc fixtureCase, date string) {
	t.Helper()
	records := mergedRecords(t, tc.Overlay)
	b, err := json.Marshal(map[string]any{"resourceType": "Bundle", "type": "collection", "entry": records})
	require.NoError(t, err)
	status, obs := call(t, "POST", base+"/ResearchStudy/"+profiles.StudyID+"/$evaluate-eligibility",
		evaluateParams(`{"name":"bundle","resource":`+string(b)+`}`, date))
	require.Equal(t, 200, status, "%v", obs)
	require.Nil(t, obs["id"], "a bundle evaluation is not stored")
	got := outcomes(t, obs)
	for id, want := range tc.Want {
		require.Equal(t, want, got[id], "bundle path %s: %s", id, reasonOf(obs, id))
	}
	require.Equal(t, tc.Decision, decision(obs))
}

// mergedRecords applies the overlay's PUT and DELETE entries to the
// baseline's resources, by Type/id, as the server does.
func mergedRecords(t *testing.T, overlay string) []map[string]any {
	t.Helper()
	var order []string
	byURL := map[string]map[string]any{}
	for _, file := range []string{"baseline.json", overlay} {
		if file == "" {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(fixtures, file))
		require.NoError(t, err)
		var b struct {
			Entry []struct {
				Resource map[string]any `json:"resource"`
				Request  struct{ Method, URL string }
			} `json:"entry"`
		}
		require.NoError(t, json.Unmarshal(raw, &b))
		for _, e := range b.Entry {
			if _, seen := byURL[e.Request.URL]; !seen && e.Request.Method == "PUT" {
				order = append(order, e.Request.URL)
			}
			if e.Request.Method == "DELETE" {
				delete(byURL, e.Request.URL)
				continue
			}
			byURL[e.Request.URL] = e.Resource
		}
	}
	var out []map[string]any
	for _, u := range order {
		if r, ok := byURL[u]; ok {
			out = append(out, map[string]any{"resource": r})
			delete(byURL, u)
		}
	}
	return out
}

// checkGolden compares the assessment with its golden file, without the
// fields that change from run to run (meta, issued).
func checkGolden(t *testing.T, file string, obs map[string]any) {
	t.Helper()
	obs = stable(obs)
	got, err := json.MarshalIndent(obs, "", " ")
	require.NoError(t, err)
	got = append(got, '\n')
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
		require.NoError(t, os.WriteFile(file, got, 0o644))
	}
	want, err := os.ReadFile(file)
	require.NoError(t, err, "run go test -run TestEligibilityFixtures -update to write the golden files")
	require.JSONEq(t, string(want), string(got))
}

// stable drops the parts of an assessment that depend on the time of the
// run rather than on its inputs.
func stable(obs map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range obs {
		switch k {
		case "issued":
			continue
		case "meta":
			m := map[string]any{}
			for mk, mv := range v.(map[string]any) {
				if mk != "versionId" && mk != "lastUpdated" {
					m[mk] = mv
				}
			}
			v = m
		}
		out[k] = v
	}
	return out
}

// reasonOf returns the reason text of criterion id, for failure messages.
func reasonOf(obs map[string]any, id string) string {
	for _, c := range obs["component"].([]any) {
		cm := c.(map[string]any)
		if cm["code"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"] == id {
			b, _ := json.Marshal(cm)
			return string(b)
		}
	}
	return ""
}

// summary lists the outcomes that are not met/does-not-apply, for
// failure messages.
func summary(obs map[string]any) string {
	out := ""
	for _, c := range obs["component"].([]any) {
		cm := c.(map[string]any)
		id := cm["code"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"].(string)
		o := cm["valueCodeableConcept"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"].(string)
		switch o {
		case "met", "does-not-apply", "not-applicable":
		default:
			out += id + "=" + o + " " + reasonOf(obs, id) + "\n"
		}
	}
	return out
}
