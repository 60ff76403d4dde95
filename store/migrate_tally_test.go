package store_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/store"
	"github.com/entente/entente/store/storetest"
)

// TestActivityTallyMigration: a store whose activities were written before
// migration 0025 counts them, once 0025 has run, as CountOn does, on days
// the store counts from activity_tally.
func TestActivityTallyMigration(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		testActivityTallyMigration(t, path, "sqlite", path)
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		u := pgtest.New(t)
		testActivityTallyMigration(t, u, "pgx", u)
	})
}

func testActivityTallyMigration(t *testing.T, dsn, driver, raw string) {
	ctx := t.Context()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	ds := storetest.PlanFixture()
	steps := func(a *entente.Activity, i int) []*entente.Date {
		d := &a.Dates
		return []*entente.Date{&d.Proposed, &d.Approved, &d.InvitationsSent, &d.RegistrationOpened, &d.Held, &d.Reported, &d.Cancelled}[:i%8]
	}
	for i := range 300 {
		a := entente.Activity{ID: fmt.Sprintf("NZL-2024-ITPP-M%03d", i), Programme: "NZL-2024-ITPP", Goal: []string{"", "G1", "G2"}[i%3],
			Title: "Migrated", Kind: "course", Status: entente.ActivityStatuses[i%len(entente.ActivityStatuses)],
			Invited: []string{}, Registrations: []entente.Registration{}, Provenance: entente.Provenance{Sources: []string{}}}
		if i%4 == 1 {
			a.Releasability = entente.ReleasableToCountries("NZL")
		}
		day := entente.MustParseDate("2024-01-01").Time().AddDate(0, 0, i*3)
		for j, p := range steps(&a, i) {
			d := entente.Day(day.AddDate(0, 0, 11*j))
			switch (i + j) % 5 {
			case 0:
				d = entente.Date{Year: d.Year}
			case 1:
				d = entente.Date{Year: d.Year, Month: d.Month}
			}
			*p = d
		}
		if i%3 > 0 {
			a.From = entente.Day(day.AddDate(0, 1, 0))
		}
		if i%3 == 2 {
			a.To = entente.Date{Year: a.From.Year, Month: a.From.Month}
		}
		ds.Activities = append(ds.Activities, a)
	}
	if err := st.Import(ctx, ds, nil); err != nil {
		t.Fatal(err)
	}
	st.Close()
	// Put the database back as it was before migration 0025.
	db, err := sql.Open(driver, raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TABLE activity_tally`, `DELETE FROM schema_migrations WHERE name = '0025_activity_tally_rows.sql'`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	st, err = store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if driver == "pgx" {
		// The migration's rows are planned by what they are: it ends
		// with VACUUM (ANALYZE), as an import does.
		db, err := sql.Open(driver, raw)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var analyzed bool
		if err := db.QueryRowContext(ctx, `SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables
			WHERE relname = 'activity_tally' AND schemaname = current_schema()`).Scan(&analyzed); err != nil {
			t.Fatal(err)
		}
		if !analyzed {
			t.Error("activity_tally was not analysed after migration 0025 filled it")
		}
	}
	liaison := &entente.Principal{Kind: entente.PrincipalUser, ID: "user:9", Role: entente.RoleLiaison, Partner: "NZL"}
	for _, viewer := range []*entente.Principal{nil, liaison} {
		f := entente.ActivityFilter{Programme: "NZL-2024-ITPP", Viewer: viewer}
		all, err := st.FindActivities(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		counted := 0
		for _, ds := range []string{"2023-12-31", "2024-01-01", "2024-03-15", "2024-07-31", "2024-12-31", "2025-01-01", "2025-06-30", "2026-01-01"} {
			day := entente.MustParseDate(ds)
			got, err := st.TallyActivities(ctx, f, day)
			if err != nil {
				t.Fatal(err)
			}
			want := entente.CountOn(all, day)
			if !slices.Equal(got, want) {
				t.Errorf("after migration 0025, the count on %s for viewer %v:\n got %v\nwant %v", ds, viewer, got, want)
			}
			counted += len(want)
		}
		if counted == 0 {
			t.Error("nothing to count: the test's activities are wrong")
		}
	}
}
