package service_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestActivityWorkflow takes an activity drawn from a menu offer from
// proposal to report, and checks that out-of-order, misdated and unlawful
// steps are refused without writing.
func TestActivityWorkflow(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		menu := "code,title,area,kind,provider,capacity,from,to,sources\n" +
			"MC-1,Maritime course,maritime,course,BEL,10,2026-09-01,2026-09-05,src-partners\n"
		if n, err := svc.ImportMenu(ctx, "menu.csv", "csv", strings.NewReader(menu)); err != nil || n != 1 {
			t.Fatalf("ImportMenu = %d, %v", n, err)
		}
		a, err := svc.ProposeActivity(ctx, service.ProposeRequest{Programme: "NZL-2024-ITPP", Offer: "MC-1", Proposer: "NZL", Date: d("2026-06-01")})
		if err != nil {
			t.Fatalf("ProposeActivity: %v", err)
		}
		if a.ID != "NZL-2024-ITPP-A001" || a.Title != "Maritime course" || a.Capacity != 10 || a.From != d("2026-09-01") || a.Status != entente.ActivityProposed {
			t.Fatalf("proposed %+v, want A001 with the offer's title, capacity and dates", a)
		}
		step := func(st entente.ActivityStep, req service.ActivityRequest) (*entente.Activity, error) {
			req.ID = a.ID
			return svc.StepActivity(ctx, st, req)
		}
		must := func(st entente.ActivityStep, req service.ActivityRequest, want entente.ActivityStatus) {
			t.Helper()
			got, err := step(st, req)
			if err != nil {
				t.Fatalf("%s: %v", st, err)
			}
			if got.Status != want {
				t.Fatalf("after %s: status %s, want %s", st, got.Status, want)
			}
		}
		refused := func(st entente.ActivityStep, req service.ActivityRequest, code string) {
			t.Helper()
			before := export(t, svc)
			_, err := step(st, req)
			refusedUnchanged(t, svc, string(st), before, err, code)
		}

		refused(entente.StepHold, service.ActivityRequest{Date: d("2026-09-01")}, entente.EREFUSED)    // not approved
		refused(entente.StepApprove, service.ActivityRequest{Date: d("2026-05-01")}, entente.EREFUSED) // before the proposal
		must(entente.StepApprove, service.ActivityRequest{Date: d("2026-06-02")}, entente.ActivityApproved)
		refused(entente.StepInvite, service.ActivityRequest{Date: d("2026-06-03"), Countries: []string{"FRA"}}, entente.EREFUSED) // left in 1967
		refused(entente.StepInvite, service.ActivityRequest{Date: d("2026-06-03")}, entente.EINVALID)                             // nobody
		must(entente.StepInvite, service.ActivityRequest{Date: d("2026-06-03"), Countries: []string{"nzl, bel"}}, entente.ActivityInvitationsSent)
		refused(entente.StepRegister, service.ActivityRequest{Date: d("2026-06-04"), Country: "CAN"}, entente.EREFUSED) // not invited
		must(entente.StepRegister, service.ActivityRequest{Date: d("2026-06-04"), Country: "NZL", Participants: 6}, entente.ActivityRegistrationOpen)
		refused(entente.StepRegister, service.ActivityRequest{Date: d("2026-06-05"), Country: "BEL", Participants: 5}, entente.EREFUSED) // over capacity
		must(entente.StepHold, service.ActivityRequest{Date: d("2026-09-01")}, entente.ActivityHeld)
		refused(entente.StepCancel, service.ActivityRequest{Date: d("2026-09-02")}, entente.EREFUSED) // held already
		refused(entente.StepReport, service.ActivityRequest{Date: d("2026-09-06")}, entente.EINVALID) // no outcome
		must(entente.StepReport, service.ActivityRequest{Date: d("2026-09-06"), Outcome: "Done", Participants: 6}, entente.ActivityReported)

		got, err := svc.Activity(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Invited, []string{"NZL", "BEL"}) || got.Registered() != 6 || got.Outcome != "Done" {
			t.Errorf("stored activity: invited %v, %d registered, outcome %q", got.Invited, got.Registered(), got.Outcome)
		}
		list, err := svc.Activities(ctx, entente.ActivityFilter{Programme: "NZL-2024-ITPP", Status: entente.ActivityReported})
		if err != nil || len(list) != 1 {
			t.Errorf("Activities(reported) = %d, %v; want 1", len(list), err)
		}
		v, err := svc.Programme(ctx, "NZL-2024-ITPP", entente.Date{})
		if err != nil || v.Activities != 1 {
			t.Errorf("programme's activity count = %d, %v; want 1", v.Activities, err)
		}
		// The page's read: the same view, with the first activities.
		pv, acts, err := svc.ProgrammeActivities(ctx, "NZL-2024-ITPP", entente.Date{}, 10)
		if err != nil || pv.Activities != 1 || len(acts) != 1 || acts[0].ID != a.ID || pv.ID != v.ID {
			t.Errorf("ProgrammeActivities = %v, %d activities, %v; want the programme with its one activity", pv != nil, len(acts), err)
		}
		if _, _, err := svc.ProgrammeActivities(ctx, "NZL-1999-NONE", entente.Date{}, 10); entente.ErrorCode(err) != entente.ENOTFOUND {
			t.Errorf("ProgrammeActivities of no programme: %v, want ENOTFOUND", err)
		}

		for name, req := range map[string]service.ProposeRequest{
			"under a superseded programme": {Programme: "NZL-IPCP-2012", Title: "x", Date: d("2026-06-01")},
			"from an unknown offer":        {Programme: "NZL-2024-ITPP", Offer: "NOPE", Date: d("2026-06-01")},
			"under an unknown goal":        {Programme: "NZL-2024-ITPP", Title: "x", Goal: "G9", Date: d("2026-06-01")},
			"without a title":              {Programme: "NZL-2024-ITPP", Date: d("2026-06-01")},
			"with an existing id":          {Programme: "NZL-2024-ITPP", ID: a.ID, Title: "x", Date: d("2026-06-01")},
			"ending before it starts":      {Programme: "NZL-2024-ITPP", Title: "x", From: d("2026-09-02"), To: d("2026-09-01"), Date: d("2026-06-01")},
		} {
			before := export(t, svc)
			_, err := svc.ProposeActivity(ctx, req)
			if c := entente.ErrorCode(err); c == "" || c == entente.EINTERNAL {
				t.Errorf("propose %s: error %v, want a refusal", name, err)
			}
			if export(t, svc) != before {
				t.Errorf("propose %s was refused but changed the store", name)
			}
		}
	})
}

