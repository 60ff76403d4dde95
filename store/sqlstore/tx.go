package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/entente/entente"
)

// tx is an entente.Tx: a reader over the transaction, so its reads see its
// own writes, plus the Lock, Create and Update methods.
type tx struct {
	reader
	now func() time.Time
	// tally holds the activity_tally sums of activities the bulk path
	// wrote and that are not yet written (see flushTally).
	tally tallyDeltas
}

// children are the rows of a child table that belong to one record, and the
// condition that selects them, with $1... placeholders.
type children struct {
	t     table
	where string
	args  []any
	rows  [][]any
}

// create inserts a new record's row and its child rows. A record with the
// same key is a unique violation, which comes back as ECONFLICT: creating
// never replaces. Two transactions creating one key at once cannot both
// succeed, on either engine, whatever they read before: the second insert
// waits for the first transaction and fails once it commits.
//
// On PostgreSQL a failed statement aborts the whole transaction, so the
// caller should return create's error rather than carry on.
func (t *tx) create(ctx context.Context, op string, tb table, row []any, kids ...children) error {
	if _, err := t.q.ExecContext(ctx, tb.insert(1), row...); err != nil {
		return t.d.wrap(op, err)
	}
	for _, k := range kids {
		if err := t.insertRows(ctx, op, k.t, k.rows); err != nil {
			return err
		}
	}
	return nil
}

