package rest

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/trialfhir/trialfhir/fhir"
)

// JobRetention is how long a finished asynchronous operation's result is
// kept for its client to fetch.
const JobRetention = time.Hour

// MaxJobs bounds the asynchronous operations held at once (running or
// finished and not yet expired); beyond it a request is refused (503).
const MaxJobs = 64

// jobs runs operations asked for with "Prefer: respond-async" (the FHIR
// asynchronous request pattern, R4 async.html): the request gets 202 with
// Content-Location of a status URL; GET there answers 202 (X-Progress)
// while it runs, then the result with its status; DELETE cancels. Jobs live
// in this process's memory: a restart loses them, and the client asks
// again.
type jobs struct {
	mu   sync.Mutex
	byID map[string]*job
	now  func() time.Time
}

type job struct {
	cancel   context.CancelFunc
	done     bool
	finished time.Time
	out      []byte
	err      error
}

func newJobs() *jobs { return &jobs{byID: map[string]*job{}, now: time.Now} }

// start runs run in the background and returns the job id. The job's
// context keeps the request's values (request id, logger) but not its
// cancellation: it outlives the request.
func (js *jobs) start(ctx context.Context, run func(context.Context) ([]byte, error)) (string, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	js.expire()
	if len(js.byID) >= MaxJobs {
		return "", fhir.Errorf(fhir.CodeTransient, "too many asynchronous operations are held; fetch or cancel finished ones, or retry later")
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	id := uuid.NewString()
	j := &job{cancel: cancel}
	js.byID[id] = j
	go func() {
		out, err := run(ctx)
		js.mu.Lock()
		j.done, j.finished, j.out, j.err = true, js.now(), out, err
		js.mu.Unlock()
		cancel()
	}()
	return id, nil
}

// expire drops finished jobs older than JobRetention; js.mu is held.
func (js *jobs) expire() {
	for id, j := range js.byID {
		if j.done && js.now().Sub(j.finished) > JobRetention {
			delete(js.byID, id)
		}
	}
}

func (js *jobs) get(id string) (*job, bool) {
	js.mu.Lock()
	defer js.mu.Unlock()
	js.expire()
	j, ok := js.byID[id]
	if !ok {
		return nil, false
	}
	cp := *j
	return &cp, true
}

func (js *jobs) remove(id string) bool {
	js.mu.Lock()
	defer js.mu.Unlock()
	j, ok := js.byID[id]
	if ok {
		j.cancel()
		delete(js.byID, id)
	}
	return ok
}

// wantsAsync reports "Prefer: respond-async".
func wantsAsync(c echo.Context) bool {
	for _, h := range c.Request().Header.Values("Prefer") {
		for _, part := range strings.Split(h, ",") {
			if strings.TrimSpace(part) == "respond-async" {
				return true
			}
		}
	}
	return false
}

// startAsync answers an operation request with 202 and a status URL.
func (a *api) startAsync(c echo.Context, run func(context.Context) ([]byte, error)) error {
	id, err := a.jobs.start(c.Request().Context(), run)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Location", a.baseURL(c)+"/$job/"+id)
	return writeRaw(c, http.StatusAccepted, information("informational", "information", "accepted: poll the Content-Location for the result"))
}

// jobStatus is GET /fhir/$job/{id}.
func (a *api) jobStatus(c echo.Context) error {
	j, ok := a.jobs.get(c.Param("id"))
	if !ok {
		return fhir.Errorf(fhir.CodeNotFound, "no asynchronous operation %s (finished ones are kept %s)", c.Param("id"), JobRetention)
	}
	switch {
	case !j.done:
		c.Response().Header().Set("X-Progress", "running")
		c.Response().Header().Set("Retry-After", "2")
		return writeRaw(c, http.StatusAccepted, information("informational", "information", "running"))
	case j.err != nil:
		return j.err
	}
	return writeRaw(c, http.StatusOK, j.out)
}

// jobCancel is DELETE /fhir/$job/{id}.
func (a *api) jobCancel(c echo.Context) error {
	if !a.jobs.remove(c.Param("id")) {
		return fhir.Errorf(fhir.CodeNotFound, "no asynchronous operation %s", c.Param("id"))
	}
	return writeRaw(c, http.StatusAccepted, information("informational", "information", "cancelled and removed"))
}
