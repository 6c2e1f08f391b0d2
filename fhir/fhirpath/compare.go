package fhirpath

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// equalNodes reports whether two JSON nodes are equal in the sense of
// FHIRPath "=" (http://hl7.org/fhirpath/N1/#equals): primitives by value,
// numbers numerically whatever their spelling, complex nodes member by member.
// Dates and times are compared as the strings they are in JSON.
func equalNodes(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equalNodes(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalNodes(x[i], y[i]) {
				return false
			}
		}
		return true
	case nil:
		return b == nil
	}
	if x, ok := a.(json.Number); ok {
		if y, ok := b.(json.Number); ok && x == y {
			return true
		}
	}
	f, ok := toFloat(a)
	if !ok {
		return false
	}
	g, ok := toFloat(b)
	return ok && f == g
}

// equivalentNodes is FHIRPath "~" (http://hl7.org/fhirpath/N1/#equivalent):
// strings ignore case and differences in white space.
func equivalentNodes(a, b any) bool {
	if x, ok := a.(string); ok {
		y, ok := b.(string)
		return ok && strings.EqualFold(strings.Join(strings.Fields(x), " "), strings.Join(strings.Fields(y), " "))
	}
	return equalNodes(a, b)
}

// compareNodes orders two primitives for < <= > >=: numbers numerically,
// strings (and so ISO 8601 dates of the same precision) by bytes. ok is
// false when they cannot be ordered.
func compareNodes(a, b any) (cmp int, ok bool) {
	if x, isString := a.(string); isString {
		y, ok := b.(string)
		return strings.Compare(x, y), ok
	}
	f, ok := toFloat(a)
	if !ok {
		return 0, false
	}
	g, ok := toFloat(b)
	if !ok || math.IsNaN(f) || math.IsNaN(g) {
		return 0, false
	}
	switch {
	case f < g:
		return -1, true
	case f > g:
		return 1, true
	}
	return 0, true
}

// toFloat reads a JSON number. float64 and int are accepted too, for JSON
// decoded without UseNumber.
func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(n), 64)
		return f, err == nil
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

// singleInt reads a collection holding one integer.
func singleInt(items []item) (int, bool) {
	if len(items) != 1 {
		return 0, false
	}
	switch n := items[0].node.(type) {
	case json.Number:
		i, err := strconv.Atoi(string(n))
		return i, err == nil
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<31 {
			return int(n), true
		}
	case int:
		return n, true
	}
	return 0, false
}

// intNumber is an integer as a JSON node.
func intNumber(i int) json.Number { return json.Number(strconv.Itoa(i)) }

// singleString reads a collection holding one string.
func singleString(items []item) (string, bool) {
	if len(items) != 1 {
		return "", false
	}
	s, ok := items[0].node.(string)
	return s, ok
}

// contains reports whether items holds an item equal to it.
func contains(items []item, it item) bool {
	for _, x := range items {
		if x.node != nil && equalNodes(x.node, it.node) {
			return true
		}
	}
	return false
}
