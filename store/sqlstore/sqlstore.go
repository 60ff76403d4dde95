// Package sqlstore implements entente.Store once, over database/sql, for both
// SQLite and PostgreSQL.
//
// The SQL is written once, with $1-style placeholders that both engines
// accept, and the schema is rendered from one set of migration templates. What
// differs between the engines is small enough to fit in a Dialect: a few type
// names for the schema, a lock statement, and how the driver reports errors.
// Keeping one implementation is what keeps the engines from drifting apart:
// a query that works on only one of them fails the shared test suite
// (store/storetest) on the other.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/entente/entente"
)

// Dialect is what the SQL engines do differently. The packages store/sqlite
// and store/postgres each fill one in.
type Dialect struct {
	// Name names the engine in messages: "SQLite" or "PostgreSQL".
	Name string

	// Bool, AutoID and Timestamp are the schema tokens the migration
	// templates use as {{bool}}, {{autoid}} and {{timestamp}}: the column
	// type of a boolean, the definition of an auto-incrementing integer
	// primary key, and the type of a point in time.
	Bool, AutoID, Timestamp string

	// ExclusiveLock, if set, is run first in the transactions that must not
	// interleave with another process's (migrations and imports). SQLite
	// needs none, as its write transactions begin with an exclusive write
	// lock already (BEGIN IMMEDIATE); PostgreSQL takes an advisory lock.
	ExclusiveLock string

	// RowLock, if set, is appended to a SELECT of one row to lock it for
	// the rest of the transaction (Tx.Lock*). PostgreSQL's transactions run
	// at READ COMMITTED, where a rule checked by reading and then writing
	// is not true at commit unless what it read is locked: " FOR NO KEY
	// UPDATE", which excludes other writers of the row but not the KEY
	// SHARE locks that foreign-key checks of rows referring to it take.
	// SQLite needs none: a write transaction holds the whole database's
	// write lock from BEGIN IMMEDIATE to its end.
	RowLock string

	// Binary, if set, follows a text column in ORDER BY to order it byte
	// by byte, as Go compares strings and as Dataset.Sort orders records
	// (PostgreSQL: ` COLLATE "C"`, as a database's default collation may
	// order by language; SQLite's default, BINARY, needs none).
	Binary string

	// Analyze, if set, is run after a bulk write (an import, a generated
	// store), outside any transaction, so that the planner knows the
	// tables' sizes (PostgreSQL: VACUUM (ANALYZE) of the large tables,
	// which also marks their pages all-visible for index-only scans,
	// whatever the server's autovacuum does). SQLite's planner works from
	// the indexes alone here: statistics would change plans the
	// benchmarks have not measured.
	Analyze string

	// WriteTx are the options write transactions begin with (nil: the
	// driver's defaults).
	WriteTx *sql.TxOptions

	// Retry, if set, reports whether err means the database aborted the
	// transaction only to let another one go ahead (a deadlock broken, a
	// serialisation failure), so that running it again may succeed.
	Retry func(err error) bool

	// Notify, if set, is run in every committed write transaction to tell
	// other processes sharing the database that records changed
	// (PostgreSQL: NOTIFY, delivered on commit; SQLite: one added to a
	// counter that the others read, see Changes).
	Notify string

	// Changes, if set, is a query returning one integer that moves with
	// every committed write transaction, by any process (SQLite: the
	// change counter that its Notify bumps). PollChanges reads it, so a
	// process learns of others' changes when it looks. Without it, the
	// engine announces changes itself (PostgreSQL: LISTEN/NOTIFY).
	Changes string

	// Unchanged, if set, is a cheaper test run before the Changes query:
	// it returns true only when no transaction can have been committed
	// since the last time it returned false, so the query can be skipped.
	Unchanged func() bool

	// Err turns a driver error into an *entente.Error with a message a
	// user can act on, or returns nil when it does not recognise the error,
	// which then becomes EINTERNAL.
	Err func(err error) *entente.Error

	// Prepare keeps the read queries' statements prepared on each
	// connection (see stmtCache), for a driver that does not itself.
	Prepare bool

	// Reachable, if set, is checked by Ping besides the driver: SQLite's
	// open connections go on reading a file that was removed or replaced,
	// so it checks that its path still names the file it opened.
	Reachable func() error

	// SerialWrites makes the store's writers take turns in the process
	// before they begin: SQLite has one write lock per file, and writers
	// that wait for it inside the engine give up after its busy timeout,
	// where writers queued in Go wait as long as their context allows.
	// The busy timeout then only ever waits for other processes.
	SerialWrites bool

	// ReadSlots, if set, is how many reads run at once (Views, and the
	// store's own queries outside a transaction); others wait their turn,
	// for readWait at most (then go on: a read nested in another never
	// waits for itself). SQLite maps the file anew in each
	// connection, so every connection in use pays a page fault for each
	// page it touches first: few connections kept hot answer random
	// reads faster, and with a shorter tail, than many taking turns.
	ReadSlots int

	// FTS5 is set for SQLite, whose full-text search is an FTS5 table;
	// otherwise it is PostgreSQL's tsvector (see Store.Search).
	FTS5 bool

	// OneShot, if set, goes first among the arguments of a query whose
	// SQL is made for one search (its words written into it): for pgx,
	// pgx.QueryExecModeExec, which sends it in one round trip and does not
	// keep it among the connection's prepared statements.
	OneShot any

	// Backup, if set, copies the whole database, consistent as of one
	// moment, into a new file at path while the pool goes on serving (see
	// entente.FileBackuper); without it BackupFile returns
	// entente.ErrNoFileBackup.
	Backup func(ctx context.Context, db *sql.DB, path string, progress func(done, total int64)) error
}

