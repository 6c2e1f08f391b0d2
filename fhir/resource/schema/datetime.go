package schema

// The date and time checks mirror jsonformat's date_time.go: its regex
// (jsonpbhelper's DateCompiledRegex, DateTimeCompiledRegex,
// InstantCompiledRegex, TimeCompiledRegex) and then time.Parse with its
// layouts, which also refuses a day the month does not have. A negative
// year passes the regexes but no layout, so it is refused here too.

// validDate accepts YYYY, YYYY-MM and YYYY-MM-DD.
func validDate(s []byte) bool {
	_, ok := datePart(s, len(s))
	return ok
}

// validDateTime accepts a date, or YYYY-MM-DDThh:mm:ss[.f+] with Z or a
// ±hh:mm offset (R4 requires the zone when there is a time).
func validDateTime(s []byte) bool {
	if len(s) <= 10 {
		return validDate(s)
	}
	return validInstant(s)
}

// validInstant accepts YYYY-MM-DDThh:mm:ss[.f+] with Z or a ±hh:mm offset.
func validInstant(s []byte) bool {
	if len(s) < 20 || s[10] != 'T' {
		return false
	}
	if n, ok := datePart(s[:10], 10); !ok || n != 3 {
		return false
	}
	rest, ok := timePart(s[11:])
	if !ok {
		return false
	}
	return validZone(rest)
}

// validTime accepts hh:mm:ss[.f+].
func validTime(s []byte) bool {
	rest, ok := timePart(s)
	return ok && len(rest) == 0
}

// datePart checks a YYYY[-MM[-DD]] of exactly n bytes and returns how many
// of the three parts it has.
func datePart(s []byte, n int) (int, bool) {
	if n != len(s) || (n != 4 && n != 7 && n != 10) || !digits(s[:4]) {
		return 0, false
	}
	if n == 4 {
		return 1, true
	}
	if s[4] != '-' || !digits(s[5:7]) {
		return 0, false
	}
	month := num(s[5:7])
	if month < 1 || month > 12 {
		return 0, false
	}
	if n == 7 {
		return 2, true
	}
	if s[7] != '-' || !digits(s[8:10]) {
		return 0, false
	}
	day := num(s[8:10])
	return 3, day >= 1 && day <= daysIn(month, num(s[:4]))
}

// timePart checks hh:mm:ss[.f+] at the start of s and returns the rest.
func timePart(s []byte) ([]byte, bool) {
	if len(s) < 8 || s[2] != ':' || s[5] != ':' || !digits(s[0:2]) || !digits(s[3:5]) || !digits(s[6:8]) {
		return nil, false
	}
	if num(s[0:2]) > 23 || num(s[3:5]) > 59 || num(s[6:8]) > 59 {
		return nil, false
	}
	s = s[8:]
	if len(s) > 0 && s[0] == '.' {
		n := 1
		for n < len(s) && isDigit(s[n]) {
			n++
		}
		if n == 1 {
			return nil, false
		}
		s = s[n:]
	}
	return s, true
}

// validZone accepts Z, or ±hh:mm with hh 00-13 (and 14:00).
func validZone(s []byte) bool {
	if len(s) == 1 {
		return s[0] == 'Z'
	}
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' || !digits(s[1:3]) || !digits(s[4:6]) {
		return false
	}
	h, m := num(s[1:3]), num(s[4:6])
	return h <= 13 && m <= 59 || h == 14 && m == 0
}

func digits(s []byte) bool {
	for _, c := range s {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

func num(s []byte) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// daysIn is the proleptic Gregorian month length time.Parse checks by.
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
