// Package sqlite opens an entente store in an SQLite database file, using the
// pure-Go driver modernc.org/sqlite so the binary needs no C toolchain.
//
// SQLite is entente's zero-setup engine: one file, no server. Its weak spot
// is concurrent writers; Open configures the connection (WAL, a busy
// timeout, immediate write transactions) so that writers queue for the lock
// rather than fail, and a writer that waits too long gets EUNAVAILABLE
// ("database is locked by another process") rather than an opaque driver
// error.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/entente/entente"
	"github.com/entente/entente/store/sqlstore"
)

// DefaultBusyTimeout is how long a write waits for another connection's
// write lock before giving up with EUNAVAILABLE.
const DefaultBusyTimeout = 5 * time.Second

// Option changes how Open configures the database.
type Option func(*config)

type config struct {
	busyTimeout time.Duration
	// pragmas are more _pragma parameters for every connection; tests use
	// them to make a database read-only (query_only) or full
	// (max_page_count).
	pragmas []string
}

// BusyTimeout sets how long a statement waits for a lock held by another
// connection before failing with EUNAVAILABLE (default DefaultBusyTimeout).
// Tests use a short one to see the failure without waiting.
func BusyTimeout(d time.Duration) Option {
	return func(c *config) { c.busyTimeout = d }
}

// Open opens (creating if needed) the SQLite database at path and brings its
// schema up to date. The path ":memory:" gives a private in-memory database,
// for tests and trials; it lives as long as the store, on a single
// connection, so inside Update read through the Tx, not the Store, or the
// read waits for the transaction forever.
func Open(ctx context.Context, path string, opts ...Option) (*sqlstore.Store, error) {
	cfg := config{busyTimeout: DefaultBusyTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	if path == "" {
		return nil, entente.Errorf(entente.EINVALID, "no SQLite database path given")
	}
	// The driver reads everything after '?' as its own parameters, and a
	// "file:" name is read as a URI; neither is a plain path.
	if strings.ContainsRune(path, '?') || strings.HasPrefix(path, "file:") {
		return nil, entente.Errorf(entente.EINVALID, "SQLite database path %q: give a plain file path, without '?' or \"file:\"", path)
	}
	db, err := sql.Open("sqlite", path+"?"+dsnParams(cfg))
	if err != nil {
		return nil, entente.Errorf(entente.EINTERNAL, "open SQLite database %s: %v", path, err)
	}
	if path == ":memory:" {
		// Each connection to ":memory:" is a database of its own. One
		// connection, kept open forever, makes the pool one database.
		db.SetMaxOpenConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	} else {
		sizePool(db, PoolSize())
	}
	d := dialect(path)
	s, err := sqlstore.New(ctx, db, d)
	if err != nil {
		db.Close()
		return nil, err
	}
	if path != ":memory:" {
		if fi, err := os.Stat(path); err == nil {
			d.Reachable = sameFile(path, fi)
		}
		// One connection held for the store's life keeps the WAL
		// index the watch reads from being removed and made anew
		// (SQLite removes it when the last connection closes), so
		// the watch never reads a file no writer writes any more.
		pin, err := db.Conn(ctx)
		if err == nil {
			err = pin.PingContext(ctx)
		}
		if err != nil {
			s.Close()
			return nil, entente.Errorf(entente.EINTERNAL, "open SQLite database %s: %v", path, err)
		}
		w := &shmWatch{path: path + "-shm"}
		s.OnClose(func() {
			pin.Close()
			w.close()
		})
		d.Unchanged = w.unchanged
	}
	return s, nil
}

// PoolSize is how many connections a file's store keeps open at most:
// 8 per CPU, the number of requests the web server serves at once by
// default (web.DefaultMaxInFlight), so that each can hold one, even
// while up to that many writers wait their turn for the write lock.
func PoolSize() int { return 8 * runtime.GOMAXPROCS(0) }

// sizePool keeps up to n connections open and, once opened, open: each
// new SQLite connection reads and parses the whole schema, and starts with
// an empty page cache, which under load cost more than the queries
// (database/sql keeps only 2 idle connections by default, so a burst of
// requests opened and closed connections all the time). They open lazily,
// so an idle server holds only the few it used.
func sizePool(db *sql.DB, n int) {
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
}

// sameFile returns a check that path still names the file opened, fi: the
// pool's connections hold that file open, so if it was removed (or its
// directory), or replaced by a restore, they would go on reading it and
// every write would be lost with it.
func sameFile(path string, opened os.FileInfo) func() error {
	return func() error {
		fi, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return entente.Errorf(entente.EUNAVAILABLE, "SQLite database %s was removed (or its directory) since it was opened: restore it and restart", path)
		case err != nil:
			return entente.Errorf(entente.EUNAVAILABLE, "cannot reach SQLite database %s: %v", path, err)
		case !os.SameFile(fi, opened):
			return entente.Errorf(entente.EUNAVAILABLE, "SQLite database %s was replaced by another file since it was opened: restart to open it", path)
		}
		return nil
	}
}

