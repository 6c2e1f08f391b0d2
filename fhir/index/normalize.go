package index

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Normalize folds a string for string search (R4 3.1.1.4.8: "case- and
// accent-insensitive"): decompose, drop combining marks, lower-case, and
// collapse white space, so "Müller", "MULLER" and "muller" compare equal.
func Normalize(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.Join(strings.Fields(strings.ToLower(out)), " ")
}
