package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/trialfhir/trialfhir/fhir"
)

// FileName is the database file inside the data directory.
const FileName = "trialfhir.db"

// busyTimeout is how long a statement waits for a lock another connection
// holds (the checkpointer's, mostly) before it fails as transient.
const busyTimeout = 10 * time.Second

// Page cache sizes per connection: the writer's holds a batch's dirty
// pages; readers mostly go through the memory map.
const (
	writerCacheKiB = 256 << 10
	readerCacheKiB = 32000
)

// Options tune the embedded store.
type Options struct {
	// SyncFull makes every commit fsync (synchronous=FULL): durable against
	// power loss, at a large cost in write throughput.
	SyncFull bool
	// ReadConns caps concurrent readers; 0 means four per CPU.
	ReadConns int
}

// Store is the embedded fhir.Store.
type Store struct {
	closeOnce sync.Once
	closeErr  error

	w       *sql.DB // exactly one connection: SQLite has one writer anyway
	ws      writeStmts
	r       *sql.DB
	flock   *os.File
	locks   *keyLocks
	commits *groupCommit
	bulk    bulkInserts
	ckpt    *checkpointer
}

var _ fhir.Store = (*Store)(nil)

// Open opens (creating if needed) the store in dir. Only one process may
// have a data directory open: the locks of Lock live in this process, so a
// second one is refused rather than allowed to break conditional writes.
func Open(dir string, opts Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	flock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	sync := "NORMAL"
	if opts.SyncFull {
		sync = "FULL"
	}
	path := filepath.Join(dir, FileName)
	// modernc applies the _pragma values sorted by their text, so each
	// pragma appears once: a second cache_size would override the first in
	// that order, not in the order written.
	dsn := func(cacheKiB int, extra string) string {
		q := url.Values{}
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous("+sync+")")
		q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
		q.Add("_pragma", "foreign_keys(OFF)")
		q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", cacheKiB))
		// Reads through a memory map rather than read(2) into the page
		// cache: at 1M resources (7 GB) a search touches pages all over
		// the file, and each copy costs a system call.
		q.Add("_pragma", "mmap_size(4294967296)")
		// Checkpoints (and their fsync) run in the background, not inside
		// a writer's commit: see checkpoint.go.
		q.Add("_pragma", "wal_autocheckpoint(0)")
		q.Add("_pragma", "temp_store(MEMORY)")
		if extra != "" {
			k, v, _ := strings.Cut(extra, "=")
			q.Add(k, v)
		}
		return "file:" + path + "?" + q.Encode()
	}
	s := &Store{flock: flock, locks: newKeyLocks()}
	// The writer's cache holds the pages a batch dirties: when they do not
	// fit, SQLite writes them to the WAL before the commit, and a page
	// dirtied again is written twice (profiles of an ingest showed WAL
	// writes inside inserts with 32 MB).
	if s.w, err = sql.Open("sqlite", dsn(writerCacheKiB, "_txlock=immediate")); err != nil {
		s.Close()
		return nil, err
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	if err := migrate(context.Background(), s.w); err != nil {
		s.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := s.ws.prepare(s.w); err != nil {
		s.Close()
		return nil, fmt.Errorf("prepare statements: %w", err)
	}
	if s.bulk, err = prepareBulk(s.w); err != nil {
		s.Close()
		return nil, fmt.Errorf("prepare statements: %w", err)
	}
	s.commits = newGroupCommit(s)
	if s.ckpt, err = startCheckpointer(dsn(readerCacheKiB, ""), func() { s.commits.restart.Store(true) }); err != nil {
		s.Close()
		return nil, err
	}
	if s.r, err = sql.Open("sqlite", dsn(readerCacheKiB, "_pragma=query_only(1)")); err != nil {
		s.Close()
		return nil, err
	}
	n := opts.ReadConns
	if n <= 0 {
		n = 4 * runtime.GOMAXPROCS(0)
	}
	s.r.SetMaxOpenConns(n)
	s.r.SetMaxIdleConns(n)
	s.r.SetConnMaxLifetime(0)
	return s, nil
}

func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("data directory lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("data directory %s is in use by another trialfhir process: %w", dir, err)
	}
	return f, nil
}

// Close closes the database, checkpointing the WAL, and frees the directory.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

// close releases everything once; a second Close would wait forever on
// the stopped committer.
func (s *Store) close() error {
	if s.commits != nil {
		s.commits.stop()
	}
	if s.ckpt != nil {
		s.ckpt.stop()
	}
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	s.bulk.close()
	for _, stmt := range s.ws.all() {
		if stmt != nil {
			_ = stmt.Close()
		}
	}
	if s.w != nil {
		_, _ = s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		errs = append(errs, s.w.Close())
	}
	if s.flock != nil {
		errs = append(errs, s.flock.Close())
	}
	return errors.Join(errs...)
}

// writeStmts are prepared once: parsing SQL was a tenth of a create's CPU.
type writeStmts struct {
	currentVersion, insertHistory, insertResource, updateResource *sql.Stmt
	deleteStrs, deleteRanges                                      *sql.Stmt
}

func (ws *writeStmts) all() []*sql.Stmt {
	return []*sql.Stmt{ws.currentVersion, ws.insertHistory, ws.insertResource, ws.updateResource, ws.deleteStrs, ws.deleteRanges}
}

func (ws *writeStmts) prepare(db *sql.DB) error {
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&ws.currentVersion, `SELECT rid, vid, kh FROM resource WHERE type = ? AND id = ?`},
		{&ws.insertHistory, `INSERT INTO history (type, id, vid, lu, deleted, method, body) VALUES (?, ?, ?, ?, ?, ?, ?)`},
		{&ws.insertResource, `INSERT INTO resource (type, id, vid, hseq, deleted, kh, params) VALUES (?, ?, ?, ?, ?, ?, ?)`},
		{&ws.updateResource, `UPDATE resource SET vid = ?, hseq = ?, deleted = ?, kh = ?, params = ? WHERE rid = ?`},
		{&ws.deleteStrs, `DELETE FROM strs WHERE rid = ?`},
		{&ws.deleteRanges, `DELETE FROM ranges WHERE rid = ?`},
	} {
		stmt, err := db.Prepare(p.sql)
		if err != nil {
			return err
		}
		*p.stmt = stmt
	}
	return nil
}

