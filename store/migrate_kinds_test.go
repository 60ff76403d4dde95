package store_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entente/entente/dataset"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/store"
)

// quoteTables are the tables migration 0023 gives a quotes column.
var quoteTables = []string{"countries", "alliances", "articles", "memberships", "frameworks", "partnerships", "groups",
	"areas", "programmes", "operations", "contributions", "meetings", "invitations", "defence_events",
	"objectives", "goals", "offers", "activities", "reviews"}

// TestSourceKindsMigration: a store that loaded the default dataset before
// sources had kinds and citations quotations ends, once migration 0023 has
// run, as one that loads today's dataset: every source with its kind, the
// quotations in place.
func TestSourceKindsMigration(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		testSourceKindsMigration(t, path, "sqlite", path)
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		u := pgtest.New(t)
		testSourceKindsMigration(t, u, "pgx", u)
	})
}

func testSourceKindsMigration(t *testing.T, dsn, driver, raw string) {
	ctx := t.Context()
	export := func() string {
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if empty, err := st.Empty(ctx); err != nil {
			t.Fatal(err)
		} else if empty {
			ds, err := dataset.Default()
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Import(ctx, ds, nil); err != nil {
				t.Fatal(err)
			}
		}
		ds, err := st.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := dataset.WriteJSON(&b, ds); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	want := export()
	for _, s := range []string{`"kind": "official-text"`, `"kind": "secondary"`, `"quotes": [`} {
		if !strings.Contains(want, s) {
			t.Fatalf("the default dataset's export has no %s to restore", s)
		}
	}
	// Put the database back as it was before migration 0023.
	db, err := sql.Open(driver, raw)
	if err != nil {
		t.Fatal(err)
	}
	undo := []string{`ALTER TABLE sources DROP COLUMN kind`, `DELETE FROM schema_migrations WHERE name = '0023_source_kinds.sql'`}
	for _, tb := range quoteTables {
		undo = append(undo, `ALTER TABLE `+tb+` DROP COLUMN quotes`)
	}
	for _, q := range undo {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	if got := export(); got != want {
		t.Errorf("after migration 0023 the store differs from a fresh load of the dataset:\n%s", firstDiff(got, want))
	}
}
