package sqlstore

import (
	"context"
	"time"

	"github.com/entente/entente"
)

// tx is an entente.Tx: a reader over the transaction, so its reads see its
// own writes, plus the Put methods.
type tx struct {
	reader
	now func() time.Time
}

// children are the rows of a child table that belong to one record, and the
// condition that selects them, with $1... placeholders.
type children struct {
	t     table
	where string
	args  []any
	rows  [][]any
}

// put inserts or replaces a record's row, then replaces its child rows. The
// row is upserted rather than deleted and reinserted so that rows referring
// to the record (a programme that supersedes it, say) stay valid.
//
// On PostgreSQL a failed statement aborts the whole transaction, so the
// caller should return put's error rather than carry on.
func (t *tx) put(ctx context.Context, op string, tb table, row []any, kids ...children) error {
	if _, err := t.q.ExecContext(ctx, tb.insert(1, true), row...); err != nil {
		return t.d.wrap(op, err)
	}
	for _, k := range kids {
		if _, err := t.q.ExecContext(ctx, "DELETE FROM "+k.t.name+" WHERE "+k.where, k.args...); err != nil {
			return t.d.wrap(op, err)
		}
		if err := t.insertRows(ctx, op, k.t, k.rows); err != nil {
			return err
		}
	}
	return nil
}

// exclusive takes the dialect's exclusive lock, if it has one, for the rest
// of the transaction.
func (t *tx) exclusive(ctx context.Context, op string) error {
	if t.d.ExclusiveLock == "" {
		return nil
	}
	_, err := t.q.ExecContext(ctx, t.d.ExclusiveLock)
	return t.d.wrap(op, err)
}

func nothing(what string) error {
	return entente.Errorf(entente.EINVALID, "put %s: no record given", what)
}

// PutMembership inserts or replaces m with its consents and ratifications.
func (t *tx) PutMembership(ctx context.Context, m *entente.Membership) error {
	if m == nil {
		return nothing("membership")
	}
	return t.put(ctx, "put membership "+m.Alliance+" "+m.Country, membershipsTable, membershipRow(m),
		children{assentsTable, "alliance = $1 AND country = $2", []any{m.Alliance, m.Country}, assentRows(m)})
}

// PutPartnership inserts or replaces p.
func (t *tx) PutPartnership(ctx context.Context, p *entente.Partnership) error {
	if p == nil {
		return nothing("partnership")
	}
	op := "put partnership " + p.Alliance + " " + p.Country + " " + p.Framework
	if err := t.checkPartnership(ctx, op, p); err != nil {
		return err
	}
	return t.put(ctx, op, partnershipsTable, partnershipRow(p))
}

// PutProgramme inserts or replaces p with its areas.
func (t *tx) PutProgramme(ctx context.Context, p *entente.Programme) error {
	if p == nil {
		return nothing("programme")
	}
	if err := t.checkPeriod(ctx, "put programme "+p.ID, p.Alliance, p.Period); err != nil {
		return err
	}
	return t.put(ctx, "put programme "+p.ID, programmesTable, programmeRow(p),
		children{programmeAreasTable, "programme = $1", []any{p.ID}, programmeAreaRows(p)})
}

// PutContribution inserts or replaces c.
func (t *tx) PutContribution(ctx context.Context, c *entente.Contribution) error {
	if c == nil {
		return nothing("contribution")
	}
	if err := t.checkPeriod(ctx, "put contribution "+c.ID, "", c.Period); err != nil {
		return err
	}
	return t.put(ctx, "put contribution "+c.ID, contributionsTable, contributionRow(c))
}

// PutInvitation inserts or replaces in.
func (t *tx) PutInvitation(ctx context.Context, in *entente.Invitation) error {
	if in == nil {
		return nothing("invitation")
	}
	return t.put(ctx, "put invitation "+in.Meeting+" "+in.Country, invitationsTable, invitationRow(in))
}

// AddAuditEvent appends e and sets its ID, and its At to now if zero. At is
// kept in UTC to the microsecond, the precision PostgreSQL stores, so an
// event reads back the same from either engine. If the transaction then
// rolls back, the ID set here names no stored event.
func (t *tx) AddAuditEvent(ctx context.Context, e *entente.AuditEvent) error {
	if e == nil {
		return nothing("audit event")
	}
	at := e.At
	if at.IsZero() {
		at = t.now()
	}
	at = at.UTC().Truncate(time.Microsecond)
	var id int64
	err := t.q.QueryRowContext(ctx, `INSERT INTO audit_events (at, actor, action, entity, entity_key, before_json, after_json)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		at, e.Actor, e.Action, e.Entity, e.Key, e.Before, e.After).Scan(&id)
	if err != nil {
		return t.d.wrap("add audit event", err)
	}
	e.ID, e.At = id, at
	return nil
}

// PutSource inserts or replaces s.
func (t *tx) PutSource(ctx context.Context, s *entente.Source) error {
	if s == nil {
		return nothing("source")
	}
	return t.put(ctx, "put source "+s.ID, sourcesTable, sourceRow(s))
}
