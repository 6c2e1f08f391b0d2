package mappings

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormaliseText is the form in which names are compared: Unicode NFKC (full-
// width letters and brackets become ASCII, "Ⅳ" becomes "IV", the micro sign
// becomes Greek mu), lower case, and runs of white space collapsed to one
// space. Chinese laboratory systems mix full- and half-width forms for the
// same name, so exact byte comparison would miss most local names.
func NormaliseText(s string) string {
	if isPlainASCII(s) {
		return s // already normal: the common case of a short code-like name
	}
	if v, ok := textCache.Load(s); ok {
		return v.(string)
	}
	n := normaliseText(s)
	if len(s) <= 256 && textCacheSize.Load() < textCacheMax {
		if _, loaded := textCache.LoadOrStore(s, n); !loaded {
			textCacheSize.Add(1)
		}
	}
	return n
}

// textCache remembers normalised names: a feed repeats the same few
// hundred test and drug names, and NFKC is the costly step. Bounded, so
// that odd input cannot exhaust memory.
var (
	textCache     sync.Map // string -> string
	textCacheSize atomic.Int64
)

const textCacheMax = 16384

func normaliseText(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// normaliseCode is the form of a code in a prefix-matched system (ICD-10,
// ATC, ICD-9-CM-3): upper case without dots or spaces, so that "C02.1",
// "c021" and the Chinese clinical edition's "C02.100x001" share the prefix
// "C021" (domain.md §1, local data reality).
func normaliseCode(code string) string {
	var b strings.Builder
	b.Grow(len(code))
	for _, r := range strings.ToUpper(norm.NFKC.String(code)) {
		if r == '.' || unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// expandRange turns "C00..C97" or "C00.3..C00.5" into the codes it covers:
// the two ends must differ only in one run of digits of equal width. ".."
// rather than "-" marks a range because LOINC codes contain "-". A code
// without ".." comes back alone.
func expandRange(code string) ([]string, bool) {
	lo, hi, ok := strings.Cut(code, "..")
	if !ok {
		return []string{code}, true
	}
	if len(lo) != len(hi) || lo == "" {
		return nil, false
	}
	i := 0
	for i < len(lo) && lo[i] == hi[i] {
		i++
	}
	if i == len(lo) {
		return []string{lo}, true
	}
	start := i
	for start > 0 && isDigit(lo[start-1]) {
		start--
	}
	end := i
	for end < len(lo) && isDigit(lo[end]) && isDigit(hi[end]) {
		end++
	}
	if end == i || lo[end:] != hi[end:] {
		return nil, false
	}
	a, b := atoi(lo[start:end]), atoi(hi[start:end])
	if a > b || b-a > 1000 {
		return nil, false
	}
	width := end - start
	out := make([]string, 0, b-a+1)
	for n := a; n <= b; n++ {
		digits := []byte(strings.Repeat("0", width))
		for k, m := width-1, n; k >= 0 && m > 0; k, m = k-1, m/10 {
			digits[k] = byte('0' + m%10)
		}
		out = append(out, lo[:start]+string(digits)+lo[end:])
	}
	return out, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// isPlainASCII reports whether s is ASCII without upper case letters or
// white space other than single inner spaces, which NormaliseText keeps.
func isPlainASCII(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || c >= 'A' && c <= 'Z' || c < ' ' || c == ' ' && s[i-1] == ' ' {
			return false
		}
	}
	return true
}
