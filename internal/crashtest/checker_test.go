package crashtest

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
)

// TestChecker feeds the checker made-up writes, audit logs and stores, one
// fault each, and checks it counts the fault where it belongs: the harness
// would pass a server that loses writes if the checker could not see them.
func TestChecker(t *testing.T) {
	const (
		id       = "NZL-ITPP-2024-A001"
		proposed = `{"id":"NZL-ITPP-2024-A001","title":"crash w00 activity 1","status":"proposed","invited":[]}`
		approved = `{"id":"NZL-ITPP-2024-A001","title":"crash w00 activity 1","status":"approved","invited":null}`
		invited  = `{"id":"NZL-ITPP-2024-A001","title":"crash w00 activity 1","status":"invitations-sent","invited":["NZL"]}`
	)
	propose := func(o outcome, answer string) *op {
		k := id
		if o != acked {
			k = ""
		}
		return &op{action: "activity.propose", entity: "activity", key: k, tag: "crash w00 activity 1", outcome: o, answer: []byte(answer), status: 201}
	}
	step := func(name string, o outcome, answer string) *op {
		return &op{action: "activity." + name, entity: "activity", key: id, outcome: o, answer: []byte(answer), status: 200}
	}
	event := func(n int64, action, before, after string) entente.AuditEvent {
		return entente.AuditEvent{ID: n, Action: action, Entity: "activity", Key: id, Before: json.RawMessage(before), After: json.RawMessage(after)}
	}
	imported := entente.AuditEvent{ID: 1, Action: "import", Entity: "dataset", Key: "nato"}
	for _, c := range []struct {
		name   string
		ops    []*op
		events []entente.AuditEvent
		stored string // the activity as stored; "" when it is not
		want   tally
	}{
		{"Whole", []*op{propose(acked, proposed), step("approve", acked, approved)},
			[]entente.AuditEvent{imported, event(2, "activity.propose", "", proposed), event(3, "activity.approve", proposed, approved)},
			approved, tally{}},
		{"InFlightStored", []*op{propose(acked, proposed), step("approve", acked, approved), step("invite", unknown, "")},
			[]entente.AuditEvent{event(2, "activity.propose", "", proposed), event(3, "activity.approve", proposed, approved), event(4, "activity.invite", approved, invited)},
			invited, tally{Committed: 1}},
		{"InFlightNotStored", []*op{propose(acked, proposed), step("approve", unknown, "")},
			[]entente.AuditEvent{event(2, "activity.propose", "", proposed)},
			proposed, tally{}},
		{"InFlightProposalStored", []*op{propose(unknown, "")},
			[]entente.AuditEvent{event(2, "activity.propose", "", proposed)},
			proposed, tally{Committed: 1}},
		{"AckedStepNotAudited", []*op{propose(acked, proposed), step("approve", acked, approved)},
			[]entente.AuditEvent{event(2, "activity.propose", "", proposed)},
			proposed, tally{Lost: 1}},
		{"AckedStepNotStored", []*op{propose(acked, proposed), step("approve", acked, approved)},
			[]entente.AuditEvent{event(2, "activity.propose", "", proposed), event(3, "activity.approve", proposed, approved)},
			proposed, tally{NotWhole: 1}},
		{"AckedRecordGone", []*op{propose(acked, proposed)},
			[]entente.AuditEvent{event(2, "activity.propose", "", proposed)},
			"", tally{Lost: 1}},
		{"AckedNothingLeft", []*op{propose(acked, proposed)}, nil, "", tally{Lost: 1}},
		{"AnsweredOtherwise", []*op{propose(acked, approved)},
			[]entente.AuditEvent{event(2, "activity.propose", "", proposed)},
			proposed, tally{NotWhole: 1}},
		{"ChainBroken", []*op{propose(acked, proposed), step("approve", acked, approved)},
			[]entente.AuditEvent{event(2, "activity.propose", "", proposed), event(3, "activity.approve", invited, approved)},
			approved, tally{NotWhole: 1}},
		{"StoredWithoutEvent", []*op{propose(unknown, "")}, nil, proposed, tally{HalfVisible: 1}},
		{"EventWithoutRecord", []*op{propose(unknown, "")},
			[]entente.AuditEvent{event(2, "activity.propose", "", proposed)},
			"", tally{Committed: 1, HalfVisible: 1}},
		{"RefusedButAudited", []*op{{action: "activity.propose", entity: "activity", tag: "crash w00 activity 1", outcome: refused, status: 503}},
			[]entente.AuditEvent{event(2, "activity.propose", "", proposed)},
			proposed, tally{Phantom: 1, HalfVisible: 1}},
		{"RefusedStepApplied", []*op{propose(acked, proposed), step("approve", refused, "")},
			[]entente.AuditEvent{event(2, "activity.propose", "", proposed), event(3, "activity.approve", proposed, approved)},
			approved, tally{Phantom: 1}},
		{"EventNoWriteSent", nil, []entente.AuditEvent{event(2, "activity.approve", proposed, approved)}, "", tally{Phantom: 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := tally{refusedBy: map[string]int{}}
			chk := newChecker(t, &n, c.ops)
			var findings []string
			chk.report = func(format string, args ...any) { findings = append(findings, fmt.Sprintf(format, args...)) }
			chk.events(c.events)
			stored := map[string][]byte{}
			if c.stored != "" {
				stored[recordKey("activity", id)] = []byte(c.stored)
			}
			chk.verify(stored)
			got := tally{Committed: n.Committed, Lost: n.Lost, NotWhole: n.NotWhole, HalfVisible: n.HalfVisible, Phantom: n.Phantom}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v, want %+v; findings:\n%s", got, c.want, strings.Join(findings, "\n"))
			}
		})
	}
}

// TestIntegrityChecks gives each engine's integrity check a database with
// a child row whose parent is missing (foreign keys off on SQLite; a NOT
// VALID constraint on PostgreSQL) and checks the check says so.
func TestIntegrityChecks(t *testing.T) {
	collect := func(findings *[]string) func(string, ...any) {
		return func(format string, args ...any) { *findings = append(*findings, fmt.Sprintf(format, args...)) }
	}
	t.Run("SQLite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "orphan.db")
		db, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			"PRAGMA foreign_keys = OFF",
			"CREATE TABLE parent (id INTEGER PRIMARY KEY)",
			"CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent (id))",
			"INSERT INTO parent VALUES (1)",
			"INSERT INTO child VALUES (1, 1), (2, 42)",
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		db.Close()
		var findings []string
		checkSQLite(t, collect(&findings), path)
		if len(findings) != 1 || !strings.Contains(findings[0], "child row 2 has no parent in parent") {
			t.Errorf("findings: %q, want child row 2's missing parent", findings)
		}
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		dsn := pgtest.New(t)
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, q := range []string{
			"CREATE TABLE parent (a TEXT, b TEXT, PRIMARY KEY (a, b))",
			"CREATE TABLE child (id INTEGER PRIMARY KEY, a TEXT, b TEXT)",
			"INSERT INTO parent VALUES ('x', 'y')",
			"INSERT INTO child VALUES (1, 'x', 'y'), (2, 'x', 'z'), (3, 'x', NULL)",
			"ALTER TABLE child ADD CONSTRAINT child_parent FOREIGN KEY (a, b) REFERENCES parent (a, b) NOT VALID",
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		var findings []string
		checkPostgres(t, collect(&findings), dsn)
		want := []string{"constraint child_parent is not validated", "child_parent: 1 rows of child have no parent in parent"}
		if !reflect.DeepEqual(findings, want) {
			t.Errorf("findings:\n%q\nwant\n%q", findings, want)
		}
	})
}
