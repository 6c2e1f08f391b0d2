package mappings

import (
	"sort"
	"strings"
)

// alias names the table system of a FHIR system URI: its declared alias, or
// the URI itself (a site's local code system needs no declaration).
func (t *Tables) alias(uri string) string {
	if a, ok := t.byURI[uri]; ok {
		return a
	}
	return uri
}

// match returns the rows of kind that codings or texts match: codes first
// (a prefix system tries every prefix of the code, and rows of the parent
// system, e.g. "icd10" rows for an ICD-10-CM code, apply too), then whole
// names (texts and coding displays), then text rules.
func (t *Tables) match(kind string, codings []Coding, texts []string) []*row {
	idx := t.codes[kind]
	if idx == nil {
		return nil
	}
	var out []*row
	names := make([]string, 0, len(texts)+len(codings))
	for _, c := range codings {
		if c.Display != "" {
			names = append(names, NormaliseText(c.Display))
		}
		if c.Code == "" {
			continue
		}
		seen := 0
		for a := t.alias(c.System); a != "" && seen < 4; seen++ {
			if m := idx.byCode[a]; m != nil {
				code := t.codeKey(a, c.Code)
				if s := t.systems[a]; s != nil && s.prefix {
					for n := len(code); n > 0; n-- {
						out = append(out, m[code[:n]]...)
					}
				} else {
					out = append(out, m[code]...)
				}
			}
			s := t.systems[a]
			if s == nil {
				break
			}
			a = s.parent
		}
	}
	for _, s := range texts {
		if s != "" {
			names = append(names, NormaliseText(s))
		}
	}
	for _, n := range names {
		out = append(out, idx.byName[n]...)
	}
	if len(idx.texts) > 0 && len(names) > 0 {
		out = idx.matchTexts(strings.Join(names, " | "), out)
	}
	return out
}

// matchTexts appends the text rules whose terms all occur in joined: at
// each position, only the rules whose first term starts with the next one
// or two bytes are tried.
func (idx *codeIndex) matchTexts(joined string, out []*row) []*row {
	var seen map[*row]bool
	for i := 0; i < len(joined); i++ {
		for _, n := range [2]int{1, 2} {
			if i+n > len(joined) {
				continue
			}
			for _, r := range idx.byStart[joined[i:i+n]] {
				if !strings.HasPrefix(joined[i:], r.terms[0]) || !containsAll(joined, r.terms[1:]) || seen[r] {
					continue
				}
				if seen == nil {
					seen = map[*row]bool{}
				}
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	return out
}

func containsAll(s string, terms []string) bool {
	for _, term := range terms {
		if !strings.Contains(s, term) {
			return false
		}
	}
	return true
}

// keys reduces matched rows to their sorted distinct keys, without the keys
// another matched row replaces (C02.4 replaces the "cancer-oral" of C02;
// "paclitaxel&albumin" replaces "paclitaxel") and without the "-" key that
// marks a code deliberately mapped to nothing.
func keys(rows []*row) []string {
	if len(rows) == 0 {
		return nil
	}
	replaced := map[string]bool{"-": true}
	for _, r := range rows {
		for _, k := range r.replaces {
			replaced[k] = true
		}
	}
	var out []string
	for _, r := range rows {
		if !replaced[r.key] {
			out = append(out, r.key)
		}
	}
	sort.Strings(out)
	return compact(out)
}

func compact(s []string) []string {
	if len(s) < 2 {
		return s
	}
	out := s[:1]
	for _, v := range s[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

// LabConcept returns the concept key (VOCAB, e.g. "hemoglobin") of an
// Observation code: by (system, code) when code is set, else by text, a
// coding display or CodeableConcept.text compared after NormaliseText.
func (t *Tables) LabConcept(system, code, text string) (string, bool) {
	var codings []Coding
	if code != "" {
		codings = []Coding{{System: system, Code: code}}
	}
	var texts []string
	if text != "" {
		texts = []string{text}
	}
	for _, r := range t.match(KindLab, codings, texts) {
		if r.key != "-" {
			return r.key, true
		}
	}
	return "", false
}

// ConditionCategories returns the condition category keys of a Condition's
// codings and text (domain.md §3, §5), sorted.
func (t *Tables) ConditionCategories(codings []Coding, text string) []string {
	return keys(t.match(KindCondition, codings, []string{text}))
}

// Morphology returns "scc" when a coding or text names squamous cell
// carcinoma (ICD-O-3 8070-8076/3, 8078/3, 8051-8052/3, 8083-8084/3, SNOMED
// morphology), "other" for a known other histology, "" when unknown.
func (t *Tables) Morphology(codings []Coding, texts ...string) string {
	ks := keys(t.match(KindMorphology, codings, texts))
	for _, k := range ks {
		if k == "scc" {
			return k
		}
	}
	if len(ks) > 0 {
		return "other"
	}
	return ""
}

// MedicationClasses returns the medication class keys of a drug's codings
// (ATC prefixes, RxNorm, local codes) and names (English, brand, Chinese;
// product and dose form text tell nab-paclitaxel from paclitaxel), sorted.
func (t *Tables) MedicationClasses(codings []Coding, texts ...string) []string {
	return keys(t.match(KindMedication, codings, texts))
}

// ProcedureClasses returns the procedure class keys of a Procedure's codings
// (SNOMED, ICD-9-CM-3 prefixes) and names, sorted.
func (t *Tables) ProcedureClasses(codings []Coding, texts ...string) []string {
	return keys(t.match(KindProcedure, codings, texts))
}

// Result returns the normalised result key of a qualitative answer for
// concept: rows keyed "concept:value" apply to that concept only (a "+" is
// "1+" on a urine dipstick but "positive" on a serology) and win over
// unscoped rows.
func (t *Tables) Result(concept string, codings []Coding, text string) (string, bool) {
	var texts []string
	if text != "" {
		texts = []string{text}
	}
	var general string
	for _, r := range t.match(KindResult, codings, texts) {
		c, v, scoped := strings.Cut(r.key, ":")
		switch {
		case scoped && c == concept:
			return v, true
		case !scoped && general == "":
			general = r.key
		}
	}
	return general, general != ""
}

// Stage returns the stage part an Observation code stands for: one of
// "group", "t", "n", "m", each followed by "/clinical", "/pathologic" or
// "/" when the type is not stated (mCODE TNM Observations, domain.md §7).
func (t *Tables) Stage(codings []Coding) (string, bool) {
	for _, r := range t.match(KindStage, codings, nil) {
		return r.key, true
	}
	return "", false
}

// Keys returns the distinct keys the tables map codes of kind to (KindLab,
// KindCondition, ...), sorted, without "-"; for KindResult the scoped
// "concept:value" form. Tests use it to hold the tables to the VOCAB
// contract.
func (t *Tables) Keys(kind string) []string {
	idx := t.codes[kind]
	if idx == nil {
		return nil
	}
	var out []string
	add := func(rows []*row) {
		for _, r := range rows {
			if r.key != "-" {
				out = append(out, r.key)
			}
		}
	}
	for _, m := range idx.byCode {
		for _, rows := range m {
			add(rows)
		}
	}
	for _, rows := range idx.byName {
		add(rows)
	}
	add(idx.texts)
	sort.Strings(out)
	return compact(out)
}

// Concepts returns the concepts that have a unit table, sorted.
func (t *Tables) Concepts() []string {
	out := make([]string, 0, len(t.units))
	for c := range t.units {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
