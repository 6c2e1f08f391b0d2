package rest

import (
	"io"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/service"
)

// patch handles PATCH [type]/[id] with a JSON Patch or FHIRPath Patch
// body (R4 3.1.0.7.1).
func (a *api) patch(c echo.Context) error {
	body, fhirPath, err := a.readPatch(c)
	if err != nil {
		return err
	}
	match, err := ifMatch(c)
	if err != nil {
		return err
	}
	patch := a.svc.Patch
	if fhirPath {
		patch = a.svc.FHIRPathPatch
	}
	res, err := patch(c.Request().Context(), c.Param("type"), c.Param("id"), body, match)
	if err != nil {
		return err
	}
	return a.writeResult(c, res)
}

// conditionalPatch handles PATCH [type]?[search parameters].
func (a *api) conditionalPatch(c echo.Context) error {
	body, fhirPath, err := a.readPatch(c)
	if err != nil {
		return err
	}
	match, err := ifMatch(c)
	if err != nil {
		return err
	}
	patch := a.svc.ConditionalPatch
	if fhirPath {
		patch = a.svc.ConditionalFHIRPathPatch
	}
	res, err := patch(c.Request().Context(), c.Param("type"), c.QueryString(), body, match)
	if err != nil {
		return err
	}
	return a.writeResult(c, res)
}

// readPatch reads a PATCH body: a JSON Patch (Content-Type
// application/json-patch+json), or a FHIRPath Patch, a Parameters resource
// in any media type the server reads FHIR JSON in (fhirPath true).
func (a *api) readPatch(c echo.Context) (body []byte, fhirPath bool, err error) {
	mt, params, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	fhirPath = err == nil && jsonTypes[mt] && fhirVersionOK(params)
	if !fhirPath && (err != nil || mt != service.JSONPatchType) {
		return nil, false, fhir.Errorf(fhir.CodeNotSupported, "a PATCH body must be a JSON Patch, Content-Type %s, or a FHIRPath Patch, Content-Type application/fhir+json", service.JSONPatchType).
			WithStatus(http.StatusUnsupportedMediaType)
	}
	body, err = io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, a.maxBody))
	if err != nil {
		return nil, false, fhir.Errorf(fhir.CodeTooCostly, "request body exceeds %d bytes", a.maxBody)
	}
	return body, fhirPath, nil
}
