package service_test

import (
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestHistory: a record's versions are its changes in the audit log, oldest
// first, with who (for staff only), why and what changed; a record from the
// imported dataset starts with the import; a record the principal may not
// see has no history it may read either.
func TestHistory(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		a, err := svc.ProposeActivity(ctx, service.ProposeRequest{Programme: "NZL-2024-ITPP", Title: "Cyber talks", Capacity: 4, Date: d("2026-06-01")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.StepActivity(ctx, entente.StepApprove, service.ActivityRequest{ID: a.ID, Date: d("2026-06-01")}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.StepActivity(ctx, entente.StepCancel, service.ActivityRequest{ID: a.ID, Date: d("2026-06-01"), Reason: "no venue"}); err != nil {
			t.Fatal(err)
		}

		h, err := svc.History(ctx, "activity", a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, v := range h.Versions {
			actions = append(actions, v.Action)
			if v.Actor != staffPrincipal.ID {
				t.Errorf("version %d by %q, want %q", v.N, v.Actor, staffPrincipal.ID)
			}
		}
		if want := []string{"activity.propose", "activity.approve", "activity.cancel"}; !equal(actions, want) {
			t.Fatalf("versions %v, want %v", actions, want)
		}
		last := h.Current()
		if last.N != 3 || last.Why != "no venue" || !changed(last.Changes, "status", "approved", "cancelled") {
			t.Errorf("version 3: n %d, why %q, changes %+v; want the cancellation with its reason", last.N, last.Why, last.Changes)
		}
		if first := h.Versions[0]; !changed(first.Changes, "title", "", "Cyber talks") {
			t.Errorf("version 1 changes %+v, want the title written", first.Changes)
		}
		if v := h.InForce(d("2026-05-31")); v != nil {
			t.Errorf("in force the day before it was proposed: version %d, want none", v.N)
		}
		if v := h.InForce(d("2026-06-01")); v == nil || v.N != 3 {
			t.Errorf("in force on the day: %+v, want version 3", v)
		}

		// The public reads the same versions without who made them.
		pub, err := svc.History(as(t, entente.Anonymous), "activity", a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(pub.Versions) != 3 || pub.Actors || pub.Versions[0].Actor != "" {
			t.Errorf("public history: %d versions, actors %v %q; want 3 without actors", len(pub.Versions), pub.Actors, pub.Versions[0].Actor)
		}

		// The imported programme starts with the import, citing its sources.
		p, err := svc.History(ctx, "programme", "NZL-2024-ITPP")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Versions) != 1 || p.Versions[0].Action != "import" || p.Versions[0].Actor != "" || len(p.Versions[0].Sources) == 0 {
			t.Errorf("imported programme's history %+v, want one import version with its sources", p.Versions)
		}

		// A liaison's activity, released to its partner only, has no
		// history for the public: the same not-found as a missing one.
		hidden, err := svc.ProposeActivity(as(t, liaisonN), service.ProposeRequest{Programme: "NZL-2024-ITPP", Title: "Liaison's talks"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.History(as(t, entente.Anonymous), "activity", hidden.ID)
		if entente.ErrorCode(err) != entente.ENOTFOUND || entente.ErrorMessage(err) != `unknown activity "`+hidden.ID+`"` {
			t.Errorf("public history of a hidden activity: %v; want the not-found of a missing one", err)
		}
		if h, err := svc.History(as(t, liaisonN), "activity", hidden.ID); err != nil || len(h.Versions) != 1 {
			t.Errorf("the liaison's own activity: %v", err)
		}
		if _, err := svc.History(ctx, "account", "planner"); entente.ErrorCode(err) != entente.ENOTFOUND {
			t.Errorf("history of an account: %v, want not found", err)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// changed reports whether changes set field from before to after.
func changed(changes []entente.AuditChange, field, before, after string) bool {
	for _, c := range changes {
		if c.Field == field && c.Before == before && c.After == after {
			return true
		}
	}
	return false
}
