package lesions

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"strings"
	"time"

	"github.com/trialfhir/trialfhir/profiles"
	"github.com/trialfhir/trialfhir/trial/recist"
)

// ComputedTag is the meta.tag code (system profiles.ObservationSystem) on
// every Observation the server derives. The eligibility mapping reads it to
// tell a computed RECIST response from one a radiologist coded, and the
// write observer reads it to ignore its own writes.
const ComputedTag = profiles.ComputedTag

// NCIt is the NCI Thesaurus system; domain.md §10 gives NCIt codes for CR,
// PR, SD and PD (NE and non-CR/non-PD have none verified: local code only).
const NCIt = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"

var ncitCodes = map[recist.Response]string{recist.CR: "C4870", recist.PR: "C18058", recist.SD: "C18213", recist.PD: "C35571"}

var responseDisplay = map[recist.Response]string{
	recist.CR: "Complete response", recist.PR: "Partial response", recist.SD: "Stable disease",
	recist.PD: "Progressive disease", recist.NE: "Not evaluable", recist.NonCRNonPD: "Non-CR/Non-PD",
}

// Derived is one Observation the server computes, with its stable id.
type Derived struct {
	ID   string
	Body []byte
}

// Resource ids are at most 64 characters (R4 id datatype).
const maxID = 64

// stableID joins prefix and parts into an id, hashing the parts when the id
// would be too long for FHIR.
func stableID(prefix string, parts ...string) string {
	id := prefix + "-" + strings.Join(parts, "-")
	if len(id) <= maxID {
		return id
	}
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return prefix + "-" + hex.EncodeToString(h[:16])
}

// TimePointID is the id of the response Observation of a patient's time point.
func TimePointID(patient string, date time.Time) string {
	return stableID("recist", patient, date.Format("20060102"))
}

// BestID is the id of a patient's best-overall-response Observation.
func BestID(patient string) string { return stableID("recist-bor", patient) }

func code(system, c, display string) map[string]any {
	m := map[string]any{"system": system, "code": c}
	if display != "" {
		m["display"] = display
	}
	return m
}

func cc(codings ...map[string]any) map[string]any { return map[string]any{"coding": codings} }

func obsCode(c, display string) map[string]any {
	return cc(code(profiles.ObservationSystem, c, display))
}

// decimal renders an exact value as a JSON number; non-terminating
// fractions (percentages) are rounded to two decimals for display only:
// thresholds were decided exactly by the engine.
func decimal(r *big.Rat, places int) json.Number {
	if r.IsInt() {
		return json.Number(r.Num().String())
	}
	s := r.FloatString(places)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return json.Number(s)
}

func quantityOf(v json.Number, unit string) map[string]any {
	return map[string]any{"value": v, "unit": unit, "system": profiles.UCUM, "code": unit}
}

func mmQuantity(l recist.Length) map[string]any { return quantityOf(decimal(l.Rat(), 3), "mm") }

func obsComponent(c, display string, value map[string]any) map[string]any {
	return map[string]any{"code": obsCode(c, display), "valueQuantity": value}
}

func refs(list []string) []map[string]any {
	out := make([]map[string]any, len(list))
	for i, r := range list {
		out[i] = map[string]any{"reference": r}
	}
	return out
}

// observation returns the common skeleton of a derived Observation.
func observation(id, profile, patient, c, display string) map[string]any {
	return map[string]any{
		"resourceType": "Observation",
		"id":           id,
		"meta": map[string]any{
			"profile": []string{profile},
			"tag":     []map[string]any{code(profiles.ObservationSystem, ComputedTag, "Computed by the server")},
		},
		"status":   "final",
		"category": []map[string]any{cc(code("http://terminology.hl7.org/CodeSystem/observation-category", "imaging", "Imaging"))},
		"code":     obsCode(c, display),
		"subject":  map[string]any{"reference": "Patient/" + patient},
	}
}

func responseConcept(r recist.Response) map[string]any {
	c := cc(code(profiles.ResponseSystem, string(r), responseDisplay[r]))
	if n, ok := ncitCodes[r]; ok {
		c["coding"] = append(c["coding"].([]map[string]any), code(NCIt, n, ""))
	}
	return c
}

var recistMethod = cc(code(profiles.DICOM, profiles.RECISTMethodCode, "RECIST 1.1"))

// Responses renders res as one recist-response Observation per follow-up
// time point and, when there is a follow-up, one
// recist-best-overall-response Observation (last). derivedFrom lists the
// measurements of the time point (and of the baseline, which the changes are
// computed from); the best overall response derives from the time-point
// responses.
func Responses(patient string, res recist.Result, m Mapped) []Derived {
	var out []Derived
	var tpRefs []string
	base := m.Sources[res.BaselineDate]
	for _, tp := range res.TimePoints {
		id := TimePointID(patient, tp.Date)
		o := observation(id, profiles.ResponseProfile, patient, "recist-timepoint-response", "RECIST 1.1 time-point response")
		o["effectiveDateTime"] = tp.Date.Format(time.DateOnly)
		o["valueCodeableConcept"] = responseConcept(tp.Overall)
		o["method"] = recistMethod
		o["derivedFrom"] = refs(append(append([]string{}, m.Sources[tp.Date]...), base...))
		if res.Table == 1 {
			comps := []map[string]any{obsComponent("sum-of-diameters", "Sum of diameters", mmQuantity(tp.SoD))}
			if tp.PctBaseline != nil {
				comps = append(comps, obsComponent("percent-change-baseline", "Percent change of the sum of diameters from baseline", quantityOf(decimal(tp.PctBaseline, 2), "%")))
			}
			if tp.PctNadir != nil {
				comps = append(comps, obsComponent("percent-change-nadir", "Percent change of the sum of diameters from nadir", quantityOf(decimal(tp.PctNadir, 2), "%")))
			}
			o["component"] = comps
		}
		if tp.Reason != "" {
			o["note"] = []map[string]any{{"text": tp.Reason}}
		}
		out = append(out, Derived{ID: id, Body: mustJSON(o)})
		tpRefs = append(tpRefs, "Observation/"+id)
	}
	if len(res.TimePoints) == 0 {
		return out
	}
	id := BestID(patient)
	o := observation(id, profiles.BestOverallResponseProfile, patient, "recist-best-overall-response", "RECIST 1.1 best overall response")
	best, date := res.Best.Response, res.Best.Date
	if best == recist.NotApplicable {
		best = recist.NE
	}
	if date.IsZero() {
		date = res.TimePoints[len(res.TimePoints)-1].Date
	}
	o["effectiveDateTime"] = date.Format(time.DateOnly)
	o["valueCodeableConcept"] = responseConcept(best)
	o["method"] = recistMethod
	o["derivedFrom"] = refs(tpRefs)
	if !res.Best.ConfirmedOn.IsZero() {
		o["note"] = []map[string]any{{"text": "confirmed on " + res.Best.ConfirmedOn.Format(time.DateOnly)}}
	}
	return append(out, Derived{ID: id, Body: mustJSON(o)})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings, numbers and json.Number only
	}
	return b
}
