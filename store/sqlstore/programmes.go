package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/entente/entente"
)

// This file stores programme structure, the cooperation menu, activities
// and reviews (migration 0002_programmes.sql).

var (
	objectivesTable = table{"objectives", []string{"programme", "code", "area", "title", "synthetic", "sources", "note", "unconfirmed", "releasability", "quotes"}, 2}
	goalsTable      = table{"goals", []string{"programme", "code", "objective", "title", "carried_from", "synthetic", "sources", "note", "unconfirmed", "releasability", "quotes"}, 2}
	indicatorsTable = table{"indicators", []string{"programme", "goal", "pos", "name", "unit", "baseline", "target", "current_value", "due"}, 3}
	offersTable     = table{"offers", []string{"code", "title", "area", "kind", "provider", "capacity", "location", "start_date", "end_date", "recurrence", "synthetic", "sources", "note", "unconfirmed", "releasability", "quotes"}, 1}
	activitiesTable = table{"activities", []string{"id", "programme", "goal", "offer", "title", "kind", "proposer", "location", "start_date", "end_date",
		"capacity", "status", "invited", "registrations", "outcome", "participants", "feedback", "cancel_reason",
		"proposed", "approved", "invitations_sent", "registration_opened", "held", "reported", "cancelled",
		"synthetic", "sources", "note", "unconfirmed", "releasability", "quotes"}, 1}
	reviewsTable = table{"reviews", []string{"id", "programme", "review_date", "note_text", "actor", "snapshot", "synthetic", "sources", "note", "unconfirmed", "releasability", "quotes"}, 1}
)

func objectiveRow(o *entente.Objective) []any {
	return append([]any{o.Programme, o.Code, o.Area, o.Title, o.Synthetic}, provArgs(&o.Provenance)...)
}

func goalRow(g *entente.Goal) []any {
	return append([]any{g.Programme, g.Code, g.Objective, g.Title, g.CarriedFrom, g.Synthetic}, provArgs(&g.Provenance)...)
}

func indicatorRows(g *entente.Goal) [][]any {
	var rows [][]any
	for i, in := range g.Indicators {
		rows = append(rows, []any{g.Programme, g.Code, i, in.Name, in.Unit, in.Baseline, in.Target, in.Current, dateArg(in.Due)})
	}
	return rows
}

func offerRow(o *entente.Offer) []any {
	return append([]any{o.Code, o.Title, refArg(o.Area), o.Kind, o.Provider, o.Capacity, o.Location,
		dateArg(o.From), dateArg(o.To), o.Recurrence, o.Synthetic}, provArgs(&o.Provenance)...)
}

// registrationsArg encodes registrations as the JSON array json.Marshal
// would write, by hand: it runs for every one of millions of generated
// activities, where reflection showed in profiles.
func registrationsArg(rs []entente.Registration) string {
	if len(rs) == 0 {
		return "[]"
	}
	b := make([]byte, 0, 64*len(rs))
	b = append(b, '[')
	for i, r := range rs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"country":`...)
		b = entente.AppendJSONString(b, r.Country)
		b = append(b, `,"participants":`...)
		b = strconv.AppendInt(b, int64(r.Participants), 10)
		if !r.Date.IsZero() {
			b = append(b, `,"date":"`...)
			b, _ = r.Date.AppendText(b)
			b = append(b, '"')
		}
		b = append(b, '}')
	}
	return string(append(b, ']'))
}

// dateText is Date.String without fmt, for the bulk path.
func dateText(d entente.Date) string {
	if d.IsZero() {
		return ""
	}
	var b [10]byte
	pad := func(p []byte, n, w int) {
		for i := w - 1; i >= 0; i-- {
			p[i] = byte('0' + n%10)
			n /= 10
		}
	}
	if d.Year > 9999 {
		return d.String()
	}
	pad(b[0:4], d.Year, 4)
	if d.Month == 0 {
		return string(b[:4])
	}
	b[4] = '-'
	pad(b[5:7], int(d.Month), 2)
	if d.Day == 0 {
		return string(b[:7])
	}
	b[7] = '-'
	pad(b[8:10], d.Day, 2)
	return string(b[:])
}

