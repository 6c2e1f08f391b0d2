package schema_test

import (
	"encoding/json"
	"math/rand"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/resource/schema"
)

func sortStrings(s []string) { sort.Strings(s) }

// tally counts a corpus's verdicts.
type tally struct {
	total, fastAccepted, googleRejected, rejectedDeferred, acceptedDeferred, unjudged atomic.Int64
	mu                                                                                sync.Mutex
	unsound                                                                           []string
}

// judge checks the soundness property on one body: Check accepts only
// what google/fhir accepts.
func (ty *tally) judge(name string, body []byte) {
	if !json.Valid(body) {
		return // Check's precondition; resource.Parse refuses such bodies first
	}
	ty.total.Add(1)
	_, _, fast := schema.Check(body)
	if fast {
		ty.fastAccepted.Add(1)
	}
	if len(body) > bigBody && !fast {
		ty.unjudged.Add(1) // deferred: only the counts would need google/fhir
		return
	}
	ok := googleAccepts(body)
	switch {
	case fast && !ok:
		ty.googleRejected.Add(1)
		ty.mu.Lock()
		ty.unsound = append(ty.unsound, name+": "+string(body))
		ty.mu.Unlock()
	case !ok:
		ty.googleRejected.Add(1)
		ty.rejectedDeferred.Add(1)
	case !fast:
		ty.acceptedDeferred.Add(1)
	}
}

func (ty *tally) report(t *testing.T, what string) {
	t.Logf("%s: %d bodies, fast path accepted %d; google/fhir rejected %d, of which the fast path deferred %d; google/fhir accepted but deferred: %d; deferred, over 1 MB and not given to google/fhir: %d",
		what, ty.total.Load(), ty.fastAccepted.Load(), ty.googleRejected.Load(), ty.rejectedDeferred.Load(), ty.acceptedDeferred.Load(), ty.unjudged.Load())
	for i, u := range ty.unsound {
		if i == 5 {
			break
		}
		if len(u) > 2000 {
			u = u[:2000]
		}
		t.Errorf("fast path accepted what google/fhir rejects: %s", u)
	}
	require.Empty(t, ty.unsound)
}

// parallel runs judge over samples on every core.
func parallel(samples []sample, fn func(i int, s sample)) {
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(samples) {
					return
				}
				fn(i, samples[i])
			}
		}()
	}
	wg.Wait()
}

// mutationsPer is how many mutations each sampled resource gets, mutated
// how many resources of a corpus are sampled for them, and mutateMax the
// largest resource sampled: together they keep the test well under a
// minute on two cores.
const (
	mutationsPer = 6
	mutated      = 800
	mutateMax    = 32 << 10
)

func differential(t *testing.T, samples []sample) {
	var base, mut tally
	parallel(samples, func(_ int, s sample) { base.judge(s.name, s.body) })
	base.report(t, "corpus")

	// A deterministic sample of the resources of at most mutateMax bytes,
	// each mutated deterministically.
	var chosen []sample
	for _, p := range rand.New(rand.NewSource(1)).Perm(len(samples)) {
		if len(chosen) < mutated && len(samples[p].body) <= mutateMax {
			chosen = append(chosen, samples[p])
		}
	}
	parallel(chosen, func(i int, s sample) {
		if !json.Valid(s.body) {
			return
		}
		r := rand.New(rand.NewSource(int64(i)))
		for n := 0; n < mutationsPer; n++ {
			body, desc, ok := mutation(r, s.body)
			if ok {
				mut.judge(s.name+" ("+desc+")", body)
			}
		}
	})
	mut.report(t, "mutations")
}

// TestDifferentialR4Examples: on every official R4 example (and Bundle
// entry) and mutations of them, the fast path accepts only what
// google/fhir accepts.
func TestDifferentialR4Examples(t *testing.T) {
	differential(t, r4Examples(t))
}

// TestDifferentialSynthea: the same on every Synthea entry resource, as
// sent (urn:uuid references) and as a transaction resolves them.
func TestDifferentialSynthea(t *testing.T) {
	differential(t, synthea(t, 8))
}
