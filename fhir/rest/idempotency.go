package rest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/trialfhir/trialfhir/fhir"
)

// IdempotencyHeader names the request header that makes a POST to the base
// (batch, transaction) or to $import safe to repeat: the first response to
// a key is stored, and a request repeating the key and the same body gets
// it again without being processed twice. The same key with another body
// is refused (422); a request arriving while the first with its key is
// still running waits for it. Responses of 5xx are not kept, so a retry
// after a server failure runs again.
const IdempotencyHeader = "Idempotency-Key"

// IdempotencyType is the private resource type under which responses are
// kept in the store, so they survive restarts and are shared by every
// server process on one store. It is not a FHIR type: the API never
// serves it, and history leaves it out.
const IdempotencyType = "_idempotency"

// idempotencyWait bounds the wait for a concurrent request with the same key.
const idempotencyWait = 5 * time.Minute

type idempotencyRecord struct {
	Hash   string          `json:"hash"`
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
}

// idempotent answers with run's response, or the stored one when the
// request carries an Idempotency-Key seen before. hash identifies the body.
func (a *api) idempotent(c echo.Context, hash string, run func() (int, []byte)) error {
	key := c.Request().Header.Get(IdempotencyHeader)
	if key == "" {
		status, body := run()
		return writeRaw(c, status, body)
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
	switch {
	case err == nil:
		var rec idempotencyRecord
		if err := json.Unmarshal(prev.Body, &rec); err != nil {
			return fhir.AsError(err)
		}
		if rec.Hash != hash {
			return fhir.Errorf(fhir.CodeBusinessRule, "%s was used before with a different request body", IdempotencyHeader)
		}
		c.Response().Header().Set("Idempotent-Replayed", "true")
		return writeRaw(c, rec.Status, rec.Body)
	case fhir.ErrorCode(err) != fhir.CodeNotFound:
		return err
	}
	status, body := run()
	if status < http.StatusInternalServerError {
		rec, _ := json.Marshal(idempotencyRecord{Hash: hash, Status: status, Body: body})
		r := &fhir.Resource{Type: IdempotencyType, ID: id, VersionID: 1, LastUpdated: time.Now().UTC().Truncate(time.Millisecond),
			Method: http.MethodPost, Body: rec}
		if err := store.Write(c.Request().Context(), r, 0); err != nil {
			// The request was processed; only its replay is lost.
			c.Logger().Warnf("idempotency record not stored: %s", fhir.ErrorCode(err))
		}
	}
	return writeRaw(c, status, body)
}
