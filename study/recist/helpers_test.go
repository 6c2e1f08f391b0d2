package recist_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/rest"
	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
	"github.com/trialfhir/trialfhir/profiles"
	"github.com/trialfhir/trialfhir/study/operations"
	"github.com/trialfhir/trialfhir/study/recist"
)

// server is the API as cmd/trialfhir wires it, on a given store.
type server struct {
	t    *testing.T
	base string
}

func startOn(t *testing.T, store fhir.Store) *server {
	svc := service.New(store)
	c := recist.New(svc, recist.Options{})
	svc.Observe(c.Observe)
	h, err := rest.New(svc, rest.Options{Operations: operations.RECIST(c)})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &server{t: t, base: srv.URL + "/fhir"}
}

func start(t *testing.T) *server {
	s, err := sqlite.Open(t.TempDir(), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return startOn(t, s)
}

func (s *server) do(method, path string, body any) (int, map[string]any) {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(s.t, err)
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	require.NoError(s.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/fhir+json")
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer res.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(res.Body)
	if len(b) > 0 {
		require.NoError(s.t, json.Unmarshal(b, &out), "body %s", b)
	}
	return res.StatusCode, out
}

// put stores a resource by id and fails on anything but 200/201.
func (s *server) put(r map[string]any) {
	s.t.Helper()
	status, out := s.do(http.MethodPut, fmt.Sprintf("/%s/%s", r["resourceType"], r["id"]), r)
	require.Contains(s.t, []int{200, 201}, status, "%v", out)
}

func coding(system, code string) map[string]any {
	return map[string]any{"coding": []any{map[string]any{"system": system, "code": code}}}
}

func ref(r string) map[string]any { return map[string]any{"reference": r} }

// lesion is a BodyStructure; ids starting with N are lymph nodes.
func lesion(patient, id string) map[string]any {
	loc := "21974007" // tongue
	if strings.HasPrefix(id, "N") {
		loc = "81105003"
	} else if id != "T1" {
		loc = "39607008-" + id // another organ per lesion
	}
	return map[string]any{"resourceType": "BodyStructure", "id": patient + "-" + id,
		"extension":  []any{map[string]any{"url": profiles.LesionNodalExt, "valueBoolean": strings.HasPrefix(id, "N")}},
		"identifier": []any{map[string]any{"system": "https://radiology.example.org/sid/lesion", "value": patient + "-" + id}},
		"location":   coding(profiles.SNOMED, loc), "patient": ref("Patient/" + patient)}
}

var roles = map[string]string{"t": "target", "n": "non-target", "new": "new"}
var statuses = map[string]string{"p": "present", "abs": "absent", "tsm": "too-small-to-measure", "ne": "not-evaluated",
	"up": "unequivocal-progression", "split": "split", "coal": "coalesced"}

// measurement builds the Observation a radiology system sends for one
// lesion at one time point from a token "lesion:role:what", what being a
// size in mm ("35.5", "3.5cm"), a status (p, abs, tsm, ne, up),
// "split:10+12" or "coal>T1".
func measurement(patient string, date time.Time, tok string) (map[string]any, string) {
	f := strings.SplitN(tok, ":", 3)
	id, role, what := f[0], roles[f[1]], f[2]
	o := map[string]any{"resourceType": "Observation", "id": patient + "-" + date.Format("20060102") + "-" + id,
		"status": "final", "code": coding(profiles.LOINC, profiles.TumorSizeCode),
		"subject": ref("Patient/" + patient), "focus": []any{ref("BodyStructure/" + patient + "-" + id)},
		"effectiveDateTime": date.Format(time.DateOnly), "method": coding(profiles.SNOMED, profiles.CTCode)}
	axis := profiles.LongestDiameterCode
	axisSystem := profiles.LOINC
	if strings.HasPrefix(id, "N") {
		axis, axisSystem = profiles.ShortAxisCode, profiles.SNOMED
	}
	diam := func(v string) map[string]any {
		unit := "mm"
		if strings.HasSuffix(v, "cm") {
			v, unit = strings.TrimSuffix(v, "cm"), "cm"
		}
		return map[string]any{"code": coding(axisSystem, axis),
			"valueQuantity": map[string]any{"value": json.Number(v), "unit": unit, "system": profiles.UCUM, "code": unit}}
	}
	status := ""
	var comps []any
	switch {
	case statuses[what] != "" && what != "split":
		status = statuses[what]
		if what == "tsm" {
			comps = append(comps, map[string]any{"code": coding(axisSystem, axis),
				"dataAbsentReason": coding("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown")})
		}
	case strings.HasPrefix(what, "split:"):
		status = "split"
		for _, v := range strings.Split(strings.TrimPrefix(what, "split:"), "+") {
			comps = append(comps, diam(v))
		}
	case strings.HasPrefix(what, "coal>"):
		status = "coalesced"
		o["focus"] = append(o["focus"].([]any), ref("BodyStructure/"+patient+"-"+strings.TrimPrefix(what, "coal>")))
	default:
		status = "present"
		comps = append(comps, diam(what))
	}
	o["extension"] = []any{
		map[string]any{"url": profiles.LesionRoleExt, "valueCodeableConcept": coding(profiles.LesionRoleSystem, role)},
		map[string]any{"url": profiles.LesionStatusExt, "valueCodeableConcept": coding(profiles.LesionStatusSystem, status)},
	}
	if comps != nil {
		o["component"] = comps
	}
	return o, id
}

var day0 = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// dateOf is the date of time point i: baseline, then every 6 weeks.
func dateOf(i int) time.Time { return day0.AddDate(0, 0, 42*i) }

// postHistory stores a patient, its lesions and one measurement per lesion
// per time point, then one DiagnosticReport per time point, as radiology
// would send them.
func (s *server) postHistory(patient string, tps []string) {
	s.put(map[string]any{"resourceType": "Patient", "id": patient})
	seen := map[string]bool{}
	for i, tp := range tps {
		var results []any
		for _, tok := range strings.Fields(tp) {
			o, id := measurement(patient, dateOf(i), tok)
			if !seen[id] {
				seen[id] = true
				s.put(lesion(patient, id))
			}
			s.put(o)
			results = append(results, ref("Observation/"+o["id"].(string)))
		}
		s.put(map[string]any{"resourceType": "DiagnosticReport", "id": patient + "-" + dateOf(i).Format("20060102"),
			"status": "final", "code": coding(profiles.LOINC, "18748-4"), "subject": ref("Patient/" + patient),
			"effectiveDateTime": dateOf(i).Format(time.DateOnly), "result": results})
	}
}

// valueCode returns the first coding's code of an Observation's value.
func valueCode(o map[string]any) string {
	return o["valueCodeableConcept"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"].(string)
}

// componentValue returns the value of the component with the code, or "".
func componentValue(o map[string]any, code string) string {
	comps, _ := o["component"].([]any)
	for _, c := range comps {
		cm := c.(map[string]any)
		if cm["code"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"] == code {
			if q, ok := cm["valueQuantity"].(map[string]any); ok {
				return fmt.Sprint(q["value"])
			}
		}
	}
	return ""
}
