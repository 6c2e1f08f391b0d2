package fhirfacts

import (
	"strconv"
	"strings"

	"github.com/trialfhir/trialfhir/mappings"
	"github.com/trialfhir/trialfhir/trial/eligibility"
)

// condition reads a Condition: refuted and entered-in-error are dropped
// (domain.md §1); categories come from the code, and a malignancy coded
// without a site (SNOMED 363346000) takes its site from bodySite.
func (b *builder) condition(r *resource) {
	verification := codeOf(r.VerificationStatus)
	if verification == "refuted" || verification == "entered-in-error" {
		return
	}
	codings := r.Code.codings()
	cats := b.tables.ConditionCategories(codings, r.Code.Text)
	var site []string
	for i := range r.BodySite {
		site = append(site, b.tables.ConditionCategories(r.BodySite[i].codings(), r.BodySite[i].Text)...)
	}
	cats = siteCategories(cats, site)
	c := eligibility.Condition{
		Ref:          eligibility.Ref(r.ref()),
		Categories:   cats,
		Codes:        codeStrings(r.Code),
		Text:         r.Code.label(),
		Clinical:     codeOf(r.ClinicalStatus),
		Verification: verification,
		Onset:        firstDate(r.OnsetDateTime, periodStart(r.OnsetPeriod)),
		Abatement:    firstDate(r.AbatementDateTime, periodStart(r.AbatementPeriod)),
		Recorded:     firstDate(r.RecordedDate),
		Morphology:   b.morphology(r),
		Severity:     severity(r.Severity),
	}
	b.conditionCats[r.ref()] = cats
	b.facts.Conditions = append(b.facts.Conditions, c)
	for _, st := range r.Stage {
		b.conditionStage(r, st.Summary, st.Type, st.Assessment, c.Recorded)
	}
}

// siteCategories adds the index-site category a bodySite implies when the
// code says malignancy but not where; "site:*" keys never leave this file.
func siteCategories(cats, site []string) []string {
	hasSite, malignant := false, false
	var out []string
	for _, k := range cats {
		switch {
		case strings.HasPrefix(k, "site:"):
			continue
		case strings.HasPrefix(k, "cancer-"):
			hasSite = true
		case k == "malignancy":
			malignant = true
		}
		out = append(out, k)
	}
	if malignant && !hasSite {
		for _, s := range site {
			switch s {
			case "site:oral":
				return union(out, []string{"cancer-oral"})
			case "site:head-neck-other":
				return union(out, []string{"cancer-head-neck-other"})
			}
		}
	}
	return out
}

// morphology looks for histology in the code, the body site and any coded
// extension (mCODE histology-morphology-behavior and local ones).
func (b *builder) morphology(r *resource) string {
	codings := append([]mappings.Coding(nil), r.Code.codings()...)
	texts := []string{r.Code.Text}
	for i := range r.BodySite {
		codings = append(codings, r.BodySite[i].codings()...)
		texts = append(texts, r.BodySite[i].Text)
	}
	for _, e := range r.Extension {
		if e.ValueCodeableConcept != nil {
			codings = append(codings, e.ValueCodeableConcept.codings()...)
			texts = append(texts, e.ValueCodeableConcept.Text)
		}
		if e.ValueCoding != nil {
			codings = append(codings, *e.ValueCoding)
		}
	}
	return b.tables.Morphology(codings, texts...)
}

func codeOf(c *concept) string {
	if c == nil || len(c.Coding) == 0 {
		return ""
	}
	return c.Coding[0].Code
}

// codeStrings renders codings for evidence as "system|code (display)".
func codeStrings(c concept) []string {
	out := make([]string, 0, len(c.Coding))
	for _, cd := range c.Coding {
		s := cd.System + "|" + cd.Code
		if cd.Display != "" {
			s += " (" + cd.Display + ")"
		}
		out = append(out, s)
	}
	return out
}

// severity normalises Condition/AdverseEvent severity: SNOMED 255604002,
// 6736007, 24484000, the FHIR adverse-event-severity codes and Chinese text.
func severity(c *concept) string {
	if c == nil {
		return ""
	}
	bySNOMED := map[string]string{"255604002": "mild", "6736007": "moderate", "24484000": "severe"}
	for _, cd := range c.Coding {
		if s, ok := bySNOMED[cd.Code]; ok {
			return s
		}
		switch strings.ToLower(cd.Code) {
		case "mild", "moderate", "severe":
			return strings.ToLower(cd.Code)
		}
	}
	text := mappings.NormaliseText(c.label())
	for _, s := range []struct{ word, key string }{{"轻", "mild"}, {"中", "moderate"}, {"重", "severe"},
		{"mild", "mild"}, {"moderate", "moderate"}, {"severe", "severe"}} {
		if strings.Contains(text, s.word) {
			return s.key
		}
	}
	return ""
}

