// Command trialfhir is the trialfhir FHIR R4 server.
//
//	trialfhir serve [--addr :8080] [--base-url URL] [--data-dir ./data] [--mongo-uri URI] [--no-profiles]
//	trialfhir import [--data-dir ./data] [--mongo-uri URI] [--concurrency N] FILE|DIR...
//
// Without a MongoDB URI it keeps its data in the embedded store under
// --data-dir: nothing to install. This package only wires flags to the
// packages that do the work.
package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/rest"
	"github.com/trialfhir/trialfhir/fhir/service"
	"github.com/trialfhir/trialfhir/fhir/store/mongo"
	"github.com/trialfhir/trialfhir/fhir/store/sqlite"
	"github.com/trialfhir/trialfhir/profiles"
	"github.com/trialfhir/trialfhir/study/operations"
	"github.com/trialfhir/trialfhir/study/recist"
	"github.com/trialfhir/trialfhir/study/screening"
)

// ShutdownTimeout is how long in-flight requests may run after a signal.
const ShutdownTimeout = 30 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := Main(ctx, os.Args[1:], os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "trialfhir:", err)
		os.Exit(1)
	}
}

// config is the serve command's configuration; every flag has an
// environment variable, and a flag given on the command line wins.
type config struct {
	addr, baseURL, dataDir, mongoURI, mongoDB, logLevel string
	syncFull, noProfiles                                bool
	pageKey                                             []byte
	idempotencyTTL                                      time.Duration
}

const usage = `usage: trialfhir serve [flags]
       trialfhir import [flags] FILE|DIR...   (trialfhir import -h for its flags)

Serves the FHIR R4 API under /fhir. Flags (environment variable in brackets):
`

// Main runs the command line args until ctx ends. ready, when not nil, is
// called with the listening address once the server accepts connections.
func Main(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready func(net.Addr)) error {
	if len(args) > 0 && args[0] == "import" {
		return runImport(ctx, args[1:], getenv, stderr)
	}
	if len(args) == 0 || args[0] != "serve" {
		fmt.Fprint(stderr, usage)
		return errors.New("unknown or missing command; the commands are serve and import")
	}
	cfg, err := parseFlags(args[1:], getenv, stderr)
	if err != nil {
		return err
	}
	log, err := newLogger(cfg.logLevel, stderr)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		if err := store.Close(); err != nil {
			log.Error("closing store", "error", err)
		}
	}()
	svc := service.New(store, service.WithLogger(log))
	// Stored SearchParameters first: every write indexes with them.
	if err := svc.LoadSearchParameters(ctx); err != nil {
		return err
	}
	if !cfg.noProfiles {
		// Upserts by fixed id make no new version when nothing changed, so
		// every start-up may load them.
		if err := profiles.Load(ctx, svc); err != nil {
			return err
		}
	}
	// Derived RECIST responses and adherence follow every write, before
	// re-screening reads them.
	rc := recist.New(svc, recist.Options{Logger: log})
	svc.Observe(rc.Observe)
	screener := screening.New(svc, screening.Config{Logger: log, Derive: rc.DeriveBundle})
	svc.Observe(screener.Observer(profiles.StudyID))
	h, err := rest.New(svc, rest.Options{BaseURL: cfg.baseURL, Logger: log, PageKey: cfg.pageKey, IdempotencyTTL: cfg.idempotencyTTL,
		Operations: append(operations.RECIST(rc), operations.Eligibility(screener)...)})
	if err != nil {
		return err
	}
	return serve(ctx, cfg, h, log, ready)
}

// envOr returns a lookup of environment settings with defaults.
func envOr(getenv func(string) string) func(name, def string) string {
	return func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
}

// storeFlags defines the flags choosing and tuning the store, shared by
// serve and import.
func storeFlags(fs *flag.FlagSet, cfg *config, env func(name, def string) string) {
	fs.StringVar(&cfg.dataDir, "data-dir", env("TRIALFHIR_DATA_DIR", "./data"), "directory of the embedded store [TRIALFHIR_DATA_DIR]")
	fs.StringVar(&cfg.mongoURI, "mongo-uri", env("TRIALFHIR_MONGO_URI", ""), "MongoDB connection string; when set, MongoDB is the store instead of the embedded one [TRIALFHIR_MONGO_URI]")
	fs.StringVar(&cfg.mongoDB, "mongo-db", env("TRIALFHIR_MONGO_DB", "trialfhir"), "MongoDB database name [TRIALFHIR_MONGO_DB]")
	fs.BoolVar(&cfg.syncFull, "sync-full", env("TRIALFHIR_SYNC_FULL", "") == "true", "embedded store: fsync every commit, durable against power loss too [TRIALFHIR_SYNC_FULL]")
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	env := envOr(getenv)
	var cfg config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	fs.StringVar(&cfg.addr, "addr", env("TRIALFHIR_ADDR", ":8080"), "listen address [TRIALFHIR_ADDR]")
	fs.StringVar(&cfg.baseURL, "base-url", env("TRIALFHIR_BASE_URL", ""), "public URL of the FHIR base, e.g. https://fhir.example.org/fhir; empty: taken from each request [TRIALFHIR_BASE_URL]")
	storeFlags(fs, &cfg, env)
	fs.StringVar(&cfg.logLevel, "log-level", env("TRIALFHIR_LOG_LEVEL", "info"), "debug, info, warn or error [TRIALFHIR_LOG_LEVEL]")
	fs.BoolVar(&cfg.noProfiles, "no-profiles", env("TRIALFHIR_NO_PROFILES", "") == "true", "do not load the study and the project's conformance resources at start-up [TRIALFHIR_NO_PROFILES]")
	pageKey := fs.String("page-key", env("TRIALFHIR_PAGE_KEY", ""), "base64 AES key (16, 24 or 32 bytes) sealing search page links; servers sharing a store should share it; empty: random per process [TRIALFHIR_PAGE_KEY]")
	ttl := fs.String("idempotency-ttl", env("TRIALFHIR_IDEMPOTENCY_TTL", rest.DefaultIdempotencyTTL.String()), "how long the response to an Idempotency-Key is replayed, e.g. 24h or 90m [TRIALFHIR_IDEMPOTENCY_TTL]")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	var err error
	if cfg.idempotencyTTL, err = time.ParseDuration(*ttl); err != nil || cfg.idempotencyTTL <= 0 {
		return cfg, fmt.Errorf("--idempotency-ttl: %q is not a positive duration such as 24h", *ttl)
	}
	if *pageKey != "" {
		key, err := base64.StdEncoding.DecodeString(*pageKey)
		if err != nil {
			return cfg, fmt.Errorf("--page-key: %w", err)
		}
		cfg.pageKey = key
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return cfg, nil
}

func newLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func openStore(ctx context.Context, cfg config) (fhir.Store, error) {
	if cfg.mongoURI != "" {
		openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return mongo.Open(openCtx, cfg.mongoURI, cfg.mongoDB)
	}
	return sqlite.Open(cfg.dataDir, sqlite.Options{SyncFull: cfg.syncFull})
}

// serve listens until ctx ends, then lets in-flight requests finish.
func serve(ctx context.Context, cfg config, h http.Handler, log *slog.Logger, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	store := "embedded"
	if cfg.mongoURI != "" {
		store = "mongodb"
	}
	log.Info("listening", "addr", ln.Addr().String(), "store", store)
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
