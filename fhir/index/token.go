package index

import (
	"encoding/json"
	"strings"
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

// Extract returns the search keys of a resource given as FHIR JSON. At this
// stage it indexes the token parameter common to nearly every resource,
// identifier, whether the element is a list or a single Identifier.
func Extract(body []byte) ([]string, error) {
	var doc struct {
		Identifier json.RawMessage `json:"identifier"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	var keys []string
	for _, id := range identifiers(doc.Identifier) {
		if id.Value == "" && id.System == "" {
			continue
		}
		keys = append(keys, Token{Param: "identifier", System: id.System, Code: id.Value}.Keys()...)
	}
	return dedupe(keys), nil
}

type identifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

func identifiers(raw json.RawMessage) []identifier {
	if len(raw) == 0 {
		return nil
	}
	var list []identifier
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var one identifier
	if json.Unmarshal(raw, &one) == nil {
		return []identifier{one}
	}
	return nil
}

func dedupe(keys []string) []string {
	seen := make(map[string]bool, len(keys))
	out := keys[:0]
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

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
