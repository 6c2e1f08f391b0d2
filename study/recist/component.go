package recist

import (
	"context"
	"log/slog"
	"net/url"
	"slices"
	"sync"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/search"
	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/mappings/lesions"
	"github.com/trialfhir/trialfhir/profiles"
	"github.com/trialfhir/trialfhir/trial/deescalation"
	engine "github.com/trialfhir/trialfhir/trial/recist"
)

// Options configure a Component.
type Options struct {
	// Logger receives the errors of derivations run by Observe; nil
	// discards them.
	Logger *slog.Logger
	// RECIST are the engine options of stored responses (confirmation off
	// by default: domain.md §10).
	RECIST engine.Options
	// Interpretation of the stored adherence check; empty is A (domain.md §11).
	Interpretation deescalation.Interpretation
}

// Component computes and stores the derived results.
type Component struct {
	svc   *service.Service
	opt   Options
	log   *slog.Logger
	locks keyedMutex
}

// New returns a Component writing through svc.
func New(svc *service.Service, opt Options) *Component {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Component{svc: svc, opt: opt, log: log}
}

// Computed is a patient's RECIST evaluation and the Observations that
// render it.
type Computed struct {
	Result    engine.Result
	Mapped    lesions.Mapped
	Resources []lesions.Derived
}

// pageSize bounds one search page while gathering a patient's records.
const pageSize = 500

// all returns every current resource of typ matching params.
func (c *Component) all(ctx context.Context, typ string, params url.Values) ([]lesions.Record, error) {
	req, err := search.Parse(typ, params, false)
	if err != nil {
		return nil, err
	}
	var out []lesions.Record
	var after service.Cursor
	for {
		page, err := c.svc.SearchPage(ctx, req, after, pageSize)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Matches {
			out = append(out, lesions.Record{Ref: r.Type + "/" + r.ID, Body: r.Body})
		}
		if !page.More {
			return out, nil
		}
		after = page.Next()
	}
}

// imaging returns the patient's lesions, measurements and imaging reports.
func (c *Component) imaging(ctx context.Context, patient string) ([]lesions.Record, error) {
	ref := "Patient/" + patient
	queries := []struct {
		typ    string
		params url.Values
	}{
		{"BodyStructure", url.Values{"patient": {ref}}},
		{"Observation", url.Values{"subject": {ref}, "code": {profiles.LOINC + "|" + profiles.TumorSizeCode}}},
		{"DiagnosticReport", url.Values{"subject": {ref}}},
	}
	var out []lesions.Record
	for _, q := range queries {
		recs, err := c.all(ctx, q.typ, q.params)
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	return out, nil
}

// Compute evaluates the stored records of a patient; nothing is written.
// An unknown patient is a not-found error.
func (c *Component) Compute(ctx context.Context, patient string, opt engine.Options) (*Computed, error) {
	if _, err := c.svc.Read(ctx, "Patient", patient); err != nil {
		return nil, err
	}
	recs, err := c.imaging(ctx, patient)
	if err != nil {
		return nil, err
	}
	return evaluate(patient, recs, opt), nil
}

func evaluate(patient string, recs []lesions.Record, opt engine.Options, aliases ...string) *Computed {
	m := lesions.SubjectOf(patient, recs, aliases...)
	res := engine.Evaluate(m.Subject, opt)
	return &Computed{Result: res, Mapped: m, Resources: lesions.Responses(patient, res, m)}
}

// Derive computes a patient's responses with the component's options and
// stores them: each with Update (no new version when unchanged); responses
// of time points that no longer exist are deleted.
func (c *Component) Derive(ctx context.Context, patient string) (*Computed, error) {
	// One derivation per patient at a time: each starts after its own write
	// is durable, so the last to run reads every write and its result
	// stands (two concurrent writes could otherwise leave the older result).
	defer c.locks.lock("Patient/" + patient)()
	comp, err := c.Compute(ctx, patient, c.opt.RECIST)
	if err != nil {
		return nil, err
	}
	var keep []string
	for _, d := range comp.Resources {
		if _, err := c.svc.Update(ctx, "Observation", d.ID, d.Body, nil); err != nil {
			return nil, err
		}
		keep = append(keep, d.ID)
	}
	stale, err := c.all(ctx, "Observation", url.Values{
		"subject": {"Patient/" + patient},
		"code":    {profiles.ObservationSystem + "|recist-timepoint-response," + profiles.ObservationSystem + "|recist-best-overall-response"},
		"_tag":    {profiles.ObservationSystem + "|" + lesions.ComputedTag},
	})
	if err != nil {
		return nil, err
	}
	for _, r := range stale {
		id := r.Ref[len("Observation/"):]
		if slices.Contains(keep, id) {
			continue
		}
		if _, err := c.svc.Delete(ctx, "Observation", id, nil); err != nil {
			return nil, err
		}
	}
	return comp, nil
}

// Observe is the write observer (service.(*Service).Observe): it derives
// again what the written resources change. Errors are logged, never
// returned: the write itself has succeeded.
func (c *Component) Observe(ctx context.Context, written []fhir.Resource) {
	patients, procedures, arms := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range written {
		body := r.Body
		if r.Deleted && r.VersionID > 1 {
			prev, err := c.svc.VRead(ctx, r.Type, r.ID, r.VersionID-1)
			if err != nil {
				continue
			}
			body = prev.Body
		}
		ch := lesions.Classify(body)
		if ch.Imaging {
			patients[ch.Patient] = true
		}
		if ch.Imaging || ch.Arm {
			arms[ch.Patient] = true
		}
		if ch.Procedure != "" {
			procedures[ch.Procedure] = true
		}
	}
	for p := range patients {
		if _, err := c.Derive(ctx, p); err != nil && fhir.ErrorCode(err) != fhir.CodeNotFound {
			c.log.Error("recist derivation failed", "patient", p, "error", err)
		}
	}
	for p := range arms {
		ids, err := c.surgeries(ctx, p)
		if err != nil {
			c.log.Error("listing surgeries failed", "patient", p, "error", err)
		}
		for _, id := range ids {
			procedures[id] = true
		}
	}
	for id := range procedures {
		if _, _, err := c.DeriveAdherence(ctx, id); err != nil && fhir.ErrorCode(err) != fhir.CodeNotFound {
			c.log.Error("adherence derivation failed", "procedure", id, "error", err)
		}
	}
}

// keyedMutex serialises work per key; entries are dropped when unused.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyedEntry
}

type keyedEntry struct {
	mu   sync.Mutex
	refs int
}

// lock locks key and returns its unlock.
func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyedEntry{}
	}
	e := k.locks[key]
	if e == nil {
		e = &keyedEntry{}
		k.locks[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		if e.refs--; e.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}
