package index

import "github.com/trialfhir/trialfhir/fhir/searchparam"

// The key and parameter spellings below are private to this package; both
// extraction and the search parser build them through these functions.

// PresenceKey is the key a store may file an Index.Present parameter under
// among the keys (the MongoDB store does; its documents have always had it).
func PresenceKey(param string) string { return "m" + sep + param }

// ExactKey finds a string value exactly as written (:exact).
func ExactKey(param, value string) string { return "x" + sep + param + sep + value }

// RefKey finds a reference: "Type/id", a bare id, or an absolute URL.
func RefKey(param, ref string) string { return "r" + sep + param + sep + ref }

// URIKey finds a uri value exactly.
func URIKey(param, uri string) string { return "u" + sep + param + sep + uri }

// OfTypeKey finds an Identifier by its type and value (:of-type).
func OfTypeKey(param, typeSystem, typeCode, value string) string {
	return "o" + sep + param + sep + typeSystem + sep + typeCode + sep + value
}

// TextParam is the Strings parameter holding the text of codes (:text).
func TextParam(param string) string { return param + ":text" }

// URIParam is the Strings parameter holding raw URIs (:below).
func URIParam(param string) string { return param + ":uri" }

// IdentifierParam is the token parameter of a reference's identifier
// (:identifier).
func IdentifierParam(param string) string { return param + ":identifier" }

// QuantityParam is the Ranges parameter of quantities: with no unit any
// quantity's value; with a canonical UCUM unit the value converted to it;
// with a system and code the value as given.
func QuantityParam(param string) string { return param }

// QuantityCanonicalParam is the Ranges parameter for values in canonical UCUM units.
func QuantityCanonicalParam(param, canonicalUnit string) string {
	return param + sep + "u" + sep + canonicalUnit
}

// QuantityCodeParam is the Ranges parameter for values with a unit code
// (system may be empty: any system).
func QuantityCodeParam(param, system, code string) string {
	return param + sep + "c" + sep + system + sep + code
}

// CompositeParam is the parameter under which a composite keeps the values
// of its second component next to the key of its first.
func CompositeParam(param, firstKey string) string { return param + sep + firstKey }

// CompositeTokenKey finds a composite whose second component is a token.
func CompositeTokenKey(param, firstKey, secondKey string) string {
	return CompositeParam(param, firstKey) + sep + secondKey
}

// MarkerKey is held by every resource of a stored parameter's base types
// indexed while d was in force, whether or not its expression yields a
// value: a search for resources without it finds what a reindex must
// still visit, after a crash too. A changed definition has a new marker.
func MarkerKey(d *searchparam.Definition) string { return "k" + sep + d.Code + sep + d.Fingerprint() }
