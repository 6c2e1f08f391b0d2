package rest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/service"
)

// readBody reads a JSON request body, refusing other media types (415) and
// bodies over the limit (413).
func (a *api) readBody(c echo.Context) ([]byte, error) {
	if err := requireJSONBody(c); err != nil {
		return nil, err
	}
	r := http.MaxBytesReader(c.Response(), c.Request().Body, a.maxBody)
	body, err := io.ReadAll(r)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, fhir.Errorf(fhir.CodeTooCostly, "request body exceeds %d bytes", a.maxBody)
	}
	if err != nil {
		return nil, fhir.Errorf(fhir.CodeInvalid, "cannot read request body")
	}
	return body, nil
}

// prefer holds the Prefer header's settings (R4 3.1.0.1.8, 3.1.1.5.12).
type prefer struct {
	ret     string // minimal, representation (default) or OperationOutcome
	lenient bool
}

func preferOf(c echo.Context) prefer {
	p := prefer{ret: "representation"}
	for _, h := range c.Request().Header.Values("Prefer") {
		for _, part := range strings.Split(h, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			v = strings.Trim(strings.TrimSpace(v), `"`)
			switch strings.TrimSpace(k) {
			case "return":
				if v == "minimal" || v == "representation" || v == "OperationOutcome" {
					p.ret = v
				}
			case "handling":
				p.lenient = v == "lenient"
			}
		}
	}
	return p
}

// ifMatch parses If-Match: W/"3" (or "3"); nil when absent.
func ifMatch(c echo.Context) (*int64, error) {
	h := c.Request().Header.Get("If-Match")
	if h == "" {
		return nil, nil
	}
	v, ok := parseETag(h)
	if !ok {
		return nil, fhir.Errorf(fhir.CodeInvalid, `If-Match must be a version ETag such as W/"3"`)
	}
	return &v, nil
}

func parseETag(h string) (int64, bool) { return service.ParseETag(h) }

func etag(vid int64) string { return `W/"` + strconv.FormatInt(vid, 10) + `"` }

// notModified implements If-None-Match and If-Modified-Since on reads
// (R4 3.1.0.5.1): true when the client's copy is current.
func notModified(c echo.Context, r *fhir.Resource) bool {
	if h := c.Request().Header.Get("If-None-Match"); h != "" {
		for _, tag := range strings.Split(h, ",") {
			if strings.TrimSpace(tag) == "*" {
				return true
			}
			if v, ok := parseETag(tag); ok && v == r.VersionID {
				return true
			}
		}
		// RFC 9110 13.1.3: If-Modified-Since is ignored when If-None-Match is present.
		return false
	}
	if h := c.Request().Header.Get("If-Modified-Since"); h != "" {
		if t, err := http.ParseTime(h); err == nil {
			return !r.LastUpdated.Truncate(time.Second).After(t)
		}
	}
	return false
}

func parseVersion(s string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 1 {
		return 0, fhir.Errorf(fhir.CodeNotFound, "version %q does not exist", s)
	}
	return v, nil
}

func contextWithTimeout(c echo.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request().Context(), d)
}
