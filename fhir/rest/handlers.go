package rest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/resource"
	"github.com/trialfhir/trialfhir/fhir/service"
)

func (a *api) metadata(c echo.Context) error {
	return writeRaw(c, http.StatusOK, a.capabilities())
}

func (a *api) create(c echo.Context) error {
	body, err := a.readBody(c)
	if err != nil {
		return err
	}
	ifNoneExist := c.Request().Header.Get("If-None-Exist")
	// The key names this create: its path, condition and body.
	h := sha256.Sum256([]byte(c.Request().URL.Path + "\n" + ifNoneExist + "\n" + string(body)))
	return a.idempotentWrite(c, hex.EncodeToString(h[:]), func() error {
		res, err := a.svc.Create(c.Request().Context(), c.Param("type"), body, ifNoneExist)
		if err != nil {
			return err
		}
		return a.writeResult(c, res)
	})
}

func (a *api) update(c echo.Context) error {
	body, err := a.readBody(c)
	if err != nil {
		return err
	}
	match, err := ifMatch(c)
	if err != nil {
		return err
	}
	res, err := a.svc.Update(c.Request().Context(), c.Param("type"), c.Param("id"), body, match)
	if err != nil {
		return err
	}
	return a.writeResult(c, res)
}

func (a *api) conditionalUpdate(c echo.Context) error {
	body, err := a.readBody(c)
	if err != nil {
		return err
	}
	match, err := ifMatch(c)
	if err != nil {
		return err
	}
	res, err := a.svc.ConditionalUpdate(c.Request().Context(), c.Param("type"), c.QueryString(), body, match)
	if err != nil {
		return err
	}
	return a.writeResult(c, res)
}

func (a *api) delete(c echo.Context) error {
	match, err := ifMatch(c)
	if err != nil {
		return err
	}
	res, err := a.svc.Delete(c.Request().Context(), c.Param("type"), c.Param("id"), match)
	if err != nil {
		return err
	}
	return a.writeResult(c, res)
}

func (a *api) conditionalDelete(c echo.Context) error {
	match, err := ifMatch(c)
	if err != nil {
		return err
	}
	res, err := a.svc.ConditionalDelete(c.Request().Context(), c.Param("type"), c.QueryString(), match)
	if err != nil {
		return err
	}
	return a.writeResult(c, res)
}

func (a *api) read(c echo.Context) error {
	r, err := a.svc.Read(c.Request().Context(), c.Param("type"), c.Param("id"))
	if err != nil {
		return a.withVersionHeaders(c, r, err)
	}
	return a.writeRead(c, r)
}

func (a *api) vread(c echo.Context) error {
	vid, err := parseVersion(c.Param("vid"))
	if err != nil {
		return err
	}
	r, err := a.svc.VRead(c.Request().Context(), c.Param("type"), c.Param("id"), vid)
	if err != nil {
		return a.withVersionHeaders(c, r, err)
	}
	return a.writeRead(c, r)
}

func (a *api) validate(c echo.Context) error {
	body, err := a.readBody(c)
	if err != nil {
		return err
	}
	if err := a.svc.Validate(c.Param("type"), body); err != nil {
		return err
	}
	return writeRaw(c, http.StatusOK, information("informational", "information", "validation successful: no issues found"))
}

// writeRead writes a resource for read and vread, honouring the
// conditional-read headers, _summary and _elements.
func (a *api) writeRead(c echo.Context, r *fhir.Resource) error {
	a.setVersionHeaders(c, r)
	if notModified(c, r) {
		return c.NoContent(http.StatusNotModified)
	}
	body, err := subsetOf(c, r)
	if err != nil {
		return err
	}
	return writeRaw(c, http.StatusOK, body)
}

// subsetOf applies _summary and _elements to a stored body.
func subsetOf(c echo.Context, r *fhir.Resource) ([]byte, error) {
	body := r.Body
	if s := c.QueryParam("_summary"); s != "" {
		mode, err := resource.ParseSummary(s)
		if err != nil {
			return nil, err
		}
		if body, err = resource.Summary(body, r.Type, mode); err != nil {
			return nil, err
		}
	}
	if e := c.QueryParam("_elements"); e != "" {
		return resource.Elements(body, r.Type, splitList(e))
	}
	return body, nil
}

// withVersionHeaders adds the ETag of a deleted version to the 410 its read
// gets, so a client can tell which version deleted it.
func (a *api) withVersionHeaders(c echo.Context, r *fhir.Resource, err error) error {
	if r != nil && fhir.ErrorCode(err) == fhir.CodeDeleted {
		a.setVersionHeaders(c, r)
	}
	return err
}

func (a *api) setVersionHeaders(c echo.Context, r *fhir.Resource) {
	h := c.Response().Header()
	h.Set("ETag", etag(r.VersionID))
	h.Set(echo.HeaderLastModified, r.LastUpdated.UTC().Format(http.TimeFormat))
}

// writeResult writes the response to a create, update or delete: status
// from the outcome, Location and ETag, and the body Prefer asks for.
func (a *api) writeResult(c echo.Context, res *service.Result) error {
	status := map[service.Outcome]int{
		service.Created: http.StatusCreated, service.Updated: http.StatusOK, service.Matched: http.StatusOK,
		service.Deleted: http.StatusOK, service.NoneFound: http.StatusOK,
	}[res.Outcome]
	r := res.Resource
	if r != nil {
		a.setVersionHeaders(c, r)
		if !r.Deleted {
			c.Response().Header().Set(echo.HeaderLocation, a.baseURL(c)+"/"+r.Ref()+"/_history/"+itoa(r.VersionID))
		}
	}
	p := preferOf(c)
	switch {
	case res.Outcome == service.Deleted || res.Outcome == service.NoneFound:
		if p.ret != "OperationOutcome" {
			return c.NoContent(http.StatusNoContent)
		}
		text := "deleted"
		if res.Outcome == service.NoneFound {
			text = "nothing to delete: no such resource, or already deleted"
		}
		return writeRaw(c, status, information("informational", "information", text))
	case p.ret == "minimal":
		return c.NoContent(status)
	case p.ret == "OperationOutcome":
		text := map[service.Outcome]string{service.Created: "created", service.Updated: "updated",
			service.Matched: "a resource matching If-None-Exist already exists; nothing created"}[res.Outcome]
		return writeRaw(c, status, information("informational", "information", text))
	}
	return writeRaw(c, status, r.Body)
}
