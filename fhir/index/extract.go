package index

import (
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"sync"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/fhirpath"
	"github.com/trialfhir/trialfhir/fhir/searchparam"
)

// Extractor computes the index entries of resources from the search
// parameters of a registry, evaluating each parameter's FHIRPath expression.
// It is safe for concurrent use.
type Extractor struct {
	reg   *searchparam.Registry
	cache *exprCache
}

// exprCache holds compiled expressions by source text; extractors of
// successive registries share it.
type exprCache struct {
	mu    sync.RWMutex
	exprs map[string]*fhirpath.Expr // nil value: the expression does not compile
}

// NewExtractor returns an extractor for reg.
func NewExtractor(reg *searchparam.Registry) *Extractor {
	return &Extractor{reg: reg, cache: &exprCache{exprs: map[string]*fhirpath.Expr{}}}
}

// With returns an extractor for reg sharing x's compiled expressions.
func (x *Extractor) With(reg *searchparam.Registry) *Extractor {
	return &Extractor{reg: reg, cache: x.cache}
}

// Registry returns the registry x extracts the parameters of.
func (x *Extractor) Registry() *searchparam.Registry { return x.reg }

var (
	defaultOnce      sync.Once
	defaultExtractor *Extractor
)

// Default returns the extractor of the default registry.
func Default() *Extractor {
	defaultOnce.Do(func() { defaultExtractor = NewExtractor(searchparam.Default()) })
	return defaultExtractor
}

// skipped are parameters the index does not hold: _id is the primary key,
// and _text/_content would need full-text indexes.
var skipped = map[string]bool{"_id": true, "_text": true, "_content": true, "_query": true, "_list": true, "_has": true}

// Extract returns the index entries of a resource given as FHIR JSON.
func (x *Extractor) Extract(body []byte) (fhir.Index, error) {
	res, err := decode(body)
	if err != nil {
		return fhir.Index{}, err
	}
	typ, _ := res["resourceType"].(string)
	b := &builder{}
	for _, d := range x.reg.For(typ) {
		if skipped[d.Code] || d.Expression == "" {
			continue
		}
		if d.ID != "" {
			// A stored parameter marks every resource indexed with it, so
			// a reindex can find those that are not (see MarkerKey).
			b.key(MarkerKey(d))
		}
		if d.Type == searchparam.Composite {
			x.composite(b, res, d)
			continue
		}
		vals := x.eval(d.Expression, res)
		if len(vals) == 0 {
			continue
		}
		b.present = append(b.present, d.Code)
		for _, v := range vals {
			b.value(d.Code, d.Type, v)
		}
	}
	return b.index(), nil
}

func (x *Extractor) expr(src string) *fhirpath.Expr {
	c := x.cache
	c.mu.RLock()
	e, ok := c.exprs[src]
	c.mu.RUnlock()
	if ok {
		return e
	}
	e, err := fhirpath.Compile(src)
	if err != nil {
		e = nil // an expression outside the supported subset indexes nothing
	}
	c.mu.Lock()
	c.exprs[src] = e
	c.mu.Unlock()
	return e
}

func (x *Extractor) eval(src string, node map[string]any) []fhirpath.Value {
	e := x.expr(src)
	if e == nil {
		return nil
	}
	vals, err := e.Evaluate(node)
	if err != nil {
		return nil
	}
	return vals
}

// builder collects entries without duplicates.
type builder struct {
	keys    []string
	seen    map[string]bool
	strings []fhir.IndexString
	ranges  []fhir.IndexRange
	present []string
}

func (b *builder) key(k string) {
	if b.seen == nil {
		b.seen = map[string]bool{}
	}
	if !b.seen[k] {
		b.seen[k] = true
		b.keys = append(b.keys, k)
	}
}

func (b *builder) str(param, v string) {
	if v == "" {
		return
	}
	e := fhir.IndexString{Param: param, Value: v}
	for _, s := range b.strings {
		if s == e {
			return
		}
	}
	b.strings = append(b.strings, e)
}

func (b *builder) rng(param string, lo, hi float64) {
	b.ranges = append(b.ranges, fhir.IndexRange{Param: param, Lo: lo, Hi: hi})
}

func (b *builder) index() fhir.Index {
	return fhir.Index{Keys: b.keys, Strings: b.strings, Ranges: b.ranges, Present: b.present}
}

