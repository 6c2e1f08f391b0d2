package mappings

import (
	"encoding/json"
	"fmt"
	"io"
)

// jsonTables is the JSON form of a site file: the same columns as the TSV
// tables, as objects (README.md).
type jsonTables struct {
	Systems []struct {
		Alias, URI, Match, Parent, Note string
	} `json:"systems"`
	Codes []struct {
		Kind, System, Code, Key, Replaces, Note string
	} `json:"codes"`
	Units []struct {
		Concept, Canonical, From, Factor, Note string
	} `json:"units"`
}

func (t *Tables) readJSON(name string, r io.Reader) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var j jsonTables
	if err := dec.Decode(&j); err != nil {
		return fmt.Errorf("mappings: %s: %w", name, err)
	}
	for i, s := range j.Systems {
		if err := t.addSystem([]string{s.Alias, s.URI, s.Match, s.Parent}); err != nil {
			return fmt.Errorf("mappings: %s: systems[%d]: %w", name, i, err)
		}
	}
	for i, c := range j.Codes {
		if err := t.addCode([]string{c.Kind, c.System, c.Code, c.Key, c.Replaces}); err != nil {
			return fmt.Errorf("mappings: %s: codes[%d]: %w", name, i, err)
		}
	}
	for i, u := range j.Units {
		if err := t.addUnit([]string{u.Concept, u.Canonical, u.From, u.Factor}); err != nil {
			return fmt.Errorf("mappings: %s: units[%d]: %w", name, i, err)
		}
	}
	return nil
}