// Store is an entente.Store over a *sql.DB. Its read methods come from the
// embedded reader, which runs them outside any transaction.
type Store struct {
	reader
	db  *sql.DB
	now func() time.Time
	changes
	poll   poller
	obs    observers
	closed atomic.Bool
	stmts  *stmtCache
	// memo holds the small kinds of record for Views, on a dialect with
	// a change counter (see memo).
	memo *memo
	// writes holds a token while a writer's transaction is open, when
	// the dialect's writes are serial (see Dialect.SerialWrites).
	writes chan struct{}
	// reads holds a token for each read running, when the dialect
	// bounds them (see Dialect.ReadSlots).
	reads chan struct{}
}

var (
	_ entente.Store        = (*Store)(nil)
	_ entente.FileBackuper = (*Store)(nil)
	_ entente.Tx           = (*tx)(nil)
)

// New returns a Store over db, after checking that the database answers and
// bringing its schema up to date. The caller keeps ownership of db until New
// succeeds; from then on Store.Close closes it.
func New(ctx context.Context, db *sql.DB, d *Dialect) (*Store, error) {
	s := &Store{db: db, now: time.Now}
	if d.SerialWrites {
		s.writes = make(chan struct{}, 1)
	}
	if d.ReadSlots > 0 {
		s.reads = make(chan struct{}, d.ReadSlots)
	}
	if d.Prepare {
		s.stmts = newStmtCache(db)
	}
	s.reader = reader{q: db, d: d, obs: &s.obs, stmts: s.stmts}
	if s.reads != nil {
		s.reader.slot = s.readSlot
	}
	if d.Changes != "" {
		s.memo = &memo{}
	}
	if err := s.Ping(ctx); err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	if err := s.poll.start(ctx, s); err != nil {
		return nil, err
	}
	return s, nil
}

// Ping checks the database answers: EUNAVAILABLE if it does not, or if the
// store was closed.
func (s *Store) Ping(ctx context.Context) error {
	defer s.obs.done("ping", s.obs.start())
	if s.closed.Load() {
		return entente.Errorf(entente.EUNAVAILABLE, "the %s store is closed", s.d.Name)
	}
	if s.d.Reachable != nil {
		if err := s.d.Reachable(); err != nil {
			return err
		}
	}
	return s.d.wrap("ping", s.db.PingContext(ctx))
}

