package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/store"
)

// TestAuditChainMigration: events written before migration 0009 are hashed
// into a chain by it, oldest first and as they were stored, so that the
// chain of a store that had a history before it verifies, and appends go on
// from its head.
func TestAuditChainMigration(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		testAuditChainMigration(t, path, "sqlite", path, "DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete",
			"DROP TRIGGER audit_chain_forward", "DROP TRIGGER audit_chain_no_delete")
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		u := pgtest.New(t)
		testAuditChainMigration(t, u, "pgx", u, "DROP FUNCTION audit_append_only CASCADE", "DROP FUNCTION audit_chain_forward CASCADE")
	})
}

func testAuditChainMigration(t *testing.T, dsn, driver, raw string, dropTriggers ...string) {
	ctx := t.Context()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		err := st.Update(ctx, func(tx entente.Tx) error {
			return tx.AddAuditEvent(ctx, &entente.AuditEvent{Actor: fmt.Sprint("actor ", i), Action: "test", Entity: "test",
				Key: fmt.Sprint(i), After: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	// Put the database back as it was before migration 0009, with an event
	// as the code of then stored it: no address, no hashes.
	db, err := sql.Open(driver, raw)
	if err != nil {
		t.Fatal(err)
	}
	stmts := append(dropTriggers,
		`DROP TABLE audit_chain`,
		`DROP INDEX audit_events_record`,
		`DROP INDEX audit_events_actor`,
		`ALTER TABLE audit_events DROP COLUMN address`,
		`ALTER TABLE audit_events DROP COLUMN prev_hash`,
		`ALTER TABLE audit_events DROP COLUMN hash`,
		`INSERT INTO audit_events (id, at, actor, action, entity, entity_key, before_json, after_json)
			VALUES (7, '2024-05-06 07:08:09', 'Secretary General', 'import', 'dataset', 'x', '', '')`,
		`DELETE FROM schema_migrations WHERE name LIKE '0009_%'`,
	)
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	st, err = store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("Open after reverting migration 0009: %v", err)
	}
	defer st.Close()
	if err := st.Update(ctx, func(tx entente.Tx) error {
		return tx.AddAuditEvent(ctx, &entente.AuditEvent{Actor: "after", Action: "test", Entity: "test", Key: "after"})
	}); err != nil {
		t.Fatal(err)
	}
	c, err := entente.VerifyAudit(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if !c.OK() || c.Events != 5 {
		t.Fatalf("VerifyAudit after migration 0009: %d events, break %+v; want 5 and no break", c.Events, c.Broken)
	}
	evs, err := st.FindAuditEvents(ctx, entente.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, e := range evs {
		ids = append(ids, e.ID)
	}
	if fmt.Sprint(ids) != "[8 7 3 2 1]" || evs[1].Actor != "Secretary General" || string(evs[2].After) != `{"n":2}` {
		t.Errorf("events after migration 0009: ids %v, %+v", ids, evs)
	}
}
