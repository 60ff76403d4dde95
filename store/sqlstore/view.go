package sqlstore

import (
	"context"
	"database/sql"

	"github.com/entente/entente"
)

// snapshotTx are the options of a read transaction that sees one snapshot.
//
// PostgreSQL begins it as BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY:
// the snapshot is taken at the first statement and every later statement
// reads from it (at the default READ COMMITTED each statement would take a
// snapshot of its own). The transaction is read-only, so it takes no row
// locks and can never fail with a serialization error.
//
// SQLite begins it as a deferred transaction (the driver's BEGIN IMMEDIATE
// is for write transactions only): the first read takes a shared lock on
// one WAL snapshot, and later reads see that snapshot even after another
// connection commits. SQLite's isolation is serializable in any case, so it
// accepts the requested level.
var snapshotTx = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}

// View runs fn in one read-only transaction, so all of fn's reads come from
// one snapshot of the store, whatever others commit meanwhile. fn's error
// comes back unchanged. The transaction is always rolled back: it has
// nothing to commit, and ending it promptly lets SQLite checkpoint its WAL.
//
// On an SQLite ":memory:" store, which has a single connection, call View
// neither inside Update nor inside another View: the inner one would wait
// for the connection forever.
func (s *Store) View(ctx context.Context, fn func(entente.Reader) error) error {
	defer s.obs.done("view", s.obs.start())
	defer s.readSlot(ctx)()
	sqlTx, err := s.db.BeginTx(ctx, snapshotTx)
	if err != nil {
		return s.d.wrap("begin read transaction", err)
	}
	defer sqlTx.Rollback()
	r := reader{q: sqlTx, d: s.d, stmts: s.stmts}
	if s.memo != nil {
		// The counter as this transaction's snapshot has it: the first
		// read, which also fixes the snapshot on SQLite.
		var gen int64
		if err := r.scanOne(ctx, "read the change counter", s.d.Changes, &gen); err != nil {
			return err
		}
		r.memo = &memoView{m: s.memo, gen: gen}
	}
	return fn(r)
}
