package fhirfacts

import (
	"regexp"
	"sort"
	"strings"

	"github.com/trialfhir/trialfhir/mappings"
	"github.com/trialfhir/trialfhir/trial/eligibility"
)

// tnmPart is a T, N or M category Observation that no stage group cites;
// looseTNM gathers those of one day and type into a Stage.
type tnmPart struct {
	ref       string
	part, typ string // "t", "n", "m"; clinical, pathologic, post-therapy or ""
	value     string
	date      eligibility.Date
}

// stageGroup reads an mCODE TNMStageGroup Observation (domain.md §7): the
// group from its value (by AJCC code or display: "III", "IVA", "4A",
// "Ⅳa"), the edition from method (SNOMED 897275008 = AJCC 8th), and T, N
// and M from the hasMember Observations, which are then not read again.
func (b *builder) stageGroup(r *resource) {
	switch r.Status {
	case "entered-in-error", "cancelled":
		return
	}
	part, ok := b.tables.Stage(r.Code.codings())
	if !ok || !strings.HasPrefix(part, "group/") {
		return
	}
	b.consumed[r.ref()] = true
	label := valueLabel(&r.value)
	st := eligibility.Stage{
		Ref:     eligibility.Ref(r.ref()),
		Group:   stageGroupOf(r.ValueCodeableConcept, label),
		Edition: edition(r.Method),
		Type:    stageType(part, label),
		Date:    firstDate(r.EffectiveDateTime, periodStart(r.EffectivePeriod), r.EffectiveInstant),
		Text:    label,
	}
	for _, m := range r.HasMember {
		member := b.byRef[m.Reference]
		if member == nil || member.Status == "entered-in-error" || member.Status == "cancelled" {
			continue
		}
		mp, ok := b.tables.Stage(member.Code.codings())
		if !ok {
			continue
		}
		b.consumed[m.Reference] = true
		setTNM(&st, strings.SplitN(mp, "/", 2)[0], valueLabel(&member.value))
	}
	b.facts.Stages = append(b.facts.Stages, st)
}

// tnmObservation keeps a T/N/M category (or a stage group read from
// elsewhere) that no group cited.
func (b *builder) tnmObservation(r *resource, part string) {
	p, _, _ := strings.Cut(part, "/")
	if p == "group" {
		return // read by stageGroup
	}
	label := valueLabel(&r.value)
	b.tnm = append(b.tnm, tnmPart{ref: r.ref(), part: p, typ: stageType(part, label), value: label,
		date: firstDate(r.EffectiveDateTime, periodStart(r.EffectivePeriod), r.EffectiveInstant)})
}

// looseTNM turns T/N/M Observations of the same day and type into one Stage
// with no Group: the rules derive the group (domain.md I1, §7).
func (b *builder) looseTNM() {
	type key struct{ day, typ string }
	byKey := map[key]*eligibility.Stage{}
	var order []key
	for _, p := range b.tnm {
		k := key{p.date.Time.Format("2006-01-02"), p.typ}
		st := byKey[k]
		if st == nil {
			st = &eligibility.Stage{Ref: eligibility.Ref(p.ref), Type: p.typ, Date: p.date}
			byKey[k] = st
			order = append(order, k)
		}
		setTNM(st, p.part, p.value)
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].day < order[j].day })
	for _, k := range order {
		b.facts.Stages = append(b.facts.Stages, *byKey[k])
	}
}

// conditionStage reads Condition.stage: summary is the group, assessment
// may cite T/N/M Observations.
func (b *builder) conditionStage(r *resource, summary, typ *concept, assessment []reference, recorded eligibility.Date) {
	if summary == nil && len(assessment) == 0 {
		return
	}
	label := summary.label()
	t := ""
	if typ != nil {
		t = stageType("/"+strings.ToLower(typ.label()), label)
	}
	st := eligibility.Stage{Ref: eligibility.Ref(r.ref()), Group: stageGroupOf(summary, label), Type: t,
		Date: recorded, Text: label}
	for _, a := range assessment {
		if m := b.byRef[a.Reference]; m != nil {
			if mp, ok := b.tables.Stage(m.Code.codings()); ok && !strings.HasPrefix(mp, "group/") {
				setTNM(&st, strings.SplitN(mp, "/", 2)[0], valueLabel(&m.value))
			}
		}
	}
	b.facts.Stages = append(b.facts.Stages, st)
}

func valueLabel(v *value) string {
	switch {
	case v.ValueCodeableConcept != nil:
		return v.ValueCodeableConcept.label()
	case v.ValueString != nil:
		return *v.ValueString
	}
	return ""
}

// stageType: the code's type, unless the value says y (post-therapy).
func stageType(part, label string) string {
	l := strings.ToLower(strings.TrimSpace(label))
	if strings.HasPrefix(l, "yc") || strings.HasPrefix(l, "yp") || strings.Contains(l, "post-therapy") || strings.Contains(l, "新辅助后") {
		return "post-therapy"
	}
	_, t, _ := strings.Cut(part, "/")
	switch {
	case strings.Contains(t, "clinical") || strings.Contains(t, "临床"):
		return "clinical"
	case strings.Contains(t, "patholog") || strings.Contains(t, "病理"):
		return "pathologic"
	}
	return ""
}