// fastDate is dateArg through dateText.
func fastDate(d entente.Date) any {
	if d.IsZero() {
		return nil
	}
	return dateText(d)
}

func activityRow(a *entente.Activity) []any {
	d := &a.Dates
	return append([]any{a.ID, a.Programme, refArg(a.Goal), refArg(a.Offer), a.Title, a.Kind, a.Proposer, a.Location,
		fastDate(a.From), fastDate(a.To), a.Capacity, string(a.Status), listArg(a.Invited), registrationsArg(a.Registrations),
		a.Outcome, a.Participants, a.Feedback, a.CancelReason,
		fastDate(d.Proposed), fastDate(d.Approved), fastDate(d.InvitationsSent), fastDate(d.RegistrationOpened),
		fastDate(d.Held), fastDate(d.Reported), fastDate(d.Cancelled), a.Synthetic}, provArgs(&a.Provenance)...)
}

func reviewRow(r *entente.Review) ([]any, error) {
	snap, err := json.Marshal(r.Snapshot)
	if err != nil {
		return nil, err
	}
	return append([]any{r.ID, r.Programme, dateArg(r.Date), r.Note, r.Actor, string(snap), r.Synthetic}, provArgs(&r.Provenance)...), nil
}

// addPlan adds the records of ds's programme structure, menu, activities and
// reviews to b, parents first.
func addPlan(b *batch, ds *entente.Dataset) error {
	for i := range ds.Offers {
		b.add(offersTable, offerRow(&ds.Offers[i]))
	}
	for i := range ds.Objectives {
		b.add(objectivesTable, objectiveRow(&ds.Objectives[i]))
	}
	for i := range ds.Goals {
		g := &ds.Goals[i]
		b.add(goalsTable, goalRow(g))
		b.add(indicatorsTable, indicatorRows(g)...)
	}
	for i := range ds.Reviews {
		row, err := reviewRow(&ds.Reviews[i])
		if err != nil {
			return err
		}
		b.add(reviewsTable, row)
	}
	return nil
}

// AddRecords inserts every record of ds, in batches, parents first; none
// may exist yet.
func (t *tx) AddRecords(ctx context.Context, ds *entente.Dataset) error {
	if ds == nil {
		return nothing("records")
	}
	const op = "add activities"
	rest := *ds
	rest.Activities = nil
	if err := t.insertDataset(ctx, &rest); err != nil {
		return err
	}
	if t.d.Name == "SQLite" && len(ds.Activities) > 0 {
		// A bigger page cache for this connection (32 MB; the default is
		// 2 MB) keeps the activity indexes in memory as they grow, instead
		// of reading their pages back from the file at every batch.
		//
		// Each many-row INSERT keeps a statement journal, to undo itself
		// alone if a row breaks a constraint; in memory (temp_store) that
		// journal costs no file writes. And a longer write-ahead log
		// between checkpoints (40 MB rather than 4) copies each of the
		// index pages that every batch touches back into the database
		// file less often.
		for _, pragma := range []string{"PRAGMA cache_size = -32768", "PRAGMA temp_store = MEMORY", "PRAGMA wal_autocheckpoint = 10000"} {
			if _, err := t.q.ExecContext(ctx, pragma); err != nil {
				return t.d.wrap(op, err)
			}
		}
	}
	return t.insertActivities(ctx, op, ds.Activities)
}

// activityBatchRows is how many activities one INSERT carries on the bulk
// path; 64 was the fastest of 1 to 500 measured on SQLite (see bulkSQL for
// why many-row statements were once slower there).
const activityBatchRows = 64

