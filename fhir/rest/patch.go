package rest

import (
	"io"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/service"
)

// patch handles PATCH [type]/[id] with a JSON Patch body (R4 3.1.0.7.1).
func (a *api) patch(c echo.Context) error {
	body, err := a.readPatch(c)
	if err != nil {
		return err
	}
	match, err := ifMatch(c)
	if err != nil {
		return err
	}
	res, err := a.svc.Patch(c.Request().Context(), c.Param("type"), c.Param("id"), body, match)
	if err != nil {
		return err
	}
	return a.writeResult(c, res)
}

// conditionalPatch handles PATCH [type]?[search parameters].
func (a *api) conditionalPatch(c echo.Context) error {
	body, err := a.readPatch(c)
	if err != nil {
		return err
	}
	res, err := a.svc.ConditionalPatch(c.Request().Context(), c.Param("type"), c.QueryString(), body)
	if err != nil {
		return err
	}
	return a.writeResult(c, res)
}

// readPatch reads a JSON Patch body. FHIRPath Patch (a Parameters
// resource) is not supported: this server has no FHIRPath engine.
func (a *api) readPatch(c echo.Context) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil || mt != service.JSONPatchType {
		return nil, fhir.Errorf(fhir.CodeNotSupported, "a PATCH body must be a JSON Patch, Content-Type %s; FHIRPath Patch is not supported", service.JSONPatchType).
			WithStatus(http.StatusUnsupportedMediaType)
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, a.maxBody))
	if err != nil {
		return nil, fhir.Errorf(fhir.CodeTooCostly, "request body exceeds %d bytes", a.maxBody)
	}
	return body, nil
}
