package eligibility_test

import (
	"fmt"
	"testing"
	"time"

	el "github.com/trialfhir/trialfhir/trial/eligibility"
)

// bigPatient is the eligible patient with a year of history: about 500
// facts (lab series, vitals, conditions, drugs, responses).
func bigPatient() el.Facts {
	f := eligiblePatient()
	concepts := []struct{ concept, value, unit, uln string }{
		{"anc", "3.1", "10*9/L", ""}, {"platelets", "200", "10*9/L", ""}, {"hemoglobin", "12.5", "g/dL", ""},
		{"bilirubin-total", "11", "umol/L", "21"}, {"ast", "24", "U/L", "40"}, {"alt", "28", "U/L", "50"},
		{"creatinine", "0.9", "mg/dL", "1.2"}, {"body-weight", "70", "kg", ""}, {"inr", "1.0", "{INR}", "1.2"},
		{"ck", "90", "U/L", "190"}, {"ldh", "180", "U/L", "250"}, {"bp-systolic", "125", "mm[Hg]", ""},
		{"bp-diastolic", "80", "mm[Hg]", ""}, {"glucose", "6.1", "mmol/L", ""}, {"hbv-dna", "10", "[IU]/mL", "20"},
		{"tsh", "2.1", "m[IU]/L", "4.2"}, {"ft4", "15", "pmol/L", "22"}, {"troponin-i", "4", "ng/L", "26"},
		{"pt", "12", "s", "13.5"}, {"urine-protein-24h", "0.1", "g/(24.h)", ""},
	}
	start := time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC)
	for i := 0; i < 20; i++ {
		day := start.AddDate(0, 0, i*18).Format("2006-01-02T15:04")
		for _, c := range concepts {
			var opts []obsOpt
			if c.uln != "" {
				opts = append(opts, uln(c.uln))
			}
			f.Observations = append(f.Observations, lab(c.concept, day, c.value, c.unit, opts...))
		}
	}
	for i := 0; i < 40; i++ {
		f.Conditions = append(f.Conditions, cond("hypertension", fmt.Sprintf("I10.%d", i), clinical("resolved")))
	}
	for i := 0; i < 40; i++ {
		f.Medications = append(f.Medications, med("anti-infective", start.AddDate(0, 0, i*7).Format("2006-01-02")))
	}
	for i := 0; i < 10; i++ {
		f.Responses = append(f.Responses, el.Response{Ref: el.Ref(fmt.Sprintf("Observation/r%d", i)), Date: d(start.AddDate(0, 0, 250+i).Format("2006-01-02")), Code: "PR", Computed: true})
	}
	return f
}

func BenchmarkEvaluate(b *testing.B) {
	f := bigPatient()
	n := len(f.Observations) + len(f.Conditions) + len(f.Medications) + len(f.Responses) + len(f.Procedures) + len(f.Consents) + len(f.AdverseEvents) + len(f.Stages)
	o := el.Options{Now: index}
	b.ReportAllocs()
	for b.Loop() {
		el.Evaluate(f, o)
	}
	b.ReportMetric(float64(n), "facts")
}
