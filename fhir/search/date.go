package search

import (
	"math"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/index"
)

// dateMatches parses a date search value: a prefix and a date of any
// precision, which stands for its whole range (R4 3.1.1.4.4).
func dateMatches(param, value string, now time.Time) ([]fhir.Match, bool, error) {
	prefix, v := cutPrefix(value)
	slo, shi, err := index.DateRange(v)
	if err != nil {
		return nil, false, fhir.Errorf(fhir.CodeInvalid, "%s: %q is not a date search value", param, value).At(param)
	}
	// "ap": 10% of the distance from now, as R4 recommends.
	gap := math.Abs(float64(now.UnixMilli())-slo) * 0.1
	ms, not := rangeMatches(param, prefix, slo, shi, gap)
	return ms, not, nil
}
