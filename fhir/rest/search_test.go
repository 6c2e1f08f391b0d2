package rest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// searchCases are worked out by hand from the fixtures in testdata/search,
// not from the implementation: each names the ids a correct server returns.
var searchCases = []struct {
	query string
	want  []string
}{
	// string: prefix, case and accents folded; :exact; :contains
	{"Patient?family=muller", []string{"pat-muller"}},
	{"Patient?family=MÜLL", []string{"pat-muller", "pat-mullins"}},
	{"Patient?family=mull", []string{"pat-muller", "pat-mullins"}},
	{"Patient?family:exact=Müller", []string{"pat-muller"}},
	{"Patient?family:exact=muller", nil},
	{"Patient?family:contains=LIN", []string{"pat-mullins"}},
	{"Patient?name=anna", []string{"pat-muller"}},
	{"Patient?given=伟", []string{"pat-zhang"}},
	{"Patient?address-city=beij", []string{"pat-muller"}},
	{"Patient?family=mull&given=bob", []string{"pat-mullins"}},
	{"Patient?family=smith,zhang,张", []string{"pat-nobirth", "pat-zhang"}},
	// token
	{"Patient?gender=male", []string{"pat-mullins", "pat-zhang"}},
	{"Patient?gender:not=male", []string{"pat-muller", "pat-nobirth"}},
	{"Patient?gender:missing=true", []string{"pat-nobirth"}},
	{"Patient?gender:missing=false", []string{"pat-muller", "pat-mullins", "pat-zhang"}},
	{"Patient?active=true", []string{"pat-muller"}},
	{"Patient?identifier=urn:mrn|1001", []string{"pat-muller"}},
	{"Patient?identifier=1002", []string{"pat-mullins"}},
	{"Patient?identifier=urn:ssn|", []string{"pat-mullins"}},
	{"Patient?identifier=|1001", nil},
	{"Patient?identifier=urn:mrn|1001,urn:mrn|1003", []string{"pat-muller", "pat-zhang"}},
	{"Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|1003", []string{"pat-zhang"}},
	{"Observation?code=718-7", []string{"obs-hb1", "obs-hb2"}},
	{"Observation?code=http://loinc.org|718-7", []string{"obs-hb1", "obs-hb2"}},
	{"Observation?code=http://snomed.info/sct|718-7", nil},
	{"Observation?code:text=hemoglobin", []string{"obs-hb1", "obs-hb2"}},
	{"Observation?code:text=free", []string{"obs-text"}},
	{"Observation?status=final,amended", []string{"obs-bp", "obs-hb1", "obs-hb2", "obs-plt"}},
	{"Observation?status:not=final", []string{"obs-plt", "obs-text"}},
	{"Observation?category=laboratory", []string{"obs-hb1"}},
	{"Observation?category:missing=true&code=718-7", []string{"obs-hb2"}},
	// date: precision as a range, time zones, prefixes, periods
	{"Patient?birthdate=1970", []string{"pat-muller"}},
	{"Patient?birthdate=1970-05", []string{"pat-muller"}},
	{"Patient?birthdate=1970-05-12", []string{"pat-muller"}},
	{"Patient?birthdate=1970-05-13", nil},
	{"Patient?birthdate=ge1985", []string{"pat-mullins"}},
	{"Patient?birthdate=gt1970-05-12", []string{"pat-mullins"}},
	{"Patient?birthdate=lt1960", []string{"pat-zhang"}},
	{"Patient?birthdate=le1970-05-12", []string{"pat-muller", "pat-zhang"}},
	{"Patient?birthdate=sa1980", []string{"pat-mullins"}},
	{"Patient?birthdate=eb1960", []string{"pat-zhang"}},
	{"Patient?birthdate=ne1970&birthdate:missing=false", []string{"pat-mullins", "pat-zhang"}},
	{"Patient?birthdate=1985-06-01", nil},
	{"Patient?birthdate=ge1958&birthdate=le1970", []string{"pat-muller", "pat-zhang"}},
	{"Patient?death-date=2020", []string{"pat-zhang"}},
	{"Observation?date=2026-03-01", []string{"obs-hb1"}},
	{"Observation?date=2026-02-28", nil},
	{"Observation?date=2026-01-01", []string{"obs-plt"}},
	{"Observation?date=2025-12-31", nil},
	{"Observation?date=lt2026-01-01T05:00:00Z", []string{"obs-plt", "obs-text"}},
	{"Observation?date=ge2026-03-01", []string{"obs-hb1", "obs-hb2", "obs-text"}},
	{"Observation?date=ge2026-03-01&date=le2026-03-31", []string{"obs-hb1", "obs-hb2", "obs-text"}},
	{"Observation?date=2026-02", []string{"obs-bp"}},
	{"Observation?date=2026-02-01", nil},
	{"Observation?date=sa2026-01-31", []string{"obs-bp", "obs-hb1", "obs-hb2"}},
	{"Observation?date=eb2026-02-01", []string{"obs-plt"}},
	{"Observation?date=2026", []string{"obs-bp", "obs-hb1", "obs-hb2", "obs-plt", "obs-text"}},
	// reference
	{"Observation?subject=Patient/pat-muller", []string{"obs-bp", "obs-hb1"}},
	{"Observation?subject=pat-muller", []string{"obs-bp", "obs-hb1"}},
	{"Observation?patient=pat-zhang", []string{"obs-plt"}},
	{"Observation?subject:Patient=pat-mullins", []string{"obs-hb2"}},
	{"Observation?subject=http://example.org/fhir/Patient/pat-zhang", []string{"obs-plt"}},
	{"Observation?subject=Patient/nobody", nil},
	// quantity: units converted through UCUM
	{"Observation?value-quantity=13.5", []string{"obs-hb1"}},
	{"Observation?value-quantity=13.5|http://unitsofmeasure.org|g/dL", []string{"obs-hb1"}},
	{"Observation?value-quantity=135|http://unitsofmeasure.org|g/L", []string{"obs-hb1"}},
	{"Observation?value-quantity=gt110|http://unitsofmeasure.org|g/L", []string{"obs-hb1"}},
	{"Observation?value-quantity=10.5|http://unitsofmeasure.org|g/dL", []string{"obs-hb2"}},
	{"Observation?value-quantity=lt11|http://unitsofmeasure.org|g/dL", []string{"obs-hb2"}},
	{"Observation?value-quantity=150|http://unitsofmeasure.org|10*9/L", []string{"obs-plt"}},
	{"Observation?value-quantity=ge100", []string{"obs-hb2", "obs-plt"}},
	{"Observation?value-quantity=13.5||g/dL", []string{"obs-hb1"}},
	// composite: both parts on the same element
	{"Observation?component-code-value-quantity=http://loinc.org|8480-6$gt100", []string{"obs-bp"}},
	{"Observation?component-code-value-quantity=http://loinc.org|8462-4$gt100", nil},
	{"Observation?code-value-quantity=http://loinc.org|718-7$gt13|http://unitsofmeasure.org|g/dL", []string{"obs-hb1"}},
	{"Observation?code-value-quantity=http://loinc.org|718-7$gt10|http://unitsofmeasure.org|g/dL", []string{"obs-hb1", "obs-hb2"}},
	{"Observation?code-value-quantity=http://loinc.org|777-3$gt10|http://unitsofmeasure.org|g/dL", nil},
	{"Observation?value-string=hi", []string{"obs-text"}},
	// chains and reverse chains
	{"Observation?subject:Patient.family=mull", []string{"obs-bp", "obs-hb1", "obs-hb2"}},
	{"Observation?subject.gender=male", []string{"obs-hb2", "obs-plt"}},
	{"Observation?patient.identifier=urn:mrn|1003", []string{"obs-plt"}},
	{"Observation?subject:Patient.name=nobody", nil},
	{"Patient?_has:Observation:subject:code=718-7", []string{"pat-muller", "pat-mullins"}},
	{"Patient?_has:Observation:patient:status=amended", []string{"pat-zhang"}},
	{"Patient?_has:Observation:subject:code=777-3&gender=male", []string{"pat-zhang"}},
	{"Patient?_has:Observation:subject:code=777-3&gender=female", nil},
	// _id and _lastUpdated
	{"Patient?_id=pat-muller,pat-zhang", []string{"pat-muller", "pat-zhang"}},
	{"Patient?_lastUpdated=gt2000-01-01&gender=female", []string{"pat-muller"}},
	{"Patient?_lastUpdated=lt2000-01-01", nil},
}

