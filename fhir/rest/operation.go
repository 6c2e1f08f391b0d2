package rest

import (
	"context"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
)

// Operation is a FHIR operation ($name) offered beyond the core
// interactions, so that trial code adds its operations without this
// package knowing the trial. Run is transport-free: it gets the request's
// parts and returns a FHIR resource (usually Parameters, a Bundle or an
// Observation) or a *fhir.Error, which the error table renders.
type Operation struct {
	// Name is the operation code without "$".
	Name string
	// Type is the resource type it runs on; "" for the system level.
	Type string
	// Instance routes /Type/{id}/$name; otherwise /Type/$name (or /$name).
	Instance bool
	// Get also answers GET (no body; the query string as parameters), for
	// operations that change nothing.
	Get bool
	// Definition is the canonical URL of its OperationDefinition, listed in
	// the CapabilityStatement.
	Definition string
	Run        func(ctx context.Context, req OperationRequest) (*OperationResponse, error)
}

// OperationRequest is what an operation receives.
type OperationRequest struct {
	ID    string     // the instance id, "" at type or system level
	Body  []byte     // the posted resource (a Parameters), nil for GET or an empty POST
	Query url.Values // the query string
	// Base is the absolute URL of the FHIR base, for fullUrl and Location.
	Base string
}

// OperationResponse is a successful operation's answer.
type OperationResponse struct {
	Status   int    // 0 means 200
	Resource []byte // FHIR JSON
	Location string // set with 201 or 202
}

func (op Operation) path() string {
	p := ""
	if op.Type != "" {
		p = "/" + op.Type
	}
	if op.Instance {
		p += "/:id"
	}
	return p + "/$" + op.Name
}

// addOperations routes ops on g with the same middleware as the core routes.
func (a *api) addOperations(g *echo.Group, ops []Operation) {
	for _, op := range ops {
		h := a.operation(op)
		g.Add(http.MethodPost, op.path(), h, negotiate)
		if op.Get {
			g.Add(http.MethodGet, op.path(), h, negotiate)
		}
	}
}

func (a *api) operation(op Operation) echo.HandlerFunc {
	return func(c echo.Context) error {
		var body []byte
		if c.Request().ContentLength != 0 && c.Request().Method == http.MethodPost {
			var err error
			if body, err = a.readBody(c); err != nil {
				return err
			}
			if len(body) == 0 {
				body = nil
			}
		}
		res, err := op.Run(c.Request().Context(), OperationRequest{ID: c.Param("id"), Body: body,
			Query: c.QueryParams(), Base: a.baseURL(c)})
		if err != nil {
			return err
		}
		if res.Location != "" {
			c.Response().Header().Set("Location", res.Location)
		}
		status := res.Status
		if status == 0 {
			status = http.StatusOK
		}
		return writeRaw(c, status, res.Resource)
	}
}
