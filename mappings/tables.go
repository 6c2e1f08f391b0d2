package mappings

import (
	"bufio"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Kinds of code table rows (the "kind" column of a code table).
const (
	KindLab        = "lab"        // Observation.code -> concept key (VOCAB)
	KindResult     = "result"     // qualitative answer -> result key
	KindStage      = "stage"      // stage Observation code -> stage part
	KindCondition  = "condition"  // Condition.code -> condition categories
	KindMorphology = "morphology" // histology -> "scc" or "other"
	KindMedication = "medication" // drug code or name -> medication classes
	KindProcedure  = "procedure"  // Procedure.code -> procedure classes
)

var kinds = map[string]bool{KindLab: true, KindResult: true, KindStage: true, KindCondition: true,
	KindMorphology: true, KindMedication: true, KindProcedure: true}

// Pseudo-systems of a code table: "name" matches the whole normalised text
// of a coding display or CodeableConcept.text; "text" matches when every
// "&"-separated term occurs in it (drug names, "paclitaxel&albumin").
const (
	SystemName = "name"
	SystemText = "text"
)

//go:embed data/*.tsv
var defaults embed.FS

// Coding is a FHIR Coding reduced to what the tables match on.
type Coding struct {
	System, Code, Display string
}

// Tables are the loaded mapping tables. The zero value is empty; use
// Default or LoadDir.
type Tables struct {
	systems map[string]*system // by alias
	byURI   map[string]string  // system URI -> alias
	codes   map[string]*codeIndex
	units   map[string]*unitTable
	// factors caches conversion factors by concept and received unit.
	factors     sync.Map
	factorCount atomic.Int64
}

type system struct {
	alias, parent string
	prefix        bool
}

// row is one line of a code table.
type row struct {
	key      string
	replaces []string
	terms    []string // SystemText rows
}

type codeIndex struct {
	byCode map[string]map[string][]*row // alias -> normalised code -> rows
	byName map[string][]*row            // normalised name -> rows
	texts  []*row
	// byStart indexes text rules by the first two bytes of their first
	// term, so that matching scans the names once instead of testing every
	// rule (there are hundreds of drug names).
	byStart map[string][]*row
}

var (
	defaultOnce   sync.Once
	defaultTables *Tables
	defaultErr    error
)

// Default returns the tables embedded in the binary (mappings/data). It
// panics if they do not load, which a test of this package rules out.
func Default() *Tables {
	defaultOnce.Do(func() {
		defaultTables, defaultErr = load(nil)
	})
	if defaultErr != nil {
		panic("mappings: embedded tables: " + defaultErr.Error())
	}
	return defaultTables
}

// LoadDir returns the embedded tables extended with every "*.tsv" and
// "*.json" file of dir, read in name order after the defaults (files named
// "*systems.*" first). A site adds its local codes, names, system URIs and
// unit conversions this way; a row never removes a default, but a site
// row's "replaces" column can override a default key.
func LoadDir(dir string) (*Tables, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("mappings: %w", err)
	}
	var names []string
	for _, pattern := range []string{"*.tsv", "*.json"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return nil, err
		}
		names = append(names, m...)
	}
	sort.Strings(names)
	systemsFirst(names)
	return load(names)
}

