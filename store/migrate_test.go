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

// TestArticleRolesMigration: a store that loaded the default dataset before
// articles had roles and alliances a place of signature ends, once migration
// 0006 has run, as one that loaded today's dataset: the roles of the
// consultation, collective-defence and defence-area articles, the place,
// its source, and the note without the sentence the place replaces.
func TestArticleRolesMigration(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		testArticleRolesMigration(t, path, "sqlite", path)
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		u := pgtest.New(t)
		testArticleRolesMigration(t, u, "pgx", u)
	})
}

func testArticleRolesMigration(t *testing.T, dsn, driver, raw string) {
	ctx := t.Context()
	export := func() string { return defaultExport(t, dsn) }
	want := export()
	if !strings.Contains(want, `"role": "collective-defence"`) || !strings.Contains(want, `"signed_at": "Washington, D.C."`) {
		t.Fatal("the default dataset has no roles or place of signature to restore")
	}
	// Put the database back as it was before migration 0006.
	db, err := sql.Open(driver, raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`ALTER TABLE articles DROP COLUMN role`,
		`ALTER TABLE alliances DROP COLUMN signed_at`,
		`UPDATE alliances SET note = 'Signed in Washington. ' || note, sources = replace(sources, ' archives-us-treaty', '')`,
		`DELETE FROM sources WHERE id = 'archives-us-treaty'`,
		`DELETE FROM schema_migrations WHERE name = '0006_article_roles.sql'`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	export()
	// Migration 0023, which classifies the sources, runs after 0006 on an
	// old store; run again alone here, 0006 leaves its source unclassified.
	db, err = sql.Open(driver, raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE sources SET kind = 'government' WHERE id = 'archives-us-treaty'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if got := export(); got != want {
		t.Errorf("after migration 0006 the store differs from a fresh load of the dataset:\n%s", firstDiff(got, want))
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return "line " + g[i] + "\nwant " + w[i]
		}
	}
	return "lengths differ"
}

// defaultExport opens the store at dsn, loads the default dataset into it
// if it is empty (migrating it first, as Open does), and returns its export
// as JSON: what a migration test compares an old store with.
func defaultExport(t *testing.T, dsn string) string {
	t.Helper()
	ctx := t.Context()
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