func loadSearchFixtures(t *testing.T, c *client) {
	files, err := filepath.Glob("testdata/search/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		body, err := os.ReadFile(f)
		require.NoError(t, err)
		id := strings.TrimSuffix(filepath.Base(f), ".json")
		typ := "Patient"
		if strings.HasPrefix(id, "obs-") {
			typ = "Observation"
		}
		r := c.do("PUT", "/"+typ+"/"+id, string(body))
		require.Equal(t, http.StatusCreated, r.status, "%s: %s", f, r.body)
	}
}

func TestSearchConformance(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			c := startAPI(t, st.open(t))
			loadSearchFixtures(t, c)
			for _, tc := range searchCases {
				t.Run(tc.query, func(t *testing.T) {
					typ, query, _ := strings.Cut(tc.query, "?")
					r := c.do("GET", "/"+typ+"?"+escapeQuery(query), "")
					require.Equal(t, http.StatusOK, r.status, "%s", r.body)
					require.Equal(t, tc.want, bundleIDs(t, r))
				})
			}
		})
	}
}

func TestSearchRefusals(t *testing.T) {
	c := newEmbedded(t)
	for query, code := range map[string]string{
		"Patient?colour=blue":               "not-supported",
		"Patient?family:fuzzy=x":            "not-supported",
		"Patient?birthdate=yesterday":       "invalid",
		"Observation?value-quantity=lots":   "invalid",
		"Patient?gender:missing=perhaps":    "invalid",
		"Observation?subject=Nonsense/1":    "invalid",
		"Observation?subject:Medication=1":  "invalid",
		"Observation?code-value-quantity=x": "invalid",
		"Patient?identifier:of-type=MR|1":   "invalid",
		"Patient?birthdate=ne1970,ne1971":   "not-supported",
	} {
		t.Run(query, func(t *testing.T) {
			typ, q, _ := strings.Cut(query, "?")
			c.do("GET", "/"+typ+"?"+escapeQuery(q), "").requireOutcome(t, 400, code)
		})
	}
	c.do("GET", "/Observation?_page=bm90LWEtdG9rZW4", "").requireOutcome(t, 400, "invalid", "_page")
	lenient := c.do("GET", "/Patient?colour=blue", "", "Prefer", "handling=lenient")
	require.Equal(t, http.StatusOK, lenient.status)
	require.Contains(t, string(lenient.body), "colour")
}

