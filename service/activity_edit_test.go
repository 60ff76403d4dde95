package service_test

import (
	"context"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestEditActivity changes a proposed activity on both engines: its
// partner's liaison may, a reader and another partner's liaison may not;
// a stale version, a missing title and an edit once approved are refused
// without writing; the edit writes one audit event with before and after.
func TestEditActivity(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		a, err := svc.ProposeActivity(staff(t), service.ProposeRequest{Programme: "NZL-2024-ITPP", Title: "Staff talks", Date: d("2026-06-01")})
		if err != nil {
			t.Fatal(err)
		}
		nzl := as(t, &entente.Principal{Kind: entente.PrincipalUser, ID: "user:2", Name: "kiri", Role: entente.RoleLiaison, Partner: "NZL"})
		aus := as(t, &entente.Principal{Kind: entente.PrincipalUser, ID: "user:3", Name: "bruce", Role: entente.RoleLiaison, Partner: "AUS"})
		reader := as(t, &entente.Principal{Kind: entente.PrincipalUser, ID: "user:4", Name: "rita", Role: entente.RoleReader})
		req := service.EditRequest{ID: a.ID, Title: "Cyber staff talks", Kind: "staff-talks", Location: "Wellington",
			From: d("2026-09"), To: d("2026-09"), Capacity: 12, IfMatch: entente.Version(*a)}

		for _, c := range []struct {
			what string
			ctx  context.Context
			req  service.EditRequest
			code string
		}{
			{"a reader", reader, req, entente.EFORBIDDEN},
			{"AUS's liaison", aus, req, entente.EFORBIDDEN},
			{"a stale version", nzl, func() service.EditRequest { r := req; r.IfMatch = `"stale"`; return r }(), entente.ESTALE},
			{"no title", nzl, func() service.EditRequest { r := req; r.Title = " "; return r }(), entente.EINVALID},
			{"an unknown kind", nzl, func() service.EditRequest { r := req; r.Kind = "party"; return r }(), entente.EINVALID},
			{"a period backwards", nzl, func() service.EditRequest { r := req; r.From, r.To = d("2027"), d("2026"); return r }(), entente.EINVALID},
			{"an unknown goal", nzl, func() service.EditRequest { r := req; r.Goal = "G99"; return r }(), entente.ENOTFOUND},
		} {
			before := export(t, svc)
			_, err := svc.EditActivity(c.ctx, c.req)
			refusedUnchanged(t, svc, c.what, before, err, c.code)
		}

		got, err := svc.EditActivity(nzl, req)
		if err != nil {
			t.Fatalf("EditActivity: %v", err)
		}
		if got.Title != "Cyber staff talks" || got.Kind != "staff-talks" || got.Location != "Wellington" || got.Capacity != 12 ||
			got.From != d("2026-09") || got.Status != entente.ActivityProposed || got.Dates != a.Dates {
			t.Fatalf("edited: %+v", got)
		}
		stored, err := svc.Activity(staff(t), a.ID)
		if err != nil || entente.Version(*stored) != entente.Version(*got) {
			t.Fatalf("the stored activity differs from the edit's answer: %+v, %v", stored, err)
		}
		evs, err := svc.Store.FindAuditEvents(t.Context(), entente.AuditFilter{Key: a.ID, Limit: 1})
		if err != nil || len(evs) != 1 || evs[0].Action != "activity.edit" || len(evs[0].Before) == 0 || len(evs[0].After) == 0 {
			t.Fatalf("the edit's audit event: %+v, %v", evs, err)
		}

		// Once approved, it is what was approved.
		if _, err := svc.StepActivity(staff(t), entente.StepApprove, service.ActivityRequest{ID: a.ID, Date: d("2026-06-02")}); err != nil {
			t.Fatal(err)
		}
		before := export(t, svc)
		req.IfMatch = ""
		_, err = svc.EditActivity(nzl, req)
		refusedUnchanged(t, svc, "an edit once approved", before, err, entente.EREFUSED)
	})
}
