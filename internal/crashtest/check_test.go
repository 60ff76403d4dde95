package crashtest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/store"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, for the integrity check
)

// tally is what one trial counted. Every field after Unknown is an error
// count; a good trial has them all 0.
type tally struct {
	Acked, Refused, Unknown int
	Committed               int // unknown writes that turned out stored (whole)
	Lost                    int // acknowledged writes missing from the store or the audit log
	NotWhole                int // stored or audited otherwise than acknowledged
	HalfVisible             int // a record without its audit event, or an event without its record
	Phantom                 int // audited writes no writer sent, or that were refused
	Integrity               int // database integrity and consistency errors
	refusedBy               map[string]int
}

// record is one record the writers wrote (an activity, goal, objective,
// review or programme), with its writes and audit events in order.
type record struct {
	entity, key string
	ops         []*op // acknowledged ones, and at the end possibly one unknown
	events      []entente.AuditEvent
}

func recordKey(entity, key string) string { return entity + " " + key }

// harnessActions are the audit actions of the harness's writes: each event
// with one of them must be a write the harness sent.
var harnessActions = []string{"programme.agree", "objective.put", "goal.put", "programme.review", "activity.propose",
	"activity.approve", "activity.invite", "activity.register", "activity.hold", "activity.report", "activity.cancel"}

// checker compares what the writers were told with what the restarted
// server and the store hold.
type checker struct {
	t       *testing.T
	report  func(format string, args ...any) // t.Errorf, unless a test of the checker takes the findings
	n       *tally
	records map[string]*record
	pending map[string]*op // unknown proposals and reviews by tag: their key is not known
	refused map[string]*op // refused proposals and reviews by tag
}

// errorf reports a finding and counts it in *count.
func (c *checker) errorf(count *int, format string, args ...any) {
	c.t.Helper()
	*count++
	c.report(format, args...)
}

func newChecker(t *testing.T, n *tally, ops []*op) *checker {
	c := &checker{t: t, report: t.Errorf, n: n, records: map[string]*record{}, pending: map[string]*op{}, refused: map[string]*op{}}
	for _, o := range ops {
		switch o.outcome {
		case acked:
			n.Acked++
		case refused:
			n.Refused++
			kind := fmt.Sprintf("%d %s", o.status, problemCode(o.answer))
			if n.refusedBy[kind]++; n.refusedBy[kind] == 1 {
				// The first of each kind, so that the log says why.
				t.Logf("refused (%s): POST %s: %s", kind, o.path, compact(o.answer))
			}
			if o.tag != "" {
				c.refused[o.tag] = o
			}
			continue
		case unknown:
			n.Unknown++
			if o.key == "" {
				c.pending[o.tag] = o
				continue
			}
		}
		c.add(o)
	}
	return c
}

// problemCode is the code of a problem-details answer, for the tally.
func problemCode(b []byte) string {
	var p struct{ Code string }
	json.Unmarshal(b, &p)
	return p.Code
}

func (c *checker) add(o *op) *record {
	k := recordKey(o.entity, o.key)
	r := c.records[k]
	if r == nil {
		r = &record{entity: o.entity, key: o.key}
		c.records[k] = r
	}
	r.ops = append(r.ops, o)
	return r
}

// events files the audit log's events under their records. An event for a
// proposal or review whose answer never came is matched by its title or
// note.
func (c *checker) events(evs []entente.AuditEvent) {
	for _, ev := range evs {
		if !slices.Contains(harnessActions, ev.Action) {
			continue // the dataset's import, and what agreeing superseded and added
		}
		r := c.records[recordKey(ev.Entity, ev.Key)]
		if r == nil && (ev.Action == "activity.propose" || ev.Action == "programme.review") {
			tag := eventTag(ev)
			if o := c.pending[tag]; o != nil {
				delete(c.pending, tag)
				o.key = ev.Key
				r = c.add(o)
			} else if o := c.refused[tag]; o != nil {
				c.errorf(&c.n.Phantom, "%s %s was refused (%d %s) but is audited: %s", ev.Action, ev.Key, o.status, o.answer, ev.After)
				continue
			}
		}
		if r == nil {
			c.errorf(&c.n.Phantom, "audit event %d (%s %s %s) is no write the harness sent", ev.ID, ev.Action, ev.Entity, ev.Key)
			continue
		}
		r.events = append(r.events, ev)
	}
}

// eventTag is the title of a proposed activity or the note of a review.
func eventTag(ev entente.AuditEvent) string {
	var v struct{ Title, Note string }
	json.Unmarshal([]byte(ev.After), &v)
	if ev.Action == "programme.review" {
		return v.Note
	}
	return v.Title
}

