package fhir

import (
	"errors"
	"fmt"
)

// Code is a FHIR issue type (http://hl7.org/fhir/R4/valueset-issue-type.html),
// restricted to the closed set this server reports. The REST layer maps each
// code to one HTTP status in a single table.
type Code string

// The codes a trialfhir Error can carry. Anything else is reported as
// CodeException (HTTP 500).
const (
	CodeInvalid            Code = "invalid"          // malformed input: 400
	CodeStructure          Code = "structure"        // JSON or element structure wrong: 400
	CodeRequired           Code = "required"         // a required element is missing: 400
	CodeValue              Code = "value"            // a primitive value is wrong: 400
	CodeBusinessRule       Code = "business-rule"    // well formed, but breaks a rule: 422
	CodeNotFound           Code = "not-found"        // 404
	CodeDeleted            Code = "deleted"          // 410
	CodeConflict           Code = "conflict"         // version or id clash: 409
	CodePreconditionFailed Code = "precondition"     // If-Match mismatch: 412 (FHIR has no such issue type; rendered as "conflict")
	CodeMultipleMatches    Code = "multiple-matches" // a conditional interaction matched several: 412
	CodeNotSupported       Code = "not-supported"    // 400, 405, 406 or 415 depending on the Kind
	CodeForbidden          Code = "forbidden"        // 403
	CodeTooCostly          Code = "too-costly"       // 413 / 400
	CodeProcessing         Code = "processing"       // 422
	CodeTransient          Code = "transient"        // 503: try again
	CodeException          Code = "exception"        // 500
)

// Error is the one error type that crosses package boundaries. Message is safe
// for logs (no patient data); Diagnostics may echo client input and is only
// ever written to the response. Expression, when set, is the FHIRPath of the
// element at fault, as OperationOutcome.issue.expression.
type Error struct {
	Code        Code
	Message     string
	Diagnostics string
	Expression  []string
	// Status, when not zero, overrides the code's default HTTP status for the
	// few cases FHIR distinguishes within one code (405, 406, 415).
	Status int
	// Issues holds further issues reported together with this one (a
	// validation run reports every problem it found, not only the first).
	Issues []*Error
	Err    error
}

func (e *Error) Error() string {
	msg := string(e.Code) + ": " + e.Message
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a log-safe message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithDiagnostics returns e with client-facing details added.
func (e *Error) WithDiagnostics(d string) *Error { e.Diagnostics = d; return e }

// At returns e with the FHIRPath expression of the element at fault.
func (e *Error) At(expr ...string) *Error { e.Expression = append(e.Expression, expr...); return e }

// WithStatus returns e with a specific HTTP status.
func (e *Error) WithStatus(status int) *Error { e.Status = status; return e }

// ErrorCode returns the code of the first *Error in err's chain, CodeException
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	return CodeException
}

// AsError returns err as an *Error, wrapping anything foreign as an exception
// whose message does not leak the foreign error's text (it may hold data).
func AsError(err error) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	return &Error{Code: CodeException, Message: "internal error", Err: err}
}
