package mongo

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/trialfhir/trialfhir/fhir"
)

// dbError turns a driver error into the one error type. Message names only
// the operation: driver messages can echo filter values, so they stay in Err
// and are never the log-safe part.
func dbError(op string, err error) *fhir.Error {
	if isTransient(err) {
		return &fhir.Error{Code: fhir.CodeTransient, Message: "mongo: " + op + ": database unavailable", Err: err}
	}
	return &fhir.Error{Code: fhir.CodeException, Message: "mongo: " + op + " failed", Err: err}
}

// isTransient reports whether retrying later may succeed: timeouts, network
// trouble, no reachable server, a closed client or an abandoned context (FHIR
// 503 rather than 500).
func isTransient(err error) bool {
	var sel topology.ServerSelectionError
	return mongo.IsTimeout(err) || mongo.IsNetworkError(err) ||
		errors.As(err, &sel) ||
		errors.Is(err, context.Canceled) ||
		errors.Is(err, mongo.ErrClientDisconnected)
}

// isNotImplemented reports whether the server refused a command or an option
// as not implemented (code 238, FerretDB's answer to TTL indexes) or not
// supported (code 115).
func isNotImplemented(err error) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && (se.HasErrorCode(238) || se.HasErrorCode(115))
}
