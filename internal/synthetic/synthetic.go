// Package synthetic generates a seeded, reproducible population of trial-like
// patients for tests and benchmarks: Patients with laboratory Observations in
// the varied units hospitals send, head and neck cancer Conditions,
// immunochemotherapy MedicationAdministrations and surgical Procedures.
package synthetic

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

// Resource is one generated resource, with its id set.
type Resource struct {
	Type, ID string
	Body     []byte
}

// lab is a laboratory test as different sites report it: the LOINC code and
// the unit choices with their factor from the first unit.
type lab struct {
	loinc, display string
	mean, sd       float64
	units          []unit
}

type unit struct {
	code   string
	factor float64
}

var labs = []lab{
	{"718-7", "Hemoglobin [Mass/volume] in Blood", 13.5, 1.6, []unit{{"g/dL", 1}, {"g/L", 10}}},
	{"777-3", "Platelets [#/volume] in Blood", 250, 60, []unit{{"10*3/uL", 1}, {"10*9/L", 1}}},
	{"26499-4", "Neutrophils [#/volume] in Blood", 4.2, 1.5, []unit{{"10*3/uL", 1}, {"10*9/L", 1}}},
	{"2160-0", "Creatinine [Mass/volume] in Serum or Plasma", 0.9, 0.25, []unit{{"mg/dL", 1}, {"umol/L", 88.4}}},
	{"1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", 0.7, 0.3, []unit{{"mg/dL", 1}, {"umol/L", 17.1}}},
	{"1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", 25, 10, []unit{{"U/L", 1}}},
	{"1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", 25, 12, []unit{{"U/L", 1}}},
}

var diagnoses = []struct{ icd, display string }{
	{"C32.0", "Malignant neoplasm of glottis"}, {"C32.1", "Malignant neoplasm of supraglottis"},
	{"C10.9", "Malignant neoplasm of oropharynx, unspecified"}, {"C13.9", "Malignant neoplasm of hypopharynx, unspecified"},
	{"C02.9", "Malignant neoplasm of tongue, unspecified"}, {"C06.9", "Malignant neoplasm of mouth, unspecified"},
}

var drugs = []struct{ atc, name string }{
	{"L01FF01", "nivolumab"}, {"L01FF02", "pembrolizumab"}, {"L01CD01", "paclitaxel"},
	{"L01XA02", "carboplatin"}, {"L01XA01", "cisplatin"},
}

// Generate calls emit for every resource of patients patients, in an order
// that creates each Patient before what refers to it. The same seed always
// gives the same resources.
func Generate(seed uint64, patients int, emit func(Resource) error) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	for p := 0; p < patients; p++ {
		pid := fmt.Sprintf("syn-p%06d", p)
		gender := []string{"male", "female"}[rng.IntN(2)]
		birth := time.Date(1950+rng.IntN(55), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		if err := emitJSON(emit, "Patient", pid, map[string]any{
			"identifier": []any{map[string]any{"system": "urn:trialfhir:synthetic:mrn", "value": fmt.Sprintf("MRN%06d", p)}},
			"name":       []any{map[string]any{"family": fmt.Sprintf("Family%d", rng.IntN(500)), "given": []any{fmt.Sprintf("Given%d", rng.IntN(300))}}},
			"gender":     gender, "birthDate": birth.Format("2006-01-02"),
		}); err != nil {
			return err
		}
		diagnosed := start.Add(time.Duration(rng.IntN(3650)) * 24 * time.Hour)
		dx := diagnoses[rng.IntN(len(diagnoses))]
		if err := emitJSON(emit, "Condition", pid+"-dx", map[string]any{
			"clinicalStatus": codeable("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", ""),
			"code":           codeable("http://hl7.org/fhir/sid/icd-10", dx.icd, dx.display),
			"subject":        ref("Patient", pid), "onsetDateTime": diagnosed.Format("2006-01-02"),
		}); err != nil {
			return err
		}
		for c := 0; c < 3; c++ {
			day := diagnosed.Add(time.Duration(21*c+14) * 24 * time.Hour)
			for d, drug := range []int{rng.IntN(2), 2, 3 + rng.IntN(2)} {
				if err := emitJSON(emit, "MedicationAdministration", fmt.Sprintf("%s-ma%d%d", pid, c, d), map[string]any{
					"status":                    "completed",
					"medicationCodeableConcept": codeable("http://www.whocc.no/atc", drugs[drug].atc, drugs[drug].name),
					"subject":                   ref("Patient", pid), "effectiveDateTime": day.Format(time.RFC3339),
				}); err != nil {
					return err
				}
			}
			for l, lb := range labs {
				u := lb.units[rng.IntN(len(lb.units))]
				v := (lb.mean + rng.NormFloat64()*lb.sd) * u.factor
				if v < 0 {
					v = -v
				}
				if err := emitJSON(emit, "Observation", fmt.Sprintf("%s-lab%d%d", pid, c, l), map[string]any{
					"status":            "final",
					"category":          []any{codeable("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "")},
					"code":              codeable("http://loinc.org", lb.loinc, lb.display),
					"subject":           ref("Patient", pid),
					"effectiveDateTime": day.Add(-time.Duration(rng.IntN(72)) * time.Hour).Format(time.RFC3339),
					"valueQuantity":     map[string]any{"value": json.Number(fmt.Sprintf("%.2f", v)), "unit": u.code, "system": "http://unitsofmeasure.org", "code": u.code},
				}); err != nil {
					return err
				}
			}
		}
		if err := emitJSON(emit, "Procedure", pid+"-surgery", map[string]any{
			"status":            "completed",
			"code":              codeable("http://snomed.info/sct", "25994009", "Laryngectomy"),
			"subject":           ref("Patient", pid),
			"performedDateTime": diagnosed.Add(90 * 24 * time.Hour).Format("2006-01-02"),
		}); err != nil {
			return err
		}
	}
	return nil
}

func codeable(system, code, display string) map[string]any {
	coding := map[string]any{"system": system, "code": code}
	if display != "" {
		coding["display"] = display
	}
	return map[string]any{"coding": []any{coding}}
}

func ref(typ, id string) map[string]any { return map[string]any{"reference": typ + "/" + id} }

func emitJSON(emit func(Resource) error, typ, id string, fields map[string]any) error {
	fields["resourceType"] = typ
	fields["id"] = id
	body, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	return emit(Resource{Type: typ, ID: id, Body: body})
}
