package eligibility

import "time"

// Windows are inclusive calendar days (criteria.md defaults), so every date
// is reduced to its civil day number (days since 1970-01-01) in the zone it
// was recorded in; times within a day only order same-day results.

const farFuture = 1 << 30

func civil(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dayString(day int) string {
	return time.Unix(int64(day)*86400, 0).UTC().Format("2006-01-02")
}

// dayRange is the first and last civil day a possibly partial date can be.
func dayRange(d Date) (lo, hi int, ok bool) {
	y, m, _ := d.Time.Date()
	switch d.Precision {
	case PrecisionNone:
		return 0, 0, false
	case PrecisionYear:
		return civil(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)), civil(time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)), true
	case PrecisionMonth:
		first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
		return civil(first), civil(first.AddDate(0, 1, -1)), true
	default:
		day := civil(d.Time)
		return day, day, true
	}
}

// exactDay is the civil day of a date known to the day.
func exactDay(d Date) (int, bool) {
	if d.Precision < PrecisionDay {
		return 0, false
	}
	return civil(d.Time), true
}

func dateString(d Date) string {
	switch d.Precision {
	case PrecisionNone:
		return "undated"
	case PrecisionYear:
		return d.Time.Format("2006")
	case PrecisionMonth:
		return d.Time.Format("2006-01")
	}
	return d.Time.Format("2006-01-02")
}

// addMonths moves a civil day by whole months, clamping to the month's end
// (31 Aug - 6 months = 28/29 Feb, not 3 Mar).
func addMonths(day, months int) int {
	t := time.Unix(int64(day)*86400, 0).UTC()
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	if d > last {
		d = last
	}
	return civil(time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, time.UTC))
}

// completedYears is the age in completed years on civil day on of someone
// born on the civil day birth (domain.md §2: completed years).
func completedYears(birth, on int) int {
	b := time.Unix(int64(birth)*86400, 0).UTC()
	o := time.Unix(int64(on)*86400, 0).UTC()
	age := o.Year() - b.Year()
	if o.Month() < b.Month() || (o.Month() == b.Month() && o.Day() < b.Day()) {
		age--
	}
	return age
}

// ageRange is the least and greatest possible completed age on day on for a
// possibly partial birth date.
func ageRange(birth Date, on int) (lo, hi int, ok bool) {
	first, last, ok := dayRange(birth)
	if !ok {
		return 0, 0, false
	}
	return completedYears(last, on), completedYears(first, on), true
}
