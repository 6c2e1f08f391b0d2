package index

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Normalize folds a string for string search (R4 3.1.1.4.8: "case- and
// accent-insensitive"): decompose, drop combining marks, lower-case, and
// collapse white space, so "Müller", "MULLER" and "muller" compare equal.
func Normalize(s string) string {
	out := s
	if !ascii(s) { // ASCII has nothing to decompose, and most values are ASCII
		t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
		var err error
		if out, _, err = transform.String(t, s); err != nil {
			out = s
		}
	}
	return strings.Join(strings.Fields(strings.ToLower(out)), " ")
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