// insertActivities inserts activities activityBatchRows to a statement,
// then adds them to activity_tally. A goroutine turns the next batches into
// statement arguments, and sums the activities' tally deltas, while this
// one runs the current batch, so building the values overlaps with SQL on a
// second core.
func (t *tx) insertActivities(ctx context.Context, op string, acts []entente.Activity) error {
	if t.tally == nil {
		t.tally = tallyDeltas{}
	}
	deltas := t.tally
	per := activityBatchRows
	cols := len(activitiesTable.cols)
	type chunk struct {
		args []any
		n    int
	}
	chunks := make(chan chunk, 8)
	stop := make(chan struct{})
	// On the way out the goroutine is stopped and waited for, so that it
	// no longer adds to t.tally.
	defer func() {
		close(stop)
		for range chunks {
		}
	}()
	go func() {
		defer close(chunks)
		for i := 0; i < len(acts); i += per {
			n := min(per, len(acts)-i)
			args := make([]any, 0, n*cols)
			for j := i; j < i+n; j++ {
				args = append(args, activityRow(&acts[j])...)
				r := tallyRowOf(&acts[j])
				deltas.add(&r, 1)
			}
			select {
			case chunks <- chunk{args, n}:
			case <-stop:
				return
			}
		}
	}()
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for c := range chunks {
		var err error
		if c.n == per {
			if full == nil {
				if full, err = t.q.PrepareContext(ctx, t.bulkSQL(activitiesTable.insert(per))); err != nil {
					return t.d.wrap(op, err)
				}
			}
			_, err = full.ExecContext(ctx, c.args...)
		} else {
			_, err = t.q.ExecContext(ctx, t.bulkSQL(activitiesTable.insert(c.n)), c.args...)
		}
		if err != nil {
			return t.d.wrap(op, err)
		}
	}
	// The goroutine has closed chunks, so deltas is whole; had it
	// stopped early, an error was returned above. The sums are written
	// when they are many, else with later batches' (see flushTally).
	if len(t.tally) >= tallyFlushAt {
		return t.flushTally(ctx)
	}
	return nil
}

var numbered = regexp.MustCompile(`\$[0-9]+`)

// bulkSQL adapts an INSERT for the bulk path. On SQLite it turns the $N
// placeholders into anonymous ones (?): the driver looks up the name of
// every numbered parameter at every bind, by a linear scan of all of them,
// which made binding a many-row INSERT cost the square of its parameters;
// anonymous parameters have no name to look up. The values bind in the
// same order, as every $N in an INSERT appears once and in sequence.
func (t *tx) bulkSQL(query string) string {
	if t.d.Name != "SQLite" {
		return query
	}
	return numbered.ReplaceAllString(query, "?")
}

// CreateObjective inserts o.
func (t *tx) CreateObjective(ctx context.Context, o *entente.Objective) error {
	if o == nil {
		return nothing("objective")
	}
	return t.create(ctx, "create objective "+o.Key(), objectivesTable, objectiveRow(o))
}

// UpdateObjective changes o.
func (t *tx) UpdateObjective(ctx context.Context, o *entente.Objective) error {
	if o == nil {
		return nothing("objective")
	}
	return t.update(ctx, "update objective "+o.Key(), objectivesTable, objectiveRow(o))
}

// CreateGoal inserts g with its indicators.
func (t *tx) CreateGoal(ctx context.Context, g *entente.Goal) error {
	if g == nil {
		return nothing("goal")
	}
	return t.create(ctx, "create goal "+g.Key(), goalsTable, goalRow(g), children{t: indicatorsTable, rows: indicatorRows(g)})
}

// UpdateGoal changes g and replaces its indicators.
func (t *tx) UpdateGoal(ctx context.Context, g *entente.Goal) error {
	if g == nil {
		return nothing("goal")
	}
	return t.update(ctx, "update goal "+g.Key(), goalsTable, goalRow(g),
		children{indicatorsTable, "programme = $1 AND goal = $2", []any{g.Programme, g.Code}, indicatorRows(g)})
}

