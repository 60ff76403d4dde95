package store_test

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
)

// quoteTables are the tables migration 0023 gives a quotes column.
var quoteTables = []string{"countries", "alliances", "articles", "memberships", "frameworks", "partnerships", "groups",
	"areas", "programmes", "operations", "contributions", "meetings", "invitations", "defence_events",
	"objectives", "goals", "offers", "activities", "reviews"}

// TestSourceKindsMigration: a store that loaded the default dataset before
// sources had kinds and citations quotations gets, once migration 0023 has
// run, the kinds and quotations the dataset gave when 0023 was written,
// and is otherwise as one that loads today's dataset.
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
	export := func() string { return defaultExport(t, dsn) }
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
	got := export()
	// 0023 restores what it knew when it was written: the kinds of the
	// sources it names and the quotations of the records it names. A
	// source the dataset gained since stays unclassified in an old store,
	// which never loaded it; apart from kinds and quotations, the store
	// is as a fresh load.
	sqlText, err := os.ReadFile(filepath.Join("sqlstore", "migrations", "0023_source_kinds.sql"))
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]entente.SourceKind{}
	for _, m := range regexp.MustCompile(`(?s)SET kind = '([a-z-]+)' WHERE kind = '' AND id IN \((.*?)\);`).FindAllStringSubmatch(string(sqlText), -1) {
		for _, id := range regexp.MustCompile(`'([^']+)'`).FindAllStringSubmatch(m[2], -1) {
			named[id[1]] = entente.SourceKind(m[1])
		}
	}
	quoted := strings.Count(string(sqlText), " SET quotes = ")
	if len(named) < 100 || quoted == 0 {
		t.Fatalf("read %d sources and %d quotations from 0023: the test reads it wrong", len(named), quoted)
	}
	// Decoded without the dataset's checks: the records 0023 quotes cite
	// other sources in today's dataset than they did in 0023's (a store of
	// that day cites the ones quoted).
	var gds, wds entente.Dataset
	if err := json.Unmarshal([]byte(got), &gds); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &wds); err != nil {
		t.Fatal(err)
	}
	fresh := map[string]entente.SourceKind{}
	for _, src := range wds.Sources {
		fresh[src.ID] = src.Kind
	}
	for _, src := range gds.Sources {
		if src.Kind != named[src.ID] {
			t.Errorf("source %s: kind %q after 0023, want %q", src.ID, src.Kind, named[src.ID])
		}
		if k, ok := named[src.ID]; ok && fresh[src.ID] != k {
			t.Errorf("source %s: the dataset gives it kind %q, 0023 %q: a source reclassified needs a migration", src.ID, fresh[src.ID], k)
		}
	}
	if n := strings.Count(got, `"quotes": [`); n != quoted {
		t.Errorf("%d records with quotations after 0023, want the %d it names", n, quoted)
	}
	// Apart from kinds and quotations, the same.
	unkinded := func(export string) string {
		var v map[string]any
		if err := json.Unmarshal([]byte(export), &v); err != nil {
			t.Fatal(err)
		}
		var strip func(any)
		strip = func(x any) {
			switch x := x.(type) {
			case map[string]any:
				delete(x, "quotes")
				for _, y := range x {
					strip(y)
				}
			case []any:
				for _, y := range x {
					strip(y)
				}
			}
		}
		strip(v)
		for _, src := range v["sources"].([]any) {
			delete(src.(map[string]any), "kind")
		}
		b, _ := json.MarshalIndent(v, "", "  ")
		return string(b)
	}
	if g, w := unkinded(got), unkinded(want); g != w {
		t.Errorf("after migration 0023 the store differs from a fresh load of the dataset beyond kinds and quotations:\n%s", firstDiff(g, w))
	}
}
