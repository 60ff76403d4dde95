package service_test

import (
	"context"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestReleasabilityWrites: a liaison's record is released to its partner
// by default and may not be released wider; staff mark as they choose; a
// programme may not supersede one more widely released; and a record is
// read, listed and exported only by those it is released to.
func TestReleasabilityWrites(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		nctx := as(t, liaisonN)
		before := state(t, svc)
		_, err := svc.ProposeActivity(nctx, service.ProposeRequest{Programme: "NZL-2024-ITPP", Title: "Wide talks",
			Releasability: &entente.Releasability{Level: entente.ReleasePublic}})
		wantCode(t, "a liaison releasing to the public", err, entente.EFORBIDDEN)
		if state(t, svc) != before {
			t.Fatal("a refused proposal changed the store")
		}
		a, err := svc.ProposeActivity(nctx, service.ProposeRequest{Programme: "NZL-2024-ITPP", Title: "Liaison's talks"})
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Releasability.String(); got != "RELEASABLE_TO NZL" {
			t.Errorf("liaison's activity marked %s, want RELEASABLE_TO NZL", got)
		}
		for _, c := range []struct {
			name string
			sees bool
			p    *entente.Principal
		}{{"staff", true, staffPrincipal}, {"NZL liaison", true, liaisonN}, {"FIN liaison", false, liaisonF}, {"public", false, entente.Anonymous}} {
			ctx := as(t, c.p)
			_, err := svc.Activity(ctx, a.ID)
			if c.sees && err != nil {
				t.Errorf("%s: Activity(%s) = %v, want it", c.name, a.ID, err)
			}
			if !c.sees && entente.ErrorMessage(err) != `unknown activity "`+a.ID+`"` {
				t.Errorf("%s: Activity(%s) = %v, want the not-found of a missing activity", c.name, a.ID, err)
			}
			acts, err := svc.Activities(ctx, entente.ActivityFilter{Programme: "NZL-2024-ITPP"})
			if err != nil {
				t.Fatal(err)
			}
			listed := false
			for _, x := range acts {
				listed = listed || x.ID == a.ID
			}
			ds, err := svc.Export(ctx)
			if err != nil {
				t.Fatal(err)
			}
			exported := false
			for _, x := range ds.Activities {
				exported = exported || x.ID == a.ID
			}
			if listed != c.sees || exported != c.sees {
				t.Errorf("%s: listed %v, exported %v; want %v", c.name, listed, exported, c.sees)
			}
		}

		// A programme released to NZL only cannot end the public one.
		before = state(t, svc)
		_, err = svc.AgreeProgramme(staff(t), service.AgreeRequest{ID: "NZL-ITPP-2028", Alliance: "TESTA", Partner: "NZL", Type: "ITPP",
			Title: "Next", Agreed: d("2026-05-01"), Releasability: &entente.Releasability{Level: entente.ReleasableTo, To: []string{"NZL"}}})
		wantCode(t, "a programme narrower than the one it supersedes", err, entente.EREFUSED)
		if !strings.Contains(entente.ErrorMessage(err), "would supersede NZL-2024-ITPP") {
			t.Errorf("refusal %q does not name the programme superseded", entente.ErrorMessage(err))
		}
		if state(t, svc) != before {
			t.Fatal("a refused agreement changed the store")
		}
		// A malformed marking is invalid, naming the field.
		_, err = svc.ProposeActivity(staff(t), service.ProposeRequest{Programme: "NZL-2024-ITPP", Title: "Talks",
			Releasability: &entente.Releasability{Level: entente.ReleasableTo}})
		wantCode(t, "RELEASABLE_TO nobody", err, entente.EINVALID)
		if !strings.HasPrefix(entente.ErrorMessage(err), "releasability.to:") {
			t.Errorf("error %q does not name the field", entente.ErrorMessage(err))
		}
	})
}

// TestReleasabilityWritePaths: a liaison writing to a programme or activity
// hidden from it gets the not-found of one that does not exist, not a
// refusal that would tell it exists.
func TestReleasabilityWritePaths(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		toFIN := &entente.Releasability{Level: entente.ReleasableTo, To: []string{"FIN"}}
		a, err := svc.ProposeActivity(staff(t), service.ProposeRequest{Programme: "NZL-2024-ITPP", Title: "FIN's talks", Releasability: toFIN})
		if err != nil {
			t.Fatal(err)
		}
		nctx := as(t, liaisonN)
		_, hidden := svc.StepActivity(nctx, entente.StepHold, service.ActivityRequest{ID: a.ID})
		_, missing := svc.StepActivity(nctx, entente.StepHold, service.ActivityRequest{ID: "NZL-2024-ITPP-A999"})
		if entente.ErrorCode(hidden) != entente.ENOTFOUND || entente.ErrorMessage(hidden) != strings.ReplaceAll(entente.ErrorMessage(missing), "NZL-2024-ITPP-A999", a.ID) {
			t.Errorf("step on a hidden activity as the NZL liaison: %v; on a missing one: %v; want the same not-found", hidden, missing)
		}
	})
}

// TestHiddenGoalCode: a goal hidden from a liaison is neither overwritten
// nor described by the liaison's write of the same code (with or without
// the versions the API requires): the code is taken, nothing more.
func TestHiddenGoalCode(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		hidden := &entente.Releasability{Level: entente.ReleaseAlliance}
		o, err := svc.PutObjective(staff(t), service.ObjectiveRequest{Programme: "NZL-2024-ITPP", Area: "cyber", Title: "Cyber"})
		if err != nil {
			t.Fatal(err)
		}
		g, err := svc.PutGoal(staff(t), service.GoalRequest{Programme: "NZL-2024-ITPP", Code: "G9", Objective: o.Code, Title: "Staff's own goal", Releasability: hidden})
		if err != nil {
			t.Fatal(err)
		}
		before := state(t, svc)
		for _, ctx := range []context.Context{as(t, liaisonN), service.RequireVersions(as(t, liaisonN))} {
			_, err := svc.PutGoal(ctx, service.GoalRequest{Programme: "NZL-2024-ITPP", Code: "G9", Objective: o.Code, Title: "Liaison's goal"})
			wantCode(t, "a liaison writing a hidden goal's code", err, entente.ECONFLICT)
			if msg := entente.ErrorMessage(err); strings.Contains(msg, g.Title) || strings.Contains(msg, "version") {
				t.Errorf("the refusal describes the hidden goal: %q", msg)
			}
		}
		if state(t, svc) != before {
			t.Fatal("the refused write changed the store")
		}
		if got, err := svc.Goal(staff(t), "NZL-2024-ITPP", "G9"); err != nil || got.Title != g.Title {
			t.Errorf("the hidden goal after the liaison's write: %+v, %v", got, err)
		}
	})
}
