package sqlite

import (
	"database/sql"
	"time"
)

// CheckpointInterval is how often the WAL is copied back into the database
// file.
const CheckpointInterval = time.Second

// MaxWALBytes bounds the WAL. A passive checkpoint never rewinds the WAL
// while commits keep coming, so under a sustained load (a hospital
// backlog) it would grow without end; past this size the writer restarts
// it between two batches (groupCommit.restartWAL), making writers wait for
// the copy and a sync of the database, 0.3-0.8 s. At a quarter of this size
// a Synthea ingest stopped for that ten times and ran 15% slower.
const MaxWALBytes = 256 << 20

// maxWALBytes is MaxWALBytes, changed by a test to see the restart.
var maxWALBytes = MaxWALBytes

// checkpointer runs passive WAL checkpoints on its own connection. SQLite's
// automatic checkpoint runs inside the commit that crosses the threshold, so
// that writer waits for the copy and its fsync (tens to hundreds of
// milliseconds); a passive checkpoint beside the writer never blocks it, and
// durability is unchanged: a commit is in the WAL before it is answered.
type checkpointer struct {
	db        *sql.DB
	full      func() // asks the writer to restart the WAL
	maxFrames int    // MaxWALBytes in frames of the file's page size
	quit      chan struct{}
	done      chan struct{}
}

func startCheckpointer(dsn string, full func()) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	var pageSize int
	if err := db.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		_ = db.Close()
		return nil, err
	}
	c := &checkpointer{db: db, full: full, maxFrames: maxWALBytes / max(pageSize, 512),
		quit: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(CheckpointInterval)
	defer t.Stop()
	for {
		select {
		case <-c.quit:
			return
		case <-t.C:
			// Errors are transient (busy) and the next tick retries.
			var busy, frames, copied int
			if c.db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied) != nil {
				continue
			}
			if frames > c.maxFrames {
				c.full()
			}
		}
	}
}

func (c *checkpointer) stop() {
	close(c.quit)
	<-c.done
	_ = c.db.Close()
}
