package schema

import (
	"encoding/json"
	"math"
	"net/url"
)

// The checks below each accept a subset of what google/fhir's parser and
// fhirvalidate accept for one primitive; the comments name the rule each
// mirrors. They see the JSON string's raw bytes, which hold no escape
// (Check defers on escapes wherever the decoded value matters).

// maxString is fhirvalidate's (jsonpbhelper.ValidateString) size limit.
const maxString = 1024 * 1024

// validString mirrors ValidateString: at most 1 MB and no control
// character but tab, newline and carriage return. Raw JSON string bytes
// hold no control characters; only an escape can make one.
func validString(raw []byte, escaped bool) bool {
	if len(raw) > maxString {
		return false
	}
	if !escaped {
		return true
	}
	s, ok := unescape(raw)
	if !ok || len(s) > maxString {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// unescape decodes a JSON string's content.
func unescape(raw []byte) (string, bool) {
	quoted := make([]byte, 0, len(raw)+2)
	quoted = append(append(append(quoted, '"'), raw...), '"')
	var s string
	return s, json.Unmarshal(quoted, &s) == nil
}

// validURI mirrors fhirvalidate's url.Parse check of uri, url and canonical.
func validURI(raw []byte, escaped bool) bool {
	s := string(raw)
	if escaped {
		var ok bool
		if s, ok = unescape(raw); !ok {
			return false
		}
	}
	_, err := url.Parse(s)
	return err == nil
}

// validCode mirrors the Code value_regex [^\s]+(\s[^\s]+)*: RE2's \s is
// [\t\n\f\r ], and unescaped JSON holds only the space of these.
func validCode(s []byte) bool {
	if len(s) == 0 || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] == ' ' && s[i-1] == ' ' {
			return false
		}
	}
	return true
}

// validID mirrors the Id value_regex [A-Za-z0-9\-\.]{1,64}.
func validID(s []byte) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// validOID mirrors the Oid value_regex urn:oid:[0-2](\.(0|[1-9][0-9]*))+.
func validOID(s []byte) bool {
	const prefix = "urn:oid:"
	if len(s) < len(prefix)+3 || string(s[:len(prefix)]) != prefix {
		return false
	}
	s = s[len(prefix):]
	if s[0] < '0' || s[0] > '2' {
		return false
	}
	s = s[1:]
	if len(s) == 0 {
		return false
	}
	for len(s) > 0 {
		if s[0] != '.' || len(s) < 2 || !isDigit(s[1]) {
			return false
		}
		n := 1
		for n < len(s) && isDigit(s[n]) {
			n++
		}
		if s[1] == '0' && n > 2 {
			return false // a leading zero
		}
		s = s[n:]
	}
	return true
}

// validUUID mirrors the Uuid value_regex
// urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}.
func validUUID(s []byte) bool {
	const prefix = "urn:uuid:"
	if len(s) != len(prefix)+36 || string(s[:len(prefix)]) != prefix {
		return false
	}
	for i, c := range s[len(prefix):] {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isDigit(c) && (c < 'a' || c > 'f') {
				return false
			}
		}
	}
	return true
}

// validInt mirrors jsoniter's int32 reading (integer) and the positiveInt
// and unsignedInt regexes with fhirvalidate's 2^31-1 bound. It accepts
// only the plain form: no sign but a minus, no leading zero, no fraction
// or exponent.
func validInt(s []byte, k kind) bool {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		if k != kInteger {
			return false
		}
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 10 || (s[0] == '0' && len(s) > 1) {
		return false
	}
	var v int64
	for _, c := range s {
		if !isDigit(c) {
			return false
		}
		v = v*10 + int64(c-'0')
	}
	switch {
	case neg:
		return v != 0 && v <= -math.MinInt32
	case k == kPositiveInt:
		return v >= 1 && v <= math.MaxInt32
	default:
		return v <= math.MaxInt32
	}
}

// validDecimal: the Decimal value_regex -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// is the JSON number grammar, so every number Check's caller has
// validated as JSON matches; this re-checks the grammar regardless.
func validDecimal(s []byte) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i == len(s)
}

// validBase64 mirrors parseBinary on a value with no separator spaces:
// base64.StdEncoding (padded, not strict about trailing bits).
func validBase64(s []byte) bool {
	if len(s)%4 != 0 {
		return false
	}
	for i, c := range s {
		if c == '=' {
			// Only "x===" is never valid; "xx==" and "xxx=" end the data.
			rest := len(s) - i
			return (rest == 1 || rest == 2 && s[i+1] == '=') && i%4 >= 2
		}
		if !(isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '+' || c == '/') {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
