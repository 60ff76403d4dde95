package main

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// TestAuditVerify: verify reports how many events held, and once a row is
// changed behind entente's back (its triggers dropped by hand), the event
// changed and what differs, with exit status 1.
func TestAuditVerify(t *testing.T) {
	path := filepath.Join(t.TempDir(), "entente.db")
	db := "--db=" + path
	run(t, "members", "NATO", db) // loads the default dataset: one event
	run(t, "accession", "apply", "NATO", "UKR", "--date", "2030-01-01", db)
	out, stderr, code := run(t, "audit", "verify", db)
	if code != exitOK || !strings.Contains(out, "audit log verified: 2 events") {
		t.Fatalf("audit verify: exit %d, %s%s; want 2 events verified", code, out, stderr)
	}

	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE audit_events SET actor = 'forged' WHERE id = 2`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("UPDATE of an audit event: %v, want the trigger's refusal", err)
	}
	for _, q := range []string{`DROP TRIGGER audit_events_no_update`, `UPDATE audit_events SET after_json = '{"forged":true}' WHERE id = 2`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	out, stderr, code = run(t, "audit", "verify", db)
	if code != exitRefused || !strings.Contains(stderr, "broken at event 2: its fields do not match its hash") || !strings.Contains(stderr, "1 event before it verified") {
		t.Errorf("audit verify after tampering: exit %d, %s%s; want event 2 named, exit 1", code, out, stderr)
	}
	out, _, code = run(t, "audit", "verify", "--json", db)
	var c struct {
		Events int
		Broken struct{ ID int }
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil || code != exitRefused || c.Events != 1 || c.Broken.ID != 2 {
		t.Errorf("audit verify --json after tampering: exit %d, %s", code, out)
	}
}