// verify checks each record: its acknowledged writes are its first audit
// events, in order and with what each answered; at most the one write in
// flight at the kill follows them; each event starts from the state the one
// before left; and the store holds the last event's state, whole.
func (c *checker) verify(stored map[string][]byte) {
	keys := make([]string, 0, len(c.records))
	for k := range c.records {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		r := c.records[k]
		var ack []*op
		var inFlight *op
		for _, o := range r.ops {
			if o.outcome == acked {
				ack = append(ack, o)
			} else {
				inFlight = o
			}
		}
		m, n := len(ack), len(r.events)
		if n < m {
			c.errorf(&c.n.Lost, "%s: %d acknowledged writes, %d audited: %d lost", k, m, n, m-n)
		}
		extra := 0
		if inFlight != nil {
			extra = 1
		}
		if n > m+extra {
			c.errorf(&c.n.Phantom, "%s: %d acknowledged writes (%d in flight), %d audited", k, m, extra, n)
		}
		for i := 0; i < n && i < m; i++ {
			ev, o := r.events[i], ack[i]
			if ev.Action != o.action || !sameJSON([]byte(ev.After), o.record()) {
				c.errorf(&c.n.NotWhole, "%s: write %d (%s) answered\n%s\nbut audit event %d (%s) records\n%s",
					k, i+1, o.action, compact(o.record()), ev.ID, ev.Action, compact([]byte(ev.After)))
			}
		}
		if n == m+1 && inFlight != nil {
			if ev := r.events[m]; ev.Action != inFlight.action {
				c.errorf(&c.n.NotWhole, "%s: the write in flight was %s, the event after the acknowledged ones is %s", k, inFlight.action, ev.Action)
			} else {
				c.n.Committed++
			}
		}
		for i := 1; i < n; i++ {
			if prev, ev := r.events[i-1], r.events[i]; !sameJSON([]byte(ev.Before), []byte(prev.After)) {
				c.errorf(&c.n.NotWhole, "%s: audit event %d starts from\n%s\nnot from what event %d left\n%s",
					k, ev.ID, compact([]byte(ev.Before)), prev.ID, compact([]byte(prev.After)))
			}
		}
		got, ok := stored[k]
		delete(stored, k)
		switch {
		case n == 0 && ok:
			c.errorf(&c.n.HalfVisible, "%s is stored without its audit event:\n%s", k, compact(got))
		case n > 0 && !ok:
			if m > 0 {
				c.errorf(&c.n.Lost, "%s: %d acknowledged writes, audited, but the record is not stored", k, m)
			} else {
				c.errorf(&c.n.HalfVisible, "%s: the write in flight is audited but not stored", k)
			}
		case n > 0 && !sameJSON(got, []byte(r.events[n-1].After)):
			c.errorf(&c.n.NotWhole, "%s is stored as\n%s\nbut its last audit event (%d, %s) left\n%s",
				k, compact(got), r.events[n-1].ID, r.events[n-1].Action, compact([]byte(r.events[n-1].After)))
		}
	}
	for k, v := range stored {
		c.errorf(&c.n.HalfVisible, "%s is stored but no write of the harness made it:\n%s", k, compact(v))
	}
}

// finalActivities are the activities the audit log says exist, with their
// last audited state, to read back through the API.
func (c *checker) finalActivities() map[string][]byte {
	out := map[string][]byte{}
	for _, r := range c.records {
		if r.entity == "activity" && len(r.events) > 0 {
			out[r.key] = []byte(r.events[len(r.events)-1].After)
		}
	}
	return out
}

// readBack reads each activity through the restarted server's API and
// compares it with its last audited state.
func (c *checker) readBack(cl *client, want map[string][]byte) {
	type miss struct {
		id  string
		msg string
	}
	ids := make(chan string)
	var mu sync.Mutex
	var misses []miss
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for id := range ids {
				status, body, err := cl.get("/api/v1/activities/" + id)
				var msg string
				switch {
				case err != nil:
					msg = err.Error()
				case status != 200:
					msg = fmt.Sprintf("status %d: %s", status, body)
				case !sameJSON(body, want[id]):
					msg = fmt.Sprintf("the API answers\n%s\nbut the audit log's last state is\n%s", compact(body), compact(want[id]))
				default:
					continue
				}
				mu.Lock()
				misses = append(misses, miss{id, msg})
				mu.Unlock()
			}
		})
	}
	for id := range want {
		ids <- id
	}
	close(ids)
	wg.Wait()
	for _, m := range misses {
		c.errorf(&c.n.NotWhole, "GET /api/v1/activities/%s after the restart: %s", m.id, m.msg)
	}
}

