package service_test

import (
	"slices"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestCalendar: the calendar lists an alliance's activities by start date,
// filtered by programme, partner, status on the day and area (the goal's
// objective's, else the offer's); a filter naming nothing is EINVALID
// naming the filter; what the principal may not see is left out; the day
// asked for leaves out what was proposed later.
func TestCalendar(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		const prog = "NZL-2024-ITPP"
		if _, err := svc.PutObjective(ctx, service.ObjectiveRequest{Programme: prog, Code: "cyber-obj", Area: "cyber", Title: "Cyber"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.PutGoal(ctx, service.GoalRequest{Programme: prog, Code: "G1", Objective: "cyber-obj", Title: "A goal"}); err != nil {
			t.Fatal(err)
		}
		later, err := svc.ProposeActivity(ctx, service.ProposeRequest{Programme: prog, Title: "Staff talks", From: d("2026-04"), Date: d("2026-01-11")})
		if err != nil {
			t.Fatal(err)
		}
		cyber, err := svc.ProposeActivity(ctx, service.ProposeRequest{Programme: prog, Goal: "G1", Title: "Cyber course", From: d("2026-03-03"), To: d("2026-03-06"), Date: d("2026-01-10")})
		if err != nil {
			t.Fatal(err)
		}
		hidden, err := svc.ProposeActivity(ctx, service.ProposeRequest{Programme: prog, Title: "Closed talks", From: d("2026-03-04"), Date: d("2026-01-10"),
			Releasability: new(entente.ReleasableToCountries("NZL"))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.StepActivity(ctx, entente.StepApprove, service.ActivityRequest{ID: cyber.ID, Date: d("2026-01-12")}); err != nil {
			t.Fatal(err)
		}
		ids := func(who string, f service.CalendarFilter) []string {
			t.Helper()
			c := ctx
			if who == "public" {
				c = t.Context()
			}
			f.Alliance = "TESTA"
			cal, err := svc.Calendar(c, f)
			if err != nil {
				t.Fatalf("Calendar(%+v): %v", f, err)
			}
			return codes(cal.Entries, func(e service.CalendarEntry) string { return e.ID })
		}
		for _, tc := range []struct {
			name string
			who  string
			f    service.CalendarFilter
			want []string
		}{
			{"all", "staff", service.CalendarFilter{}, []string{cyber.ID, hidden.ID, later.ID}},
			{"public", "public", service.CalendarFilter{}, []string{cyber.ID, later.ID}},
			{"programme", "staff", service.CalendarFilter{Programme: prog}, []string{cyber.ID, hidden.ID, later.ID}},
			{"partner", "staff", service.CalendarFilter{Partner: "SWE"}, nil},
			{"area", "staff", service.CalendarFilter{Area: "cyber"}, []string{cyber.ID}},
			{"status", "staff", service.CalendarFilter{Status: entente.ActivityApproved}, []string{cyber.ID}},
			{"status then", "staff", service.CalendarFilter{Status: entente.ActivityProposed, AsOf: d("2026-01-11")}, []string{cyber.ID, hidden.ID, later.ID}},
			{"before", "staff", service.CalendarFilter{AsOf: d("2026-01-10")}, []string{cyber.ID, hidden.ID}},
		} {
			if got := ids(tc.who, tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		for _, f := range []service.CalendarFilter{{Programme: "NOPE"}, {Partner: "nz"}, {Partner: "FRA"}, {Area: "space"}, {Status: "done"}} {
			f.Alliance = "TESTA"
			_, err := svc.Calendar(ctx, f)
			wantCode(t, "a bad filter", err, entente.EINVALID)
		}
	})
}
