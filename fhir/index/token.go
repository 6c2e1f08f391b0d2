package index

import (
	"strings"

	"github.com/trialfhir/trialfhir/fhir"
)

// sep cannot occur in a search parameter name and is vanishingly unlikely in
// a system or code; it keeps the three key shapes below unambiguous.
const sep = "\x1f"

// Token is one coded value of a resource under a search parameter
// (http://hl7.org/fhir/R4/search.html#token).
type Token struct {
	Param, System, Code string
}

// Keys returns the keys a token is stored under: one for system|code (which
// is also how "|code" finds a code without a system), one for the code in any
// system, one for the system with any code.
func (t Token) Keys() []string {
	keys := []string{"f" + sep + t.Param + sep + t.System + sep + t.Code}
	if t.Code != "" {
		keys = append(keys, "c"+sep+t.Param+sep+t.Code)
	}
	if t.System != "" {
		keys = append(keys, "s"+sep+t.Param+sep+t.System)
	}
	return keys
}

// TokenKey returns the key that finds a search value of a token parameter:
// "code", "|code", "system|code" or "system|".
func TokenKey(param, value string) string {
	system, code, hasBar := strings.Cut(value, "|")
	switch {
	case !hasBar:
		return "c" + sep + param + sep + value
	case code == "":
		return "s" + sep + param + sep + system
	default:
		return "f" + sep + param + sep + system + sep + code
	}
}

// Extract returns the index entries of a resource given as FHIR JSON,
// using the default registry's search parameters.
func Extract(body []byte) (fhir.Index, error) { return Default().Extract(body) }

// LockName returns the part of a key that identifies what it finds
// regardless of how it was written: the parameter and the code for
// "system|code", "|code" and "code" alike (so they share a lock), or the
// parameter and system for "system|".
func LockName(key string) string {
	parts := strings.Split(key, sep)
	switch {
	case len(parts) == 4: // f, param, system, code
		return parts[1] + "=" + parts[3]
	case len(parts) == 3 && parts[0] == "c":
		return parts[1] + "=" + parts[2]
	case len(parts) == 3:
		return parts[1] + "=" + parts[2] + "|"
	}
	return key
}