// BackupFile copies the whole database into a new file at path, if the
// engine can (entente.FileBackuper).
func (s *Store) BackupFile(ctx context.Context, path string, progress func(done, total int64)) error {
	if s.d.Backup == nil {
		return entente.ErrNoFileBackup
	}
	if s.closed.Load() {
		return entente.Errorf(entente.EUNAVAILABLE, "the %s store is closed", s.d.Name)
	}
	if progress == nil {
		progress = func(done, total int64) {}
	}
	return s.d.Backup(ctx, s.db, path, progress)
}

// Writable returns nil if the store can be written now, else the error a
// write would get (EUNAVAILABLE: a read-only SQLite file, a read-only
// PostgreSQL replica). It writes nothing: its statement matches no row,
// and its transaction is rolled back.
func (s *Store) Writable(ctx context.Context) error {
	sqlTx, done, err := s.beginWrite(ctx)
	if err != nil {
		return s.d.wrap("begin", err)
	}
	defer done()
	defer sqlTx.Rollback()
	_, err = sqlTx.ExecContext(ctx, `DELETE FROM schema_migrations WHERE name IS NULL`)
	return s.d.wrap("check the database can be written", err)
}

// Close closes the database handle.
func (s *Store) Close() error {
	s.closed.Store(true)
	s.changes.close()
	s.stmts.close()
	return s.d.wrap("close", s.db.Close())
}

// Update runs fn in one transaction and commits it if fn returns nil; an
// error from fn comes back unchanged, after the transaction is rolled back.
//
// Concurrency. Every rule that reads before it writes takes a lock on what
// it reads first (see entente.Tx), so that it is still true at commit. That
// was chosen over SERIALIZABLE isolation with retries: SERIALIZABLE would
// abort, rather than queue, two proposals under one programme (both read
// its activities to choose an id) and nearly every other pair of writers
// on one record, so under load most attempts would be retries; row locks
// make them wait their turn and run once. They also match what SQLite
// does, whose write transactions (BEGIN IMMEDIATE, see store/sqlite) hold
// the database's write lock from the start, so that two writers queue on
// the lock and every rule is checked against the latest commit.
//
// A use case takes one lock, or locks in a fixed order, so deadlocks should
// not happen; if the database still aborts a transaction to break one, or
// for a serialisation failure (a server configured to default to
// SERIALIZABLE), fn runs again, at most maxAttempts times in all, after
// which the error is EUNAVAILABLE: try again later.
//
// Each abort is reported to the observers (see Observe), retried or not.
func (s *Store) Update(ctx context.Context, fn func(entente.Tx) error) error {
	defer s.obs.done("update", s.obs.start())
	return s.retrying(ctx, fn)
}

// retrying is Update without reporting its time.
func (s *Store) retrying(ctx context.Context, fn func(entente.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.update(ctx, fn)
		if err == nil || s.d.Retry == nil || !s.d.Retry(err) {
			return err
		}
		if attempt == maxAttempts {
			s.obs.aborted(false)
			return &entente.Error{Code: entente.EUNAVAILABLE, Err: err,
				Message: fmt.Sprintf("%s aborted the transaction %d times to let others finish: try again", s.d.Name, attempt)}
		}
		select {
		case <-ctx.Done():
			s.obs.aborted(false)
			return s.d.wrap("retry", ctx.Err())
		case <-time.After(time.Duration(attempt*attempt) * 10 * time.Millisecond):
		}
		s.obs.aborted(true)
	}
}

// writeWait is how long a writer waits for its turn when writes are
// serial: longer than any one request's write, far shorter than the
// server's write timeout.
const writeWait = 30 * time.Second

// readWait is how long a read waits for a slot when the dialect bounds
// reads at once (Dialect.ReadSlots) before it goes on without one.
const readWait = 100 * time.Millisecond

// readSlot takes one of the store's read slots, waiting readWait at most,
// and returns its release. A read that waited longer (nested in another,
// or behind a queue of long ones) goes on without a slot: the bound keeps
// few connections hot, it is never a lock.
func (s *Store) readSlot(ctx context.Context) (release func()) {
	if s.reads == nil {
		return func() {}
	}
	select {
	case s.reads <- struct{}{}:
		return func() { <-s.reads }
	default:
	}
	wait := time.NewTimer(readWait)
	defer wait.Stop()
	select {
	case s.reads <- struct{}{}:
		return func() { <-s.reads }
	case <-wait.C:
	case <-ctx.Done():
	}
	return func() {}
}