// value adds the entries of one value of a parameter.
func (b *builder) value(param string, typ searchparam.Type, v fhirpath.Value) {
	switch typ {
	case searchparam.Token:
		for _, t := range tokensOf(v.Node) {
			b.token(param, t)
		}
	case searchparam.String:
		for _, s := range stringsOf(v.Node) {
			b.str(param, Normalize(s))
			b.key(ExactKey(param, s))
		}
	case searchparam.Reference:
		b.reference(param, v.Node)
	case searchparam.Date:
		for _, r := range datesOf(v.Node) {
			b.rng(param, r[0], r[1])
		}
	case searchparam.Number:
		if n, ok := v.Node.(json.Number); ok {
			if f, err := n.Float64(); err == nil {
				b.rng(param, f, f)
			}
		}
	case searchparam.Quantity:
		b.quantity(param, v.Node, false)
	case searchparam.URI:
		if s, ok := v.Node.(string); ok {
			b.key(URIKey(param, s))
			b.str(URIParam(param), s)
		}
	}
}

// token is one coded value with its display text and identifier type.
type token struct {
	system, code, text string
	typeSystem         string
	typeCode           string
}

func (b *builder) token(param string, t token) {
	if t.code != "" || t.system != "" {
		for _, k := range (Token{Param: param, System: t.system, Code: t.code}).Keys() {
			b.key(k)
		}
	}
	if t.text != "" {
		b.str(TextParam(param), Normalize(t.text))
	}
	if t.typeCode != "" {
		b.key(OfTypeKey(param, t.typeSystem, t.typeCode, t.code))
	}
}

// tokensOf reads a token value: a code, string, boolean, Coding,
// CodeableConcept, Identifier or ContactPoint (R4 3.1.1.4.10).
func tokensOf(node any) []token {
	switch n := node.(type) {
	case string:
		return []token{{code: n}}
	case bool:
		return []token{{code: fmt.Sprint(n)}}
	case json.Number:
		return []token{{code: n.String()}}
	case map[string]any:
		if codings, ok := n["coding"].([]any); ok || n["text"] != nil && n["value"] == nil && n["code"] == nil {
			var out []token
			for _, c := range codings {
				if cm, ok := c.(map[string]any); ok {
					out = append(out, token{system: str(cm["system"]), code: str(cm["code"]), text: str(cm["display"])})
				}
			}
			if text := str(n["text"]); text != "" {
				out = append(out, token{text: text})
			}
			return out
		}
		if _, ok := n["code"]; ok {
			return []token{{system: str(n["system"]), code: str(n["code"]), text: str(n["display"])}}
		}
		if _, ok := n["value"]; ok {
			t := token{system: str(n["system"]), code: str(n["value"])}
			if tp, ok := n["type"].(map[string]any); ok {
				if codings, ok := tp["coding"].([]any); ok {
					for _, c := range codings {
						if cm, ok := c.(map[string]any); ok {
							t.typeSystem, t.typeCode = str(cm["system"]), str(cm["code"])
							break
						}
					}
				}
				t.text = str(tp["text"])
			}
			return []token{t}
		}
	}
	return nil
}

// stringsOf reads the strings a string parameter searches: a plain string,
// or the parts of a HumanName or Address (R4 3.1.1.4.8).
func stringsOf(node any) []string {
	switch n := node.(type) {
	case string:
		return []string{n}
	case map[string]any:
		var out []string
		for _, k := range []string{"text", "family", "given", "prefix", "suffix", "line", "city", "district", "state", "postalCode", "country"} {
			switch v := n[k].(type) {
			case string:
				out = append(out, v)
			case []any:
				for _, e := range v {
					if s, ok := e.(string); ok {
						out = append(out, s)
					}
				}
			}
		}
		return out
	}
	return nil
}

var refRe = regexp.MustCompile(`(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/[^/]+)?$`)

// typeAndID reads the type and id of a reference as refRe does. The
// common "Type/id" is read by hand, since the regexp took a tenth of
// extraction: with a single slash refRe can only match from the start,
// so both agree there, and any other shape is left to refRe.
func typeAndID(ref string) (typ, id string, ok bool) {
	typ, id, found := strings.Cut(ref, "/")
	if !found || strings.Contains(id, "/") {
		if m := refRe.FindStringSubmatch(ref); m != nil {
			return m[1], m[2], true
		}
		return "", "", false
	}
	if len(typ) < 2 || typ[0] < 'A' || typ[0] > 'Z' || len(id) < 1 || len(id) > 64 {
		return "", "", false
	}
	for i := 1; i < len(typ); i++ {
		if c := typ[i]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return "", "", false
		}
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return "", "", false
		}
	}
	return typ, id, true
}

func (b *builder) reference(param string, node any) {
	switch n := node.(type) {
	case string: // canonical or uri references
		b.key(RefKey(param, n))
	case map[string]any:
		if ref := str(n["reference"]); ref != "" {
			b.key(RefKey(param, ref))
			if typ, id, ok := typeAndID(ref); ok {
				b.key(RefKey(param, typ+"/"+id))
				b.key(RefKey(param, id))
			}
		}
		if id, ok := n["identifier"].(map[string]any); ok {
			for _, t := range tokensOf(id) {
				b.token(IdentifierParam(param), t)
			}
		}
	}
}

