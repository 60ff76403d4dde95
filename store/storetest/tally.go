package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/entente/entente"
)

// tallyActivities makes n activities of programme NZL-2024-ITPP whose step
// dates, periods, goals and markings vary as a store's do: dates at the
// precision of a year, a month or a day, steps missing, steps dated out of
// workflow order, activities with no step dated (their status stands), with
// no period, with a first day only.
func tallyActivities(n int, seed uint64) []entente.Activity {
	rng := rand.New(rand.NewPCG(seed, 1))
	date := func(base int) entente.Date {
		day := entente.Day(entente.MustParseDate("2024-01-01").Time().AddDate(0, 0, base+rng.IntN(60)))
		switch rng.IntN(6) {
		case 0:
			return entente.Date{Year: day.Year}
		case 1:
			return entente.Date{Year: day.Year, Month: day.Month}
		}
		return day
	}
	markings := []entente.Releasability{{}, entente.ReleasableToCountries("NZL"), entente.AllianceOnly(), entente.ReleasableToCountries("NZL", "SWE")}
	goals := []string{"", "G1", "G2"}
	out := make([]entente.Activity, n)
	for i := range out {
		a := entente.Activity{ID: fmt.Sprintf("NZL-2024-ITPP-T%04d", i), Programme: "NZL-2024-ITPP", Goal: goals[rng.IntN(len(goals))],
			Title: fmt.Sprintf("Activity %d", i), Kind: "course", Invited: []string{}, Registrations: []entente.Registration{},
			Status:     entente.ActivityStatuses[rng.IntN(len(entente.ActivityStatuses))],
			Provenance: entente.Provenance{Sources: []string{}, Releasability: markings[rng.IntN(len(markings))]}}
		base := rng.IntN(700)
		switch rng.IntN(4) {
		case 0: // no period
		case 1:
			a.From = date(base + 30)
		default:
			a.From = date(base + 30)
			a.To = date(base + 100)
		}
		if rng.IntN(8) > 0 { // else undated: its status stands
			steps := []*entente.Date{&a.Dates.Proposed, &a.Dates.Approved, &a.Dates.InvitationsSent, &a.Dates.RegistrationOpened,
				&a.Dates.Held, &a.Dates.Reported}
			last := rng.IntN(len(steps))
			for j := 0; j <= last; j++ {
				if j == 0 || rng.IntN(5) > 0 {
					*steps[j] = date(base + 10*j)
				}
			}
			if rng.IntN(5) == 0 {
				a.Dates.Cancelled = date(base + 15)
			}
		}
		out[i] = a
	}
	return out
}

// testTally checks TallyActivities and FindActivities with OverdueOn
// against what entente.CountOn and entente.Overdue compute from the
// activities themselves, for readers of every kind, on days before, among
// and after the activities' dates, at every precision.
func testTally(t *testing.T, open func(t *testing.T) entente.Store) {
	ctx := t.Context()
	s := open(t)
	if err := s.Import(ctx, PlanFixture(), importEvent()); err != nil {
		t.Fatalf("Import: %v", err)
	}
	acts := tallyActivities(400, 7)
	err := s.Update(ctx, func(tx entente.Tx) error {
		for i := range acts {
			if err := tx.CreateActivity(ctx, &acts[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("creating activities: %v", err)
	}
	liaison := &entente.Principal{Kind: entente.PrincipalUser, ID: "user:9", Role: entente.RoleLiaison, Partner: "NZL"}
	staff := &entente.Principal{Kind: entente.PrincipalUser, ID: "user:8", Role: entente.RoleStaff}
	days := []string{"2023-06-01", "2024-01-01", "2024-02-29", "2024-03-31", "2024-06-15", "2024-12-31", "2025-01-01",
		"2025-02-03", "2025-07-31", "2026-01-01", "2027-06-30", "2024", "2025-03"}
	ids := func(as []entente.Activity) []string {
		out := []string{}
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	for _, v := range []struct {
		name   string
		viewer *entente.Principal
	}{{"everyone's reader", nil}, {"the public", entente.Anonymous}, {"NZL's liaison", liaison}, {"staff", staff}} {
		for _, goal := range []string{"", "G1"} {
			f := entente.ActivityFilter{Programme: "NZL-2024-ITPP", Goal: goal, Viewer: v.viewer}
			all, err := s.FindActivities(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, ds := range days {
				day := entente.MustParseDate(ds)
				what := fmt.Sprintf("%s, goal %q, on %s", v.name, goal, ds)
				got, err := s.TallyActivities(ctx, f, day)
				if err != nil {
					t.Fatalf("TallyActivities for %s: %v", what, err)
				}
				if want := entente.CountOn(all, day); !slices.Equal(got, want) {
					t.Errorf("TallyActivities for %s:\n got %v\nwant %v", what, got, want)
				}
				want := ids(entente.Overdue(all, day))
				od := f
				od.OverdueOn = day
				overdue, err := s.FindActivities(ctx, od)
				if err != nil {
					t.Fatalf("FindActivities(OverdueOn) for %s: %v", what, err)
				}
				if got := ids(overdue); !slices.Equal(got, want) {
					t.Errorf("FindActivities(OverdueOn) for %s:\n got %v\nwant %v", what, got, want)
				}
				od.Limit = 5
				first, err := s.FindActivities(ctx, od)
				if err != nil {
					t.Fatal(err)
				}
				if got := ids(first); !slices.Equal(got, want[:min(5, len(want))]) {
					t.Errorf("the first 5 overdue for %s: %v, want %v", what, got, want[:min(5, len(want))])
				}
			}
		}
	}
	// The random days above must have found something to count.
	counts, err := s.TallyActivities(ctx, entente.ActivityFilter{Programme: "NZL-2024-ITPP"}, entente.MustParseDate("2025-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	var due, statuses = 0, map[entente.ActivityStatus]bool{}
	for _, c := range counts {
		statuses[c.Status] = true
		if c.Due && c.Status.Open() {
			due += c.N
		}
	}
	if len(statuses) < len(entente.ActivityStatuses) || due == 0 {
		t.Errorf("the fixture counts %d statuses and %d overdue on 2025-01-01: want every status and some overdue", len(statuses), due)
	}
}