// CreateOffer inserts o.
func (t *tx) CreateOffer(ctx context.Context, o *entente.Offer) error {
	if o == nil {
		return nothing("offer")
	}
	return t.create(ctx, "create offer "+o.Code, offersTable, offerRow(o))
}

// UpdateOffer changes o.
func (t *tx) UpdateOffer(ctx context.Context, o *entente.Offer) error {
	if o == nil {
		return nothing("offer")
	}
	return t.update(ctx, "update offer "+o.Code, offersTable, offerRow(o))
}

// CreateActivity inserts a.
func (t *tx) CreateActivity(ctx context.Context, a *entente.Activity) error {
	if a == nil {
		return nothing("activity")
	}
	if err := t.checkPeriod(ctx, "create activity "+a.ID, "", a.Period); err != nil {
		return err
	}
	op := "create activity " + a.ID
	if err := t.create(ctx, op, activitiesTable, activityRow(a)); err != nil {
		return err
	}
	r := tallyRowOf(a)
	d := tallyDeltas{}
	d.add(&r, 1)
	return t.writeTally(ctx, op, d)
}

// UpdateActivity changes a.
func (t *tx) UpdateActivity(ctx context.Context, a *entente.Activity) error {
	if a == nil {
		return nothing("activity")
	}
	if err := t.checkPeriod(ctx, "update activity "+a.ID, "", a.Period); err != nil {
		return err
	}
	op := "update activity " + a.ID
	// The tally changes by what the row counted before and counts after;
	// an update that changes neither (a title, a registration) writes
	// no row of it.
	old, found, err := t.oldTallyRow(ctx, op, a.ID)
	if err != nil {
		return err
	}
	if err := t.update(ctx, op, activitiesTable, activityRow(a)); err != nil {
		return err
	}
	d := tallyDeltas{}
	if found {
		d.add(&old, -1)
	}
	r := tallyRowOf(a)
	d.add(&r, 1)
	return t.writeTally(ctx, op, d)
}

// CreateReview inserts r. Reviews record what a programme was on a day, so
// there is no UpdateReview.
func (t *tx) CreateReview(ctx context.Context, r *entente.Review) error {
	if r == nil {
		return nothing("review")
	}
	row, err := reviewRow(r)
	if err != nil {
		return t.d.wrap("create review "+r.ID, err)
	}
	return t.create(ctx, "create review "+r.ID, reviewsTable, row)
}

// FindObjectives returns a programme's objectives (all when "").
func (r reader) FindObjectives(ctx context.Context, programme string) ([]entente.Objective, error) {
	if xs, ok, err := memoFind(ctx, r, "objectives", allObjectives, cloneObjective, func(x *entente.Objective) bool {
		return is(programme, x.Programme)
	}); ok {
		return xs, err
	}
	return r.objectives(ctx, programme)
}

func allObjectives(ctx context.Context, r reader) ([]entente.Objective, error) {
	return r.objectives(ctx, "")
}

