package recist

import (
	"context"
	"encoding/json"
	"math/big"
	"net/url"
	"strings"
	"time"

	"github.com/trialfhir/trialfhir/fhir"

	engine "github.com/trialfhir/trialfhir/trial/recist"
)

func decimal(r *big.Rat) json.Number {
	if r.IsInt() {
		return json.Number(r.Num().String())
	}
	return json.Number(r.FloatString(2))
}

// RunPlot is the $recist-plot operation on Patient/{id}: the data of the
// classic oncology plots as a Parameters resource (docs/recist.md):
// bestPercentChange (valueDecimal, the waterfall bar; absent when no
// follow-up), bestResponse (valueCode), progressionDate (valueDate, when
// progressed) and one "point" per time point from the baseline on (spider
// and swimmer) with parts date (valueDate), sumOfDiameters (valueDecimal, mm),
// percentChangeBaseline (valueDecimal, absent at baseline or when the sum is
// incomplete) and response (valueCode, absent at baseline). Percentages are
// rounded to two decimals for display; responses were decided exactly.
func (c *Component) RunPlot(ctx context.Context, patient string, body []byte) ([]byte, error) {
	opt, bundle, err := c.recistArgs(body)
	if err != nil {
		return nil, err
	}
	if bundle != nil {
		return nil, invalid("$recist-plot reads stored records only")
	}
	comp, err := c.Compute(ctx, patient, opt)
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{"resourceType": "Parameters", "parameter": plot(comp.Result)})
}

// plot renders the plot parameters of one subject.
func plot(res engine.Result) []map[string]any {
	var ps []map[string]any
	if res.BestPctChange != nil {
		ps = append(ps, map[string]any{"name": "bestPercentChange", "valueDecimal": decimal(res.BestPctChange)})
	}
	if res.Best.Response != engine.NotApplicable {
		ps = append(ps, map[string]any{"name": "bestResponse", "valueCode": string(res.Best.Response)})
	}
	if res.Progressed {
		ps = append(ps, map[string]any{"name": "progressionDate", "valueDate": res.ProgressionDate.Format(time.DateOnly)})
	}
	for _, s := range res.Series {
		parts := []map[string]any{
			{"name": "date", "valueDate": s.Date.Format(time.DateOnly)},
			{"name": "sumOfDiameters", "valueDecimal": decimal(s.SoD.Rat())},
		}
		if s.PctBaseline != nil {
			parts = append(parts, map[string]any{"name": "percentChangeBaseline", "valueDecimal": decimal(s.PctBaseline)})
		}
		if s.Response != engine.NotApplicable {
			parts = append(parts, map[string]any{"name": "response", "valueCode": string(s.Response)})
		}
		ps = append(ps, map[string]any{"name": "point", "part": parts})
	}
	return ps
}

// RunStudyPlot is the $recist-plot operation on ResearchStudy/{id}: one
// "subject" parameter per ResearchSubject of the study, in the order of
// their ids, with parts patient (valueReference), arm (valueString, the
// assignedArm) and the parameters of the patient-level $recist-plot (points
// nested as parts); sorting the bars of a waterfall is left to the client.
func (c *Component) RunStudyPlot(ctx context.Context, study string, body []byte) ([]byte, error) {
	opt, bundle, err := c.recistArgs(body)
	if err != nil {
		return nil, err
	}
	if bundle != nil {
		return nil, invalid("$recist-plot reads stored records only")
	}
	if _, err := c.svc.Read(ctx, "ResearchStudy", study); err != nil {
		return nil, err
	}
	subjects, err := c.all(ctx, "ResearchSubject", url.Values{"study": {"ResearchStudy/" + study}})
	if err != nil {
		return nil, err
	}
	ps := []map[string]any{}
	for _, s := range subjects {
		var rs struct {
			Individual  struct{ Reference string } `json:"individual"`
			AssignedArm string                     `json:"assignedArm"`
		}
		if json.Unmarshal(s.Body, &rs) != nil || !strings.HasPrefix(rs.Individual.Reference, "Patient/") {
			continue
		}
		patient := strings.TrimPrefix(rs.Individual.Reference, "Patient/")
		comp, err := c.Compute(ctx, patient, opt)
		if fhir.ErrorCode(err) == fhir.CodeNotFound || fhir.ErrorCode(err) == fhir.CodeDeleted {
			continue
		}
		if err != nil {
			return nil, err
		}
		parts := []map[string]any{{"name": "patient", "valueReference": map[string]any{"reference": "Patient/" + patient}}}
		if rs.AssignedArm != "" {
			parts = append(parts, map[string]any{"name": "arm", "valueString": rs.AssignedArm})
		}
		ps = append(ps, map[string]any{"name": "subject", "part": append(parts, plot(comp.Result)...)})
	}
	return json.Marshal(map[string]any{"resourceType": "Parameters", "parameter": ps})
}
