package rest

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trialfhir/trialfhir/fhir"
)

// ContentType is what every response body is.
const ContentType = "application/fhir+json; charset=utf-8"

// jsonTypes are the media types this server reads and writes (R4 2.6.1,
// plus the DSTU2 spelling some clients still send).
var jsonTypes = map[string]bool{
	"application/fhir+json": true,
	"application/json":      true,
	"application/json+fhir": true,
}

// formatAliases are the _format values meaning JSON (R4 3.1.0.1.6).
var formatAliases = map[string]bool{"json": true}

// negotiate checks _format, then Accept, and refuses (406) a request for a
// representation this server cannot produce: it speaks JSON only.
func negotiate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if f := c.QueryParam("_format"); f != "" {
			// An unescaped "+" in "_format=application/fhir+json" arrives as a space.
			f = strings.ReplaceAll(f, " ", "+")
			mt, params, err := mime.ParseMediaType(f)
			if err != nil && !formatAliases[f] {
				return notAcceptable("_format " + f + " is not supported; use json")
			}
			if !formatAliases[f] && (!jsonTypes[mt] || !fhirVersionOK(params)) {
				return notAcceptable("_format " + f + " is not supported; use json")
			}
			return next(c)
		}
		if accept := c.Request().Header.Get(echo.HeaderAccept); accept != "" && !acceptsJSON(accept) {
			return notAcceptable("Accept " + accept + " is not supported; this server produces application/fhir+json")
		}
		return next(c)
	}
}

func notAcceptable(msg string) error {
	return fhir.Errorf(fhir.CodeNotSupported, "%s", msg).WithStatus(http.StatusNotAcceptable)
}

func acceptsJSON(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if q := params["q"]; q == "0" || q == "0.0" || q == "0.00" || q == "0.000" {
			continue
		}
		if (jsonTypes[mt] && fhirVersionOK(params)) || mt == "*/*" || mt == "application/*" {
			return true
		}
	}
	return false
}

// fhirVersionOK accepts no fhirVersion parameter or one naming R4 (R4
// 3.1.0.1.9... the version parameter of the media type).
func fhirVersionOK(params map[string]string) bool {
	v, ok := params["fhirversion"]
	return !ok || v == "4.0" || v == "4.0.1"
}

// requireJSONBody refuses (415) a body in any other media type.
func requireJSONBody(c echo.Context) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	mt, params, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || !jsonTypes[mt] || !fhirVersionOK(params) {
		if ct == "" {
			ct = "none"
		}
		return fhir.Errorf(fhir.CodeNotSupported, "Content-Type %s is not supported; send application/fhir+json", ct).
			WithStatus(http.StatusUnsupportedMediaType)
	}
	return nil
}

// writeRaw writes a JSON body, indented when _pretty=true.
func writeRaw(c echo.Context, status int, body []byte) error {
	if c.QueryParam("_pretty") == "true" {
		var buf bytes.Buffer
		if json.Indent(&buf, body, "", "  ") == nil {
			body = buf.Bytes()
		}
	}
	return c.Blob(status, ContentType, body)
}
