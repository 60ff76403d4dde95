package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"time"

	"github.com/entente/entente"
)

// auditColumns are the columns of an audit event, in scanEvent's order.
const auditColumns = "id, at, actor, address, action, entity, entity_key, before_json, after_json, prev_hash, hash"

// scanEvent reads a row of auditColumns. Before and After come back as the
// bytes stored, "" as nil: the bytes the hash was computed over.
func scanEvent(rows *sql.Rows) (entente.AuditEvent, error) {
	var e entente.AuditEvent
	var before, after string
	err := rows.Scan(&e.ID, timeCol{&e.At}, &e.Actor, &e.Address, &e.Action, &e.Entity, &e.Key, &before, &after, &e.PrevHash, &e.Hash)
	if before != "" {
		e.Before = json.RawMessage(before)
	}
	if after != "" {
		e.After = json.RawMessage(after)
	}
	return e, err
}

// AddAuditEvent appends e to the audit chain (see entente.Tx). It locks the
// chain's head (audit_chain) until the transaction ends, so that of two
// transactions appending, the second waits for the first to commit and
// then chains onto its event: on SQLite the write transaction holds the
// database's lock anyway. e's ID is the head's plus one, chosen under that
// lock; At is kept in UTC to the microsecond, the precision PostgreSQL
// stores, so that an event reads back, and hashes, the same from either
// engine. If the transaction then rolls back, what was set here names no
// stored event.
func (t *tx) AddAuditEvent(ctx context.Context, e *entente.AuditEvent) error {
	if e == nil {
		return nothing("audit event")
	}
	ev := *e
	var err error
	if ev.Before, err = entente.AuditJSON(ev.Before); err != nil {
		return err
	}
	if ev.After, err = entente.AuditJSON(ev.After); err != nil {
		return err
	}
	if ev.At.IsZero() {
		ev.At = t.now()
	}
	ev.At = ev.At.UTC().Truncate(time.Microsecond)
	head, err := t.lockAuditHead(ctx)
	if err != nil {
		return err
	}
	ev.ID, ev.PrevHash = head.LastID+1, head.LastHash
	ev.Hash = ev.ComputeHash()
	_, err = t.q.ExecContext(ctx, `INSERT INTO audit_events (`+auditColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		ev.ID, ev.At, ev.Actor, ev.Address, ev.Action, ev.Entity, ev.Key, string(ev.Before), string(ev.After), ev.PrevHash, ev.Hash)
	if err != nil {
		return t.d.wrap("add audit event", err)
	}
	if _, err := t.q.ExecContext(ctx, `UPDATE audit_chain SET last_id = $1, last_hash = $2 WHERE id = 1`, ev.ID, ev.Hash); err != nil {
		return t.d.wrap("add audit event", err)
	}
	*e = ev
	return nil
}

// lockAuditHead reads the chain's head, locking it until the transaction
// ends (Dialect.RowLock). On PostgreSQL at READ COMMITTED a locking read
// that waited returns the row as the transaction it waited for left it, so
// the head read is the newest committed one.
func (t *tx) lockAuditHead(ctx context.Context) (entente.AuditHead, error) {
	var h entente.AuditHead
	err := t.q.QueryRowContext(ctx, `SELECT last_id, last_hash FROM audit_chain WHERE id = 1`+t.d.RowLock).Scan(&h.LastID, &h.LastHash)
	return h, t.d.wrap("lock the audit chain", err)
}

// FindAuditEvents returns the audit events f selects, newest first.
func (r reader) FindAuditEvents(ctx context.Context, f entente.AuditFilter) ([]entente.AuditEvent, error) {
	var w where
	w.eq("entity", f.Entity)
	w.eq("entity_key", f.Key)
	w.eq("actor", f.Actor)
	if f.Before > 0 {
		w.add("id < %s", f.Before)
	}
	if f.After > 0 {
		w.add("id > %s", f.After)
	}
	order := " ORDER BY id DESC"
	if f.Oldest {
		order = " ORDER BY id"
	}
	query := "SELECT " + auditColumns + " FROM audit_events" + w.String() + order
	if f.Limit > 0 {
		query += " LIMIT " + strconv.Itoa(f.Limit)
	}
	out := []entente.AuditEvent{}
	err := r.each(ctx, "find audit events", query, w.args, func(rows *sql.Rows) error {
		e, err := scanEvent(rows)
		out = append(out, e)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// WalkAuditEvents calls fn with each audit event, oldest first, until fn
// returns false.
func (r reader) WalkAuditEvents(ctx context.Context, fn func(*entente.AuditEvent) bool) error {
	rows, err := r.q.QueryContext(ctx, "SELECT "+auditColumns+" FROM audit_events ORDER BY id")
	if err != nil {
		return r.d.wrap("read the audit log", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return r.d.wrap("read the audit log", err)
		}
		if !fn(&e) {
			return nil
		}
	}
	return r.d.wrap("read the audit log", rows.Err())
}

// FindAuditHead returns the store's record of the chain's newest event.
func (r reader) FindAuditHead(ctx context.Context) (entente.AuditHead, error) {
	var h entente.AuditHead
	err := r.q.QueryRowContext(ctx, `SELECT last_id, last_hash FROM audit_chain WHERE id = 1`).Scan(&h.LastID, &h.LastHash)
	return h, r.d.wrap("read the audit chain's head", err)
}

// sealAuditEvents is the Go half of migration 0009: it hashes the events
// stored before it, oldest first, into a chain, and records its head. They
// are hashed as stored, so that verifying them later computes the same.
func sealAuditEvents(ctx context.Context, sqlTx querier) error {
	rows, err := sqlTx.QueryContext(ctx, "SELECT "+auditColumns+" FROM audit_events ORDER BY id")
	if err != nil {
		return err
	}
	var evs []entente.AuditEvent
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			rows.Close()
			return err
		}
		evs = append(evs, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	head := entente.AuditHead{LastHash: entente.ZeroHash}
	for _, e := range evs {
		e.PrevHash = head.LastHash
		e.Hash = e.ComputeHash()
		if _, err := sqlTx.ExecContext(ctx, `UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE id = $3`, e.PrevHash, e.Hash, e.ID); err != nil {
			return err
		}
		head = entente.AuditHead{LastID: e.ID, LastHash: e.Hash}
	}
	_, err = sqlTx.ExecContext(ctx, `UPDATE audit_chain SET last_id = $1, last_hash = $2 WHERE id = 1`, head.LastID, head.LastHash)
	return err
}
