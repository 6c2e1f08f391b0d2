package rest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/trialfhir/trialfhir/fhir"
)

// IdempotencyHeader names the request header that makes a POST to the base
// (batch, transaction), to $import or to a type (create) safe to repeat:
// the first response to a key is stored, with its Location, ETag and
// Last-Modified, and a request repeating the key, path and body gets it
// again without being processed twice. The same key with another body
// is refused (422); a request arriving while the first with its key is
// still running waits for it. Responses of 5xx are not kept, so a retry
// after a server failure runs again. A kept response is replayed for
// Options.IdempotencyTTL; after that the key is free again: a request
// carrying it runs, and its response replaces the old one.
const IdempotencyHeader = "Idempotency-Key"

// DefaultIdempotencyTTL keeps responses a day: long enough for a client's
// retries after a timeout, short enough that a key is not a promise kept
// forever.
const DefaultIdempotencyTTL = 24 * time.Hour

// IdempotencyType is the private resource type under which responses are
// kept in the store, so they survive restarts and are shared by every
// server process on one store. It is not a FHIR type: the API never
// serves it, and history leaves it out.
const IdempotencyType = "_idempotency"

// idempotencyWait bounds the wait for a concurrent request with the same key.
const idempotencyWait = 5 * time.Minute

type idempotencyRecord struct {
	Hash   string            `json:"hash"`
	Status int               `json:"status"`
	Header map[string]string `json:"header,omitempty"`
	Body   json.RawMessage   `json:"body,omitempty"`
}

// keptHeaders are the response headers a replay repeats.
var keptHeaders = []string{echo.HeaderLocation, "ETag", echo.HeaderLastModified, "Content-Location"}

// idempotent answers with run's response, or the stored one when the
// request carries an Idempotency-Key seen before. hash identifies the body.
func (a *api) idempotent(c echo.Context, hash string, run func() (int, []byte)) error {
	return a.idempotentWrite(c, hash, func() error {
		status, body := run()
		return writeRaw(c, status, body)
	})
}

// idempotentWrite is idempotent for a handler that writes its response
// itself: write, the first time; what it wrote, the next times.
func (a *api) idempotentWrite(c echo.Context, hash string, write func() error) error {
	key := c.Request().Header.Get(IdempotencyHeader)
	if key == "" {
		return write()
	}
	if len(key) > 255 {
		return fhir.Errorf(fhir.CodeInvalid, "%s is longer than 255 characters", IdempotencyHeader)
	}
	sum := sha256.Sum256([]byte(key))
	id := hex.EncodeToString(sum[:]) // the key itself may hold anything
	store := a.svc.Store()
	ctx, cancel := contextWithTimeout(c, idempotencyWait)
	defer cancel()
	release, err := store.Lock(ctx, IdempotencyType+"/"+id)
	if err != nil {
		return err
	}
	defer release()
	prev, err := store.Read(c.Request().Context(), IdempotencyType, id)
	var expired int64 // the version of a record past its time, replaced below
	switch {
	case err == nil && time.Since(prev.LastUpdated) > a.idemTTL:
		expired = prev.VersionID
	case err == nil:
		var rec idempotencyRecord
		if err := json.Unmarshal(prev.Body, &rec); err != nil {
			return fhir.AsError(err)
		}
		if rec.Hash != hash {
			return fhir.Errorf(fhir.CodeBusinessRule, "%s was used before with a different request body", IdempotencyHeader)
		}
		c.Response().Header().Set("Idempotent-Replayed", "true")
		return replay(c, rec.Status, rec.Header, rec.Body)
	case fhir.ErrorCode(err) != fhir.CodeNotFound:
		return err
	}
	status, header, body := recorded(c, write)
	if status < http.StatusInternalServerError {
		rec, _ := json.Marshal(idempotencyRecord{Hash: hash, Status: status, Header: header, Body: body})
		r := &fhir.Resource{Type: IdempotencyType, ID: id, VersionID: expired + 1, LastUpdated: time.Now().UTC().Truncate(time.Millisecond),
			Method: http.MethodPost, Body: rec}
		if err := store.Write(c.Request().Context(), r, expired); err != nil {
			// The request was processed; only its replay is lost.
			c.Logger().Warnf("idempotency record not stored: %s", fhir.ErrorCode(err))
		}
	}
	return replay(c, status, header, body)
}

func replay(c echo.Context, status int, header map[string]string, body []byte) error {
	for k, v := range header {
		c.Response().Header().Set(k, v)
	}
	if len(body) == 0 {
		return c.NoContent(status)
	}
	return writeRaw(c, status, body)
}

// recorder keeps what a handler writes instead of sending it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }

// recorded runs write with the response going to a recorder, and returns
// the status, kept headers and body it wrote; an error it returns is
// rendered as the OperationOutcome Echo's error handler would send.
func recorded(c echo.Context, write func() error) (int, map[string]string, []byte) {
	resp := c.Response()
	orig := resp.Writer
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	resp.Writer = rec
	err := write()
	resp.Writer, resp.Committed, resp.Status, resp.Size = orig, false, 0, 0
	if err != nil {
		return Status(err), nil, Outcome(err)
	}
	kept := map[string]string{}
	for _, k := range keptHeaders {
		if v := rec.header.Get(k); v != "" {
			kept[k] = v
		}
	}
	return rec.status, kept, rec.body.Bytes()
}
