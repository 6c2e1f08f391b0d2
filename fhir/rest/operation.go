package rest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/resource"
)

// Operation is a named operation (R4 3.1.0.13) that code outside this
// package adds through Options.Operations, so the REST layer routes it
// without knowing what it does (the trial's $recist, $eligibility, ...).
//
// It is routed for POST and GET at /fhir/{Type}/{id}/${Name} (Instance),
// /fhir/{Type}/${Name} (type level) or /fhir/${Name} (Type empty: system
// level). Run gets the instance id ("" otherwise) and the request body: the
// POST body (a JSON resource, normally Parameters; nil when empty) or, for
// GET, the query parameters as a Parameters resource with one valueString
// parameter per value (_format and _pretty left out). It returns the JSON
// resource to send with 200, or an error rendered as an OperationOutcome
// (*fhir.Error codes give the status: not-found 404, invalid 400, ...).
type Operation struct {
	Type       string
	Instance   bool
	Name       string // without the "$"
	Definition string // canonical URL of its OperationDefinition, for the CapabilityStatement
	Run        func(ctx context.Context, id string, body []byte) ([]byte, error)
	// Async lets a client ask with "Prefer: respond-async" for a long
	// run: 202 and a status URL under /fhir/$job/ (async.go).
	Async bool
}

func (o Operation) path() string {
	switch {
	case o.Type == "":
		return "/$" + o.Name
	case o.Instance:
		return "/" + o.Type + "/:id/$" + o.Name
	}
	return "/" + o.Type + "/$" + o.Name
}

// addOperations routes ops on g.
func (a *api) addOperations(g *echo.Group, ops []Operation) error {
	seen := map[string]bool{}
	for _, op := range ops {
		if op.Name == "" || op.Run == nil || (op.Type != "" && !slices.Contains(resource.Types(), op.Type)) {
			return fmt.Errorf("operation %q on %q: needs a name, a known type and Run", op.Name, op.Type)
		}
		if seen[op.path()] {
			return fmt.Errorf("operation %s routed twice", op.path())
		}
		seen[op.path()] = true
		h := a.operation(op)
		g.Add(http.MethodPost, op.path(), h, negotiate)
		g.Add(http.MethodGet, op.path(), h, negotiate)
	}
	return nil
}

func (a *api) operation(op Operation) echo.HandlerFunc {
	return func(c echo.Context) error {
		body, err := a.operationBody(c)
		if err != nil {
			return err
		}
		if op.Async && wantsAsync(c) {
			id := c.Param("id")
			return a.startAsync(c, func(ctx context.Context) ([]byte, error) { return op.Run(ctx, id, body) })
		}
		out, err := op.Run(c.Request().Context(), c.Param("id"), body)
		if err != nil {
			return err
		}
		return writeRaw(c, http.StatusOK, out)
	}
}

// operationBody is the POST body, or the GET query as Parameters.
func (a *api) operationBody(c echo.Context) ([]byte, error) {
	if c.Request().Method == http.MethodPost {
		req := c.Request()
		if req.ContentLength == 0 || (req.ContentLength < 0 && req.Header.Get(echo.HeaderContentType) == "") {
			return nil, nil // no body: the operation's defaults
		}
		return a.readBody(c)
	}
	var ps []map[string]any
	for name, vals := range c.QueryParams() {
		if name == "_format" || name == "_pretty" {
			continue
		}
		for _, v := range vals {
			ps = append(ps, map[string]any{"name": name, "valueString": v})
		}
	}
	if len(ps) == 0 {
		return nil, nil
	}
	slices.SortStableFunc(ps, func(x, y map[string]any) int { return strings.Compare(x["name"].(string), y["name"].(string)) })
	b, err := json.Marshal(map[string]any{"resourceType": "Parameters", "parameter": ps})
	if err != nil {
		return nil, fhir.Errorf(fhir.CodeInvalid, "cannot encode the query parameters")
	}
	return b, nil
}

// withOperations adds ops to a CapabilityStatement: type- and
// instance-level ones to their resource, system-level ones to rest.
func withOperations(caps []byte, ops []Operation) []byte {
	if len(ops) == 0 {
		return caps
	}
	var cs map[string]any
	if json.Unmarshal(caps, &cs) != nil {
		return caps
	}
	rest := cs["rest"].([]any)[0].(map[string]any)
	for _, op := range ops {
		entry := map[string]any{"name": op.Name, "definition": op.Definition}
		if op.Type == "" {
			list, _ := rest["operation"].([]any)
			rest["operation"] = append(list, entry)
			continue
		}
		for _, r := range rest["resource"].([]any) {
			res := r.(map[string]any)
			if res["type"] == op.Type {
				list, _ := res["operation"].([]any)
				res["operation"] = append(list, entry)
			}
		}
	}
	out, err := json.Marshal(cs)
	if err != nil {
		return caps
	}
	return out
}