// Write implements fhir.Store.
func (s *Store) Write(ctx context.Context, r *fhir.Resource, expect int64) error {
	if r.VersionID != expect+1 {
		return fhir.Errorf(fhir.CodeConflict, "version %d does not follow %d", r.VersionID, expect)
	}
	return s.commits.write(ctx, []fhir.Write{{R: r, Expect: expect}})
}

// WriteAll implements fhir.Store: the writes go into one group-commit
// transaction together, so they commit together. Readers use other
// connections, which see the database as of their last commit (WAL
// snapshot isolation): all of a WriteAll or none of it, Search included.
func (s *Store) WriteAll(ctx context.Context, ws []fhir.Write) error {
	if err := fhir.CheckWrites(ws); err != nil {
		return err
	}
	if len(ws) == 0 {
		return nil
	}
	return s.commits.write(ctx, ws)
}

// current is what a write needs of the version it replaces: its rid (0
// when there is none) and its packed key hashes.
type current struct {
	rid    int64
	hashes []byte
}

// writeReq applies the writes of one request inside tx: every version is
// checked first, so a conflict returns before anything is written.
func (s *Store) writeReq(ctx context.Context, tx *sql.Tx, ws []fhir.Write, keys []keyHashSet) error {
	olds := make([]current, len(ws))
	for i, w := range ws {
		var cur int64
		err := tx.StmtContext(ctx, s.ws.currentVersion).QueryRowContext(ctx, w.R.Type, w.R.ID).Scan(&olds[i].rid, &cur, &olds[i].hashes)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return storeErr(err)
		}
		if cur != w.Expect {
			if len(ws) > 1 {
				return fhir.EntryConflict(w, cur)
			}
			return fhir.Errorf(fhir.CodeConflict, "%s is at version %d, not %d", w.R.Ref(), cur, w.Expect)
		}
	}
	var rows indexRows
	for i, w := range ws {
		if err := s.writeOne(ctx, tx, w.R, olds[i], keys[i], &rows); err != nil {
			return storeErr(err)
		}
	}
	return storeErr(rows.insert(ctx, tx, &s.bulk))
}