// update changes an existing record's row in place and replaces its child
// rows; ENOTFOUND if no row has its key. The row is updated rather than
// deleted and reinserted so that rows referring to the record (a programme
// that supersedes it, say) stay valid.
//
// An UPDATE locks the row it changes, but that is too late for a rule that
// read the record earlier in the transaction: the caller takes the record's
// lock (Lock* methods) before reading what the rule reads.
func (t *tx) update(ctx context.Context, op string, tb table, row []any, kids ...children) error {
	res, err := t.q.ExecContext(ctx, tb.update(), row...)
	if err != nil {
		return t.d.wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return t.d.wrap(op, err)
	}
	if n == 0 {
		return entente.Errorf(entente.ENOTFOUND, "%s: no such record to change", op)
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

// lock takes the write lock on the row of tb with key, if there is one,
// until the transaction ends (see Dialect.RowLock). A missing row is not an
// error: there is nothing to lock, and the caller's own find reports it.
func (t *tx) lock(ctx context.Context, op string, tb table, key ...any) error {
	var one int
	err := t.q.QueryRowContext(ctx, "SELECT 1 FROM "+tb.name+" WHERE "+tb.keyWhere()+t.d.RowLock, key...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return t.d.wrap(op, err)
}

// LockAlliance locks an alliance's row: the rules over its memberships and
// its partners' programmes take it (see entente.Tx).
func (t *tx) LockAlliance(ctx context.Context, code string) error {
	return t.lock(ctx, "lock alliance "+code, alliancesTable, code)
}

// LockProgramme locks a programme's row.
func (t *tx) LockProgramme(ctx context.Context, id string) error {
	return t.lock(ctx, "lock programme "+id, programmesTable, id)
}

// LockActivity locks an activity's row.
func (t *tx) LockActivity(ctx context.Context, id string) error {
	return t.lock(ctx, "lock activity "+id, activitiesTable, id)
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
	return entente.Errorf(entente.EINVALID, "write %s: no record given", what)
}

// CreateMembership inserts m with its consents and ratifications.
func (t *tx) CreateMembership(ctx context.Context, m *entente.Membership) error {
	if m == nil {
		return nothing("membership")
	}
	return t.create(ctx, "create membership "+m.Alliance+" "+m.Country, membershipsTable, membershipRow(m),
		children{t: assentsTable, rows: assentRows(m)})
}

// UpdateMembership changes m with its consents and ratifications.
func (t *tx) UpdateMembership(ctx context.Context, m *entente.Membership) error {
	if m == nil {
		return nothing("membership")
	}
	return t.update(ctx, "update membership "+m.Alliance+" "+m.Country, membershipsTable, membershipRow(m),
		children{assentsTable, "alliance = $1 AND country = $2", []any{m.Alliance, m.Country}, assentRows(m)})
}

// CreatePartnership inserts p.
func (t *tx) CreatePartnership(ctx context.Context, p *entente.Partnership) error {
	if p == nil {
		return nothing("partnership")
	}
	op := "create partnership " + p.Alliance + " " + p.Country + " " + p.Framework
	if err := t.checkPartnership(ctx, op, p); err != nil {
		return err
	}
	return t.create(ctx, op, partnershipsTable, partnershipRow(p))
}

// UpdatePartnership changes p.
func (t *tx) UpdatePartnership(ctx context.Context, p *entente.Partnership) error {
	if p == nil {
		return nothing("partnership")
	}
	op := "update partnership " + p.Alliance + " " + p.Country + " " + p.Framework
	if err := t.checkPartnership(ctx, op, p); err != nil {
		return err
	}
	return t.update(ctx, op, partnershipsTable, partnershipRow(p))
}

// CreateProgramme inserts p with its areas.
func (t *tx) CreateProgramme(ctx context.Context, p *entente.Programme) error {
	if p == nil {
		return nothing("programme")
	}
	if err := t.checkPeriod(ctx, "create programme "+p.ID, p.Alliance, p.Period); err != nil {
		return err
	}
	return t.create(ctx, "create programme "+p.ID, programmesTable, programmeRow(p),
		children{t: programmeAreasTable, rows: programmeAreaRows(p)})
}

// UpdateProgramme changes p with its areas.
func (t *tx) UpdateProgramme(ctx context.Context, p *entente.Programme) error {
	if p == nil {
		return nothing("programme")
	}
	if err := t.checkPeriod(ctx, "update programme "+p.ID, p.Alliance, p.Period); err != nil {
		return err
	}
	return t.update(ctx, "update programme "+p.ID, programmesTable, programmeRow(p),
		children{programmeAreasTable, "programme = $1", []any{p.ID}, programmeAreaRows(p)})
}

// CreateContribution inserts c.
func (t *tx) CreateContribution(ctx context.Context, c *entente.Contribution) error {
	if c == nil {
		return nothing("contribution")
	}
	if err := t.checkPeriod(ctx, "create contribution "+c.ID, "", c.Period); err != nil {
		return err
	}
	return t.create(ctx, "create contribution "+c.ID, contributionsTable, contributionRow(c))
}

// UpdateContribution changes c.
func (t *tx) UpdateContribution(ctx context.Context, c *entente.Contribution) error {
	if c == nil {
		return nothing("contribution")
	}
	if err := t.checkPeriod(ctx, "update contribution "+c.ID, "", c.Period); err != nil {
		return err
	}
	return t.update(ctx, "update contribution "+c.ID, contributionsTable, contributionRow(c))
}

// CreateInvitation inserts in.
func (t *tx) CreateInvitation(ctx context.Context, in *entente.Invitation) error {
	if in == nil {
		return nothing("invitation")
	}
	return t.create(ctx, "create invitation "+in.Meeting+" "+in.Country, invitationsTable, invitationRow(in))
}

// UpdateInvitation changes in.
func (t *tx) UpdateInvitation(ctx context.Context, in *entente.Invitation) error {
	if in == nil {
		return nothing("invitation")
	}
	return t.update(ctx, "update invitation "+in.Meeting+" "+in.Country, invitationsTable, invitationRow(in))
}

// EnsureSource inserts s unless a source with its id exists, which is kept
// as it is.
func (t *tx) EnsureSource(ctx context.Context, s *entente.Source) error {
	if s == nil {
		return nothing("source")
	}
	_, err := t.q.ExecContext(ctx, sourcesTable.insertOrKeep(), sourceRow(s)...)
	return t.d.wrap("add source "+s.ID, err)
}

// CreateOperation inserts o; ECONFLICT if an operation with its code exists.
func (t *tx) CreateOperation(ctx context.Context, o *entente.Operation) error {
	if o == nil {
		return nothing("operation")
	}
	if err := t.checkPeriod(ctx, "create operation "+o.Code, o.Alliance, o.Period); err != nil {
		return err
	}
	return t.create(ctx, "create operation "+o.Code, operationsTable, operationRow(o))
}

// UpdateOperation changes o.
func (t *tx) UpdateOperation(ctx context.Context, o *entente.Operation) error {
	if o == nil {
		return nothing("operation")
	}
	if err := t.checkPeriod(ctx, "update operation "+o.Code, o.Alliance, o.Period); err != nil {
		return err
	}
	return t.update(ctx, "update operation "+o.Code, operationsTable, operationRow(o))
}

// CreateFramework inserts f; ECONFLICT if the alliance has one with its code.
func (t *tx) CreateFramework(ctx context.Context, f *entente.Framework) error {
	if f == nil {
		return nothing("framework")
	}
	if err := t.checkPeriod(ctx, "create framework "+f.Alliance+" "+f.Code, f.Alliance, f.Period); err != nil {
		return err
	}
	return t.create(ctx, "create framework "+f.Alliance+" "+f.Code, frameworksTable, frameworkRow(f))
}

// UpdateFramework changes f.
func (t *tx) UpdateFramework(ctx context.Context, f *entente.Framework) error {
	if f == nil {
		return nothing("framework")
	}
	if err := t.checkPeriod(ctx, "update framework "+f.Alliance+" "+f.Code, f.Alliance, f.Period); err != nil {
		return err
	}
	return t.update(ctx, "update framework "+f.Alliance+" "+f.Code, frameworksTable, frameworkRow(f))
}

// CreateGroup inserts g with its members.
func (t *tx) CreateGroup(ctx context.Context, g *entente.Group) error {
	if g == nil {
		return nothing("group")
	}
	return t.create(ctx, "create group "+g.Alliance+" "+g.Code, groupsTable, groupRow(g),
		children{t: groupMembersTable, rows: groupMemberRows(g)})
}

// UpdateGroup changes g with its members.
func (t *tx) UpdateGroup(ctx context.Context, g *entente.Group) error {
	if g == nil {
		return nothing("group")
	}
	return t.update(ctx, "update group "+g.Alliance+" "+g.Code, groupsTable, groupRow(g),
		children{groupMembersTable, "alliance = $1 AND code = $2", []any{g.Alliance, g.Code}, groupMemberRows(g)})
}

// factTables are the tables of the facts LockFact locks, by kind.
var factTables = map[string]table{
	entente.FactOperation:    operationsTable,
	entente.FactFramework:    frameworksTable,
	entente.FactGroup:        groupsTable,
	entente.FactPartnership:  partnershipsTable,
	entente.FactContribution: contributionsTable,
	entente.FactMeeting:      meetingsTable,
	entente.FactInvitation:   invitationsTable,
	entente.FactDefenceEvent: eventsTable,
	entente.FactSource:       sourcesTable,
}

// LockFact locks the row of a fact of kind keyed key.
func (t *tx) LockFact(ctx context.Context, kind string, key ...string) error {
	tb, ok := factTables[kind]
	if !ok || len(key) != tb.keys {
		return entente.Errorf(entente.EINVALID, "lock %s: not a fact with a key of %d part(s)", kind, len(key))
	}
	args := make([]any, len(key))
	for i, k := range key {
		args[i] = k
	}
	return t.lock(ctx, "lock "+kind+" "+strings.Join(key, " "), tb, args...)
}

// CreateSource inserts s; ECONFLICT if a source with its id exists.
func (t *tx) CreateSource(ctx context.Context, s *entente.Source) error {
	if s == nil {
		return nothing("source")
	}
	return t.create(ctx, "create source "+s.ID, sourcesTable, sourceRow(s))
}

// UpdateSource changes s.
func (t *tx) UpdateSource(ctx context.Context, s *entente.Source) error {
	if s == nil {
		return nothing("source")
	}
	return t.update(ctx, "update source "+s.ID, sourcesTable, sourceRow(s))
}

// CreateMeeting inserts m.
func (t *tx) CreateMeeting(ctx context.Context, m *entente.Meeting) error {
	if m == nil {
		return nothing("meeting")
	}
	if err := t.checkPeriod(ctx, "create meeting "+m.ID, m.Alliance, m.Period); err != nil {
		return err
	}
	return t.create(ctx, "create meeting "+m.ID, meetingsTable, meetingRow(m))
}

// UpdateMeeting changes m.
func (t *tx) UpdateMeeting(ctx context.Context, m *entente.Meeting) error {
	if m == nil {
		return nothing("meeting")
	}
	if err := t.checkPeriod(ctx, "update meeting "+m.ID, m.Alliance, m.Period); err != nil {
		return err
	}
	return t.update(ctx, "update meeting "+m.ID, meetingsTable, meetingRow(m))
}

// CreateDefenceEvent inserts e with its requesters.
func (t *tx) CreateDefenceEvent(ctx context.Context, e *entente.DefenceEvent) error {
	if e == nil {
		return nothing("defence event")
	}
	return t.create(ctx, "create defence event "+e.ID, eventsTable, eventRow(e),
		children{t: requestersTable, rows: requesterRows(e)})
}

// UpdateDefenceEvent changes e with its requesters.
func (t *tx) UpdateDefenceEvent(ctx context.Context, e *entente.DefenceEvent) error {
	if e == nil {
		return nothing("defence event")
	}
	return t.update(ctx, "update defence event "+e.ID, eventsTable, eventRow(e),
		children{requestersTable, "event_id = $1", []any{e.ID}, requesterRows(e)})
}