// dsnParams are the driver parameters every connection is opened with. The
// driver runs them on each new connection in the pool, which matters as
// most pragmas are per connection.
func dsnParams(cfg config) string {
	params := []string{
		// Wait this long for another connection's lock instead of failing
		// at once with SQLITE_BUSY: concurrent writers queue.
		fmt.Sprintf("_pragma=busy_timeout(%d)", cfg.busyTimeout.Milliseconds()),
		// Write-ahead logging: readers do not block the writer nor the
		// writer readers, so the web server can serve pages during an
		// import. It is a property of the file and persists.
		"_pragma=journal_mode(WAL)",
		// SQLite does not enforce foreign keys unless asked, per
		// connection; the schema relies on them to refuse records that
		// name unknown countries, alliances, operations or meetings.
		"_pragma=foreign_keys(1)",
		// In WAL mode NORMAL is still safe against corruption and loses
		// at most the last transactions on power loss, not on a crash of
		// the process; FULL would fsync every commit.
		"_pragma=synchronous(NORMAL)",
		// Begin write transactions with BEGIN IMMEDIATE, taking the write
		// lock up front (under busy_timeout). A deferred transaction that
		// reads then writes can hit SQLITE_BUSY at its first write, which
		// waiting cannot resolve. Read-only transactions stay deferred.
		"_txlock=immediate",
		// Read the file through a memory map (up to 1 GiB of it) rather
		// than a read system call per page that a connection's page
		// cache lacks: random reads in a large store (a million
		// activities) spent most of their time in pread, and every
		// connection copied the same pages into a cache of its own. The
		// map is shared by all connections and by processes.
		"_pragma=mmap_size(1073741824)",
		// Write timestamps in one sortable form, which the driver also
		// parses back into time.Time.
		"_time_format=sqlite",
	}
	for _, p := range cfg.pragmas {
		params = append(params, "_pragma="+p)
	}
	return strings.Join(params, "&")
}

// dialect is SQLite's part of the shared SQL: its type names and its errors.
func dialect(path string) *sqlstore.Dialect {
	return &sqlstore.Dialect{
		Name:      "SQLite",
		Bool:      "INTEGER",
		AutoID:    "INTEGER PRIMARY KEY",
		Timestamp: "TIMESTAMP",
		// SQLite cannot announce a change to the other processes
		// sharing the file: every write transaction counts itself, and
		// they read the count (see store/sqlstore, PollChanges).
		Notify:  "UPDATE change_counter SET n = n + 1 WHERE id = 1",
		Changes: "SELECT n FROM change_counter WHERE id = 1",
		Err:     func(err error) *entente.Error { return mapError(path, err) },
		Backup:  backup,
		FTS5:    true,
		// One write lock per file: writers queue in the process, not
		// in the busy timeout.
		SerialWrites: true,
		// Two reads a CPU at once: the pool stays PoolSize (requests
		// that write, stream or search hold connections too), but reads
		// keep to a few connections whose maps of the file are warm.
		ReadSlots: 2 * runtime.GOMAXPROCS(0),
		// The driver prepares every query anew: keep the reads'.
		Prepare: true,
	}
}

// mapError turns a driver error into an entente error, or returns nil for
// errors it does not recognise.
func mapError(path string, err error) *entente.Error {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return nil
	}
	code := e.Code()
	switch code & 0xff { // the primary result code; the rest is the extended code
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return &entente.Error{Code: entente.EUNAVAILABLE,
			Message: "database is locked by another process: try again when it has finished writing"}
	case sqlite3.SQLITE_CANTOPEN:
		return &entente.Error{Code: entente.EUNAVAILABLE,
			Message: fmt.Sprintf("cannot open SQLite database %s: check that its directory exists and is writable", path)}
	case sqlite3.SQLITE_READONLY:
		return &entente.Error{Code: entente.EUNAVAILABLE,
			Message: fmt.Sprintf("the database file %s is read-only: nothing was written; make it, and its directory, writable by this process", path)}
	case sqlite3.SQLITE_FULL:
		// The disk is full, or the file reached its size limit. SQLite
		// rolls the transaction back whole: nothing was written.
		return &entente.Error{Code: entente.EUNAVAILABLE,
			Message: fmt.Sprintf("the database file %s is full: the disk (or the file's size limit) has no room for this write; nothing was written", path)}
	case sqlite3.SQLITE_CONSTRAINT:
		switch code {
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &entente.Error{Code: entente.ECONFLICT,
				Message: "it refers to a record that does not exist (FOREIGN KEY constraint failed)"}
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return &entente.Error{Code: entente.ECONFLICT, Message: "a record with the same key already exists"}
		}
		return &entente.Error{Code: entente.ECONFLICT, Message: "it violates a constraint: " + e.Error()}
	}
	return nil
}