// maxAttempts is how many times Update runs a transaction the database
// aborted to break a deadlock or a serialisation failure.
const maxAttempts = 4

// update is one attempt of Update.
func (s *Store) update(ctx context.Context, fn func(entente.Tx) error) error {
	sqlTx, done, err := s.beginWrite(ctx)
	if err != nil {
		return s.d.wrap("begin transaction", err)
	}
	defer done()
	// Rollback after a successful Commit is a no-op; it also runs if fn
	// panics, so the connection goes back to the pool clean.
	defer sqlTx.Rollback()
	t := &tx{reader: reader{q: sqlTx, d: s.d, stmts: s.stmts}, now: s.now}
	if err := fn(t); err != nil {
		return err
	}
	if err := t.flushTally(ctx); err != nil {
		return err
	}
	// A write made for a request with an Idempotency-Key commits with its
	// key's committed mark, or not at all (see entente.IdempotencyKey).
	if err := claimIdempotencyKey(ctx, sqlTx, s.d); err != nil {
		return err
	}
	if s.d.Notify != "" {
		if _, err := sqlTx.ExecContext(ctx, s.d.Notify); err != nil {
			return s.d.wrap("notify", err)
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return s.d.wrap("commit", err)
	}
	s.Changed()
	return nil
}

// Empty reports whether the store holds no records. Audit events do not
// count: they describe changes to records, they are not records themselves.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	defer s.obs.done("empty", s.obs.start())
	return s.reader.empty(ctx)
}

// Import writes a whole dataset into an empty store in one transaction,
// together with audit (if not nil). It returns ECONFLICT if the store is not
// empty, and leaves the store unchanged on any error.
func (s *Store) Import(ctx context.Context, ds *entente.Dataset, audit *entente.AuditEvent) error {
	if ds == nil {
		return entente.Errorf(entente.EINVALID, "import: no dataset given")
	}
	defer s.obs.done("import", s.obs.start())
	err := s.retrying(ctx, func(etx entente.Tx) error {
		return etx.(*tx).importRecords(ctx, audit, func(add func(*entente.Dataset) error) error { return add(ds) })
	})
	if err != nil {
		return err
	}
	return s.Analyze(ctx)
}

// Analyze refreshes what the database plans its queries by after a bulk
// write (Dialect.Analyze); see entente.Store.
func (s *Store) Analyze(ctx context.Context) error {
	if s.d.Analyze == "" {
		return nil
	}
	_, err := s.db.ExecContext(ctx, s.d.Analyze)
	return s.d.wrap("analyze", err)
}

// Export reads the whole store as a dataset in canonical order. It reads in
// one read-only transaction, so the dataset is a consistent snapshot even
// while others write.
func (s *Store) Export(ctx context.Context) (*entente.Dataset, error) {
	defer s.obs.done("export", s.obs.start())
	var ds *entente.Dataset
	err := s.exportStream(ctx, func(base *entente.Dataset) error {
		ds = base
		return nil
	}, func(a *entente.Activity) error {
		ds.Activities = append(ds.Activities, *a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ds, nil
}

// beginWrite begins a write transaction, after waiting for the writer
// before it in this process to finish when the dialect's writes are
// serial: at most writeWait, then EUNAVAILABLE (a 503 with Retry-After).
// The caller calls done after it committed or rolled back.
func (s *Store) beginWrite(ctx context.Context) (tx *sql.Tx, done func(), err error) {
	done = func() {}
	if s.writes != nil {
		wait := time.NewTimer(writeWait)
		defer wait.Stop()
		select {
		case s.writes <- struct{}{}:
			done = func() { <-s.writes }
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-wait.C:
			return nil, nil, &entente.Error{Code: entente.EUNAVAILABLE,
				Message: fmt.Sprintf("the %s database is busy: other writers held it for %v; try again", s.d.Name, writeWait)}
		}
	}
	tx, err = s.db.BeginTx(ctx, s.d.WriteTx)
	if err != nil {
		done()
		return nil, nil, err
	}
	return tx, done, nil
}
