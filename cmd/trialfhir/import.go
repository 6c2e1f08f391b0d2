package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/rest"
	"github.com/trialfhir/trialfhir/fhir/service"
)

// ImportChunk is how many NDJSON lines go into one batch.
const ImportChunk = 1000

const importUsage = `usage: trialfhir import [flags] FILE|DIR...

Loads FHIR data into the store directly (no server): *.json files holding a
batch or transaction Bundle, and *.ndjson files of resources (each line an
independent entry; a resource with an id is an update of that id). A
directory is walked for both. The embedded store must not be in use by a
running server (send bundles to POST /fhir, or NDJSON to POST /fhir/$import,
instead). Exits non-zero when anything failed. Flags:
`

// importStats counts what an import did.
type importStats struct {
	files, entries, created, updated, failed atomic.Int64
	mu                                       sync.Mutex
	reasons                                  map[string]int // failure reason -> count
	examples                                 map[string]string
}

func (st *importStats) fail(where string, err error) {
	st.failed.Add(1)
	fe := fhir.AsError(err)
	reason := string(fe.Code) + ": " + fe.Message
	st.mu.Lock()
	defer st.mu.Unlock()
	st.reasons[reason]++
	if _, ok := st.examples[reason]; !ok {
		st.examples[reason] = where
	}
}

func (st *importStats) record(file string, results []service.EntryResult) {
	for i, r := range results {
		st.entries.Add(1)
		switch {
		case r.Err != nil:
			st.fail(fmt.Sprintf("%s entry %d", file, i), r.Err)
		case r.Outcome == service.Created:
			st.created.Add(1)
		default:
			st.updated.Add(1)
		}
	}
}

// runImport is the import command.
func runImport(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, concurrency, paths, err := parseImportFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	files, err := importFiles(paths)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := service.New(store)
	st := &importStats{reasons: map[string]int{}, examples: map[string]string{}}
	start := time.Now()
	done, drawn := make(chan struct{}), make(chan struct{})
	go func() {
		progress(stderr, st, len(files), start, done)
		close(drawn)
	}()
	work := make(chan string)
	var wg sync.WaitGroup
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				if err := importFile(ctx, svc, f, st); err != nil {
					st.fail(f, err)
				}
				st.files.Add(1)
			}
		}()
	}
	for _, f := range files {
		work <- f
	}
	close(work)
	wg.Wait()
	close(done)
	<-drawn
	summary(stderr, st, time.Since(start))
	if n := st.failed.Load(); n > 0 {
		return fmt.Errorf("import: %d failed", n)
	}
	return ctx.Err()
}

func parseImportFlags(args []string, getenv func(string) string, stderr io.Writer) (config, int, []string, error) {
	var cfg config
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, importUsage); fs.PrintDefaults() }
	storeFlags(fs, &cfg, envOr(getenv))
	concurrency := fs.Int("concurrency", 2*runtime.GOMAXPROCS(0), "files imported at once")
	if err := fs.Parse(args); err != nil {
		return cfg, 0, nil, err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return cfg, 0, nil, errors.New("import: no FILE or DIR given")
	}
	return cfg, max(1, *concurrency), fs.Args(), nil
}

// importFiles expands directories into their .json and .ndjson files.
func importFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".ndjson")) {
				out = append(out, path)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

func importFile(ctx context.Context, svc *service.Service, path string, st *importStats) error {
	f, err := os.Open(path)
	if err != nil {
		return fhir.Errorf(fhir.CodeNotFound, "cannot open file")
	}
	defer f.Close()
	if strings.HasSuffix(path, ".ndjson") {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), rest.DefaultMaxBodyBytes)
		for {
			entries, more, err := rest.NDJSONEntries(sc, ImportChunk)
			if err != nil {
				return fhir.Errorf(fhir.CodeStructure, "cannot read NDJSON")
			}
			st.record(path, svc.Batch(ctx, entries))
			if !more {
				return nil
			}
		}
	}
	typ, entries, err := rest.DecodeBundle(f, rest.DefaultMaxBundleEntries)
	if err != nil {
		return err
	}
	if typ == "batch" {
		st.record(path, svc.Batch(ctx, entries))
		return nil
	}
	results, err := svc.Transaction(ctx, entries)
	if err != nil {
		st.entries.Add(int64(len(entries)))
		return err
	}
	st.record(path, results)
	return nil
}

// progress draws a bar on stderr every half second until done.
func progress(w io.Writer, st *importStats, files int, start time.Time, done chan struct{}) {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-done:
			fmt.Fprintln(w)
			return
		case <-t.C:
		}
		n := int(st.files.Load())
		const width = 30
		bar := strings.Repeat("#", n*width/max(files, 1)) + strings.Repeat(".", width-n*width/max(files, 1))
		rate := float64(st.entries.Load()) / time.Since(start).Seconds()
		fmt.Fprintf(w, "\r[%s] %d/%d files, %d resources, %.0f/s, %d failed", bar, n, files, st.entries.Load(), rate, st.failed.Load())
	}
}

func summary(w io.Writer, st *importStats, took time.Duration) {
	fmt.Fprintf(w, "imported %d files in %v: %d resources, %d created, %d updated or matched, %d failed (%.0f resources/s)\n",
		st.files.Load(), took.Round(time.Millisecond), st.entries.Load(), st.created.Load(), st.updated.Load(), st.failed.Load(),
		float64(st.entries.Load())/took.Seconds())
	reasons := make([]string, 0, len(st.reasons))
	for r := range st.reasons {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(w, "  failed %d× %s (first: %s)\n", st.reasons[r], r, st.examples[r])
	}
}
