package recist

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/mappings/lesions"
	"github.com/trialfhir/trialfhir/trial/deescalation"
	engine "github.com/trialfhir/trialfhir/trial/recist"
)

// parameter is one Parameters.parameter; a GET operation's query parameters
// arrive as valueString (see rest.Operation).
type parameter struct {
	Name         string          `json:"name"`
	ValueBoolean *bool           `json:"valueBoolean"`
	ValueInteger *int            `json:"valueInteger"`
	ValuePosInt  *int            `json:"valuePositiveInt"`
	ValueString  *string         `json:"valueString"`
	ValueCode    *string         `json:"valueCode"`
	Resource     json.RawMessage `json:"resource"`
}

type params struct {
	ResourceType string      `json:"resourceType"`
	Parameter    []parameter `json:"parameter"`
}

func invalid(format string, a ...any) error {
	return fhir.Errorf(fhir.CodeInvalid, format, a...)
}

// parseParams decodes an operation body: empty, or a Parameters resource.
func parseParams(body []byte) (params, error) {
	var p params
	if len(body) == 0 {
		return p, nil
	}
	if err := json.Unmarshal(body, &p); err != nil || p.ResourceType != "Parameters" {
		return p, invalid("the body must be a Parameters resource")
	}
	return p, nil
}

func (p parameter) boolean() (bool, error) {
	switch {
	case p.ValueBoolean != nil:
		return *p.ValueBoolean, nil
	case p.ValueString != nil:
		if b, err := strconv.ParseBool(*p.ValueString); err == nil {
			return b, nil
		}
	}
	return false, invalid("parameter %s must be a boolean", p.Name)
}

func (p parameter) integer() (int, error) {
	switch {
	case p.ValueInteger != nil:
		return *p.ValueInteger, nil
	case p.ValuePosInt != nil:
		return *p.ValuePosInt, nil
	case p.ValueString != nil:
		if n, err := strconv.Atoi(*p.ValueString); err == nil {
			return n, nil
		}
	}
	return 0, invalid("parameter %s must be an integer", p.Name)
}

func (p parameter) code() (string, error) {
	switch {
	case p.ValueCode != nil:
		return *p.ValueCode, nil
	case p.ValueString != nil:
		return *p.ValueString, nil
	}
	return "", invalid("parameter %s must be a code", p.Name)
}

// recistArgs reads the $recist parameters: confirm, sdMinDays, bundle.
func (c *Component) recistArgs(body []byte) (engine.Options, json.RawMessage, error) {
	opt := c.opt.RECIST
	p, err := parseParams(body)
	if err != nil {
		return opt, nil, err
	}
	var bundle json.RawMessage
	for _, prm := range p.Parameter {
		switch prm.Name {
		case "confirm":
			opt.Confirm, err = prm.boolean()
		case "sdMinDays":
			opt.SDMinDays, err = prm.integer()
			if err == nil && opt.SDMinDays < 1 {
				err = invalid("sdMinDays must be at least 1")
			}
		case "bundle":
			if len(prm.Resource) == 0 {
				err = invalid("parameter bundle must hold a Bundle resource")
			}
			bundle = prm.Resource
		default:
			err = invalid("unknown parameter %q", prm.Name)
		}
		if err != nil {
			return opt, nil, err
		}
	}
	return opt, bundle, nil
}

// RunRecist is the $recist operation on Patient/{id}: it computes the
// patient's responses on demand (from the stored records, or from the
// Bundle in the "bundle" parameter, storing nothing) and returns a Bundle of
// type collection: the time-point response Observations, the best overall
// response, and an OperationOutcome with the engine's findings and the
// mapping's issues when there are any.
func (c *Component) RunRecist(ctx context.Context, patient string, body []byte) ([]byte, error) {
	opt, bundle, err := c.recistArgs(body)
	if err != nil {
		return nil, err
	}
	var comp *Computed
	if bundle != nil {
		comp, err = c.ComputeBundle(ctx, patient, bundle, opt)
	} else {
		comp, err = c.Compute(ctx, patient, opt)
	}
	if err != nil {
		return nil, err
	}
	var entries []map[string]any
	for _, d := range comp.Resources {
		entries = append(entries, map[string]any{"resource": json.RawMessage(d.Body)})
	}
	if oo := findings(comp); oo != nil {
		entries = append(entries, map[string]any{"resource": oo})
	}
	return json.Marshal(map[string]any{"resourceType": "Bundle", "type": "collection",
		"timestamp": time.Now().UTC().Format(time.RFC3339), "entry": entries})
}

