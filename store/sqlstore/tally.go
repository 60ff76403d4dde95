package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/entente/entente"
)

// This file keeps activity_tally (migration 0025): what TallyActivities
// counts, maintained as activities are written, so that a programme's
// count for a day sums a few hundred rows instead of evaluating statusOn
// and dueBefore over each of its activities.
//
// For a day D of day precision, compared as text with the stored dates as
// statusOn and dueBefore compare them, an activity's pair (status on D,
// due before D) changes only where D reaches one of its breakpoints: a
// step date s (the step is taken when s <= D) or its due key (dueBefore is
// X < D, X the due date brought to its last day, which for a day D, all of
// whose bytes sort after a space, is X+" " <= D). So an activity adds +1 to
// its first pair at the key "" (before every day), and at each breakpoint
// where its pair changes, -1 to the pair before and +1 to the pair after.
// Its count on D is the sum of its deltas at keys <= D.
//
// The deltas are summed by key at three levels: the key's year (level 0),
// its month (level 1; a year's key is its own month bucket), the key itself
// (level 2). A key <= D is counted once by the sum of level 0 over the
// years before D's, level 1 over D's year's months before D's month, and
// level 2 over D's month up to D (TallyActivities): at most a few hundred
// rows per goal and marking, whatever the programme's size.

// tallySteps are the step columns in the order statusOn reads them.
var tallySteps = [...]struct {
	col    string
	status entente.ActivityStatus
}{
	{"cancelled", entente.ActivityCancelled}, {"reported", entente.ActivityReported}, {"held", entente.ActivityHeld},
	{"registration_opened", entente.ActivityRegistrationOpen}, {"invitations_sent", entente.ActivityInvitationsSent},
	{"approved", entente.ActivityApproved}, {"proposed", entente.ActivityProposed},
}

// tallyRow is what the tally reads of an activity's row, as stored: text,
// with a bit of has for each column that is not NULL (bits 0-6 the steps
// in tallySteps order, bit 7 start_date, bit 8 end_date).
type tallyRow struct {
	programme, goal, releasability, status string
	steps                                  [len(tallySteps)]string
	start, end                             string
	has                                    uint16
}

const (
	hasStart = 1 << len(tallySteps)
	hasEnd   = hasStart << 1
)

// tallyRowOf is the tallyRow that activityRow writes for a.
func tallyRowOf(a *entente.Activity) tallyRow {
	r := tallyRow{programme: a.Programme, goal: a.Goal, releasability: a.Releasability.String(), status: string(a.Status)}
	d := &a.Dates
	for i, s := range [...]entente.Date{d.Cancelled, d.Reported, d.Held, d.RegistrationOpened, d.InvitationsSent, d.Approved, d.Proposed} {
		if !s.IsZero() {
			r.steps[i], r.has = dateText(s), r.has|1<<i
		}
	}
	if !a.From.IsZero() {
		r.start, r.has = dateText(a.From), r.has|hasStart
	}
	if !a.To.IsZero() {
		r.end, r.has = dateText(a.To), r.has|hasEnd
	}
	return r
}

// tallyCols are the columns of activities a tallyRow is read from, as
// scanTallyRow reads them.
var tallyCols = func() string {
	cols := []string{"programme", "goal", "releasability", "status"}
	for _, s := range tallySteps {
		cols = append(cols, s.col)
	}
	return strings.Join(append(cols, "start_date", "end_date"), ", ")
}()

// scanTallyRow reads the columns tallyCols lists.
func scanTallyRow(rows interface{ Scan(...any) error }) (tallyRow, error) {
	var r tallyRow
	var goal sql.NullString
	var dates [len(tallySteps) + 2]sql.NullString
	dest := []any{&r.programme, &goal, &r.releasability, &r.status}
	for i := range dates {
		dest = append(dest, &dates[i])
	}
	if err := rows.Scan(dest...); err != nil {
		return r, err
	}
	r.goal = goal.String
	for i, d := range dates {
		if d.Valid {
			r.has |= 1 << i
			switch {
			case i < len(tallySteps):
				r.steps[i] = d.String
			case i == len(tallySteps):
				r.start = d.String
			default:
				r.end = d.String
			}
		}
	}
	return r, nil
}

