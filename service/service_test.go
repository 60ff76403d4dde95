package service_test

import (
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestImportExportRoundTrip checks that what a store exports, after
// workflow writes, imports into a fresh store of either engine as the same
// records.
func TestImportExportRoundTrip(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		if _, err := svc.Accession(ctx, service.StepApply, service.StepRequest{Alliance: "TESTA", Country: "FIN", Date: d("2026-01-05")}); err != nil {
			t.Fatalf("apply: %v", err)
		}
		ds, err := svc.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := toJSON(t, ds)
		for _, e := range engines {
			t.Run("into "+e.name, func(t *testing.T) {
				other := service.New(e.open(t))
				if err := other.Import(ctx, ds, "round trip"); err != nil {
					t.Fatalf("Import(export): %v", err)
				}
				if got := export(t, other); got != want {
					t.Fatalf("export after import differs:\n%s\nwant\n%s", got, want)
				}
				wantCode(t, "second Import", other.Import(ctx, ds, "again"), entente.ECONFLICT)
			})
		}
	})
}

// TestImportInvalid checks that a dataset that breaks a rule is refused
// whole, naming the problem.
func TestImportInvalid(t *testing.T) {
	onEngines(t, func(t *testing.T, svc *service.Service) {
		ds := fixture()
		ds.Memberships[0].Country = "XXX"
		wantCode(t, "Import(membership of an unknown country)", svc.Import(staff(t), ds, "bad"), entente.EINVALID)
		if empty, err := svc.Store.Empty(staff(t)); err != nil || !empty {
			t.Fatalf("after a refused import Empty() = %v, %v; want true", empty, err)
		}
	})
}
