package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The change feed suite: a store's changes, read through service.Changes
// a page at a time, mirror it into another store that started from the
// same dataset; a change to a hidden record is left out of the feed of
// those it is hidden from, and the cursor passes over it.

func runChanges(t *testing.T, open func(t *testing.T) entente.Store) {
	t.Run("Mirror", func(t *testing.T) { testChangeMirror(t, open) })
	t.Run("Releasability", func(t *testing.T) { testChangeReleasability(t, open) })
}

// changeWrites makes one change of each kind the feed carries, through
// the service, as staff: activities proposed and stepped, objectives and
// goals added and changed, a review, a programme agreed (superseding
// another) and one released to SWE only.
func changeWrites(t *testing.T, svc *service.Service, ctx context.Context) {
	t.Helper()
	must := func(what string, _ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	for i := range 3 {
		a, err := svc.ProposeActivity(ctx, service.ProposeRequest{Programme: "NZL-2024-ITPP", Title: fmt.Sprintf("Mirrored %d", i), Kind: "course", Capacity: 4})
		must("propose", a, err)
	}
	a, err := svc.StepActivity(ctx, entente.StepApprove, service.ActivityRequest{ID: "NZL-2024-ITPP-A004"})
	must("approve", a, err)
	a, err = svc.StepActivity(ctx, entente.StepCancel, service.ActivityRequest{ID: "NZL-2024-ITPP-A005", Reason: "no room"})
	must("cancel", a, err)
	ar, err := svc.AddArea(ctx, "resilience", "Resilience")
	must("area", ar, err)
	o, err := svc.PutObjective(ctx, service.ObjectiveRequest{Programme: "NZL-2024-ITPP", Code: "resilience", Area: "resilience", Title: "Resilience"})
	must("objective", o, err)
	o, err = svc.PutObjective(ctx, service.ObjectiveRequest{Programme: "NZL-2024-ITPP", Code: "cyber", Area: "cyber", Title: "Cyber defence, renamed"})
	must("objective change", o, err)
	g, err := svc.PutGoal(ctx, service.GoalRequest{Programme: "NZL-2024-ITPP", Code: "G3", Objective: "resilience", Title: "Plan for outages",
		Indicators: []entente.Indicator{{Name: "plans", Target: 2}}})
	must("goal", g, err)
	// The record's facts: one of each kind added (the source first, before
	// any cites it; no partnership, which would be SWE's, whose feed the
	// releasability test wants empty), and a meeting corrected.
	facts := newFacts()
	for _, kind := range []string{entente.FactSource, entente.FactContribution, entente.FactMeeting, entente.FactInvitation, entente.FactDefenceEvent} {
		f, err := svc.CreateFact(ctx, kind, facts[kind])
		must(kind, f, err)
	}
	mt, err := svc.Fact(ctx, entente.FactMeeting, "m-2023-vilnius")
	must("meeting", mt, err)
	m := *mt.(*entente.Meeting)
	m.City = "Vilnius, Lithuania"
	f, err := svc.CorrectFact(ctx, service.FactCorrection{Kind: entente.FactMeeting, Key: m.ID, Record: &m, Reason: "the host country named",
		Source: "src-new", IfMatch: entente.Version(mt)})
	must("meeting correction", f, err)
	rv, err := svc.ReviewProgramme(ctx, service.ReviewRequest{Programme: "NZL-2024-ITPP", Date: d("2025-06-30"), Note: "Yearly"})
	must("review", rv, err)
	hidden := entente.Releasability{Level: entente.ReleasableTo, To: []string{"NZL"}}
	o, err = svc.PutObjective(ctx, service.ObjectiveRequest{Programme: "NZL-2024-ITPP", Code: "held", Area: "cyber", Title: "Closely held", Releasability: &hidden})
	must("hidden objective", o, err)
	p, err := svc.AgreeProgramme(ctx, service.AgreeRequest{ID: "NZL-ITPP-2025", Alliance: "TESTA", Partner: "NZL", Type: "ITPP",
		Title: "New Zealand's next programme", Agreed: d("2025-06-01"), CarryOver: true})
	must("agree", p, err)
}

// readFeed reads the whole feed as the principal in ctx, limit changes a
// page, from the cursor since, and returns the changes and the last cursor.
func readFeed(t *testing.T, svc *service.Service, ctx context.Context, since int64, limit int) ([]service.Change, int64) {
	t.Helper()
	var out []service.Change
	for range 1000 {
		page, err := svc.Changes(ctx, since, limit)
		if err != nil {
			t.Fatalf("Changes(%d, %d): %v", since, limit, err)
		}
		if len(page.Changes) > limit || page.Cursor < since {
			t.Fatalf("Changes(%d, %d): %d changes, cursor %d", since, limit, len(page.Changes), page.Cursor)
		}
		for _, c := range page.Changes {
			if c.ID <= since || c.ID > page.Cursor {
				t.Fatalf("Changes(%d, %d): change %d outside (%d, %d]", since, limit, c.ID, since, page.Cursor)
			}
		}
		out = append(out, page.Changes...)
		since = page.Cursor
		if !page.More {
			return out, since
		}
	}
	t.Fatal("the feed did not end")
	return nil, 0
}

// apply writes a change's record into tx as it stands: created if it is
// new, else changed, with the sources it cites. Imports, menu imports and
// generated data carry no records (their events say what was imported,
// not the records), so a mirror starts from the same dataset and menu.
func apply(ctx context.Context, tx entente.Tx, c service.Change) error {
	if len(c.Record) == 0 {
		// An import, a menu import or generated data: the feed says it
		// happened but does not carry the records.
		return nil
	}
	for i := range c.Sources {
		if err := tx.EnsureSource(ctx, &c.Sources[i]); err != nil {
			return err
		}
	}
	put := func(v any, create, update func() error) error {
		if err := json.Unmarshal(c.Record, v); err != nil {
			return err
		}
		if err := update(); entente.ErrorCode(err) != entente.ENOTFOUND {
			return err
		}
		return create()
	}
	switch c.Entity {
	case "activity":
		var a entente.Activity
		return put(&a, func() error { return tx.CreateActivity(ctx, &a) }, func() error { return tx.UpdateActivity(ctx, &a) })
	case "programme":
		var p entente.Programme
		return put(&p, func() error { return tx.CreateProgramme(ctx, &p) }, func() error { return tx.UpdateProgramme(ctx, &p) })
	case "objective":
		var o entente.Objective
		return put(&o, func() error { return tx.CreateObjective(ctx, &o) }, func() error { return tx.UpdateObjective(ctx, &o) })
	case "goal":
		var g entente.Goal
		return put(&g, func() error { return tx.CreateGoal(ctx, &g) }, func() error { return tx.UpdateGoal(ctx, &g) })
	case "membership":
		var m entente.Membership
		return put(&m, func() error { return tx.CreateMembership(ctx, &m) }, func() error { return tx.UpdateMembership(ctx, &m) })
	case "partnership":
		var p entente.Partnership
		return put(&p, func() error { return tx.CreatePartnership(ctx, &p) }, func() error { return tx.UpdatePartnership(ctx, &p) })
	case entente.FactContribution:
		var x entente.Contribution
		return put(&x, func() error { return tx.CreateContribution(ctx, &x) }, func() error { return tx.UpdateContribution(ctx, &x) })
	case entente.FactMeeting:
		var x entente.Meeting
		return put(&x, func() error { return tx.CreateMeeting(ctx, &x) }, func() error { return tx.UpdateMeeting(ctx, &x) })
	case entente.FactInvitation:
		var x entente.Invitation
		return put(&x, func() error { return tx.CreateInvitation(ctx, &x) }, func() error { return tx.UpdateInvitation(ctx, &x) })
	case entente.FactDefenceEvent:
		var x entente.DefenceEvent
		return put(&x, func() error { return tx.CreateDefenceEvent(ctx, &x) }, func() error { return tx.UpdateDefenceEvent(ctx, &x) })
	case entente.FactSource:
		var x entente.Source
		return put(&x, func() error { return tx.CreateSource(ctx, &x) }, func() error { return tx.UpdateSource(ctx, &x) })
	case "review":
		var r entente.Review
		if err := json.Unmarshal(c.Record, &r); err != nil {
			return err
		}
		return tx.CreateReview(ctx, &r)
	case "area":
		var a entente.Area
		if err := json.Unmarshal(c.Record, &a); err != nil {
			return err
		}
		return tx.AddRecords(ctx, &entente.Dataset{Areas: []entente.Area{a}})
	}
	return fmt.Errorf("change %d: no way to mirror a %s", c.ID, c.Entity)
}

func testChangeMirror(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, src := planService(t, open, PlanFixture())
	ctx := staffCtx(t)
	mirror := open(t)
	if err := mirror.Import(t.Context(), PlanFixture(), importEvent()); err != nil {
		t.Fatal(err)
	}
	// Half the writes, a mirror pass, the rest, and a pass resumed from
	// the first's cursor: what a mirror polling the feed does.
	var cursor int64
	var all []service.Change
	pass := func() {
		changes, next := readFeed(t, svc, ctx, cursor, 3)
		cursor = next
		all = append(all, changes...)
		err := mirror.Update(t.Context(), func(tx entente.Tx) error {
			for _, c := range changes {
				if err := apply(t.Context(), tx, c); err != nil {
					return fmt.Errorf("change %d (%s %s %s): %w", c.ID, c.Action, c.Entity, c.Key, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("mirror: %v", err)
		}
	}
	changeWrites(t, svc, ctx)
	pass()
	a, err := svc.StepActivity(ctx, entente.StepInvite, service.ActivityRequest{ID: "NZL-2024-ITPP-A004", Countries: []string{"NZL"}})
	if err != nil {
		t.Fatalf("invite: %v (%v)", err, a)
	}
	pass()
	if got, want := exportJSON(t, mirror), exportJSON(t, src); got != want {
		t.Errorf("the mirror's export differs from the store's%s", firstDifference(got, want))
	}
	// The feed is the audit log's record changes, in commit order, each
	// once: resuming from a cursor neither skips nor repeats one.
	evs, err := src.FindAuditEvents(ctx, entente.AuditFilter{Oldest: true})
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for _, e := range evs {
		if e.Entity != "account" && e.Entity != "token" {
			want = append(want, e.ID)
		}
	}
	var got []int64
	for _, c := range all {
		got = append(got, c.ID)
		if c.Actor == "" {
			t.Errorf("change %d: no actor for staff", c.ID)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("feed ids %v, want the audit log's %v", got, want)
	}
	// Whole pages: one read of everything gives the same changes.
	if one, _ := readFeed(t, svc, ctx, 0, service.MaxChanges); len(one) != len(all) {
		t.Errorf("one page: %d changes, paged: %d", len(one), len(all))
	}
}

func testChangeReleasability(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, _ := planService(t, open, PlanFixture())
	staff := staffCtx(t)
	changeWrites(t, svc, staff)
	public := entente.WithPrincipal(t.Context(), entente.Anonymous)
	reader := entente.WithPrincipal(t.Context(), &entente.Principal{Kind: entente.PrincipalUser, ID: "user:5", Name: "reader", Role: entente.RoleReader})
	nzl := entente.WithPrincipal(t.Context(), &entente.Principal{Kind: entente.PrincipalUser, ID: "user:6", Name: "nzl", Role: entente.RoleLiaison, Partner: "NZL"})
	shows := func(ctx context.Context) (bool, []service.Change, int64) {
		changes, cursor := readFeed(t, svc, ctx, 0, 2)
		hidden := false
		for _, c := range changes {
			hidden = hidden || c.Key == "NZL-2024-ITPP/held"
		}
		return hidden, changes, cursor
	}
	hs, staffChanges, staffCursor := shows(staff)
	if !hs {
		t.Errorf("staff's feed lacks the objective released to NZL")
	}
	if h, _, _ := shows(nzl); !h {
		t.Errorf("NZL's liaison's feed lacks the objective released to NZL")
	}
	for name, ctx := range map[string]context.Context{"public": public, "reader": reader} {
		h, changes, cursor := shows(ctx)
		if h {
			t.Errorf("%s's feed shows the objective released to NZL", name)
		}
		if cursor != staffCursor {
			t.Errorf("%s's cursor %d, want %d: it passes over hidden changes", name, cursor, staffCursor)
		}
		if len(changes) == 0 || len(changes) >= len(staffChanges) {
			t.Errorf("%s sees %d changes, staff %d", name, len(changes), len(staffChanges))
		}
		for _, c := range changes {
			if c.Actor != "" || c.Address != "" || c.Entity == "dataset" {
				t.Errorf("%s's change %d: actor %q, address %q, entity %s", name, c.ID, c.Actor, c.Address, c.Entity)
			}
		}
	}
	// The Atom feeds' reads: NZL's recent changes.
	held := func(cs []service.Change) bool {
		return slices.ContainsFunc(cs, func(c service.Change) bool { return c.Key == "NZL-2024-ITPP/held" })
	}
	if rc, err := svc.RecentChanges(public, "NZL", 50); err != nil || held(rc) || len(rc) < 3 || rc[0].ID < rc[1].ID {
		t.Errorf("public's NZL changes: %v, %v; want some, newest first, without the objective released to NZL", rc, err)
	}
	if rc, err := svc.RecentChanges(nzl, "NZL", 50); err != nil || !held(rc) {
		t.Errorf("NZL liaison's NZL changes: %v, %v; want the objective released to NZL", rc, err)
	}
	if rc, err := svc.RecentChanges(public, "SWE", 50); err != nil || len(rc) != 0 {
		t.Errorf("public's SWE changes: %v, %v; want none", rc, err)
	}
}

// firstDifference shows where two strings first differ.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-200)
	return fmt.Sprintf(" at byte %d:\n got:  %s\n want: %s", i, a[lo:min(len(a), i+200)], b[lo:min(len(b), i+200)])
}
