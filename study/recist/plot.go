package recist

import (
	"context"
	"encoding/json"
	"math/big"
	"time"

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
	res := comp.Result
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
	return json.Marshal(map[string]any{"resourceType": "Parameters", "parameter": ps})
}
