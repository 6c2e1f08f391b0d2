package rest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/service"
)

// Limits on one batch or transaction request; beyond them it gets 413 and
// an OperationOutcome. Options.MaxBundleEntries and MaxBundleBytes change
// them.
const (
	DefaultMaxBundleEntries = 10_000
	DefaultMaxBundleBytes   = 64 << 20
)

// wireEntry is Bundle.entry as a batch or transaction sends it.
type wireEntry struct {
	FullURL  string          `json:"fullUrl"`
	Resource json.RawMessage `json:"resource"`
	Request  *struct {
		Method          string `json:"method"`
		URL             string `json:"url"`
		IfNoneMatch     string `json:"ifNoneMatch"`
		IfModifiedSince string `json:"ifModifiedSince"`
		IfMatch         string `json:"ifMatch"`
		IfNoneExist     string `json:"ifNoneExist"`
	} `json:"request"`
}

// requestBundle is a decoded batch or transaction, with the SHA-256 of
// the bytes it came from (for Idempotency-Key).
type requestBundle struct {
	Type    string
	Entries []service.Entry
	Hash    string
	// noRequest is the error of the first entry without request, reported
	// only once Bundle.type is known to be batch or transaction.
	noRequest error
}

// decodeBundle decodes the request body as a Bundle in one pass, entry by
// entry, so that only the decoded entries stay in memory, never the whole
// body beside them.
func (a *api) decodeBundle(c echo.Context) (*requestBundle, error) {
	if err := requireJSONBody(c); err != nil {
		return nil, err
	}
	h := sha256.New()
	body := io.TeeReader(http.MaxBytesReader(c.Response(), c.Request().Body, a.maxBundleBytes), h)
	b, err := decodeEntries(json.NewDecoder(body), a.maxEntries)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, fhir.Errorf(fhir.CodeTooCostly, "request body exceeds %d bytes", a.maxBundleBytes)
	}
	if err != nil {
		return nil, err
	}
	b.Hash = hexSum(h)
	return b, nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

func decodeEntries(dec *json.Decoder, maxEntries int) (*requestBundle, error) {
	b := &requestBundle{}
	bad := func(err error) error {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return fhir.Errorf(fhir.CodeStructure, "the body is not a JSON Bundle")
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, bad(err)
	}
	resourceType := ""
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bad(err)
		}
		switch tok {
		case "resourceType":
			err = dec.Decode(&resourceType)
		case "type":
			err = dec.Decode(&b.Type)
		case "entry":
			err = decodeEntryArray(dec, b, maxEntries)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if fe := (*fhir.Error)(nil); errors.As(err, &fe) {
			return nil, fe
		}
		if err != nil {
			return nil, bad(err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, bad(err)
	}
	if _, err := dec.Token(); err != io.EOF { // nothing after the Bundle
		return nil, bad(err)
	}
	if resourceType != "Bundle" {
		return nil, fhir.Errorf(fhir.CodeInvalid, "the body of a POST to the base must be a Bundle").At("resourceType")
	}
	if b.Type != "batch" && b.Type != "transaction" {
		return nil, fhir.Errorf(fhir.CodeInvalid, "Bundle.type must be batch or transaction, not %q", b.Type).At("Bundle.type")
	}
	if b.noRequest != nil {
		return nil, b.noRequest
	}
	return b, nil
}

func decodeEntryArray(dec *json.Decoder, b *requestBundle, maxEntries int) error {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return fhir.Errorf(fhir.CodeStructure, "Bundle.entry must be an array").At("Bundle.entry")
	}
	for dec.More() {
		if len(b.Entries) >= maxEntries {
			return fhir.Errorf(fhir.CodeTooCostly, "a Bundle may have at most %d entries", maxEntries).At("Bundle.entry")
		}
		var w wireEntry
		if err := dec.Decode(&w); err != nil {
			return err
		}
		e := service.Entry{FullURL: w.FullURL}
		if len(w.Resource) > 0 && string(w.Resource) != "null" {
			e.Resource = w.Resource
		}
		if w.Request == nil {
			if b.noRequest == nil {
				b.noRequest = fhir.Errorf(fhir.CodeRequired, "entry.request is missing").At(entryPath(len(b.Entries), ".request"))
			}
		} else {
			e.Request = service.EntryRequest(*w.Request)
		}
		b.Entries = append(b.Entries, e)
	}
	_, err := dec.Token()
	return err
}

func entryPath(i int, rest string) string { return "Bundle.entry[" + itoa(int64(i)) + "]" + rest }

// bundle handles POST to the base: a batch or transaction (R4 3.1.0.11).
func (a *api) bundle(c echo.Context) error {
	b, err := a.decodeBundle(c)
	if err != nil {
		return err
	}
	// An absolute request.url on this server's base is the relative one
	// (R4 3.1.0.11.1); the service refuses any other absolute URL.
	base := a.baseURL(c) + "/"
	for i := range b.Entries {
		b.Entries[i].Request.URL, _ = strings.CutPrefix(b.Entries[i].Request.URL, base)
	}
	return a.idempotent(c, b.Hash, func() (int, []byte) {
		ctx := c.Request().Context()
		if b.Type == "batch" {
			return http.StatusOK, a.responseBundle(c, "batch-response", b.Entries, a.svc.Batch(ctx, b.Entries))
		}
		results, err := a.svc.Transaction(ctx, b.Entries)
		if err != nil {
			return Status(err), Outcome(err)
		}
		return http.StatusOK, a.responseBundle(c, "transaction-response", b.Entries, results)
	})
}