func edition(method *concept) string {
	if method == nil {
		return ""
	}
	if method.has("http://snomed.info/sct", "897275008") {
		return "8"
	}
	l := mappings.NormaliseText(method.label())
	switch {
	case strings.Contains(l, "8th") || strings.Contains(l, "第8版") || strings.Contains(l, "第八版"):
		return "8"
	case strings.Contains(l, "7th") || strings.Contains(l, "第7版") || strings.Contains(l, "第七版"):
		return "7"
	}
	return ""
}

var (
	groupWhole  = regexp.MustCompile(`^(?:STAGE|期)?\s*(IV|III|II|I|[1-4])([ABC])?\s*期?$`)
	groupInText = regexp.MustCompile(`(?:STAGE|期)\s*(IV|III|II|I|[1-4])([ABC])?\b`)
	tnmPattern  = regexp.MustCompile(`(?i)(?:^|[^A-Za-z])(Y?[CP]?)([TNM])(IS|X|[0-4])([A-D])?(?:$|[^A-Za-z0-9])`)
)

// stageGroupOf normalises a stage group to I, II, III, IV, IVA, IVB or IVC
// ("" for anything else: a group AJCC 8th oral cavity does not have is no
// group). A code ("4A", "IVA") must be the whole value; a display must say
// "stage" ("AJCC stage IVA (qualifier value)").
func stageGroupOf(c *concept, label string) string {
	var candidates []string
	if c != nil {
		for _, cd := range c.Coding {
			candidates = append(candidates, cd.Code, cd.Display)
		}
	}
	candidates = append(candidates, label)
	for _, s := range candidates {
		u := strings.ToUpper(mappings.NormaliseText(s))
		u = stripStagePrefix(strings.TrimSpace(strings.TrimPrefix(u, "AJCC")))
		m := groupWhole.FindStringSubmatch(strings.TrimSpace(u))
		if m == nil {
			m = groupInText.FindStringSubmatch(u)
		}
		if m == nil {
			continue
		}
		roman := map[string]string{"1": "I", "2": "II", "3": "III", "4": "IV"}[m[1]]
		if roman == "" {
			roman = m[1]
		}
		if m[2] != "" && roman != "IV" {
			return "" // IIIA etc. are not oral-cavity groups
		}
		return roman + m[2]
	}
	return ""
}

// stripStagePrefix drops the c, p, yc, yp prefix of "ycIII", "pIVA".
func stripStagePrefix(u string) string {
	for _, p := range []string{"YC", "YP", "C", "P"} {
		if rest, ok := strings.CutPrefix(u, p); ok && rest != "" && strings.ContainsRune("IV1234", rune(rest[0])) {
			return rest
		}
	}
	return u
}

// setTNM stores a T/N/M category normalised as "T4a", "N2b", "M0", "Tis".
func setTNM(st *eligibility.Stage, part, label string) {
	m := tnmPattern.FindStringSubmatch(mappings.NormaliseText(label))
	if m == nil {
		return
	}
	cat := strings.ToUpper(m[2]) + strings.ToLower(m[3]) + strings.ToLower(m[4])
	if strings.ToLower(m[3]) == "x" {
		cat = strings.ToUpper(m[2]) + "X"
	}
	if strings.HasPrefix(strings.ToLower(m[1]), "y") && st.Type == "" {
		st.Type = "post-therapy"
	}
	switch strings.ToLower(part) {
	case "t":
		st.T = cat
	case "n":
		st.N = cat
	case "m":
		st.M = cat
	}
}

// response reads a RECIST time-point response Observation (recist-response
// codes or NCIt C4870 CR, C18058 PR, C18213 SD, C35571 PD).
func (b *builder) response(r *resource) {
	code := ""
	if r.ValueCodeableConcept != nil {
		code, _ = b.tables.Result("recist", r.ValueCodeableConcept.codings(), r.ValueCodeableConcept.Text)
		if code == "" {
			for _, cd := range r.ValueCodeableConcept.Coding {
				if c, ok := b.tables.Result("recist", nil, cd.Code); ok {
					code = c
					break
				}
			}
		}
	} else if r.ValueString != nil {
		code, _ = b.tables.Result("recist", nil, *r.ValueString)
	}
	switch code {
	case "CR", "PR", "SD", "PD", "NE", "non-CR-non-PD":
	default:
		return // an unreadable response is no response; the rule reports none
	}
	resp := eligibility.Response{
		Ref:  eligibility.Ref(r.ref()),
		Date: firstDate(r.EffectiveDateTime, periodStart(r.EffectivePeriod), r.EffectiveInstant),
		Code: code,
	}
	for _, t := range r.Meta.Tag {
		if t.System == ObservationSystem && t.Code == ComputedTagCode {
			resp.Computed = true
		}
	}
	if resp.Computed {
		for _, d := range r.DerivedFrom {
			resp.Evidence = append(resp.Evidence, eligibility.Ref(d.Reference))
		}
	}
	b.facts.Responses = append(b.facts.Responses, resp)
}
