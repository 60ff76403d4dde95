package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store/postgres"
	"github.com/entente/entente/store/sqlite"
	"github.com/entente/entente/store/storetest"
)

// now is the service's clock in these tests: "today" is 2026-06-01.
var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// staffPrincipal is who acts in these tests, unless a test says otherwise.
var staffPrincipal = &entente.Principal{Kind: entente.PrincipalUser, ID: "user:1", Name: "planner", Role: entente.RoleStaff}

// staff is tb's context acting as a member of the alliance's staff.
func staff(tb testing.TB) context.Context {
	return entente.WithPrincipal(tb.Context(), staffPrincipal)
}

// as is tb's context acting as p.
func as(tb testing.TB, p *entente.Principal) context.Context {
	return entente.WithPrincipal(tb.Context(), p)
}

// d parses a date literal.
func d(s string) entente.Date { return entente.MustParseDate(s) }

// engines opens a fresh, empty store of each engine the tests run on:
// an SQLite file, and a PostgreSQL schema of its own (internal/pgtest), which
// skips the test unless ENTENTE_TEST_POSTGRES is set (CI sets it).
var engines = []struct {
	name string
	open func(t *testing.T) entente.Store
}{
	{"SQLite", func(t *testing.T) entente.Store {
		st, err := sqlite.Open(staff(t), filepath.Join(t.TempDir(), "entente.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}},
	{"PostgreSQL", func(t *testing.T) entente.Store {
		st, err := postgres.Open(staff(t), pgtest.New(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}},
}

// onEngines runs fn once per engine, each time with a service over a fresh,
// empty store whose clock reads now.
func onEngines(t *testing.T, fn func(t *testing.T, svc *service.Service)) {
	t.Helper()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			svc := service.New(e.open(t))
			svc.Now = func() time.Time { return now }
			fn(t, svc)
		})
	}
}

// onFixture runs fn once per engine with a fresh store holding fixture(),
// imported through the service.
func onFixture(t *testing.T, fn func(t *testing.T, svc *service.Service)) {
	t.Helper()
	onEngines(t, func(t *testing.T, svc *service.Service) {
		if err := svc.Import(staff(t), fixture(), "the service test fixture"); err != nil {
			t.Fatalf("Import(fixture): %v", err)
		}
		fn(t, svc)
	})
}

// fixture is the store suite's small dataset (alliance TESTA: BEL, CAN and
// SWE members, FRA withdrawn in 1967, NZL a partner with two programmes)
// plus Finland, a European partner since 1994 that has not applied.
func fixture() *entente.Dataset {
	ds := storetest.Fixture()
	ds.Countries = append(ds.Countries, entente.Country{Code: "FIN", Name: "Finland", Region: "Europe", Subregion: "Northern Europe",
		European:   entente.EuropeanReading{Value: entente.EuropeanYes, Provenance: entente.Provenance{Sources: []string{"src-partners"}}},
		Provenance: entente.Provenance{Sources: []string{"src-partners"}}})
	ds.Partnerships = append(ds.Partnerships, entente.Partnership{Alliance: "TESTA", Country: "FIN", Framework: "PFP",
		Period: entente.Period{From: d("1994-05-09")}, Provenance: entente.Provenance{Sources: []string{"src-partners"}}})
	ds.Sort()
	return ds
}

// export is the whole store as JSON, to compare before and after.
func export(t *testing.T, svc *service.Service) string {
	t.Helper()
	ds, err := svc.Export(staff(t))
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	return toJSON(t, ds)
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// wantCode fails t unless err carries code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := entente.ErrorCode(err); got != code {
		t.Fatalf("%s: error code %q (%v), want %q", what, got, err, code)
	}
}

// refusedUnchanged checks that a refused write returned code and left the
// store as it was.
func refusedUnchanged(t *testing.T, svc *service.Service, what string, before string, err error, code string) {
	t.Helper()
	wantCode(t, what, err, code)
	if export(t, svc) != before {
		t.Fatalf("%s was refused but changed the store", what)
	}
}

// codes are the Code fields of v's elements, in order.
func codes[T any](v []T, code func(T) string) []string {
	out := []string{}
	for _, x := range v {
		out = append(out, code(x))
	}
	return out
}
