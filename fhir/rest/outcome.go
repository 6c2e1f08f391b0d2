package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trialfhir/trialfhir/fhir"
)

// statusOf is the one table from error code to HTTP status (R4 3.1.0.4 ff).
var statusOf = map[fhir.Code]int{
	fhir.CodeInvalid:            http.StatusBadRequest,
	fhir.CodeStructure:          http.StatusBadRequest,
	fhir.CodeRequired:           http.StatusBadRequest,
	fhir.CodeValue:              http.StatusBadRequest,
	fhir.CodeBusinessRule:       http.StatusUnprocessableEntity,
	fhir.CodeProcessing:         http.StatusUnprocessableEntity,
	fhir.CodeNotFound:           http.StatusNotFound,
	fhir.CodeDeleted:            http.StatusGone,
	fhir.CodeConflict:           http.StatusConflict,
	fhir.CodePreconditionFailed: http.StatusPreconditionFailed,
	fhir.CodeMultipleMatches:    http.StatusPreconditionFailed,
	fhir.CodeNotSupported:       http.StatusBadRequest,
	fhir.CodeForbidden:          http.StatusForbidden,
	fhir.CodeTooCostly:          http.StatusRequestEntityTooLarge,
	fhir.CodeTransient:          http.StatusServiceUnavailable,
	fhir.CodeException:          http.StatusInternalServerError,
}

// issueType is the OperationOutcome.issue.code for each error code; FHIR's
// issue-type value set has no "precondition", so it is reported as the
// version conflict it is.
func issueType(c fhir.Code) string {
	if c == fhir.CodePreconditionFailed {
		return string(fhir.CodeConflict)
	}
	if _, ok := statusOf[c]; !ok {
		return string(fhir.CodeException)
	}
	return string(c)
}

// Status returns the HTTP status for err.
func Status(err error) int {
	fe := fhir.AsError(err)
	if fe.Status != 0 {
		return fe.Status
	}
	if s, ok := statusOf[fe.Code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

type outcomeIssue struct {
	Severity    string   `json:"severity"`
	Code        string   `json:"code"`
	Diagnostics string   `json:"diagnostics,omitempty"`
	Expression  []string `json:"expression,omitempty"`
}

type operationOutcome struct {
	ResourceType string         `json:"resourceType"`
	Issue        []outcomeIssue `json:"issue"`
}

// Outcome renders err as an OperationOutcome: one issue for the error and
// one for each of its further issues.
func Outcome(err error) []byte {
	fe := fhir.AsError(err)
	oo := operationOutcome{ResourceType: "OperationOutcome"}
	for _, e := range append([]*fhir.Error{fe}, fe.Issues...) {
		oo.Issue = append(oo.Issue, issueOf("error", e))
	}
	b, _ := json.Marshal(oo)
	return b
}

func issueOf(severity string, e *fhir.Error) outcomeIssue {
	diag := e.Message
	if e.Diagnostics != "" {
		diag = e.Diagnostics
	}
	if e.Code == fhir.CodeException && e.Message == "" {
		diag = "internal error"
	}
	return outcomeIssue{Severity: severity, Code: issueType(e.Code), Diagnostics: diag, Expression: e.Expression}
}

// information renders a one-issue informational OperationOutcome, for
// Prefer: return=OperationOutcome and lenient search warnings.
func information(code fhir.Code, severity, text string) []byte {
	b, _ := json.Marshal(operationOutcome{ResourceType: "OperationOutcome",
		Issue: []outcomeIssue{{Severity: severity, Code: string(code), Diagnostics: text}}})
	return b
}

// planOutcome renders a search plan (_explain) as an informational
// OperationOutcome, one issue per line, so that any FHIR client can show it.
func planOutcome(p *fhir.Plan) []byte {
	issue := func(text string) outcomeIssue {
		return outcomeIssue{Severity: "information", Code: "informational", Diagnostics: text}
	}
	oo := operationOutcome{ResourceType: "OperationOutcome"}
	oo.Issue = append(oo.Issue, issue(fmt.Sprintf("store: %s; %d resources match", p.Store, p.Matches)))
	for i, st := range p.Steps {
		oo.Issue = append(oo.Issue, issue(fmt.Sprintf("predicate %d: %s, index %s, %d candidates", i+1, st.Pred, st.Index, st.Candidates)))
	}
	for _, line := range p.Native {
		oo.Issue = append(oo.Issue, issue("plan: "+line))
	}
	b, _ := json.Marshal(oo)
	return b
}

// ErrorHandler is Echo's HTTPErrorHandler: every failure, ours or Echo's
// own (unknown route, wrong method, oversized body), leaves as an
// OperationOutcome. Logs carry the request id, status, code and the safe
// message only: never Diagnostics, which may echo patient data.
func ErrorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		err = fromEcho(err)
		status := Status(err)
		fe := fhir.AsError(err)
		attrs := []any{"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "status", status, "code", fe.Code, "message", fe.Message}
		if status >= 500 {
			if fe.Err != nil {
				attrs = append(attrs, "cause", safeCause(fe.Err))
			}
			log.Error("request failed", attrs...)
		} else {
			log.Debug("request refused", attrs...)
		}
		writeRaw(c, status, Outcome(err))
	}
}

// safeCause keeps only the type of a foreign error: driver errors can quote
// the documents they failed on.
func safeCause(err error) string {
	var fe *fhir.Error
	if errors.As(err, &fe) {
		return fe.Message
	}
	return fmt.Sprintf("%T", err)
}

func fromEcho(err error) error {
	var he *echo.HTTPError
	if !errors.As(err, &he) {
		return err
	}
	msg := http.StatusText(he.Code)
	if s, ok := he.Message.(string); ok {
		msg = s
	}
	code := fhir.CodeException
	switch {
	case he.Code == http.StatusNotFound:
		code = fhir.CodeNotFound
	case he.Code == http.StatusMethodNotAllowed:
		code = fhir.CodeNotSupported
	case he.Code == http.StatusRequestEntityTooLarge:
		code = fhir.CodeTooCostly
	case he.Code < 500:
		code = fhir.CodeInvalid
	}
	return &fhir.Error{Code: code, Message: msg, Status: he.Code}
}
