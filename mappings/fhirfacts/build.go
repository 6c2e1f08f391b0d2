package fhirfacts

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/trialfhir/trialfhir/mappings"
	"github.com/trialfhir/trialfhir/trial/eligibility"
)

// ObservationSystem is the project's local Observation CodeSystem.
// ComputedTagCode is the meta.tag code (in ObservationSystem) the server's
// RECIST engine puts on the time-point response Observations it derives
// from measurements; a response without it was sent by a site (Computed
// false).
const (
	ObservationSystem = "https://trialfhir.org/fhir/CodeSystem/trialfhir-observation"
	ComputedTagCode   = "computed"
)

// Options tune Build.
type Options struct {
	// Study is the reference of the study, "ResearchStudy/nct07369882": only
	// a ResearchSubject whose study points to it is read. Empty: the first
	// ResearchSubject in records.
	Study string
}

// Build turns a Patient and that patient's records (FHIR R4 JSON, one
// resource each; resource types Build does not read are skipped) into
// eligibility facts, using tables to resolve codes and units. It fails only
// on JSON that does not decode or a patient that is not a Patient; a record
// whose content cannot be used becomes a fact with a Problem, or is skipped
// when the domain says to ignore it (domain.md §1 status filters).
func Build(tables *mappings.Tables, patient []byte, records [][]byte, opts Options) (eligibility.Facts, error) {
	if tables == nil {
		return eligibility.Facts{}, errors.New("fhirfacts: nil tables")
	}
	var p resource
	if err := decode(patient, &p); err != nil {
		return eligibility.Facts{}, fmt.Errorf("fhirfacts: patient: %w", err)
	}
	if p.ResourceType != "Patient" {
		return eligibility.Facts{}, fmt.Errorf("fhirfacts: patient: resourceType %q is not Patient", p.ResourceType)
	}
	b := &builder{tables: tables, opts: opts, byRef: map[string]*resource{}, conditionCats: map[string][]string{},
		consumed: map[string]bool{}}
	b.facts.Patient = eligibility.Patient{Ref: eligibility.Ref(p.ref()), BirthDate: parseDate(p.BirthDate), Gender: p.Gender}
	b.resources = getResources(len(records))
	defer putResources(b.resources)
	for i, raw := range records {
		r := &b.resources[i]
		if err := decode(raw, r); err != nil {
			return eligibility.Facts{}, fmt.Errorf("fhirfacts: record %d: %w", i, err)
		}
		if r.ResourceType == "" {
			return eligibility.Facts{}, fmt.Errorf("fhirfacts: record %d: no resourceType", i)
		}
		b.byRef[r.ref()] = r
	}
	// Conditions first: medication reasons and AE foci refer to them.
	for i := range b.resources {
		if r := &b.resources[i]; r.ResourceType == "Condition" {
			b.condition(r)
		}
	}
	// Stage groups before T/N/M categories, so members are read once.
	for i := range b.resources {
		if r := &b.resources[i]; r.ResourceType == "Observation" {
			b.stageGroup(r)
		}
	}
	for i := range b.resources {
		r := &b.resources[i]
		switch r.ResourceType {
		case "Observation":
			b.observation(r)
		case "MedicationAdministration", "MedicationStatement", "MedicationRequest":
			b.medication(r)
		case "Procedure":
			b.procedure(r)
		case "Consent":
			b.consent(r)
		case "AdverseEvent":
			b.adverseEvent(r)
		case "ResearchSubject":
			b.subject(r)
		}
	}
	b.looseTNM()
	return b.facts, nil
}

type builder struct {
	tables        *mappings.Tables
	opts          Options
	facts         eligibility.Facts
	resources     []resource
	byRef         map[string]*resource
	conditionCats map[string][]string // Condition ref -> categories
	consumed      map[string]bool     // Observations read as stage members
	tnm           []tnmPart           // T/N/M Observations not in a group
}

// resolve finds a referenced resource among the records or, for "#id", in
// the contained resources of from.
func (b *builder) resolve(from *resource, ref string) *resource {
	if ref == "" {
		return nil
	}
	if ref[0] == '#' {
		for _, raw := range from.Contained {
			var c resource
			if json.Unmarshal(raw, &c) == nil && c.ID == ref[1:] {
				return &c
			}
		}
		return nil
	}
	return b.byRef[ref]
}

func (b *builder) subject(r *resource) {
	if b.facts.Subject != nil {
		return
	}
	if b.opts.Study != "" && (r.Study == nil || r.Study.Reference != b.opts.Study) {
		return
	}
	s := &eligibility.Subject{Ref: eligibility.Ref(r.ref()), Status: r.Status,
		PeriodStart: firstDate(periodStart(r.Period)), Arm: r.AssignedArm}
	if r.Consent != nil {
		s.Consent = eligibility.Ref(r.Consent.Reference)
	}
	b.facts.Subject = s
}

// union merges sorted key lists.
func union(lists ...[]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lists {
		for _, k := range l {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// resourcePool recycles the decoded resources between calls: they are
// large, and allocating 500 of them per patient dominated the garbage.
// Facts never point into them (their strings are separate allocations).
var resourcePool sync.Pool

func getResources(n int) []resource {
	if p, ok := resourcePool.Get().(*[]resource); ok && cap(*p) >= n {
		return (*p)[:n] // cleared by putResources
	}
	return make([]resource, n)
}

func putResources(rs []resource) {
	if cap(rs) > 1<<14 {
		return // do not keep a huge patient's buffer forever
	}
	// Decoding merges into what it finds, and the resources alias the
	// caller's JSON: clear them before they wait in the pool.
	clear(rs[:cap(rs)])
	resourcePool.Put(&rs)
}