func (r reader) objectives(ctx context.Context, programme string) ([]entente.Objective, error) {
	var w where
	w.eq("t.programme", programme)
	out := []entente.Objective{}
	query := "SELECT t.programme, t.code, t.area, t.title, t.synthetic, " + prov("t") + " FROM objectives t" + w.String()
	err := r.each(ctx, "find objectives", query, w.args, func(rows *sql.Rows) error {
		var o entente.Objective
		if err := rows.Scan(append([]any{&o.Programme, &o.Code, &o.Area, &o.Title, &o.Synthetic}, provDest(&o.Provenance)...)...); err != nil {
			return err
		}
		out = append(out, o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Objectives: out})
	return out, nil
}

// FindGoals returns a programme's goals with their indicators (all when "").
func (r reader) FindGoals(ctx context.Context, programme string) ([]entente.Goal, error) {
	if xs, ok, err := memoFind(ctx, r, "goals", allGoals, cloneGoal, func(x *entente.Goal) bool {
		return is(programme, x.Programme)
	}); ok {
		return xs, err
	}
	return r.goals(ctx, programme)
}

func allGoals(ctx context.Context, r reader) ([]entente.Goal, error) {
	return r.goals(ctx, "")
}

func (r reader) goals(ctx context.Context, programme string) ([]entente.Goal, error) {
	var w where
	w.eq("t.programme", programme)
	out := []entente.Goal{}
	idx := map[string]int{}
	query := "SELECT t.programme, t.code, t.objective, t.title, t.carried_from, t.synthetic, " + prov("t") + " FROM goals t" + w.String()
	err := r.each(ctx, "find goals", query, w.args, func(rows *sql.Rows) error {
		var g entente.Goal
		if err := rows.Scan(append([]any{&g.Programme, &g.Code, &g.Objective, &g.Title, &g.CarriedFrom, &g.Synthetic}, provDest(&g.Provenance)...)...); err != nil {
			return err
		}
		g.Indicators = []entente.Indicator{}
		idx[key(g.Programme, g.Code)] = len(out)
		out = append(out, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var iw where
	iw.eq("c.programme", programme)
	query = "SELECT c.programme, c.goal, c.name, c.unit, c.baseline, c.target, c.current_value, c.due FROM indicators c" + iw.String() + " ORDER BY c.pos"
	err = r.each(ctx, "find indicators", query, iw.args, func(rows *sql.Rows) error {
		var prog, goal string
		var in entente.Indicator
		if err := rows.Scan(&prog, &goal, &in.Name, &in.Unit, &in.Baseline, &in.Target, &in.Current, dateCol{&in.Due}); err != nil {
			return err
		}
		if i, ok := idx[key(prog, goal)]; ok {
			out[i].Indicators = append(out[i].Indicators, in)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Goals: out})
	return out, nil
}

// FindOffers returns the menu, or the offer with code.
func (r reader) FindOffers(ctx context.Context, code string) ([]entente.Offer, error) {
	var w where
	w.eq("t.code", code)
	out := []entente.Offer{}
	query := "SELECT t.code, t.title, t.area, t.kind, t.provider, t.capacity, t.location, t.start_date, t.end_date, t.recurrence, t.synthetic, " +
		prov("t") + " FROM offers t" + w.String()
	err := r.each(ctx, "find offers", query, w.args, func(rows *sql.Rows) error {
		var o entente.Offer
		dest := []any{&o.Code, &o.Title, textCol{&o.Area}, &o.Kind, &o.Provider, &o.Capacity, &o.Location,
			dateCol{&o.From}, dateCol{&o.To}, &o.Recurrence, &o.Synthetic}
		if err := rows.Scan(append(dest, provDest(&o.Provenance)...)...); err != nil {
			return err
		}
		out = append(out, o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Offers: out})
	return out, nil
}

// registrationsCol reads the JSON array of registrations; never nil.
type registrationsCol struct{ p *[]entente.Registration }

func (c registrationsCol) Scan(src any) error {
	s, _, err := text(src)
	if err != nil {
		return err
	}
	out := []entente.Registration{}
	if s != "" && s != "[]" { // most activities have none: no decoder for them
		if err := json.Unmarshal([]byte(s), &out); err != nil {
			return fmt.Errorf("stored registrations %q: %w", s, err)
		}
	}
	*c.p = out
	return nil
}

const activityCols = "t.id, t.programme, t.goal, t.offer, t.title, t.kind, t.proposer, t.location, t.start_date, t.end_date, " +
	"t.capacity, t.status, t.invited, t.registrations, t.outcome, t.participants, t.feedback, t.cancel_reason, " +
	"t.proposed, t.approved, t.invitations_sent, t.registration_opened, t.held, t.reported, t.cancelled, t.synthetic, "

func activityDest(a *entente.Activity) []any {
	d := &a.Dates
	return append([]any{&a.ID, &a.Programme, textCol{&a.Goal}, textCol{&a.Offer}, &a.Title, &a.Kind, &a.Proposer, &a.Location,
		dateCol{&a.From}, dateCol{&a.To}, &a.Capacity, &a.Status, listCol{&a.Invited}, registrationsCol{&a.Registrations},
		&a.Outcome, &a.Participants, &a.Feedback, &a.CancelReason,
		dateCol{&d.Proposed}, dateCol{&d.Approved}, dateCol{&d.InvitationsSent}, dateCol{&d.RegistrationOpened},
		dateCol{&d.Held}, dateCol{&d.Reported}, dateCol{&d.Cancelled}, &a.Synthetic}, provDest(&a.Provenance)...)
}

// FindActivities returns the activities matching f, by id.
// activityWhere is the condition of the activities f selects but for its
// paging and OverdueOn.
func activityWhere(f entente.ActivityFilter) where {
	var w where
	w.eq("t.id", f.ID)
	w.eq("t.programme", f.Programme)
	w.eq("t.goal", f.Goal)
	w.eq("t.status", string(f.Status))
	w.eq("t.offer", f.Offer)
	if p := f.Viewer; p != nil && !p.SeesAll() {
		w.conds = append(w.conds, w.mayRead(p, "t.releasability"))
		if f.ProgrammeViewed {
			// A programme that is no record hides nothing, as the
			// services' check of parents has it: NOT EXISTS, not a join.
			w.conds = append(w.conds, "NOT EXISTS (SELECT 1 FROM programmes p WHERE p.id = t.programme AND NOT "+
				w.mayRead(p, "p.releasability")+")")
		}
	}
	return w
}

// mayRead returns the condition that principal p, who does not see
// everything, may read the marking in column col (Principal.MaySee),
// adding its argument to w.
func (w *where) mayRead(p *entente.Principal, col string) string {
	if p.Role == entente.RoleLiaison && p.Partner != "" {
		w.args = append(w.args, "% "+p.Partner+" %")
		return fmt.Sprintf("(%s = 'PUBLIC' OR (%s LIKE 'RELEASABLE_TO %%' AND ' ' || %s || ' ' LIKE $%d))", col, col, col, len(w.args))
	}
	return col + " = 'PUBLIC'"
}

// The dates of the activities table are text at the precision they were
// recorded ("2024", "2024-07", "2024-07-11"). Compared byte by byte with a
// whole day, such a text is on or before the day exactly when its first
// possible day is (Date.OnOrBefore): "2024-07" <= "2024-07-11", and a
// prefix sorts first. So Activity.StatusOn is a CASE over the step dates
// in its order, each compared with the day (its last, as OnOrBefore
// compares). byteOrder is the dialect's collation for that comparison.

// statusOn is Activity.StatusOn in SQL for the day bound at placeholder
// day: ” when the activity was not yet proposed.
func (r reader) statusOn(day string) string {
	var b strings.Builder
	b.WriteString("CASE")
	cols := make([]string, 0, len(tallySteps))
	for _, st := range tallySteps {
		fmt.Fprintf(&b, " WHEN t.%s%s <= %s THEN '%s'", st.col, r.d.Binary, day, st.status)
		cols = append(cols, "t."+st.col)
	}
	b.WriteString(" WHEN COALESCE(" + strings.Join(cols, ", ") + ") IS NULL THEN t.status")
	b.WriteString(" ELSE '' END")
	return b.String()
}

// activityDue is Activity.Due in SQL: the activity's last day, else its
// first (NULL for neither).
const activityDue = "COALESCE(t.end_date, t.start_date)"

// dueBefore is Activity.Due().Before in SQL, for the first day of the day
// bound at placeholder first: the due date, brought to its last possible
// day (a month's "-31" orders as its last day would), is before it.
func dueBefore(first string) string {
	return "CASE length(" + activityDue + ") WHEN 4 THEN " + activityDue + " || '-12-31' WHEN 7 THEN " +
		activityDue + " || '-31' ELSE " + activityDue + " END < " + first
}

// openStatuses are the statuses of ActivityStatus.Open, as an SQL list.
const openStatuses = "('proposed', 'approved', 'invitations-sent', 'registration-open')"

func (r reader) FindActivities(ctx context.Context, f entente.ActivityFilter) ([]entente.Activity, error) {
	w := activityWhere(f)
	if f.After != "" {
		w.add("t.id > %s", f.After)
	}
	order, byDue := "", !f.OverdueOn.IsZero()
	if byDue {
		w.args = append(w.args, f.OverdueOn.First().String(), f.OverdueOn.Last().String())
		first, last := fmt.Sprintf("$%d", len(w.args)-1), fmt.Sprintf("$%d", len(w.args))
		w.conds = append(w.conds, dueBefore(first), "("+r.statusOn(last)+") IN "+openStatuses)
		order = " ORDER BY " + activityDue + r.d.Binary + ", t.id" + r.d.Binary
	}
	out := []entente.Activity{}
	query := "SELECT " + activityCols + prov("t") + " FROM activities t" + w.String()
	if f.Limit > 0 || f.Offset > 0 || f.After != "" || order != "" {
		// Paging needs a stable order; ids are compared byte by byte
		// (COLLATE "C" is not portable, so ids should be ASCII).
		// Bound as parameters, so that every page runs one statement.
		if order == "" {
			order = " ORDER BY t.id"
		}
		query += order
		if f.Limit > 0 {
			w.args = append(w.args, f.Limit)
			query += fmt.Sprintf(" LIMIT $%d", len(w.args))
		}
		if f.Offset > 0 {
			w.args = append(w.args, f.Offset)
			query += fmt.Sprintf(" OFFSET $%d", len(w.args))
		}
	}
	err := r.each(ctx, "find activities", query, w.args, func(rows *sql.Rows) error {
		var a entente.Activity
		if err := rows.Scan(activityDest(&a)...); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !byDue {
		canonical(entente.Dataset{Activities: out})
	}
	return out, nil
}

// TallyActivities counts the activities f selects by goal, status on day
// and due. A programme's count on a day is read from activity_tally (see
// tally.go); any other is counted over the activities in the store's
// query, without reading them (migration 0024 indexes the columns the
// count reads).
func (r reader) TallyActivities(ctx context.Context, f entente.ActivityFilter, day entente.Date) ([]entente.ActivityCount, error) {
	if tallyMaintained(f, day) {
		return r.tallyFromTable(ctx, f, day)
	}
	return r.tallyScan(ctx, f, day)
}

// tallyScan is TallyActivities over the activities themselves.
func (r reader) tallyScan(ctx context.Context, f entente.ActivityFilter, day entente.Date) ([]entente.ActivityCount, error) {
	w := activityWhere(f)
	w.args = append(w.args, day.Last().String(), day.First().String())
	last, first := fmt.Sprintf("$%d", len(w.args)-1), fmt.Sprintf("$%d", len(w.args))
	query := "SELECT goal, st, due, COUNT(*) FROM (SELECT COALESCE(t.goal, '') AS goal, " + r.statusOn(last) + " AS st, " +
		"CASE WHEN " + dueBefore(first) + " THEN 1 ELSE 0 END AS due FROM activities t" + w.String() + ") x " +
		"WHERE st <> '' GROUP BY goal, st, due"
	out := []entente.ActivityCount{}
	err := r.each(ctx, "tally activities", query, w.args, func(rows *sql.Rows) error {
		var c entente.ActivityCount
		var due int
		if err := rows.Scan(&c.Goal, &c.Status, &due, &c.N); err != nil {
			return err
		}
		c.Due = due == 1
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	entente.SortCounts(out)
	return out, nil
}

// FindActivity returns one activity by id, or ENOTFOUND.
//
// The read of one row by its key is not cancelled with ctx: no
// cancellation could shorten it, and a cancellable context costs each
// query a goroutine in database/sql (to close its rows when ctx ends) and
// one in the driver (to interrupt it) on the record read most.
func (r reader) FindActivity(ctx context.Context, id string) (*entente.Activity, error) {
	if id != "" {
		as, err := r.FindActivities(context.WithoutCancel(ctx), entente.ActivityFilter{ID: id})
		if err != nil {
			return nil, err
		}
		if len(as) > 0 {
			return &as[0], nil
		}
	}
	return nil, entente.ErrUnknownActivity(id)
}

// CountActivities counts a programme's activities (all when "").
func (r reader) CountActivities(ctx context.Context, programme string) (int, error) {
	defer r.obs.done("read", r.obs.start())
	var w where
	w.eq("t.programme", programme)
	var n int
	err := r.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM activities t"+w.String(), w.args...).Scan(&n)
	return n, r.d.wrap("count activities", err)
}

// FindReviews returns a programme's reviews (all when "").
func (r reader) FindReviews(ctx context.Context, programme string) ([]entente.Review, error) {
	var w where
	w.eq("t.programme", programme)
	return r.reviews(ctx, w)
}

// FindReview returns one review by id, or ENOTFOUND.
func (r reader) FindReview(ctx context.Context, id string) (*entente.Review, error) {
	if id != "" {
		var w where
		w.eq("t.id", id)
		rs, err := r.reviews(ctx, w)
		if err != nil {
			return nil, err
		}
		if len(rs) > 0 {
			return &rs[0], nil
		}
	}
	return nil, entente.ErrUnknownReview(id)
}

func (r reader) reviews(ctx context.Context, w where) ([]entente.Review, error) {
	out := []entente.Review{}
	query := "SELECT t.id, t.programme, t.review_date, t.note_text, t.actor, t.snapshot, t.synthetic, " + prov("t") + " FROM reviews t" + w.String()
	err := r.each(ctx, "find reviews", query, w.args, func(rows *sql.Rows) error {
		var rv entente.Review
		var snap string
		dest := []any{&rv.ID, &rv.Programme, dateCol{&rv.Date}, &rv.Note, &rv.Actor, textCol{&snap}, &rv.Synthetic}
		if err := rows.Scan(append(dest, provDest(&rv.Provenance)...)...); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(snap), &rv.Snapshot); err != nil {
			return fmt.Errorf("stored snapshot of review %s: %w", rv.ID, err)
		}
		out = append(out, rv)
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Reviews: out})
	return out, nil
}

// planDataset reads the programme structure, menu and reviews into ds, for
// Export; the activities, which may be millions, are read one at a time
// (eachActivity).
func (r reader) planDataset(ctx context.Context, ds *entente.Dataset) error {
	var err error
	if ds.Objectives, err = r.FindObjectives(ctx, ""); err != nil {
		return err
	}
	if ds.Goals, err = r.FindGoals(ctx, ""); err != nil {
		return err
	}
	if ds.Offers, err = r.FindOffers(ctx, ""); err != nil {
		return err
	}
	if ds.Reviews, err = r.FindReviews(ctx, ""); err != nil {
		return err
	}
	// Empty lists are left nil, so an export of a store without them is
	// the same document as before they existed.
	if len(ds.Objectives) == 0 {
		ds.Objectives = nil
	}
	if len(ds.Goals) == 0 {
		ds.Goals = nil
	}
	if len(ds.Offers) == 0 {
		ds.Offers = nil
	}
	if len(ds.Reviews) == 0 {
		ds.Reviews = nil
	}
	return nil
}
