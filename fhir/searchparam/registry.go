package searchparam

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Type is a search parameter type (R4 3.1.1.4).
type Type string

// The search parameter types.
const (
	Number    Type = "number"
	Date      Type = "date"
	String    Type = "string"
	Token     Type = "token"
	Reference Type = "reference"
	Composite Type = "composite"
	Quantity  Type = "quantity"
	URI       Type = "uri"
	Special   Type = "special"
)

// Component is one part of a composite parameter.
type Component struct {
	Definition string `json:"definition"`
	Expression string `json:"expression"`
}

// Definition is the part of a SearchParameter resource search uses.
type Definition struct {
	URL        string      `json:"url"`
	Code       string      `json:"code"`
	Base       []string    `json:"base"`
	Type       Type        `json:"type"`
	Expression string      `json:"expression,omitempty"`
	Target     []string    `json:"target,omitempty"`
	Component  []Component `json:"component,omitempty"`
	// ID is the id of the stored SearchParameter resource a definition
	// came from; empty for the specification's own.
	ID string `json:"-"`
	// Pending marks a stored definition whose index is still being built
	// (see package service): extraction indexes it, search refuses it.
	Pending bool `json:"-"`
}

// Fingerprint identifies what a definition indexes: its code, type,
// expression, targets and components. Two definitions with the same
// fingerprint give the same index entries.
func (d *Definition) Fingerprint() string {
	h := sha256.New()
	for _, part := range []string{d.Code, string(d.Type), d.Expression, strings.Join(d.Target, ",")} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	for _, c := range d.Component {
		h.Write([]byte(c.Definition + "\x00" + c.Expression + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil)[:9])
}

//go:embed r4.json
var r4JSON []byte

// Registry maps resource types and codes to definitions. It is safe for
// concurrent use. A server does not change a registry it has shared: With
// returns a changed copy, which the server swaps in (copy-on-write), so a
// search or an extraction sees one consistent set of parameters.
type Registry struct {
	mu     sync.RWMutex
	byBase map[string]map[string]*Definition // base type -> code -> definition
	byURL  map[string]*Definition
	// forType caches For's answers (type -> []*Definition), cleared by
	// add: every write and every search asks For, and building its list
	// anew each time cost a sixth of index extraction.
	forType sync.Map
}

// New returns a registry holding the R4 definitions.
func New() (*Registry, error) {
	var defs []Definition
	if err := json.Unmarshal(r4JSON, &defs); err != nil {
		return nil, fmt.Errorf("r4 search parameters: %w", err)
	}
	r := &Registry{byBase: map[string]map[string]*Definition{}, byURL: map[string]*Definition{}}
	for i := range defs {
		r.add(&defs[i])
	}
	return r, nil
}

var (
	defaultOnce sync.Once
	defaultReg  *Registry
)

// Default returns a process-wide registry of the R4 definitions.
func Default() *Registry {
	defaultOnce.Do(func() {
		r, err := New()
		if err != nil {
			panic(err) // r4.json is compiled in: a failure is a build defect
		}
		defaultReg = r
	})
	return defaultReg
}

// Add registers d for each of its base types, replacing a definition with
// the same code on the same base. It changes r in place: use it while
// building a registry, and With on one already in use.
func (r *Registry) Add(d Definition) error {
	if d.Code == "" || len(d.Base) == 0 || d.Type == "" {
		return fmt.Errorf("search parameter needs code, base and type")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.add(&d)
	return nil
}

func (r *Registry) add(d *Definition) {
	r.forType.Clear()
	for _, b := range d.Base {
		if r.byBase[b] == nil {
			r.byBase[b] = map[string]*Definition{}
		}
		r.byBase[b][d.Code] = d
	}
	if d.URL != "" {
		r.byURL[d.URL] = d
	}
}

// With returns a copy of r holding defs too, each replacing a definition
// with the same code on the same base; r is unchanged.
func (r *Registry) With(defs ...Definition) (*Registry, error) {
	r.mu.RLock()
	c := &Registry{byBase: make(map[string]map[string]*Definition, len(r.byBase)), byURL: make(map[string]*Definition, len(r.byURL))}
	for b, m := range r.byBase {
		cm := make(map[string]*Definition, len(m))
		for code, d := range m {
			cm[code] = d
		}
		c.byBase[b] = cm
	}
	for u, d := range r.byURL {
		c.byURL[u] = d
	}
	r.mu.RUnlock()
	for _, d := range defs {
		if err := c.Add(d); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Stored returns the definitions that came from stored SearchParameter
// resources (ID set), sorted by ID.
func (r *Registry) Stored() []*Definition {
	r.mu.RLock()
	defer r.mu.RUnlock()
	seen := map[*Definition]bool{}
	var out []*Definition
	for _, m := range r.byBase {
		for _, d := range m {
			if d.ID != "" && !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the parameter code on resource type typ, including those
// defined on Resource and DomainResource, which apply to every type.
func (r *Registry) Lookup(typ, code string) (*Definition, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, b := range []string{typ, "DomainResource", "Resource"} {
		if d, ok := r.byBase[b][code]; ok {
			return d, true
		}
	}
	return nil, false
}

// ByURL returns the definition with canonical URL url (composite
// components refer to their parts this way).
func (r *Registry) ByURL(url string) (*Definition, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	d, ok := r.byURL[url]
	return d, ok
}

// For returns every parameter that applies to typ, sorted by code. The
// slice is shared between callers: read it, never change it.
func (r *Registry) For(typ string) []*Definition {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if l, ok := r.forType.Load(typ); ok {
		return l.([]*Definition)
	}
	seen := map[string]bool{}
	var out []*Definition
	for _, b := range []string{typ, "DomainResource", "Resource"} {
		for code, d := range r.byBase[b] {
			if !seen[code] {
				seen[code] = true
				out = append(out, d)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	r.forType.Store(typ, out)
	return out
}
