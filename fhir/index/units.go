package index

import (
	"sync"

	"github.com/trialfhir/trialfhir/fhir/ucum"
)

// maxCachedUnits bounds the unit cache: a hospital sends a few hundred
// distinct unit codes, and a client inventing a new one per resource must
// not grow the cache without end (beyond the bound a unit is parsed each
// time, as before there was a cache).
const maxCachedUnits = 4096

// unitCache holds each quantity code's parsed UCUM unit (nil: not UCUM),
// after Normalize, because parsing the code took a fifth of index
// extraction for a lab-heavy load while the codes repeat endlessly.
var unitCache struct {
	sync.Map
	sync.Mutex
	n int
}

// unitOf returns the UCUM unit a quantity code stands for, ok false when
// it is none.
func unitOf(code string) (*ucum.Unit, bool) {
	if u, ok := unitCache.Load(code); ok {
		return u.(*ucum.Unit), u.(*ucum.Unit) != nil
	}
	unit := code
	if norm, ok := ucum.Normalize(code); ok {
		unit = norm // "mmHg", "K/uL" and other common spellings
	}
	u, err := ucum.Parse(unit)
	if err != nil {
		u = nil
	}
	unitCache.Lock()
	if unitCache.n < maxCachedUnits {
		if _, loaded := unitCache.LoadOrStore(code, u); !loaded {
			unitCache.n++
		}
	}
	unitCache.Unlock()
	return u, u != nil
}