// TestMenuImport imports a menu in CSV, replaces an offer from JSON, and
// checks that a file with bad lines is refused whole, naming every line.
func TestMenuImport(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		csv := "code,title,area,kind,provider,capacity,sources\n" +
			"MC-1,Maritime course,maritime,course,BEL,10,src-partners\n" +
			"CY-1,Cyber exercise,cyber,exercise,CAN,,src-partners\n"
		if n, err := svc.ImportMenu(ctx, "menu.csv", "csv", strings.NewReader(csv)); err != nil || n != 2 {
			t.Fatalf("ImportMenu(csv) = %d, %v; want 2", n, err)
		}
		offers, err := svc.Menu(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := codes(offers, func(o entente.Offer) string { return o.Code }); !slices.Equal(got, []string{"CY-1", "MC-1"}) {
			t.Fatalf("menu = %v, want CY-1 and MC-1", got)
		}

		var js bytes.Buffer
		offers[1].Title = "Maritime security course"
		if err := service.WriteMenuJSON(&js, offers[1:]); err != nil {
			t.Fatal(err)
		}
		if n, err := svc.ImportMenu(ctx, "menu.json", "json", &js); err != nil || n != 1 {
			t.Fatalf("ImportMenu(json) = %d, %v; want 1", n, err)
		}
		offers, err = svc.Menu(ctx)
		if err != nil || len(offers) != 2 || offers[1].Title != "Maritime security course" {
			t.Fatalf("menu after the JSON import = %+v, %v; want MC-1 retitled", offers, err)
		}

		before := export(t, svc)
		bad := "code,title,area,kind,provider,sources\n" +
			"OK-1,Fine,cyber,course,BEL,src-partners\n" +
			"BAD-1,Bad area,space,course,BEL,src-partners\n" +
			"BAD-2,Bad source,cyber,course,BEL,src-nope\n"
		_, err = svc.ImportMenu(ctx, "bad.csv", "csv", strings.NewReader(bad))
		refusedUnchanged(t, svc, "ImportMenu(bad.csv)", before, err, entente.EINVALID)
		for _, want := range []string{"bad.csv:3", "space", "bad.csv:4", "src-nope"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("ImportMenu(bad.csv) error %q does not name %q", err, want)
			}
		}
		_, err = svc.ImportMenu(ctx, "menu.xml", "xml", strings.NewReader("<menu/>"))
		wantCode(t, "ImportMenu(xml)", err, entente.EINVALID)
	})
}
