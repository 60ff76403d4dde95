package service_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestMenuPreview: a dry run answers which offers a file adds, replaces
// (naming the fields) and leaves unchanged, writing nothing; an import
// confirmed from that preview's basis writes it; one confirmed after
// another import changed an offer the file touches is ESTALE and writes
// nothing; a bad file's problems name the file, line and field; a reader
// is refused.
func TestMenuPreview(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		first := "code,title,area,kind,provider,capacity,sources\n" +
			"MC-1,Maritime course,maritime,course,BEL,10,src-partners\n" +
			"CY-1,Cyber exercise,cyber,exercise,CAN,,src-partners\n"
		if _, err := svc.ImportMenu(ctx, "first.csv", "csv", strings.NewReader(first)); err != nil {
			t.Fatal(err)
		}
		next := "code,title,area,kind,provider,capacity,sources\n" +
			"MC-1,Maritime course,maritime,course,BEL,12,src-partners\n" +
			"CY-1,Cyber exercise,cyber,exercise,CAN,,src-partners\n" +
			"IO-1,Interoperability talks,interop,exchange,SWE,,src-partners\n"
		before := export(t, svc)
		p, err := svc.ImportMenuFile(ctx, service.MenuRequest{Name: "next.csv", Format: "csv", Body: strings.NewReader(next), DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if p.Offers != 3 || len(p.Added) != 1 || p.Added[0].Code != "IO-1" || len(p.Replaced) != 1 || p.Replaced[0].After.Code != "MC-1" ||
			!slices.Equal(p.Replaced[0].Fields, []string{"capacity"}) || len(p.Unchanged) != 1 || p.Unchanged[0].Code != "CY-1" || p.Basis == "" {
			t.Fatalf("preview = %+v", p)
		}
		if export(t, svc) != before {
			t.Fatal("the preview wrote")
		}

		// Another import changes MC-1 meanwhile: the confirmed import is
		// stale, and writes nothing.
		other := "code,title,area,kind,provider,capacity,sources\nMC-1,Maritime course,maritime,course,BEL,14,src-partners\n"
		if _, err := svc.ImportMenu(ctx, "other.csv", "csv", strings.NewReader(other)); err != nil {
			t.Fatal(err)
		}
		before = export(t, svc)
		_, err = svc.ImportMenuFile(ctx, service.MenuRequest{Name: "next.csv", Format: "csv", Body: strings.NewReader(next), Basis: p.Basis})
		refusedUnchanged(t, svc, "an import confirmed from a stale preview", before, err, entente.ESTALE)

		p, err = svc.ImportMenuFile(ctx, service.MenuRequest{Name: "next.csv", Format: "csv", Body: strings.NewReader(next), DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ImportMenuFile(ctx, service.MenuRequest{Name: "next.csv", Format: "csv", Body: strings.NewReader(next), Basis: p.Basis}); err != nil {
			t.Fatal(err)
		}
		offers, err := svc.Menu(ctx)
		if err != nil || len(offers) != 3 {
			t.Fatalf("menu after the import: %d offers, %v", len(offers), err)
		}

		bad := "code,title,area,kind,provider,capacity\nX-1,Bad,space,course,BEL,ten\n"
		_, err = svc.ImportMenuFile(ctx, service.MenuRequest{Name: "bad.csv", Format: "csv", Body: strings.NewReader(bad), DryRun: true})
		if msg := entente.ErrorMessage(err); entente.ErrorCode(err) != entente.EINVALID || !strings.Contains(msg, "bad.csv:2: capacity:") {
			t.Errorf("a bad file: %v", err)
		}
		reader := as(t, &entente.Principal{Kind: entente.PrincipalUser, ID: "r", Role: entente.RoleReader})
		_, err = svc.ImportMenuFile(reader, service.MenuRequest{Name: "next.csv", Format: "csv", Body: strings.NewReader(next), DryRun: true})
		wantCode(t, "a reader's preview", err, entente.EFORBIDDEN)
	})
}
