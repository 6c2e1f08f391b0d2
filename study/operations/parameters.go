package operations

import (
	"encoding/json"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
)

// parameter is one Parameters.parameter, with the value types the
// operations take.
type parameter struct {
	Name           string                      `json:"name"`
	ValueReference *struct{ Reference string } `json:"valueReference,omitempty"`
	ValueDate      string                      `json:"valueDate,omitempty"`
	ValueDateTime  string                      `json:"valueDateTime,omitempty"`
	ValueBoolean   *bool                       `json:"valueBoolean,omitempty"`
	ValueString    string                      `json:"valueString,omitempty"`
	ValueInteger   *int                        `json:"valueInteger,omitempty"`
	Resource       json.RawMessage             `json:"resource,omitempty"`
}

type parameters struct {
	ResourceType string      `json:"resourceType"`
	Parameter    []parameter `json:"parameter"`
}

// readParameters decodes an operation body; nil gives none. Each name may
// appear once.
func readParameters(body []byte, known ...string) (map[string]parameter, error) {
	out := map[string]parameter{}
	if body == nil {
		return out, nil
	}
	var p parameters
	if err := json.Unmarshal(body, &p); err != nil || p.ResourceType != "Parameters" {
		return nil, fhir.Errorf(fhir.CodeStructure, "the operation takes a Parameters resource")
	}
	allowed := map[string]bool{}
	for _, k := range known {
		allowed[k] = true
	}
	for i, prm := range p.Parameter {
		if !allowed[prm.Name] {
			return nil, fhir.Errorf(fhir.CodeNotSupported, "unknown parameter %q", prm.Name).At(pathOf(i)).WithStatus(400)
		}
		if _, dup := out[prm.Name]; dup {
			return nil, fhir.Errorf(fhir.CodeInvalid, "parameter %q is given twice", prm.Name).At(pathOf(i))
		}
		out[prm.Name] = prm
	}
	return out, nil
}

func pathOf(i int) string { return "Parameters.parameter[" + itoa(i) + "]" }

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// dateOf reads a valueDate (or valueDateTime) as the start of its day.
func dateOf(p parameter) (time.Time, error) {
	v := p.ValueDate
	if v == "" {
		v = p.ValueDateTime
	}
	if v == "" {
		return time.Time{}, fhir.Errorf(fhir.CodeInvalid, "parameter %s needs a valueDate", p.Name).At(p.Name)
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fhir.Errorf(fhir.CodeValue, "parameter %s: %q is not a full date", p.Name, v).At(p.Name)
}
