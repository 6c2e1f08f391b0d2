package screening_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/search"
	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
	"github.com/trialfhir/trialfhir/mappings"
	"github.com/trialfhir/trialfhir/mappings/fhirfacts"
	"github.com/trialfhir/trialfhir/profiles"
	"github.com/trialfhir/trialfhir/study/recist"
	"github.com/trialfhir/trialfhir/study/screening"
	"github.com/trialfhir/trialfhir/trial/eligibility"
)

var indexDate = time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)

// newService is the embedded store with the study loaded and RECIST
// responses derived on write.
func newService(tb testing.TB) *service.Service {
	tb.Helper()
	store, err := sqlite.Open(tb.TempDir(), sqlite.Options{})
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = store.Close() })
	svc := service.New(store)
	require.NoError(tb, profiles.Load(context.Background(), svc))
	rc := recist.New(svc, recist.Options{}) // derives the I2b responses as cmd/trialfhir does
	svc.Observe(rc.Observe)
	return svc
}

// transaction writes entries as one transaction.
func transaction(tb testing.TB, svc *service.Service, entries []service.Entry) {
	tb.Helper()
	_, err := svc.Transaction(context.Background(), entries)
	require.NoError(tb, err)
}

func put(typ, id string, body []byte) service.Entry {
	return service.Entry{Resource: body, Request: service.EntryRequest{Method: "PUT", URL: typ + "/" + id}}
}

// baselineEntries reads the eligible patient of testdata/eligibility.
func baselineEntries(tb testing.TB) []service.Entry {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "eligibility", "baseline.json"))
	require.NoError(tb, err)
	var b struct {
		Entry []struct {
			Resource json.RawMessage `json:"resource"`
			Request  struct{ URL string }
		} `json:"entry"`
	}
	require.NoError(tb, json.Unmarshal(raw, &b))
	var out []service.Entry
	for _, e := range b.Entry {
		out = append(out, service.Entry{Resource: e.Resource, Request: service.EntryRequest{Method: "PUT", URL: e.Request.URL}})
	}
	return out
}

// history is n older laboratory results of the patient, in the shapes the
// fixtures use (LOINC and local codes, units with and without UCUM codes,
// ranges), one a day going back from the index date.
func history(n int) []service.Entry {
	labs := []struct{ code, system, name, unit string }{
		{"718-7", "http://loinc.org", "血红蛋白", "g/L"}, {"751-8", "http://loinc.org", "中性粒细胞绝对值", "10^9/L"},
		{"PLT", "http://hospital-b.example.cn/lis", "血小板计数", "10^9/L"}, {"1975-2", "http://loinc.org", "总胆红素", "µmol/L"},
		{"1920-8", "http://loinc.org", "谷草转氨酶", "U/L"}, {"1742-6", "http://loinc.org", "谷丙转氨酶", "U/L"},
		{"14682-9", "http://loinc.org", "肌酐", "umol/L"}, {"2157-6", "http://loinc.org", "肌酸激酶", "U/L"},
		{"14771-0", "http://loinc.org", "空腹血糖", "mmol/L"}, {"3016-3", "http://loinc.org", "促甲状腺激素", "mIU/L"},
	}
	var out []service.Entry
	for i := range n {
		l := labs[i%len(labs)]
		day := indexDate.AddDate(0, 0, -20-i/len(labs))
		id := fmt.Sprintf("hist-%d", i)
		body := fmt.Sprintf(`{"resourceType":"Observation","id":%q,"status":"final","code":{"coding":[{"system":%q,"code":%q,"display":%q}]},`+
			`"subject":{"reference":"Patient/p1"},"effectiveDateTime":%q,"valueQuantity":{"value":%d.%d,"unit":%q},`+
			`"referenceRange":[{"low":{"value":1,"unit":%q},"high":{"value":400,"unit":%q}}]}`,
			id, l.system, l.code, l.name, day.Format("2006-01-02")+"T08:30:00+08:00", 5+i%100, i%10, l.unit, l.unit, l.unit)
		out = append(out, put("Observation", id, []byte(body)))
	}
	return out
}

// loaded reads the patient and every resource that refers to it.
func loaded(tb testing.TB, svc *service.Service) ([]byte, [][]byte) {
	tb.Helper()
	ctx := context.Background()
	pat, err := svc.Read(ctx, "Patient", "p1")
	require.NoError(tb, err)
	var out [][]byte
	for _, typ := range []string{"Observation", "Condition", "MedicationAdministration", "MedicationStatement", "AdverseEvent"} {
		req, err := search.Parse(typ, url.Values{"subject": {"Patient/p1"}}, false)
		require.NoError(tb, err)
		found, err := svc.Search(ctx, req.Query)
		require.NoError(tb, err)
		for _, r := range found {
			out = append(out, r.Body)
		}
	}
	req, err := search.Parse("Consent", url.Values{"patient": {"Patient/p1"}}, false)
	require.NoError(tb, err)
	found, err := svc.Search(ctx, req.Query)
	require.NoError(tb, err)
	for _, r := range found {
		out = append(out, r.Body)
	}
	return pat.Body, out
}

// BenchmarkEvaluateStored: one stored patient with 500 resources (the
// eligible baseline of testdata/eligibility plus older results), evaluated
// by Screener.Evaluate without HTTP: load, map, rules, render (issue 6:
// < 5 ms). The persisting variant stores nothing new after the first round.
func BenchmarkEvaluateStored(b *testing.B) {
	svc := newService(b)
	entries := baselineEntries(b)
	transaction(b, svc, append(entries, history(500-len(entries))...))
	sc := screening.New(svc, screening.Config{Now: func() time.Time { return indexDate }})
	b.Run("loaded", func(b *testing.B) {
		// Issue 6's measure: the records already loaded, mapping + rules.
		patient, records := loaded(b, svc)
		require.GreaterOrEqual(b, len(records), 490)
		tables := mappings.Default()
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			f, err := fhirfacts.Build(tables, patient, records, fhirfacts.Options{Study: "ResearchStudy/" + profiles.StudyID})
			if err != nil {
				b.Fatal(err)
			}
			if a := eligibility.Evaluate(f, eligibility.Options{IndexDate: indexDate, Now: indexDate}); a.Decision != eligibility.Eligible {
				b.Fatal(a.Decision)
			}
		}
	})
	for _, persist := range []bool{false, true} {
		b.Run(fmt.Sprintf("persist=%v", persist), func(b *testing.B) {
			req := screening.Request{StudyID: profiles.StudyID, PatientID: "p1", Date: indexDate, Persist: persist}
			res, err := sc.Evaluate(context.Background(), req)
			require.NoError(b, err)
			require.Equal(b, "eligible", string(res.Assessment.Decision))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := sc.Evaluate(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
