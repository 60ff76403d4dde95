package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/entente/entente"
)

// This file imports and exports a store whose activities are too many to
// hold in memory at once (issue 8: a million activities took the import to
// 2.8 GB and the export to 5.5 GB): the import writes records in parts as
// its reader hands them over, and the export reads activities one row at a
// time. Every other record is few (hundreds of programmes, not millions) and
// is read or written whole.

// ImportStream writes the records fill gives to add into an empty store, in
// one transaction with audit (if not nil); see entente.Store. It is not run
// again after a deadlock, as Update would: fill reads its records once.
// Imports take the exclusive lock first, so two of them do not deadlock.
func (s *Store) ImportStream(ctx context.Context, audit *entente.AuditEvent, fill func(add func(*entente.Dataset) error) error) error {
	if fill == nil {
		return entente.Errorf(entente.EINVALID, "import: no records given")
	}
	defer s.obs.done("import", s.obs.start())
	err := s.update(ctx, func(etx entente.Tx) error {
		return etx.(*tx).importRecords(ctx, audit, fill)
	})
	if err != nil {
		return err
	}
	return s.Analyze(ctx)
}

// importRecords is an import's transaction: the exclusive lock, the check
// that the store is empty, the records fill gives, and the audit event.
func (t *tx) importRecords(ctx context.Context, audit *entente.AuditEvent, fill func(add func(*entente.Dataset) error) error) error {
	if err := t.exclusive(ctx, "import"); err != nil {
		return err
	}
	empty, err := t.empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return entente.Errorf(entente.ECONFLICT, "the store is not empty: import and restore need an empty database")
	}
	// The generator's path: activities go to the database in small
	// batches, as the reader hands them over.
	err = fill(func(ds *entente.Dataset) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return t.AddRecords(ctx, ds)
	})
	if err != nil {
		// Cancelled in the middle of a batch, the import may fail first on
		// what the cancellation closed ("sql: statement is closed"): say
		// why it stopped.
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			return fmt.Errorf("%w: %v", cerr, err)
		}
		return err
	}
	if audit != nil {
		return t.AddAuditEvent(ctx, audit)
	}
	return nil
}

// ExportStream reads the store from one snapshot: every record but the
// activities to base, then the activities one at a time, in canonical
// order, to activity; see entente.Store.
func (s *Store) ExportStream(ctx context.Context, base func(*entente.Dataset) error, activity func(*entente.Activity) error) error {
	defer s.obs.done("export", s.obs.start())
	return s.exportStream(ctx, base, activity)
}

// exportStream is ExportStream without reporting its time.
func (s *Store) exportStream(ctx context.Context, base func(*entente.Dataset) error, activity func(*entente.Activity) error) error {
	sqlTx, err := s.db.BeginTx(ctx, snapshotTx)
	if err != nil {
		return s.d.wrap("begin export", err)
	}
	defer sqlTx.Rollback()
	r := reader{q: sqlTx, d: s.d}
	ds, err := r.dataset(ctx)
	if err != nil {
		return err
	}
	ds.Sort()
	if err := base(ds); err != nil {
		return err
	}
	return r.eachActivity(ctx, activity)
}

// eachActivity calls fn with every activity, in canonical order (by id, byte
// by byte, as Dataset.Sort orders them: the dialect's Binary collation),
// reading one row at a time. An error from fn stops it and comes back
// unchanged.
func (r reader) eachActivity(ctx context.Context, fn func(*entente.Activity) error) error {
	query := "SELECT " + activityCols + prov("t") + " FROM activities t ORDER BY t.id" + r.d.Binary
	var fnErr error
	err := r.each(ctx, "export activities", query, nil, func(rows *sql.Rows) error {
		var a entente.Activity
		if err := rows.Scan(activityDest(&a)...); err != nil {
			return err
		}
		if fnErr = fn(&a); fnErr != nil {
			return fnErr
		}
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	return err
}
