package rest

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/trialfhir/trialfhir/fhir/service"
)

// DefaultMaxBodyBytes caps a request body; larger ones get 413.
const DefaultMaxBodyBytes = 16 << 20

// Options configure the API.
type Options struct {
	// BaseURL is the absolute URL of the FHIR base, e.g.
	// https://fhir.example.org/fhir; empty derives it from each request.
	BaseURL string
	// Logger receives request and error logs; nil discards them.
	Logger       *slog.Logger
	MaxBodyBytes int64
	// MaxBundleEntries and MaxBundleBytes limit a batch or transaction;
	// zero means DefaultMaxBundleEntries and DefaultMaxBundleBytes.
	MaxBundleEntries int
	MaxBundleBytes   int64
	// PageKey is the 16-, 24- or 32-byte AES key sealing search page
	// tokens; empty draws a random one per process.
	PageKey []byte
	// Operations are named operations routed besides the interactions
	// (see Operation); New fails on an invalid or duplicate one.
	Operations []Operation
	// IdempotencyTTL is how long a response kept for an Idempotency-Key
	// is replayed; zero means DefaultIdempotencyTTL.
	IdempotencyTTL time.Duration
}

type api struct {
	svc            *service.Service
	base           string
	maxBody        int64
	maxEntries     int
	maxBundleBytes int64
	caps           capsCache
	ops            []Operation
	pages          *pager
	jobs           *jobs
	idemTTL        time.Duration
}

// New returns the HTTP handler serving the FHIR API under /fhir. It fails
// only on an unusable Options.PageKey.
func New(svc *service.Service, opts Options) (*echo.Echo, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &api{svc: svc, base: strings.TrimSuffix(opts.BaseURL, "/"), maxBody: opts.MaxBodyBytes}
	if a.maxBody <= 0 {
		a.maxBody = DefaultMaxBodyBytes
	}
	a.maxEntries, a.maxBundleBytes = opts.MaxBundleEntries, opts.MaxBundleBytes
	if a.maxEntries <= 0 {
		a.maxEntries = DefaultMaxBundleEntries
	}
	if a.maxBundleBytes <= 0 {
		a.maxBundleBytes = DefaultMaxBundleBytes
	}
	a.idemTTL = opts.IdempotencyTTL
	if a.idemTTL <= 0 {
		a.idemTTL = DefaultIdempotencyTTL
	}
	a.ops, a.caps.routes = opts.Operations, routes
	a.jobs = newJobs()
	var err error
	if a.pages, err = newPager(opts.PageKey); err != nil {
		return nil, fmt.Errorf("page key: %w", err)
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = ErrorHandler(log)
	e.Use(middleware.RequestID())
	e.Use(middleware.Recover())
	e.Use(requestLog(log))
	// Middleware goes on each route, not on the group: a group with
	// middleware answers unrouted methods 404 where 405 is right.
	g := e.Group("/fhir")
	for _, r := range routes {
		g.Add(r.method, r.path, r.handler(a), negotiate)
		// HEAD is GET without a body, for every readable path.
		if r.method == http.MethodGet {
			g.Add(http.MethodHead, r.path, r.handler(a), negotiate)
		}
	}
	if err := a.addOperations(g, opts.Operations); err != nil {
		return nil, err
	}
	return e, nil
}

// route ties an interaction to its path; capabilityStatement reads the same
// table, so the statement lists exactly what is routed.
type route struct {
	method, path string
	interaction  string // CapabilityStatement code: read, create, search-type, ...
	level        string // "instance"/"type" (per resource) or "system"
	handler      func(*api) echo.HandlerFunc
}

var routes = []route{
	{http.MethodGet, "/metadata", "", "system", func(a *api) echo.HandlerFunc { return a.metadata }},
	{http.MethodGet, "/$job/:id", "", "system", func(a *api) echo.HandlerFunc { return a.jobStatus }},
	{http.MethodDelete, "/$job/:id", "", "system", func(a *api) echo.HandlerFunc { return a.jobCancel }},
	{http.MethodPost, "", "transaction", "system", func(a *api) echo.HandlerFunc { return a.bundle }},
	{http.MethodPost, "/", "batch", "system", func(a *api) echo.HandlerFunc { return a.bundle }},
	{http.MethodPost, "/$import", "", "system", func(a *api) echo.HandlerFunc { return a.importNDJSON }},
	{http.MethodGet, "/_history", "history-system", "system", func(a *api) echo.HandlerFunc { return a.systemHistory }},
	{http.MethodGet, "/:type", "search-type", "type", func(a *api) echo.HandlerFunc { return a.search }},
	{http.MethodPost, "/:type/_search", "search-type", "type", func(a *api) echo.HandlerFunc { return a.search }},
	{http.MethodPost, "/:type", "create", "type", func(a *api) echo.HandlerFunc { return a.create }},
	{http.MethodPut, "/:type", "update", "type", func(a *api) echo.HandlerFunc { return a.conditionalUpdate }},
	{http.MethodDelete, "/:type", "delete", "type", func(a *api) echo.HandlerFunc { return a.conditionalDelete }},
	{http.MethodPatch, "/:type", "patch", "type", func(a *api) echo.HandlerFunc { return a.conditionalPatch }},
	{http.MethodGet, "/:type/_history", "history-type", "type", func(a *api) echo.HandlerFunc { return a.typeHistory }},
	{http.MethodGet, "/SearchParameter/:id/$reindex", "", "instance", func(a *api) echo.HandlerFunc { return a.reindexStatus }},
	{http.MethodPost, "/:type/$validate", "", "type", func(a *api) echo.HandlerFunc { return a.validate }},
	{http.MethodPost, "/:type/:id/$validate", "", "instance", func(a *api) echo.HandlerFunc { return a.validate }},
	{http.MethodGet, "/:type/:id", "read", "instance", func(a *api) echo.HandlerFunc { return a.read }},
	{http.MethodPut, "/:type/:id", "update", "instance", func(a *api) echo.HandlerFunc { return a.update }},
	{http.MethodDelete, "/:type/:id", "delete", "instance", func(a *api) echo.HandlerFunc { return a.delete }},
	{http.MethodPatch, "/:type/:id", "patch", "instance", func(a *api) echo.HandlerFunc { return a.patch }},
	{http.MethodGet, "/:type/:id/_history", "history-instance", "instance", func(a *api) echo.HandlerFunc { return a.instanceHistory }},
	{http.MethodGet, "/:type/:id/_history/:vid", "vread", "instance", func(a *api) echo.HandlerFunc { return a.vread }},
}

// requestLog logs method, route pattern, status and latency: the route
// pattern, never the path or query, which hold ids and identifiers.
func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogMethod: true, LogRoutePath: true, LogLatency: true, LogRequestID: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			log.Info("request", "request_id", v.RequestID, "method", v.Method, "route", v.RoutePath,
				"status", v.Status, "latency_ms", float64(v.Latency.Microseconds())/1000)
			return nil
		},
	})
}

// baseURL is the absolute FHIR base for links and Location headers.
func (a *api) baseURL(c echo.Context) string {
	if a.base != "" {
		return a.base
	}
	return c.Scheme() + "://" + c.Request().Host + "/fhir"
}