// dueKey is the first key at which dueBefore holds: the due date brought
// to its last day, then a space; "" when the activity has no due date.
func (r *tallyRow) dueKey() (string, bool) {
	var due string
	switch {
	case r.has&hasEnd != 0:
		due = r.end
	case r.has&hasStart != 0:
		due = r.start
	default:
		return "", false
	}
	switch len(due) {
	case 4:
		due += "-12-31"
	case 7:
		due += "-31"
	}
	return due + " ", true
}

// at is the activity's pair for the days from key k to its next
// breakpoint, as statusOn and dueBefore give it; before every day when
// start is set.
func (r *tallyRow) at(k string, start bool) (string, bool) {
	st, dated := "", false
	for i, s := range r.steps {
		if r.has&(1<<i) == 0 {
			continue
		}
		dated = true
		if !start && s <= k {
			st = string(tallySteps[i].status)
			break
		}
	}
	if !dated {
		st = r.status
	}
	dk, ok := r.dueKey()
	return st, ok && !start && dk <= k
}

// timeline calls emit with the activity's deltas: its first pair at key ""
// and the changes at its breakpoints. Pairs of status "" (not yet
// proposed) are never counted, so they are left out.
func (r *tallyRow) timeline(emit func(key, status string, due bool, n int)) {
	var keys []string
	for i, s := range r.steps {
		if r.has&(1<<i) != 0 {
			keys = append(keys, s)
		}
	}
	if dk, ok := r.dueKey(); ok {
		keys = append(keys, dk)
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	st, due := r.at("", true)
	if st != "" {
		emit("", st, due, 1)
	}
	for _, k := range keys {
		nst, ndue := r.at(k, false)
		if nst == st && ndue == due {
			continue
		}
		if st != "" {
			emit(k, st, due, -1)
		}
		if nst != "" {
			emit(k, nst, ndue, 1)
		}
		st, due = nst, ndue
	}
}

// tallyStatuses are the statuses whose counts a row of activity_tally
// holds side by side: n(2i) counts tallyStatuses[i] not due, n(2i+1) due.
// Their order is the table's (migration 0025), not to change. A row of
// status "" holds them; an activity at a status not among them (an
// undated record of some other status, which a store does not refuse)
// is counted on a row of its own status, in n0 and n1. One row for all
// statuses makes a fifth as many rows as one per status did in a
// generated store of a million activities (833,000 and 4.2 million), and
// so a fifth of the writes that fill it.
var tallyStatuses = [...]entente.ActivityStatus{entente.ActivityProposed, entente.ActivityApproved, entente.ActivityInvitationsSent,
	entente.ActivityRegistrationOpen, entente.ActivityHeld, entente.ActivityReported, entente.ActivityCancelled}

// tallyWidth is how many counts a row of activity_tally holds.
const tallyWidth = 2 * len(tallyStatuses)

// tallyKey is the primary key of a row of activity_tally.
type tallyKey struct {
	programme string
	level     int
	bucket    string
	goal      string
	marking   string
	status    string
}

func (k tallyKey) compare(o tallyKey) int {
	return cmp.Or(strings.Compare(k.programme, o.programme), cmp.Compare(k.level, o.level), strings.Compare(k.bucket, o.bucket),
		strings.Compare(k.goal, o.goal), strings.Compare(k.marking, o.marking), strings.Compare(k.status, o.status))
}

// tallyDeltas are changes to activity_tally's counts, summed by row.
type tallyDeltas map[tallyKey][tallyWidth]int32

// add adds sign times r's deltas.
func (d tallyDeltas) add(r *tallyRow, sign int) {
	r.timeline(func(key, status string, due bool, n int) {
		k := tallyKey{programme: r.programme, goal: r.goal, marking: r.releasability}
		i := slices.Index(tallyStatuses[:], entente.ActivityStatus(status))
		if i < 0 {
			k.status, i = status, 0
		}
		i *= 2
		if due {
			i++
		}
		bump := func(level int, bucket string) {
			k.level, k.bucket = level, bucket
			v := d[k]
			v[i] += int32(sign * n)
			d[k] = v
		}
		bump(0, key[:min(4, len(key))])
		if key == "" {
			// Never read at levels 1 and 2, whose buckets are at
			// least the day's year.
			return
		}
		bump(1, key[:min(7, len(key))])
		bump(2, key)
	})
}

// tallyBatchRows is how many rows one upsert of activity_tally carries.
const tallyBatchRows = 100

// tallyKeyCols are the columns of activity_tally's primary key.
const tallyKeyCols = "programme, level, bucket, goal, releasability, status"

// tallyCounts lists the count columns, each as format makes it of its
// name: "n0, n1, ..." for "%s".
func tallyCounts(format string) string {
	cols := make([]string, tallyWidth)
	for i := range cols {
		cols[i] = strings.ReplaceAll(format, "%s", fmt.Sprintf("n%d", i))
	}
	return strings.Join(cols, ", ")
}

// writeTally adds d to activity_tally, in the order of its primary key:
// two transactions that upsert rows of one programme lock them in the
// same order on PostgreSQL, so neither waits for a row the other is
// waiting to lock after it. Rows whose counts return to zero are kept:
// they are few (a programme's keys are days, bounded by its calendar), a
// later write is likely to use them again, and deleting them would take
// another statement per write.
func (t *tx) writeTally(ctx context.Context, op string, d tallyDeltas) error {
	keys := make([]tallyKey, 0, len(d))
	for k, v := range d {
		if v != ([tallyWidth]int32{}) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, tallyKey.compare)
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for len(keys) > 0 {
		n := min(tallyBatchRows, len(keys))
		args := make([]any, 0, (6+tallyWidth)*n)
		for _, k := range keys[:n] {
			args = append(args, k.programme, k.level, k.bucket, k.goal, k.marking, k.status)
			for _, c := range d[k] {
				args = append(args, c)
			}
		}
		var err error
		if n == tallyBatchRows {
			if full == nil {
				if full, err = t.q.PrepareContext(ctx, t.bulkSQL(tallyUpsert(n))); err != nil {
					return t.d.wrap(op, err)
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = t.q.ExecContext(ctx, t.bulkSQL(tallyUpsert(n)), args...)
		}
		if err != nil {
			return t.d.wrap(op, err)
		}
		keys = keys[n:]
	}
	return nil
}

// tallyFlushAt is how many rows of sums the bulk path (insertActivities)
// holds before it writes them: the batches of an import or a generated
// store add to the same rows (a programme's years and months, its busy
// days), which are written once for many batches. At about 100 bytes a
// row, a few tens of megabytes.
const tallyFlushAt = 1 << 18

// flushTally writes the sums the bulk path holds, if any. The transaction
// writes them before it commits (Store.update), and before it reads the
// tally (TallyActivities).
func (t *tx) flushTally(ctx context.Context) error {
	if len(t.tally) == 0 {
		return nil
	}
	d := t.tally
	t.tally = nil
	return t.writeTally(ctx, "add activities", d)
}

// TallyActivities is the reader's, after the sums the transaction holds
// are written, so that it counts the transaction's own activities.
func (t *tx) TallyActivities(ctx context.Context, f entente.ActivityFilter, day entente.Date) ([]entente.ActivityCount, error) {
	if err := t.flushTally(ctx); err != nil {
		return nil, err
	}
	return t.reader.TallyActivities(ctx, f, day)
}

// tallyUpsert adds n rows' counts to activity_tally.
func tallyUpsert(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO activity_tally (" + tallyKeyCols + ", " + tallyCounts("%s") + ") VALUES ")
	per := 6 + tallyWidth
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range per {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "$%d", i*per+j+1)
		}
		b.WriteByte(')')
	}
	b.WriteString(" ON CONFLICT (" + tallyKeyCols + ") DO UPDATE SET " + tallyCounts("%s = activity_tally.%s + excluded.%s"))
	return b.String()
}

// oldTallyRow reads what the tally counted of activity id before it is
// changed, locking its row (Dialect.RowLock) so that what is subtracted
// is what the update replaces; false when there is no such activity.
func (t *tx) oldTallyRow(ctx context.Context, op, id string) (tallyRow, bool, error) {
	r, err := scanTallyRow(t.q.QueryRowContext(ctx, "SELECT "+tallyCols+" FROM activities WHERE id = $1"+t.d.RowLock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, t.d.wrap(op, err)
	}
	return r, true, nil
}

// fillTally is migration 0025's step: it counts every existing activity
// into activity_tally, a programme at a time. A programme's activities are
// read through the index of migration 0024, which holds every column the
// tally reads, in one pass over its part of the index; its rows are then
// written in key order, after the rows of the programmes before it, so
// that the table grows at its end. One programme's sums are tens of
// thousands of rows (21,000 for 25,000 generated activities), where a
// store's are up to millions.
func fillTally(ctx context.Context, t *tx) error {
	var progs []string
	rows, err := t.q.QueryContext(ctx, "SELECT DISTINCT programme FROM activities")
	if err != nil {
		return err
	}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return err
		}
		progs = append(progs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	slices.Sort(progs)
	for _, p := range progs {
		// The sums are written once the rows are read: pgx cannot
		// run a statement on a connection while it reads a result.
		rows, err := t.q.QueryContext(ctx, "SELECT "+tallyCols+" FROM activities WHERE programme = $1", p)
		if err != nil {
			return err
		}
		d := tallyDeltas{}
		for rows.Next() {
			r, err := scanTallyRow(rows)
			if err != nil {
				rows.Close()
				return err
			}
			d.add(&r, 1)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := t.writeTally(ctx, "fill activity_tally for "+p, d); err != nil {
			return err
		}
	}
	return nil
}

// tallyMaintained reports whether TallyActivities can read f's count on
// day from activity_tally: one programme, perhaps one goal and a viewer
// (conditions the table's columns answer), and a day of day precision
// written as YYYY-MM-DD, which the three levels' buckets are cut for.
func tallyMaintained(f entente.ActivityFilter, day entente.Date) bool {
	return f.Programme != "" && f.ID == "" && f.Status == "" && f.Offer == "" &&
		day.Day != 0 && day.Month != 0 && day.Year >= 1 && day.Year <= 9999
}

// tallyFromTable is TallyActivities from activity_tally.
func (r reader) tallyFromTable(ctx context.Context, f entente.ActivityFilter, day entente.Date) ([]entente.ActivityCount, error) {
	w := activityWhere(entente.ActivityFilter{Programme: f.Programme, Goal: f.Goal, Viewer: f.Viewer})
	d := dateText(day)
	w.args = append(w.args, d[:4], d[:7], d)
	y, m, dd := fmt.Sprintf("$%d", len(w.args)-2), fmt.Sprintf("$%d", len(w.args)-1), fmt.Sprintf("$%d", len(w.args))
	b := "t.bucket" + r.d.Binary
	part := func(cond string) string {
		return "SELECT t.goal, t.status, " + tallyCounts("t.%s") + " FROM activity_tally t" + w.String() + " AND " + cond
	}
	query := "SELECT goal, status, " + tallyCounts("SUM(%s)") + " FROM (" +
		part("t.level = 0 AND "+b+" < "+y) + " UNION ALL " +
		part("t.level = 1 AND "+b+" >= "+y+" AND "+b+" < "+m) + " UNION ALL " +
		part("t.level = 2 AND "+b+" >= "+m+" AND "+b+" <= "+dd) +
		") x GROUP BY goal, status"
	out := []entente.ActivityCount{}
	err := r.each(ctx, "tally activities", query, w.args, func(rows *sql.Rows) error {
		var goal, status string
		var n [tallyWidth]int64
		dest := []any{&goal, &status}
		for i := range n {
			dest = append(dest, &n[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i, c := range n {
			if c == 0 {
				continue
			}
			st := tallyStatuses[i/2]
			if status != "" {
				st = entente.ActivityStatus(status)
			}
			out = append(out, entente.ActivityCount{Goal: goal, Status: st, Due: i%2 == 1, N: int(c)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	entente.SortCounts(out)
	return out, nil
}