// findings renders the engine findings and mapping issues as an
// OperationOutcome, or nil.
func findings(comp *Computed) map[string]any {
	var issues []map[string]any
	for _, f := range comp.Result.Findings {
		sev := "warning"
		if f.Severity == engine.Error {
			sev = "error"
		}
		issues = append(issues, map[string]any{"severity": sev, "code": "business-rule",
			"details": map[string]any{"text": f.Code}, "diagnostics": f.Message})
	}
	for _, s := range comp.Mapped.Issues {
		issues = append(issues, map[string]any{"severity": "warning", "code": "invalid", "diagnostics": s})
	}
	if len(issues) == 0 {
		return nil
	}
	return map[string]any{"resourceType": "OperationOutcome", "issue": issues}
}

// DeriveBundle returns the response Observations the server would store
// for the patient's records in a posted Bundle (screening.Config.Derive);
// none when the Bundle holds no measurements.
func (c *Component) DeriveBundle(ctx context.Context, patient string, bundle []byte) ([][]byte, error) {
	comp, err := c.ComputeBundle(ctx, patient, bundle, c.opt.RECIST)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, 0, len(comp.Resources))
	for _, d := range comp.Resources {
		out = append(out, d.Body)
	}
	return out, nil
}

// ComputeBundle evaluates the records of a posted Bundle for the patient;
// nothing is stored. The patient is Patient/{patient} or the fullUrl of the
// Bundle's Patient entry with that id.
func (c *Component) ComputeBundle(ctx context.Context, patient string, bundle []byte, opt engine.Options) (*Computed, error) {
	var b struct {
		ResourceType string `json:"resourceType"`
		Entry        []struct {
			FullURL  string          `json:"fullUrl"`
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(bundle, &b); err != nil || b.ResourceType != "Bundle" {
		return nil, invalid("parameter bundle must hold a Bundle resource")
	}
	var recs []lesions.Record
	var aliases []string
	for _, e := range b.Entry {
		var head struct {
			ResourceType string `json:"resourceType"`
			ID           string `json:"id"`
		}
		if json.Unmarshal(e.Resource, &head) != nil || head.ResourceType == "" {
			return nil, invalid("a Bundle entry has no resource")
		}
		ref := e.FullURL
		if ref == "" {
			ref = head.ResourceType + "/" + head.ID
		}
		if head.ResourceType == "Patient" && head.ID == patient && e.FullURL != "" {
			aliases = append(aliases, e.FullURL)
		}
		recs = append(recs, lesions.Record{Ref: ref, Body: e.Resource})
	}
	return evaluate(patient, recs, opt, aliases...), nil
}

// RunAdherence is the $deescalation-adherence operation on
// Procedure/{id}: it returns the deescalation-adherence Observation computed
// with the "interpretation" parameter (code A or B; default the
// component's, A), without storing it; the stored one (written by Observe)
// always uses the component's interpretation.
func (c *Component) RunAdherence(ctx context.Context, procedureID string, body []byte) ([]byte, error) {
	p, err := parseParams(body)
	if err != nil {
		return nil, err
	}
	var interp deescalation.Interpretation
	for _, prm := range p.Parameter {
		if prm.Name != "interpretation" {
			return nil, invalid("unknown parameter %q", prm.Name)
		}
		v, err := prm.code()
		if err != nil {
			return nil, err
		}
		interp = deescalation.Interpretation(v)
		if interp != deescalation.InterpretationA && interp != deescalation.InterpretationB {
			return nil, invalid("interpretation must be A or B")
		}
	}
	a, err := c.AssessAdherence(ctx, procedureID, interp)
	if err != nil {
		return nil, err
	}
	return a.Observation.Body, nil
}
