package fhirfacts

import (
	"strings"
	"time"

	"github.com/trialfhir/trialfhir/trial/eligibility"
)

// parseDate reads a FHIR date, dateTime or instant with its precision. A
// dateTime keeps its offset, so Time's calendar day is the day at the site
// (a specimen drawn at 07:00+08:00 is that day, not the previous UTC day).
// Anything unreadable is an unknown date, never a guess.
func parseDate(s string) eligibility.Date {
	s = strings.TrimSpace(s)
	layouts := []struct {
		layout string
		p      eligibility.Precision
	}{
		{"2006", eligibility.PrecisionYear},
		{"2006-01", eligibility.PrecisionMonth},
		{"2006-01-02", eligibility.PrecisionDay},
	}
	if len(s) <= 10 {
		for _, l := range layouts {
			if len(s) == len(l.layout) {
				if t, err := time.Parse(l.layout, s); err == nil {
					return eligibility.Date{Time: t, Precision: l.p}
				}
			}
		}
		return eligibility.Date{}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return eligibility.Date{Time: t, Precision: eligibility.PrecisionTime}
	}
	// FHIR requires a zone with a time; hospital feeds often omit it. The
	// local wall-clock reading is what the site meant, so keep it as UTC.
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return eligibility.Date{Time: t, Precision: eligibility.PrecisionTime}
		}
	}
	return eligibility.Date{}
}

// firstDate is the first of the candidates that parses.
func firstDate(candidates ...string) eligibility.Date {
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if d := parseDate(c); d.Known() {
			return d
		}
	}
	return eligibility.Date{}
}

func periodStart(p *period) string {
	if p == nil {
		return ""
	}
	return p.Start
}

func periodEnd(p *period) string {
	if p == nil {
		return ""
	}
	return p.End
}

// ageOn is the patient's age in completed years on day d, or -1 when the
// birth date is not known to the day (domain.md I4: partial dates are
// unknown near boundaries; the caller only uses this to pick a range).
func ageOn(birth eligibility.Date, d eligibility.Date) int {
	if birth.Precision < eligibility.PrecisionDay || !d.Known() {
		return -1
	}
	b, t := birth.Time, d.Time
	age := t.Year() - b.Year()
	if t.Month() < b.Month() || t.Month() == b.Month() && t.Day() < b.Day() {
		age--
	}
	return age
}