// datesOf reads a date, dateTime, instant, Period or Timing as intervals.
func datesOf(node any) [][2]float64 {
	switch n := node.(type) {
	case string:
		if lo, hi, err := DateRange(n); err == nil {
			return [][2]float64{{lo, hi}}
		}
	case map[string]any:
		if events, ok := n["event"].([]any); ok { // Timing
			var out [][2]float64
			for _, e := range events {
				out = append(out, datesOf(e)...)
			}
			return out
		}
		_, hasStart := n["start"]
		_, hasEnd := n["end"]
		if hasStart || hasEnd { // Period: an absent end is open
			lo, hi := float64(MinTime), float64(MaxTime)
			if s, err1, ok := dateOf(n["start"]); ok && err1 == nil {
				lo = s[0]
			}
			if e, err2, ok := dateOf(n["end"]); ok && err2 == nil {
				hi = e[1]
			}
			return [][2]float64{{lo, hi}}
		}
	}
	return nil
}

func dateOf(v any) ([2]float64, error, bool) {
	s, ok := v.(string)
	if !ok {
		return [2]float64{}, nil, false
	}
	lo, hi, err := DateRange(s)
	return [2]float64{lo, hi}, err, true
}

// quantity indexes a Quantity (or Age, Duration, Money...) under the value
// as given, the value with its unit code, and the value in canonical UCUM
// units, so "gt100|http://unitsofmeasure.org|g/L" finds 10.5 g/dL. A
// composite's second part skips the code-in-any-system entry: its search
// side reads "||code" as UCUM when the code is UCUM.
func (b *builder) quantity(param string, node any, composite bool) {
	q, ok := quantityOf(node)
	if !ok {
		return
	}
	b.rng(QuantityParam(param), q.f, q.f)
	if q.code == "" {
		return
	}
	if !composite {
		b.rng(QuantityCodeParam(param, "", q.code), q.f, q.f)
	}
	// A UCUM search converts to canonical units, so a UCUM quantity that
	// converts needs no system|code entry of its own.
	if cf, cu, ok := canonicalValue(q.num, q.system, q.code); ok {
		b.rng(QuantityCanonicalParam(param, cu), cf, cf)
		return
	}
	if q.system != "" || composite {
		b.rng(QuantityCodeParam(param, q.system, q.code), q.f, q.f)
	}
}

// canonicalValue converts a UCUM (or unit-system-less) quantity to canonical
// units; ok is false for anything UCUM cannot express.
func canonicalValue(num json.Number, system, code string) (float64, string, bool) {
	if system != "" && system != ucumSystem {
		return 0, "", false
	}
	u, ok := unitOf(code)
	if !ok {
		return 0, "", false
	}
	r, ok := new(big.Rat).SetString(num.String())
	if !ok {
		return 0, "", false
	}
	cv, cu, err := u.Canonical(r)
	if err != nil {
		return 0, "", false
	}
	cf, _ := cv.Float64()
	return cf, cu, true
}

const ucumSystem = "http://unitsofmeasure.org"

func str(v any) string {
	s, _ := v.(string)
	return s
}

// References returns the references a resource holds under reference
// parameter param ("*": every reference parameter of its type), as
// "Type/id" where the reference has that form; other references (absolute
// URLs outside this server, canonicals) are returned as written.
func (x *Extractor) References(body []byte, param string) ([]string, error) {
	res, err := decode(body)
	if err != nil {
		return nil, err
	}
	typ, _ := res["resourceType"].(string)
	var out []string
	seen := map[string]bool{}
	for _, d := range x.reg.For(typ) {
		if d.Type != searchparam.Reference || (param != "*" && d.Code != param) || d.Expression == "" {
			continue
		}
		for _, v := range x.eval(d.Expression, res) {
			ref := ""
			switch n := v.Node.(type) {
			case string:
				ref = n
			case map[string]any:
				ref = str(n["reference"])
			}
			if typ, id, ok := typeAndID(ref); ok {
				ref = typ + "/" + id
			}
			if ref != "" && !seen[ref] {
				seen[ref] = true
				out = append(out, ref)
			}
		}
	}
	return out, nil
}

// quantity is the searchable part of a Quantity (or Age, Duration...): its
// value, and its unit code (the unit text when there is no code).
type quantity struct {
	num          json.Number
	f            float64
	system, code string
}

func quantityOf(node any) (quantity, bool) {
	n, ok := node.(map[string]any)
	if !ok {
		return quantity{}, false
	}
	num, ok := n["value"].(json.Number)
	if !ok {
		return quantity{}, false
	}
	f, err := num.Float64()
	if err != nil {
		return quantity{}, false
	}
	q := quantity{num: num, f: f, system: str(n["system"]), code: str(n["code"])}
	if q.code == "" {
		q.code = str(n["unit"])
	}
	return q, true
}
