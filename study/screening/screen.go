package screening

import (
	"context"
	"net/url"
	"sync"
	"time"

	"github.com/trialfhir/trialfhir/fhir/search"
	"github.com/trialfhir/trialfhir/trial/eligibility"
)

// ScreenWorkers is how many patients $screen evaluates at once.
const ScreenWorkers = 4

// Summary is the result of screening many patients.
type Summary struct {
	Screened  int
	Decisions map[eligibility.Decision]int
	// Patients lists each patient's decision, in id order.
	Patients []PatientDecision
	// Failed counts patients whose records could not be evaluated.
	Failed int
}

// PatientDecision is one patient's decision in a Summary.
type PatientDecision struct {
	PatientID string
	Decision  eligibility.Decision
}

// Screen evaluates every Patient matching query (a Patient search such as
// "gender=female"; empty for all) for the study on the index date (zero:
// the defaults). With persist each
// assessment is stored as Evaluate does, creating ResearchSubjects.
func (s *Screener) Screen(ctx context.Context, studyID string, query url.Values, persist bool, date time.Time) (*Summary, error) {
	if _, err := s.svc.Read(ctx, "ResearchStudy", studyID); err != nil {
		return nil, err
	}
	req, err := search.Parse("Patient", query, false)
	if err != nil {
		return nil, err
	}
	patients, err := s.svc.Search(ctx, req.Query)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Decisions: map[eligibility.Decision]int{}, Patients: make([]PatientDecision, len(patients))}
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range ScreenWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				res, err := s.Evaluate(ctx, Request{StudyID: studyID, PatientID: patients[i].ID, Date: date, Persist: persist})
				mu.Lock()
				sum.Screened++
				if err != nil {
					sum.Failed++
				} else {
					sum.Decisions[res.Assessment.Decision]++
					sum.Patients[i] = PatientDecision{PatientID: patients[i].ID, Decision: res.Assessment.Decision}
				}
				mu.Unlock()
			}
		}()
	}
	for i := range patients {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return sum, nil
}
