package screening

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/mappings"
	"github.com/trialfhir/trialfhir/mappings/fhirfacts"
	"github.com/trialfhir/trialfhir/trial/eligibility"
)

// Screener evaluates patients against a study's eligibility criteria.
type Screener struct {
	derive func(ctx context.Context, patientID string, bundle []byte) ([][]byte, error)
	svc    *service.Service
	tables *mappings.Tables
	opts   eligibility.Options
	now    func() time.Time
	log    *slog.Logger
}

// Config configures a Screener; zero fields take defaults.
type Config struct {
	// Tables resolve codes and units; nil uses mappings.Default().
	Tables *mappings.Tables
	// Options are the deployment's rule defaults (criteria.md "Defaults");
	// IndexDate and Now are set per evaluation.
	Options eligibility.Options
	Now     func() time.Time
	Logger  *slog.Logger
	// Derive, when set, returns what the server would derive from a posted
	// Bundle's records (the RECIST time-point responses I2b reads), so a
	// bundle evaluation sees what a stored one would. Nil derives nothing.
	Derive func(ctx context.Context, patientID string, bundle []byte) ([][]byte, error)
}

// New returns a Screener writing through svc.
func New(svc *service.Service, cfg Config) *Screener {
	s := &Screener{svc: svc, tables: cfg.Tables, opts: cfg.Options, now: cfg.Now, log: cfg.Logger, derive: cfg.Derive}
	if s.tables == nil {
		s.tables = mappings.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// Request is one evaluation.
type Request struct {
	StudyID string
	// PatientID names a stored patient; or Records holds a patient and its
	// records (a posted Bundle's resources), evaluated without storing.
	PatientID string
	Records   [][]byte
	// Bundle is the posted Bundle Records came from, for Config.Derive.
	Bundle []byte
	// Date is the index date; zero applies the defaults of criteria.md.
	Date time.Time
	// Persist stores the assessment and moves the ResearchSubject. It is
	// ignored for Records: evidence must point at stored resources.
	Persist bool
	// OnlyIfChanged stores nothing unless the decision or an outcome
	// differs from the stored assessment (automatic re-screening); without
	// it an evaluation is stored whenever its content differs (another
	// index date, other evidence).
	OnlyIfChanged bool
}

// Result is an evaluation's outcome.
type Result struct {
	Assessment eligibility.Assessment
	// Observation is the eligibility-assessment Observation, as stored when
	// persisted (with id and meta), else without id.
	Observation []byte
	// Changed says a new version of the assessment was stored.
	Changed bool
}

// Evaluate runs one evaluation.
func (s *Screener) Evaluate(ctx context.Context, req Request) (*Result, error) {
	if _, err := s.svc.Read(ctx, "ResearchStudy", req.StudyID); err != nil {
		return nil, err
	}
	var patient []byte
	var records [][]byte
	var err error
	if req.Records != nil {
		if patient, records, err = splitPatient(req.Records); err != nil {
			return nil, err
		}
		req.Persist = false
		if s.derive != nil && req.Bundle != nil {
			var head struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(patient, &head)
			derived, err := s.derive(ctx, head.ID, req.Bundle)
			if err != nil {
				// The records stand without what could not be derived;
				// the rules then report what is missing as unknown.
				s.log.Warn("deriving from a posted bundle failed", "code", fhir.ErrorCode(err))
			}
			records = append(records, derived...)
		}
	} else {
		pat, stored, err := s.records(ctx, req.PatientID)
		if err != nil {
			return nil, err
		}
		patient = pat.Body
		for _, r := range stored {
			records = append(records, r.Body)
		}
	}
	facts, err := fhirfacts.Build(s.tables, patient, records, fhirfacts.Options{Study: "ResearchStudy/" + req.StudyID})
	if err != nil {
		return nil, fhir.Errorf(fhir.CodeInvalid, "the patient's records cannot be read: %v", err)
	}
	opts := s.opts
	opts.IndexDate, opts.Now = req.Date, s.now()
	a := eligibility.Evaluate(facts, opts)
	obs := assessmentObservation(req.StudyID, string(facts.Patient.Ref), a, opts.Now)
	res := &Result{Assessment: a}
	if !req.Persist {
		if res.Observation, err = json.Marshal(obs); err != nil {
			return nil, fhir.AsError(err)
		}
		return res, nil
	}
	return s.persist(ctx, req, facts, obs, res)
}

// splitPatient finds the one Patient among records.
func splitPatient(records [][]byte) ([]byte, [][]byte, error) {
	var patient []byte
	var rest [][]byte
	for _, r := range records {
		var head struct {
			ResourceType string `json:"resourceType"`
		}
		if json.Unmarshal(r, &head) != nil {
			return nil, nil, fhir.Errorf(fhir.CodeStructure, "a bundle entry is not a FHIR resource")
		}
		if head.ResourceType != "Patient" {
			rest = append(rest, r)
			continue
		}
		if patient != nil {
			return nil, nil, fhir.Errorf(fhir.CodeInvalid, "the bundle holds more than one Patient: evaluate one patient at a time").At("bundle")
		}
		patient = r
	}
	if patient == nil {
		return nil, nil, fhir.Errorf(fhir.CodeRequired, "the bundle holds no Patient").At("bundle")
	}
	return patient, rest, nil
}