// storedRecords reads the records the harness writes (its activities,
// goals, objectives, reviews and programmes, picked by their names) from
// the store, as JSON by record key.
func storedRecords(ctx context.Context, st entente.Store) (map[string][]byte, error) {
	out := map[string][]byte{}
	put := func(entity, key string, v any) {
		out[recordKey(entity, key)] = mustJSON(v)
	}
	acts, err := st.FindActivities(ctx, entente.ActivityFilter{})
	if err != nil {
		return nil, err
	}
	for _, a := range acts {
		if strings.HasPrefix(a.Title, "crash w") {
			put("activity", a.ID, a)
		}
	}
	goals, err := st.FindGoals(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, g := range goals {
		if strings.HasPrefix(g.Code, "cw") {
			put("goal", g.Key(), g)
		}
	}
	objs, err := st.FindObjectives(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		if strings.HasPrefix(o.Code, "cw") {
			put("objective", o.Key(), o)
		}
	}
	revs, err := st.FindReviews(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, r := range revs {
		if strings.HasPrefix(r.Note, "crash w") {
			put("review", r.ID, r)
		}
	}
	progs, err := st.FindProgrammes(ctx, entente.Filter{})
	if err != nil {
		return nil, err
	}
	for _, p := range progs {
		if strings.HasSuffix(p.ID, "-CRASH-2025") {
			put("programme", p.ID, p)
		}
	}
	return out, nil
}

// sameJSON reports whether a and b encode the same value, taking an absent
// field, null, [] and {} as the same (one side may be a fresh struct with
// nil slices, the other one read back with empty ones).
func sameJSON(a, b []byte) bool {
	va, ea := canonical(a)
	vb, eb := canonical(b)
	return ea == nil && eb == nil && reflect.DeepEqual(va, vb)
}

func canonical(b []byte) (any, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return prune(v), nil
}

func prune(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e = prune(e); e == nil {
				delete(x, k)
			} else {
				x[k] = e
			}
		}
		if len(x) == 0 {
			return nil
		}
	case []any:
		for i, e := range x {
			x[i] = prune(e)
		}
		if len(x) == 0 {
			return nil
		}
	}
	return v
}

// compact shortens JSON for a message.
func compact(b []byte) string {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		buf.Reset()
		buf.Write(b)
	}
	s := buf.String()
	if len(s) > 1500 {
		s = s[:1500] + "..."
	}
	return s
}

// checkStore opens the store the restarted server uses, files the audit
// log under the records and verifies them, and checks the store's export
// validates as a whole (every reference resolves).
func (c *checker) checkStore(ctx context.Context, dsn string, cl *client) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		c.t.Fatalf("open the store after the restart: %v", err)
	}
	defer st.Close()
	evs, err := st.FindAuditEvents(ctx, entente.AuditFilter{})
	if err != nil {
		c.t.Fatalf("FindAuditEvents: %v", err)
	}
	slices.Reverse(evs) // oldest first
	c.events(evs)
	// An in-flight proposal or review left in c.pending did not commit:
	// verify finds it if it is stored all the same.
	stored, err := storedRecords(ctx, st)
	if err != nil {
		c.t.Fatalf("read the records back: %v", err)
	}
	c.verify(stored)
	c.readBack(cl, c.finalActivities())
	ds, err := st.Export(ctx)
	if err != nil {
		c.errorf(&c.n.Integrity, "export after the restart: %v", err)
	} else {
		for _, p := range ds.Validate() {
			c.errorf(&c.n.Integrity, "the store's export does not validate: %v", p)
		}
	}
	var chain *entente.AuditCheck
	err = st.View(ctx, func(r entente.Reader) (err error) {
		chain, err = entente.VerifyAudit(ctx, r)
		return err
	})
	switch {
	case err != nil:
		c.errorf(&c.n.Integrity, "verify the audit chain: %v", err)
	case !chain.OK():
		c.errorf(&c.n.Integrity, "the audit chain breaks at event %d: %s", chain.Broken.ID, chain.Broken.Problem)
	case chain.Events != int64(len(evs)):
		c.errorf(&c.n.Integrity, "the audit chain verified %d events of %d", chain.Events, len(evs))
	}
}

// checkSQLite runs SQLite's own checks on the database file: every page,
// index and constraint (integrity_check) and every foreign key. Each
// problem goes to fail.
func checkSQLite(t *testing.T, fail func(string, ...any), path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lines, err := column(db, "PRAGMA integrity_check")
	if err != nil {
		t.Fatalf("PRAGMA integrity_check: %v", err)
	}
	if len(lines) != 1 || lines[0] != "ok" {
		for _, l := range lines {
			fail("PRAGMA integrity_check: %s", l)
		}
	}
	rows, err := db.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatalf("PRAGMA foreign_key_check: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid, fk sql.NullInt64
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			t.Fatal(err)
		}
		fail("PRAGMA foreign_key_check: %s row %d has no parent in %s (foreign key %d)", table, rowid.Int64, parent, fk.Int64)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// column runs a query returning one text column.
func column(db *sql.DB, query string, args ...any) ([]string, error) {
	rows, err := db.Query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