func load(siteFiles []string) (*Tables, error) {
	t := &Tables{systems: map[string]*system{}, byURI: map[string]string{},
		codes: map[string]*codeIndex{}, units: map[string]*unitTable{}}
	entries, err := fs.Glob(defaults, "data/*.tsv")
	if err != nil {
		return nil, err
	}
	sort.Strings(entries)
	systemsFirst(entries)
	for _, name := range entries {
		f, err := defaults.Open(name)
		if err != nil {
			return nil, err
		}
		err = t.read(name, f)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	for _, name := range siteFiles {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("mappings: %w", err)
		}
		if strings.HasSuffix(name, ".json") {
			err = t.readJSON(name, f)
		} else {
			err = t.read(name, f)
		}
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

// read loads one table; its header line says which kind of table it is.
func (t *Tables) read(name string, r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var header []string
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		// A header line starts a table; one file may hold several.
		if cols[0] == "alias" || cols[0] == "kind" || cols[0] == "concept" {
			header = cols
			continue
		}
		if header == nil {
			return fmt.Errorf("mappings: %s:%d: no header line (alias, kind or concept first) before the first row", name, line)
		}
		var err error
		switch header[0] {
		case "alias":
			err = t.addSystem(cols)
		case "kind":
			err = t.addCode(cols)
		case "concept":
			err = t.addUnit(cols)
		default:
			return fmt.Errorf("mappings: %s: unknown table header %q (want alias, kind or concept first)", name, header[0])
		}
		if err != nil {
			return fmt.Errorf("mappings: %s:%d: %w", name, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("mappings: %s: %w", name, err)
	}
	return nil
}

func col(cols []string, i int) string {
	if i < len(cols) {
		return cols[i]
	}
	return ""
}

// addSystem reads "alias uri match parent note".
func (t *Tables) addSystem(cols []string) error {
	alias, uri, match, parent := col(cols, 0), col(cols, 1), col(cols, 2), col(cols, 3)
	if alias == "" || uri == "" {
		return fmt.Errorf("system row needs alias and uri")
	}
	if match != "exact" && match != "prefix" {
		return fmt.Errorf("system %s: match must be exact or prefix, not %q", alias, match)
	}
	if parent == "-" {
		parent = ""
	}
	if s, ok := t.systems[alias]; ok && s.prefix != (match == "prefix") {
		return fmt.Errorf("system %s: match %s contradicts an earlier row", alias, match)
	}
	t.systems[alias] = &system{alias: alias, parent: parent, prefix: match == "prefix"}
	if uri != "-" { // "-": an abstract parent alias with no URI of its own
		t.byURI[uri] = alias
	}
	return nil
}

// addCode reads "kind system code key replaces note".
func (t *Tables) addCode(cols []string) error {
	kind, sys, code, key := col(cols, 0), col(cols, 1), col(cols, 2), col(cols, 3)
	if !kinds[kind] {
		return fmt.Errorf("unknown kind %q", kind)
	}
	if sys == "" || code == "" || key == "" {
		return fmt.Errorf("code row needs system, code and key")
	}
	r := &row{key: key}
	if rep := col(cols, 4); rep != "" && rep != "-" {
		r.replaces = strings.Split(rep, ",")
	}
	idx := t.codes[kind]
	if idx == nil {
		idx = &codeIndex{byCode: map[string]map[string][]*row{}, byName: map[string][]*row{}}
		t.codes[kind] = idx
	}
	switch sys {
	case SystemName:
		n := NormaliseText(code)
		idx.byName[n] = append(idx.byName[n], r)
		return nil
	case SystemText:
		for _, term := range strings.Split(code, "&") {
			if term = NormaliseText(term); term != "" {
				r.terms = append(r.terms, term)
			}
		}
		if len(r.terms) == 0 {
			return fmt.Errorf("empty text rule")
		}
		idx.texts = append(idx.texts, r)
		if idx.byStart == nil {
			idx.byStart = map[string][]*row{}
		}
		start := startKey(r.terms[0])
		idx.byStart[start] = append(idx.byStart[start], r)
		return nil
	}
	alias := sys
	if a, ok := t.byURI[sys]; ok {
		alias = a
	} else if _, ok := t.systems[sys]; !ok && !strings.Contains(sys, ":") {
		return fmt.Errorf("unknown system alias %q (declare it in a systems table or use a URI)", sys)
	}
	codes, ok := expandRange(code)
	if !ok {
		return fmt.Errorf("bad code range %q", code)
	}
	m := idx.byCode[alias]
	if m == nil {
		m = map[string][]*row{}
		idx.byCode[alias] = m
	}
	for _, c := range codes {
		c = t.codeKey(alias, c)
		m[c] = append(m[c], r)
	}
	return nil
}

func (t *Tables) codeKey(alias, code string) string {
	if s := t.systems[alias]; s != nil && s.prefix {
		return normaliseCode(code)
	}
	return strings.TrimSpace(code)
}

func isSystems(name string) bool {
	return strings.HasSuffix(name, "systems.tsv") || strings.HasSuffix(name, "systems.json")
}

// systemsFirst moves files named "*systems.tsv" (or .json) to the front: code tables
// name systems by alias, so the aliases must be known first.
func systemsFirst(names []string) {
	sort.SliceStable(names, func(i, j int) bool {
		return isSystems(names[i]) && !isSystems(names[j])
	})
}

// startKey is the index key of a text term: its first two bytes (one for a
// one-byte term).
func startKey(term string) string {
	if len(term) >= 2 {
		return term[:2]
	}
	return term
}