// writeOne writes one checked version inside the batch transaction tx: the
// version and the pointer to it, and deletes the index of the version
// before (old, when old.rid is not 0); the new index rows go to rows.
func (s *Store) writeOne(ctx context.Context, tx *sql.Tx, r *fhir.Resource, old current, keys keyHashSet, rows *indexRows) error {
	res, err := tx.StmtContext(ctx, s.ws.insertHistory).ExecContext(ctx,
		r.Type, r.ID, r.VersionID, r.LastUpdated.UnixMilli(), r.Deleted, r.Method, r.Body)
	if err != nil {
		return err
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return err
	}
	hashes, blob := keys.hashes, keys.blob
	rid := old.rid
	if rid == 0 {
		res, err := tx.StmtContext(ctx, s.ws.insertResource).ExecContext(ctx, r.Type, r.ID, r.VersionID, seq, r.Deleted, blob, keys.params)
		if err != nil {
			return err
		}
		if rid, err = res.LastInsertId(); err != nil {
			return err
		}
	} else {
		if _, err = tx.StmtContext(ctx, s.ws.updateResource).ExecContext(ctx, r.VersionID, seq, r.Deleted, blob, keys.params, rid); err != nil {
			return err
		}
		if err = s.deleteIndex(ctx, tx, rid, old.hashes); err != nil {
			return err
		}
	}
	if !r.Deleted {
		rows.add(rid, r.Type, &r.Index, hashes)
	}
	return nil
}

// deleteIndex removes the index rows of the resource rid, whose key hashes
// are packed in hashes.
func (s *Store) deleteIndex(ctx context.Context, tx *sql.Tx, rid int64, hashes []byte) error {
	if err := s.bulk.deleteKeys(ctx, tx, rid, unpackHashes(hashes)); err != nil {
		return err
	}
	for _, del := range []*sql.Stmt{s.ws.deleteStrs, s.ws.deleteRanges} {
		if _, err := tx.StmtContext(ctx, del).ExecContext(ctx, rid); err != nil {
			return err
		}
	}
	return nil
}

const versionColumns = `h.type, h.id, h.vid, h.lu, h.deleted, h.method, h.body`

type scanner interface{ Scan(dest ...any) error }

func scanVersion(row scanner, extra ...any) (*fhir.Resource, error) {
	var r fhir.Resource
	var lu int64
	dest := append([]any{&r.Type, &r.ID, &r.VersionID, &lu, &r.Deleted, &r.Method, &r.Body}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	r.LastUpdated = time.UnixMilli(lu).UTC()
	return &r, nil
}

// Read implements fhir.Store.
func (s *Store) Read(ctx context.Context, typ, id string) (*fhir.Resource, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM resource r JOIN history h ON h.seq = r.hseq
		WHERE r.type = ? AND r.id = ?`, typ, id)
	r, err := scanVersion(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fhir.Errorf(fhir.CodeNotFound, "%s/%s is not known", typ, id)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	return r, nil
}

// VRead implements fhir.Store.
func (s *Store) VRead(ctx context.Context, typ, id string, version int64) (*fhir.Resource, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM history h
		WHERE h.type = ? AND h.id = ? AND h.vid = ?`, typ, id, version)
	r, err := scanVersion(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fhir.Errorf(fhir.CodeNotFound, "%s/%s has no version %d", typ, id, version)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	return r, nil
}

func placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.Repeat("?,", n-1) + "?"
}

// storeErr classifies a database error: a busy database or a cancelled
// context is worth retrying; anything else is an internal error. The message
// never holds resource content.
func storeErr(err error) error {
	if err == nil {
		return nil
	}
	var fe *fhir.Error
	if errors.As(err, &fe) {
		return fe
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		strings.Contains(err.Error(), "SQLITE_BUSY") {
		return &fhir.Error{Code: fhir.CodeTransient, Message: "embedded store busy", Err: err}
	}
	return &fhir.Error{Code: fhir.CodeException, Message: "embedded store error", Err: err}
}
