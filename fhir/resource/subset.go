package resource

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
)

// SummaryMode is a value of the _summary parameter (R4 3.1.1.5.8).
type SummaryMode string

// The _summary modes that apply to a single resource; "count" is a search
// concern.
const (
	SummaryFalse SummaryMode = "false"
	SummaryTrue  SummaryMode = "true"
	SummaryText  SummaryMode = "text"
	SummaryData  SummaryMode = "data"
	SummaryCount SummaryMode = "count"
)

// ParseSummary validates a _summary value.
func ParseSummary(v string) (SummaryMode, error) {
	switch m := SummaryMode(v); m {
	case SummaryFalse, SummaryTrue, SummaryText, SummaryData, SummaryCount:
		return m, nil
	}
	return "", fhir.Errorf(fhir.CodeInvalid, "_summary must be one of true, false, text, data, count").At("_summary")
}

// Summary returns body reduced as _summary asks, tagged SUBSETTED as R4
// requires of any partial resource. SummaryFalse returns body unchanged.
func Summary(body []byte, typ string, mode SummaryMode) ([]byte, error) {
	var keep func(name string) bool
	switch mode {
	case SummaryFalse, "", SummaryCount:
		return body, nil
	case SummaryTrue:
		keep = func(n string) bool { return hasElement(summaryElements[typ], n) }
	case SummaryText:
		keep = func(n string) bool { return n == "text" || hasElement(mandatoryElements[typ], n) }
	case SummaryData:
		keep = func(n string) bool { return n != "text" }
	}
	return subset(body, keep)
}

// Elements returns body with only the named top-level elements plus the
// mandatory ones (R4 3.1.1.5.9), tagged SUBSETTED. Unknown names are ignored
// as the spec allows. An empty list returns body unchanged.
func Elements(body []byte, typ string, names []string) ([]byte, error) {
	if len(names) == 0 {
		return body, nil
	}
	want := make([]string, 0, len(names))
	for _, n := range names {
		// "Patient.name" is accepted as well as "name".
		want = append(want, strings.TrimPrefix(strings.TrimSpace(n), typ+"."))
	}
	return subset(body, func(n string) bool {
		return hasElement(want, n) || hasElement(mandatoryElements[typ], n)
	})
}

// hasElement reports whether a JSON property name is one of the elements,
// counting valueQuantity as the choice element value[x].
func hasElement(elements []string, name string) bool {
	name = strings.TrimPrefix(name, "_")
	for _, e := range elements {
		if name == e || (strings.HasPrefix(name, e) && len(name) > len(e) && isUpper(name[len(e)])) {
			return true
		}
	}
	return false
}

func isUpper(b byte) bool { return b >= 'A' && b <= 'Z' }

const subsettedSystem = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"

// subset keeps resourceType, id, meta and the properties keep accepts, in
// their original order, and adds the SUBSETTED tag to meta.
func subset(body []byte, keep func(string) bool) ([]byte, error) {
	props, err := properties(body)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteByte('{')
	hasMeta := false
	first := true
	emit := func(k string, v []byte) {
		if !first {
			out.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		out.Write(kb)
		out.WriteByte(':')
		out.Write(v)
	}
	for _, p := range props {
		switch {
		case p.name == "meta":
			hasMeta = true
			emit("meta", tagSubsetted(p.value))
		case p.name == "resourceType" || p.name == "id" || keep(p.name):
			emit(p.name, p.value)
		}
	}
	if !hasMeta {
		emit("meta", tagSubsetted([]byte(`{}`)))
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

func tagSubsetted(meta []byte) []byte {
	var m map[string]any
	if err := json.Unmarshal(meta, &m); err != nil || m == nil {
		m = map[string]any{}
	}
	tags, _ := m["tag"].([]any)
	m["tag"] = append(tags, map[string]any{"system": subsettedSystem, "code": "SUBSETTED", "display": "Resource encoded in summary mode"})
	b, _ := json.Marshal(m)
	return b
}

type property struct {
	name  string
	value json.RawMessage
}
