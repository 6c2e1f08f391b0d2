package synthetic

import (
	"context"
	"sync"

	"github.com/trialfhir/trialfhir/fhir/service"
)

// LoadBatch is how many resources Load writes per transaction.
const LoadBatch = 500

// Load writes the population of Generate(seed, patients) into svc through
// transactions of LoadBatch PUT entries (the path a hospital feed takes),
// two at a time, and returns how many resources it wrote.
func Load(ctx context.Context, svc *service.Service, seed uint64, patients int) (int, error) {
	var wg sync.WaitGroup
	work := make(chan []service.Entry, 4)
	var mu sync.Mutex
	var failed error
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range work {
				if _, err := svc.Transaction(ctx, batch); err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
				}
			}
		}()
	}
	count := 0
	var batch []service.Entry
	err := Generate(seed, patients, func(r Resource) error {
		count++
		batch = append(batch, service.Entry{Resource: r.Body, Request: service.EntryRequest{Method: "PUT", URL: r.Type + "/" + r.ID}})
		if len(batch) == LoadBatch {
			work <- batch
			batch = nil
		}
		return nil
	})
	if len(batch) > 0 {
		work <- batch
	}
	close(work)
	wg.Wait()
	if err != nil {
		return count, err
	}
	return count, failed
}
