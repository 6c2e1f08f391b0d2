// Package sqlite is the embedded fhir.Store: a SQLite database in one file
// under the data directory, through the pure-Go modernc.org/sqlite driver, so
// the trialfhir binary needs nothing installed.
//
// Why SQLite rather than a key-value engine such as bbolt: the search issues
// need secondary indexes, joins and range scans, which SQLite already has
// and a key-value store would make us write by hand; and in WAL mode with
// synchronous=NORMAL a commit is durable against a killed process (the WAL is
// in the OS page cache) without an fsync per write, which is what makes
// thousands of creates per second possible. Power loss can lose the last
// transactions but never corrupts the file; Options.SyncFull trades
// throughput for durability against that too.
//
// Layout: every version lives once in history (its body with it); resource
// points at the current version of each id and gives it an integer rid;
// keyx holds the hashed search keys, strs the strings and ranges the dates
// and quantities of current, non-deleted resources, by rid (schema.go). Writes go through one connection, one goroutine
// and BEGIN IMMEDIATE transactions that group the writes waiting at the time
// (commit.go), so they are serialised and atomic (a WriteAll is one request
// of a batch: all its writes are checked, then written, in the same
// transaction); reads use a
// pool of connections that WAL lets run beside the writer.
package sqlite
