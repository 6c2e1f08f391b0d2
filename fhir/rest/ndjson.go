package rest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/service"
)

// DecodeBundle decodes a batch or transaction Bundle from r, entry by
// entry; it is what POST /fhir and the import command read.
func DecodeBundle(r io.Reader, maxEntries int) (typ string, entries []service.Entry, err error) {
	b, err := decodeEntries(json.NewDecoder(r), maxEntries)
	if err != nil {
		return "", nil, err
	}
	return b.Type, b.Entries, nil
}

// NDJSONEntries reads newline-delimited resources (FHIR bulk data format)
// as batch entries: a resource with an id becomes an update of that id
// (so a repeated import changes nothing), one without a create. At most
// max lines are read; more is reported by more. Blank lines are skipped.
func NDJSONEntries(sc *bufio.Scanner, max int) (entries []service.Entry, more bool, err error) {
	for len(entries) < max && sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var head struct {
			ResourceType string `json:"resourceType"`
			ID           string `json:"id"`
		}
		e := service.Entry{Resource: append([]byte(nil), line...)}
		if json.Unmarshal(line, &head) != nil || head.ResourceType == "" {
			// Reported by the entry: its resource will not parse.
			e.Request = service.EntryRequest{Method: http.MethodPost, URL: "Basic"}
		} else if head.ID != "" {
			e.Request = service.EntryRequest{Method: http.MethodPut, URL: head.ResourceType + "/" + head.ID}
		} else {
			e.Request = service.EntryRequest{Method: http.MethodPost, URL: head.ResourceType}
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, false, err
	}
	return entries, len(entries) == max, nil
}

// ndjsonTypes are the media types $import accepts.
var ndjsonTypes = map[string]bool{"application/fhir+ndjson": true, "application/x-ndjson": true, "application/ndjson": true}

// importNDJSON handles POST /fhir/$import: an NDJSON body of resources,
// processed as a batch (each line independent; see NDJSONEntries) and
// answered with a batch-response, one entry per line.
func (a *api) importNDJSON(c echo.Context) error {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if !ndjsonTypes[mt] {
		return fhir.Errorf(fhir.CodeNotSupported, "$import takes application/fhir+ndjson").WithStatus(http.StatusUnsupportedMediaType)
	}
	h := sha256.New()
	sc := bufio.NewScanner(io.TeeReader(http.MaxBytesReader(c.Response(), c.Request().Body, a.maxBundleBytes), h))
	sc.Buffer(make([]byte, 64<<10), int(a.maxBody))
	entries, more, err := NDJSONEntries(sc, a.maxEntries)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig), errors.Is(err, bufio.ErrTooLong):
		return fhir.Errorf(fhir.CodeTooCostly, "request body or line too large")
	case err != nil:
		return fhir.Errorf(fhir.CodeInvalid, "cannot read request body")
	case more && sc.Scan():
		return fhir.Errorf(fhir.CodeTooCostly, "$import takes at most %d resources per request", a.maxEntries)
	}
	return a.idempotent(c, hexSum(h), func() (int, []byte) {
		return http.StatusOK, a.responseBundle(c, "batch-response", entries, a.svc.Batch(c.Request().Context(), entries))
	})
}