// TestSearchPagesWholeResult walks every page: each match once, none missing.
func TestSearchPagesWholeResult(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			c := startAPI(t, st.open(t))
			loadSearchFixtures(t, c)
			var got []string
			var pages [][]string
			var last reply
			next := c.base + "/Observation?date=2026&_count=2"
			for n := 0; next != "" && n < 10; n++ {
				r := getURL(t, next)
				ids := bundleIDs(t, r)
				require.LessOrEqual(t, len(ids), 2)
				got = append(got, ids...)
				pages = append(pages, ids)
				if n == 0 {
					require.Empty(t, linkOf(t, r, "previous"), "the first page has no previous")
				}
				next, last = linkOf(t, r, "next"), r
				// The search travels sealed in the token, not in the URL.
				require.NotContains(t, next, "date=")
				require.NotContains(t, next, "2026")
			}
			require.Equal(t, []string{"obs-bp", "obs-hb1", "obs-hb2", "obs-plt", "obs-text"}, got)
			// Back from the last page through the previous links: the same
			// pages in reverse; first leads to the first page.
			r := last
			for i := len(pages) - 2; i >= 0; i-- {
				prev := linkOf(t, r, "previous")
				require.NotEmpty(t, prev, "page %d", i+2)
				r = getURL(t, prev)
				require.Equal(t, pages[i], bundleIDs(t, r))
			}
			require.Empty(t, linkOf(t, r, "previous"))
			require.Equal(t, pages[0], bundleIDs(t, getURL(t, linkOf(t, last, "first"))))

			// Totals: given when the page holds everything, on request otherwise.
			total := func(q string) any {
				r := c.do("GET", "/Observation?"+escapeQuery(q), "")
				require.Equal(t, http.StatusOK, r.status, "%s", r.body)
				return r.decodeJSON(t)["total"]
			}
			require.Nil(t, total("date=2026&_count=2"))
			require.Equal(t, "5", fmt.Sprint(total("date=2026&_count=2&_total=accurate")))
			require.Equal(t, "5", fmt.Sprint(total("date=2026")))
			require.Nil(t, total("date=2026&_total=none"))
			require.Equal(t, "5", fmt.Sprint(total("date=2026&_summary=count")))
			c.do("GET", "/Observation?_total=maybe", "").requireOutcome(t, 400, "invalid", "_total")

			// The same search by POST _search with a form body.
			req, err := http.NewRequest("POST", c.base+"/Patient/_search", strings.NewReader("family=mull&gender=male"))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, _ := readAll(res)
			require.Equal(t, []string{"pat-mullins"}, bundleIDs(t, reply{status: res.StatusCode, body: body}))
		})
	}
}