// medication reads MedicationAdministration, MedicationStatement and
// MedicationRequest; entered-in-error, not-done and not-taken are dropped
// (domain.md §1). The drug is the CodeableConcept or the referenced
// (contained or listed) Medication with its form and ingredients, which is
// how nab-paclitaxel is told from paclitaxel.
func (b *builder) medication(r *resource) {
	switch r.Status {
	case "entered-in-error", "not-done", "not-taken":
		return
	}
	var codings []mappings.Coding // a fresh slice: appending must not touch the resource's codings
	var texts []string
	label := ""
	addConcept := func(c *concept) {
		if c == nil {
			return
		}
		codings = append(codings, c.codings()...)
		texts = append(texts, c.Text)
		if label == "" {
			label = c.label()
		}
	}
	addConcept(r.MedicationCodeableConcept)
	if r.MedicationReference != nil {
		if m := b.resolve(r, r.MedicationReference.Reference); m != nil {
			addConcept(&m.Code)
			addConcept(m.Form)
			for _, ing := range m.Ingredient {
				addConcept(ing.ItemCodeableConcept)
			}
		}
		texts = append(texts, r.MedicationReference.Display)
		if label == "" {
			label = r.MedicationReference.Display
		}
	}
	m := eligibility.Medication{
		Ref:     eligibility.Ref(r.ref()),
		Classes: b.tables.MedicationClasses(codings, texts...),
		Kind:    strings.ToLower(strings.TrimPrefix(r.ResourceType, "Medication")),
		Status:  r.Status,
		Start:   firstDate(r.EffectiveDateTime, periodStart(r.EffectivePeriod), r.AuthoredOn),
		End:     firstDate(periodEnd(r.EffectivePeriod)),
		Text:    label,
	}
	var reasons [][]string
	for i := range r.ReasonCode {
		reasons = append(reasons, b.tables.ConditionCategories(r.ReasonCode[i].codings(), r.ReasonCode[i].Text))
	}
	for _, ref := range r.ReasonReference {
		reasons = append(reasons, b.conditionCats[ref.Reference])
	}
	m.Reasons = withoutSite(union(reasons...))
	b.facts.Medications = append(b.facts.Medications, m)
}

func withoutSite(keys []string) []string {
	out := keys[:0]
	for _, k := range keys {
		if !strings.HasPrefix(k, "site:") {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (b *builder) procedure(r *resource) {
	switch r.Status {
	case "entered-in-error", "not-done":
		return
	}
	b.facts.Procedures = append(b.facts.Procedures, eligibility.Procedure{
		Ref:     eligibility.Ref(r.ref()),
		Classes: b.tables.ProcedureClasses(r.Code.codings(), r.Code.Text),
		Status:  r.Status,
		Date:    firstDate(r.PerformedDateTime, periodStart(r.PerformedPeriod)),
		Text:    r.Code.label(),
	})
}

// consent: research when scope is research (consentscope, domain.md I10).
func (b *builder) consent(r *resource) {
	if r.Status == "entered-in-error" {
		return
	}
	b.facts.Consents = append(b.facts.Consents, eligibility.Consent{
		Ref:      eligibility.Ref(r.ref()),
		Status:   r.Status,
		Research: r.Scope.has("", "research"),
		Date:     firstDate(r.DateTime),
	})
}

// adverseEvent reads an actual AdverseEvent. Grade: an extension whose URL
// names a grade (CTCAE), else severity mild/moderate/severe as CTCAE grades
// 1/2/3 (the CTCAE definitions of those grades). Related: a suspect entity
// is named and no causality assessment says unlikely or unrelated.
// Resolved: outcome resolved or resolvedWithSequelae.
func (b *builder) adverseEvent(r *resource) {
	if r.Actuality == "potential" {
		return
	}
	ae := eligibility.AdverseEvent{
		Ref:  eligibility.Ref(r.ref()),
		Date: firstDate(r.Date, r.RecordedDate),
		Text: r.Event.label(),
	}
	ae.Grade = extensionGrade(r.Extension)
	if ae.Grade == 0 {
		ae.Grade = map[string]int{"mild": 1, "moderate": 2, "severe": 3}[severity(r.Severity)]
	}
	for _, s := range r.SuspectEntity {
		related := true
		for _, c := range s.Causality {
			a := mappings.NormaliseText(c.Assessment.label() + " " + codeOf(c.Assessment))
			if strings.Contains(a, "unlikely") || strings.Contains(a, "unrelated") || strings.Contains(a, "not related") ||
				strings.Contains(a, "无关") {
				related = false
			}
		}
		ae.Related = ae.Related || related
	}
	switch codeOf(r.Outcome) {
	case "resolved", "resolvedWithSequelae":
		ae.Resolved = true
	}
	b.facts.AdverseEvents = append(b.facts.AdverseEvents, ae)
}

func extensionGrade(exts []extension) int {
	for _, e := range exts {
		u := strings.ToLower(e.URL)
		if !strings.Contains(u, "grade") && !strings.Contains(u, "ctcae") {
			continue
		}
		candidates := []string{e.ValueCode, e.ValueString}
		if e.ValueInteger != nil {
			candidates = append(candidates, e.ValueInteger.String())
		}
		if e.ValueCodeableConcept != nil {
			candidates = append(candidates, codeOf(e.ValueCodeableConcept), e.ValueCodeableConcept.label())
		}
		if e.ValueCoding != nil {
			candidates = append(candidates, e.ValueCoding.Code)
		}
		for _, c := range candidates {
			if g := gradeDigit(c); g > 0 {
				return g
			}
		}
	}
	return 0
}

// gradeDigit reads "3", "grade 3", "G3", "3级".
func gradeDigit(s string) int {
	for _, r := range s {
		if r >= '1' && r <= '5' {
			g, _ := strconv.Atoi(string(r))
			return g
		}
	}
	return 0
}
