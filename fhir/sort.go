package fhir

import (
	"cmp"
	"math"
	"strings"
)

// SortKind says which index entries a SortKey orders by.
type SortKind int

// The kinds of SortKey.
const (
	SortID     SortKind = iota + 1 // the resource id
	SortString                     // Index.Strings of Param
	SortRange                      // Index.Ranges of Param (dates, numbers, quantities)
)

// SortKey is one key of a search's _sort (R4 3.1.1.5.5). A resource with
// several values of the parameter sorts by its lowest value ascending and
// its highest value descending (for a range: Lo ascending, Hi descending),
// so that each direction puts first what could come first. A resource with
// no value sorts last in both directions, as HAPI and Blaze do.
type SortKey struct {
	Param string
	Kind  SortKind
	Desc  bool
}

// SortValue is the value of one SortKey for one resource.
type SortValue struct {
	Null bool    `json:"n,omitempty"`
	S    string  `json:"s,omitempty"`
	F    float64 `json:"f,omitempty"`
}

// SortValues returns the value of every key for a resource with index ix
// and id: the reference semantics every store's ordering must equal.
func SortValues(keys []SortKey, id string, ix *Index) []SortValue {
	out := make([]SortValue, len(keys))
	for i, k := range keys {
		v := SortValue{Null: true}
		switch k.Kind {
		case SortID:
			v = SortValue{S: id}
		case SortString:
			for _, s := range ix.Strings {
				if s.Param == k.Param && (v.Null || (k.Desc && s.Value > v.S) || (!k.Desc && s.Value < v.S)) {
					v = SortValue{S: s.Value}
				}
			}
		case SortRange:
			for _, r := range ix.Ranges {
				if r.Param != k.Param {
					continue
				}
				end := r.Lo
				if k.Desc {
					end = r.Hi
				}
				if v.Null || (k.Desc && end > v.F) || (!k.Desc && end < v.F) {
					v = SortValue{F: end}
				}
			}
		}
		out[i] = v
	}
	return out
}

// CompareSort orders two resources by their sort values, then by id
// ascending, so that every order is total and keyset paging is exact.
func CompareSort(keys []SortKey, a []SortValue, aID string, b []SortValue, bID string) int {
	for i, k := range keys {
		if c := compareValue(k, a[i], b[i]); c != 0 {
			return c
		}
	}
	return strings.Compare(aID, bID)
}

func compareValue(k SortKey, a, b SortValue) int {
	switch {
	case a.Null && b.Null:
		return 0
	case a.Null:
		return 1 // missing values last, whatever the direction
	case b.Null:
		return -1
	}
	var c int
	if k.Kind == SortRange {
		c = cmp.Compare(a.F, b.F)
	} else {
		c = strings.Compare(a.S, b.S)
	}
	if k.Desc {
		c = -c
	}
	return c
}

// validSortValue reports whether v can stand in a cursor: NaN has no place
// in an order.
func validSortValue(v SortValue) bool { return !math.IsNaN(v.F) }

// ValidCursor reports whether a cursor read from a client-held token fits
// keys: one value per key, no NaN.
func ValidCursor(keys []SortKey, values []SortValue) bool {
	if len(values) != len(keys) {
		return false
	}
	for _, v := range values {
		if !validSortValue(v) {
			return false
		}
	}
	return true
}