// getURL fetches an absolute URL (a page link) and requires 200.
func getURL(t *testing.T, u string) reply {
	t.Helper()
	res, err := http.Get(u)
	require.NoError(t, err)
	r := reply{status: res.StatusCode}
	r.body, _ = readAll(res)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	return r
}

func escapeQuery(q string) string {
	var parts []string
	for _, kv := range strings.Split(q, "&") {
		k, v, _ := strings.Cut(kv, "=")
		parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
	}
	return strings.Join(parts, "&")
}

func bundleIDs(t *testing.T, r reply) []string {
	t.Helper()
	require.Equal(t, "searchset", r.decodeJSON(t)["type"], "%s", r.body)
	ids := entryIDs(t, r)
	require.True(t, sort.StringsAreSorted(ids))
	return ids
}

func linkOf(t *testing.T, r reply, rel string) string {
	for _, l := range r.decodeJSON(t)["link"].([]any) {
		lm := l.(map[string]any)
		if lm["relation"] == rel {
			return lm["url"].(string)
		}
	}
	return ""
}

func readAll(res *http.Response) ([]byte, error) {
	defer res.Body.Close()
	return io.ReadAll(res.Body)
}

func TestSearchIncludes(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			c := startAPI(t, st.open(t))
			loadSearchFixtures(t, c)
			cases := []struct {
				query             string
				matches, included []string
			}{
				{"Observation?code=718-7&_include=Observation:subject", []string{"obs-hb1", "obs-hb2"}, []string{"pat-muller", "pat-mullins"}},
				{"Observation?code=718-7&_include=Observation:subject:Group", []string{"obs-hb1", "obs-hb2"}, nil},
				{"Observation?code=777-3&_include=Observation:patient", []string{"obs-plt"}, []string{"pat-zhang"}},
				{"Patient?_id=pat-muller&_revinclude=Observation:subject", []string{"pat-muller"}, []string{"obs-bp", "obs-hb1"}},
				{"Observation?_id=obs-hb1&_include=Observation:subject&_revinclude:iterate=Observation:subject", []string{"obs-hb1"}, []string{"obs-bp", "pat-muller"}},
			}
			for _, tc := range cases {
				t.Run(tc.query, func(t *testing.T) {
					typ, query, _ := strings.Cut(tc.query, "?")
					r := c.do("GET", "/"+typ+"?"+escapeQuery(query), "")
					require.Equal(t, http.StatusOK, r.status, "%s", r.body)
					var matches, included []string
					for _, e := range r.decodeJSON(t)["entry"].([]any) {
						em := e.(map[string]any)
						id := em["resource"].(map[string]any)["id"].(string)
						switch em["search"].(map[string]any)["mode"] {
						case "match":
							matches = append(matches, id)
						case "include":
							included = append(included, id)
						}
					}
					sort.Strings(included)
					require.Equal(t, tc.matches, matches)
					require.Equal(t, tc.included, included)
				})
			}
		})
	}
}
