package store_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/dataset"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/store"
)

// TestCountriesMigration: a store that loaded the default dataset before it
// held every ISO 3166-1 country, and before the European readings had their
// sources, ends, once migrations 0004 and 0007 have run, with every country
// and reading the dataset now records (issue 7, defect 7, for stores made
// before the fix). The old store is made by loading today's dataset and
// undoing by hand what 0007 brings.
func TestCountriesMigration(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		testCountriesMigration(t, path, "sqlite", path)
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		u := pgtest.New(t)
		testCountriesMigration(t, u, "pgx", u)
	})
}

func testCountriesMigration(t *testing.T, dsn, driver, raw string) {
	ctx := t.Context()
	ds, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Import(ctx, ds, nil); err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open(driver, raw)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		"DELETE FROM schema_migrations WHERE name = '0007_countries_data.sql'",
		"DELETE FROM countries WHERE code IN ('CYP', 'AND', 'LIE', 'VAT')",
		"UPDATE countries SET european_reading = 'no', european_sources = '', european_note = '', subregion = '' WHERE code = 'GEO'",
		"UPDATE alliances SET eligibility_clause = '' WHERE code = 'NATO'",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	st, err = store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.FindCountries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ds.Countries) {
		t.Fatalf("%d countries after the migration, want %d", len(got), len(ds.Countries))
	}
	for i, c := range got {
		want := ds.Countries[i]
		if c.Code != want.Code || c.Name != want.Name || c.Place() != want.Place() || c.European.Value != want.European.Value ||
			c.European.Note != want.European.Note || len(c.European.Sources) != len(want.European.Sources) {
			t.Errorf("%s after the migration: %+v, want %+v", want.Code, c, want)
		}
	}
	a, err := st.FindAlliance(ctx, "NATO")
	if err != nil {
		t.Fatal(err)
	}
	if a.Rule.Eligibility != entente.EligibleByEuropean || a.Rule.EligibilityClause != ds.Alliances[0].Rule.EligibilityClause {
		t.Errorf("NATO's rule after the migration: %+v", a.Rule)
	}
}
