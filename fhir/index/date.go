package index

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
)

// Unbounded ends of a range (an open Period): far beyond any real date in
// Unix milliseconds, and exactly representable as float64.
const (
	MinTime = -1 << 53
	MaxTime = 1 << 53
)

var dateRe = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$`)

// DateRange returns the interval, in Unix milliseconds, that a FHIR date,
// dateTime or instant stands for: its whole precision (R4 3.1.1.4.4), so
// "2026" is [2026-01-01T00:00:00.000Z, 2026-12-31T23:59:59.999Z]. A time
// without a zone is taken as UTC.
func DateRange(s string) (lo, hi float64, err error) {
	m := dateRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, 0, fmt.Errorf("%q is not a FHIR date or dateTime", s)
	}
	atoi := func(x string, def int) int {
		if x == "" {
			return def
		}
		n := 0
		for _, c := range x {
			n = n*10 + int(c-'0')
		}
		return n
	}
	loc := time.UTC
	if z := m[8]; z != "" && z != "Z" {
		sign := 1
		if z[0] == '-' {
			sign = -1
		}
		loc = time.FixedZone(z, sign*(atoi(z[1:3], 0)*3600+atoi(z[4:6], 0)*60))
	}
	year, month, day := atoi(m[1], 0), atoi(m[2], 1), atoi(m[3], 1)
	hour, minute, sec := atoi(m[4], 0), atoi(m[5], 0), atoi(m[6], 0)
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return 0, 0, fmt.Errorf("%q is not a valid date", s)
	}
	var nanos int
	if frac := m[7]; frac != "" {
		digits := (frac[1:] + "000000000")[:9]
		nanos = atoi(digits, 0)
	}
	start := time.Date(year, time.Month(month), day, hour, minute, sec, nanos, loc)
	if start.Day() != day {
		return 0, 0, fmt.Errorf("%q is not a valid date", s)
	}
	var end time.Time
	switch {
	case m[2] == "":
		end = start.AddDate(1, 0, 0)
	case m[3] == "":
		end = start.AddDate(0, 1, 0)
	case m[4] == "":
		end = start.AddDate(0, 0, 1)
	case m[6] == "":
		end = start.Add(time.Minute)
	case m[7] == "":
		end = start.Add(time.Second)
	default:
		// Sub-second precision: the instant to the millisecond.
		end = start.Add(time.Millisecond)
	}
	lo = float64(start.UnixMilli())
	hi = float64(end.UnixMilli() - 1)
	return lo, math.Max(lo, hi), nil
}
