package storetest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/entente/entente"
)

// verifyAudit fails t unless the audit chain of s holds, and returns how
// many events it verified.
func verifyAudit(t *testing.T, s entente.Store) int64 {
	t.Helper()
	// Not t.Context(): it is cancelled before cleanups run.
	ctx := context.Background()
	var c *entente.AuditCheck
	err := s.View(ctx, func(r entente.Reader) (err error) {
		c, err = entente.VerifyAudit(ctx, r)
		return err
	})
	if err != nil {
		t.Fatalf("VerifyAudit: %v", err)
	}
	if !c.OK() {
		t.Fatalf("VerifyAudit: after %d events, broken at event %d: %s", c.Events, c.Broken.ID, c.Broken.Problem)
	}
	return c.Events
}

// testAuditChain checks what AddAuditEvent sets: consecutive ids, each
// event's PrevHash the Hash of the one before (ZeroHash for the first), its
// Hash over its fields; before and after stored as compact JSON objects; a
// rolled-back append leaves no trace in the chain; and the filters.
func testAuditChain(t *testing.T, open func(t *testing.T) entente.Store) {
	s := open(t)
	ctx := t.Context()
	add := func(e *entente.AuditEvent) error {
		return s.Update(ctx, func(tx entente.Tx) error { return tx.AddAuditEvent(ctx, e) })
	}
	if n := verifyAudit(t, s); n != 0 {
		t.Errorf("VerifyAudit of a new store: %d events", n)
	}
	events := []*entente.AuditEvent{
		{Actor: "user:1", Address: "192.0.2.7", Action: "activity.propose", Entity: "activity", Key: "A-1",
			After: json.RawMessage(` { "title" : "Course",  "n": [1, 2] } `)},
		{Actor: "user:2", Address: "2001:db8::1", Action: "activity.approve", Entity: "activity", Key: "A-1",
			Before: json.RawMessage(`{"title":"Course"}`), After: json.RawMessage(`{"title":"Course","ok":true}`)},
		{Actor: "operator:ann", Action: "programme.agree", Entity: "programme", Key: "P-1", Before: json.RawMessage("null")},
		{Actor: "user:1", Action: "goal.put", Entity: "goal", Key: "P-1 g1", After: json.RawMessage(`{"g":"é ✓ \u2028"}`)},
	}
	prev := entente.ZeroHash
	for i, e := range events {
		if err := add(e); err != nil {
			t.Fatalf("AddAuditEvent %d: %v", i, err)
		}
		if e.ID != int64(i+1) || e.PrevHash != prev || e.Hash != e.ComputeHash() || len(e.Hash) != 64 {
			t.Errorf("event %d: id %d, prev %s, hash %s; want id %d, prev %s and its own hash", i, e.ID, e.PrevHash, e.Hash, i+1, prev)
		}
		prev = e.Hash
	}
	if got := string(events[0].After); got != `{"title":"Course","n":[1,2]}` {
		t.Errorf("after stored as %s, want it compacted", got)
	}
	if events[2].Before != nil || events[2].After != nil {
		t.Errorf("null before and no after stored as %q and %q, want nil", events[2].Before, events[2].After)
	}

	// A rolled-back append takes no place in the chain.
	boom := fmt.Errorf("boom")
	err := s.Update(ctx, func(tx entente.Tx) error {
		if err := tx.AddAuditEvent(ctx, &entente.AuditEvent{Actor: "x", Action: "x", Entity: "x", Key: "x"}); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	last := &entente.AuditEvent{Actor: "user:3", Action: "area.add", Entity: "area", Key: "cyber"}
	if err := add(last); err != nil {
		t.Fatal(err)
	}
	if last.ID != 5 || last.PrevHash != prev {
		t.Errorf("after a rolled-back append: id %d prev %s, want 5 and %s", last.ID, last.PrevHash, prev)
	}
	events = append(events, last)

	for _, bad := range []string{`[1]`, `"text"`, `{"a":`, `3`} {
		err := add(&entente.AuditEvent{Actor: "x", Action: "x", Entity: "x", Key: "x", After: json.RawMessage(bad)})
		wantCode(t, "AddAuditEvent with after "+bad, err, entente.EINVALID)
	}
	if n := verifyAudit(t, s); n != int64(len(events)) {
		t.Errorf("VerifyAudit: %d events, want %d", n, len(events))
	}
	// Every event reads back as it was hashed: the same bytes from either
	// engine.
	got := auditEvents(t, s, 0)
	for i, e := range got {
		w := events[len(events)-1-i]
		sameJSON(t, fmt.Sprint("event ", e.ID), toJSON(t, e), toJSON(t, w))
	}

	ids := func(f entente.AuditFilter) string {
		evs, err := s.FindAuditEvents(ctx, f)
		if err != nil {
			t.Fatalf("FindAuditEvents(%+v): %v", f, err)
		}
		var out []string
		for _, e := range evs {
			out = append(out, fmt.Sprint(e.ID))
		}
		return strings.Join(out, " ")
	}
	for _, c := range []struct {
		f    entente.AuditFilter
		want string
	}{
		{entente.AuditFilter{}, "5 4 3 2 1"},
		{entente.AuditFilter{Entity: "activity", Key: "A-1"}, "2 1"},
		{entente.AuditFilter{Entity: "activity", Key: "A-2"}, ""},
		{entente.AuditFilter{Actor: "user:1"}, "4 1"},
		{entente.AuditFilter{Before: 4, Limit: 2}, "3 2"},
		{entente.AuditFilter{Actor: "user:1", Before: 4}, "1"},
		{entente.AuditFilter{Limit: 1}, "5"},
	} {
		if got := ids(c.f); got != c.want {
			t.Errorf("FindAuditEvents(%+v) = [%s], want [%s]", c.f, got, c.want)
		}
	}
}

// RunTampering checks that the database itself keeps the audit log
// append-only, and that verifying the chain finds what was changed behind
// the application's back once the guard is gone. open returns a new, empty
// store and a plain handle on the same database; dropTriggers are the
// statements that remove the audit triggers (which differ by engine).
func RunTampering(t *testing.T, open func(t *testing.T) (entente.Store, *sql.DB), dropTriggers ...string) {
	setup := func(t *testing.T) (entente.Store, *sql.DB) {
		s, db := open(t)
		ctx := t.Context()
		for i := range 4 {
			err := s.Update(ctx, func(tx entente.Tx) error {
				return tx.AddAuditEvent(ctx, &entente.AuditEvent{Actor: fmt.Sprint("user:", i), Address: "192.0.2.1",
					Action: "test", Entity: "test", Key: fmt.Sprint(i), After: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		return s, db
	}
	exec := func(t *testing.T, db *sql.DB, q string) {
		t.Helper()
		if _, err := db.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Run("Refused", func(t *testing.T) {
		s, db := setup(t)
		for _, q := range []string{
			`UPDATE audit_events SET actor = 'Secretary General (forged)' WHERE id = 2`,
			`UPDATE audit_events SET hash = hash`,
			`DELETE FROM audit_events WHERE id = 4`,
			`DELETE FROM audit_events`,
			`UPDATE audit_chain SET last_id = 3`,
			`DELETE FROM audit_chain`,
		} {
			if _, err := db.ExecContext(t.Context(), q); err == nil || !strings.Contains(err.Error(), "refused") {
				t.Errorf("%s: error %v, want the trigger's refusal", q, err)
			}
		}
		if n := verifyAudit(t, s); n != 4 {
			t.Errorf("VerifyAudit after refused changes: %d events, want 4", n)
		}
	})
	broken := func(t *testing.T, s entente.Store) *entente.AuditCheck {
		t.Helper()
		var c *entente.AuditCheck
		err := s.View(t.Context(), func(r entente.Reader) (err error) {
			c, err = entente.VerifyAudit(t.Context(), r)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if c.OK() {
			t.Fatalf("VerifyAudit after tampering: OK with %d events, want a break", c.Events)
		}
		return c
	}
	// rehash forges event 3 the way someone who knows the encoding would:
	// new content under a hash recomputed to match it.
	rehash := func(t *testing.T, s entente.Store) string {
		evs := auditEvents(t, s, 0)
		e := evs[len(evs)-3]
		e.Before = json.RawMessage(`{"forged":true}`)
		return fmt.Sprintf(`UPDATE audit_events SET before_json = '%s', hash = '%s' WHERE id = 3`, e.Before, e.ComputeHash())
	}
	for _, c := range []struct {
		name       string
		tamper     func(t *testing.T, s entente.Store) string
		id, events int64
		problem    string
	}{
		{"Changed", sqlText(`UPDATE audit_events SET actor = 'Secretary General (forged)' WHERE id = 2`), 2, 1, "do not match its hash"},
		{"Rehashed", rehash, 4, 3, "previous hash"},
		{"Removed", sqlText(`DELETE FROM audit_events WHERE id = 2`), 3, 1, "previous hash"},
		{"RemovedLast", sqlText(`DELETE FROM audit_events WHERE id = 4`), 0, 3, "head names event 4"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, db := setup(t)
			tamper := c.tamper(t, s)
			for _, q := range dropTriggers {
				exec(t, db, q)
			}
			exec(t, db, tamper)
			got := broken(t, s)
			if got.Broken.ID != c.id || got.Events != c.events || !strings.Contains(got.Broken.Problem, c.problem) {
				t.Errorf("VerifyAudit: %d events then a break at %d: %s; want %d events, a break at %d saying %q",
					got.Events, got.Broken.ID, got.Broken.Problem, c.events, c.id, c.problem)
			}
		})
	}
}

func sqlText(q string) func(*testing.T, entente.Store) string {
	return func(*testing.T, entente.Store) string { return q }
}
