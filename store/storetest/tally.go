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

// tallyStore opens a store holding the plan fixture and n activities of
// tallyActivities(n, seed), created one at a time.
func tallyStore(t *testing.T, open func(t *testing.T) entente.Store, n int, seed uint64) (entente.Store, []entente.Activity) {
	t.Helper()
	ctx := t.Context()
	s := open(t)
	if err := s.Import(ctx, PlanFixture(), importEvent()); err != nil {
		t.Fatalf("Import: %v", err)
	}
	acts := tallyActivities(n, seed)
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
	return s, acts
}

func runTally(t *testing.T, open func(t *testing.T) entente.Store) {
	t.Run("Counts", func(t *testing.T) { testTally(t, open) })
	t.Run("Updates", func(t *testing.T) { testTallyUpdates(t, open) })
	t.Run("Imported", func(t *testing.T) { testTallyImported(t, open) })
	t.Run("Concurrent", func(t *testing.T) { testTallyConcurrent(t, open) })
}

// testTally checks TallyActivities and FindActivities with OverdueOn
// against what entente.CountOn and entente.Overdue compute from the
// activities themselves, for readers of every kind, on days before, among
// and after the activities' dates, at every precision.
func testTally(t *testing.T, open func(t *testing.T) entente.Store) {
	ctx := t.Context()
	s, _ := tallyStore(t, open, 400, 7)
	ids := func(as []entente.Activity) []string {
		out := []string{}
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	checkTally(t, s, "", func(f entente.ActivityFilter, all []entente.Activity, ds string) {
		day := entente.MustParseDate(ds)
		what := fmt.Sprintf("%s, goal %q, offer %q, on %s", viewerName(f.Viewer), f.Goal, f.Offer, ds)
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
	})
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

// tallyDays are the days the tally tests count on: before, among and after
// the dates of tallyActivities, of day precision (which a store may count
// from what it maintained as the activities were written) and of a year's
// or a month's (which it counts from the activities).
var tallyDays = []string{"2023-06-01", "2024-01-01", "2024-02-29", "2024-03-31", "2024-06-15", "2024-12-31", "2025-01-01",
	"2025-02-03", "2025-07-31", "2026-01-01", "2027-06-30", "2024", "2025-03"}

var (
	tallyLiaison = &entente.Principal{Kind: entente.PrincipalUser, ID: "user:9", Role: entente.RoleLiaison, Partner: "NZL"}
	tallyStaff   = &entente.Principal{Kind: entente.PrincipalUser, ID: "user:8", Role: entente.RoleStaff}
)

func viewerName(p *entente.Principal) string {
	switch p {
	case nil:
		return "everyone's reader"
	case entente.Anonymous:
		return "the public"
	case tallyLiaison:
		return "NZL's liaison"
	case tallyStaff:
		return "staff"
	}
	return p.ID
}

// checkTally checks that TallyActivities counts, for readers of every kind,
// for the whole programme NZL-2024-ITPP, its goal G1 and its offer
// PCM-CYB-01 (a filter counted from the activities), on each of
// tallyDays, what entente.CountOn counts from the activities FindActivities
// reads with the same filter; then calls more, if not nil, with each
// filter, its activities and day. when says when the check runs, in
// messages.
func checkTally(t *testing.T, s entente.Store, when string, more func(f entente.ActivityFilter, all []entente.Activity, day string)) {
	t.Helper()
	ctx := t.Context()
	for _, viewer := range []*entente.Principal{nil, entente.Anonymous, tallyLiaison, tallyStaff} {
		for _, f := range []entente.ActivityFilter{{}, {Goal: "G1"}, {Offer: "PCM-CYB-01"}} {
			f.Programme, f.Viewer = "NZL-2024-ITPP", viewer
			all, err := s.FindActivities(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, ds := range tallyDays {
				day := entente.MustParseDate(ds)
				what := fmt.Sprintf("%s, goal %q, offer %q, on %s%s", viewerName(viewer), f.Goal, f.Offer, ds, when)
				got, err := s.TallyActivities(ctx, f, day)
				if err != nil {
					t.Fatalf("TallyActivities for %s: %v", what, err)
				}
				if want := entente.CountOn(all, day); !slices.Equal(got, want) {
					t.Errorf("TallyActivities for %s:\n got %v\nwant %v", what, got, want)
				}
				if more != nil {
					more(f, all, ds)
				}
			}
		}
	}
}

// changeForTally changes a in one of the ways that move its count: its
// step dates later or earlier, its goal, its marking, its period; its
// programme stays.
func changeForTally(a *entente.Activity, how int) {
	steps := []*entente.Date{&a.Dates.Proposed, &a.Dates.Approved, &a.Dates.InvitationsSent, &a.Dates.RegistrationOpened,
		&a.Dates.Held, &a.Dates.Reported, &a.Dates.Cancelled}
	move := func(months int) {
		for _, p := range steps {
			if !p.IsZero() {
				*p = p.AddMonths(months)
			}
		}
	}
	switch how % 6 {
	case 0:
		move(3)
	case 1:
		move(-5)
	case 2:
		a.Goal = map[string]string{"": "G1", "G1": "G2", "G2": ""}[a.Goal]
	case 3:
		if a.Releasability.String() == "PUBLIC" {
			a.Releasability = entente.ReleasableToCountries("NZL")
		} else {
			a.Releasability = entente.Releasability{}
		}
	case 4:
		a.From, a.To = a.From.AddMonths(-7), entente.Date{}
	default:
		a.Title += " (renamed)" // counts nothing: no change to the count
		if a.Dates.Held.IsZero() && !a.Dates.Proposed.IsZero() {
			a.Dates.Held = a.Dates.Proposed.AddMonths(1)
		}
	}
}

// testTallyUpdates: after activities are changed, alone or many to a
// transaction, in every way that moves their count, the count is what
// CountOn counts of them.
func testTallyUpdates(t *testing.T, open func(t *testing.T) entente.Store) {
	ctx := t.Context()
	s, acts := tallyStore(t, open, 300, 11)
	// Many to one transaction, each activity changed twice in it.
	err := s.Update(ctx, func(tx entente.Tx) error {
		for i := range acts[:200] {
			for round := range 2 {
				a, err := tx.FindActivity(ctx, acts[i].ID)
				if err != nil {
					return err
				}
				changeForTally(a, i+round)
				if err := tx.UpdateActivity(ctx, a); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("changing activities: %v", err)
	}
	checkTally(t, s, " after changes in one transaction", nil)
	// One to a transaction.
	for i := range acts[150:] {
		err := s.Update(ctx, func(tx entente.Tx) error {
			a, err := tx.FindActivity(ctx, acts[150+i].ID)
			if err != nil {
				return err
			}
			changeForTally(a, i)
			return tx.UpdateActivity(ctx, a)
		})
		if err != nil {
			t.Fatalf("changing %s: %v", acts[150+i].ID, err)
		}
	}
	checkTally(t, s, " after changes one at a time", nil)
	// A change refused leaves the count as it was.
	err = s.Update(ctx, func(tx entente.Tx) error {
		a, err := tx.FindActivity(ctx, acts[0].ID)
		if err != nil {
			return err
		}
		changeForTally(a, 0)
		if err := tx.UpdateActivity(ctx, a); err != nil {
			return err
		}
		return entente.Errorf(entente.ECONFLICT, "refused")
	})
	if entente.ErrorCode(err) != entente.ECONFLICT {
		t.Fatalf("a refused change: %v", err)
	}
	checkTally(t, s, " after a change rolled back", nil)
}

// testTallyImported: activities imported with the store, then created and
// changed after the import, are counted.
func testTallyImported(t *testing.T, open func(t *testing.T) entente.Store) {
	ctx := t.Context()
	s := open(t)
	acts := tallyActivities(400, 13)
	ds := PlanFixture()
	ds.Activities = append(ds.Activities, acts[:250]...)
	if err := s.Import(ctx, ds, importEvent()); err != nil {
		t.Fatalf("Import: %v", err)
	}
	checkTally(t, s, " after the import", nil)
	err := s.Update(ctx, func(tx entente.Tx) error {
		for i := range acts[250:] {
			if err := tx.CreateActivity(ctx, &acts[250+i]); err != nil {
				return err
			}
		}
		// A store does not refuse a status outside the workflow; an
		// undated record of one stands at it, and is counted so.
		odd := acts[0]
		odd.ID, odd.Status, odd.Dates = "NZL-2024-ITPP-X001", "postponed", entente.ActivityDates{}
		odd.Goal, odd.From, odd.To = "G1", entente.MustParseDate("2024-05"), entente.Date{}
		if err := tx.CreateActivity(ctx, &odd); err != nil {
			return err
		}
		for i := range acts[:50] {
			a := acts[i]
			changeForTally(&a, i)
			if err := tx.UpdateActivity(ctx, &a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("writing after the import: %v", err)
	}
	checkTally(t, s, " after creates and changes that followed the import", nil)
	// Activities added in bulk are counted by the transaction that adds
	// them, and once it has committed.
	more := tallyActivities(420, 19)[400:]
	for i := range more {
		more[i].ID = fmt.Sprintf("NZL-2024-ITPP-B%04d", i)
	}
	err = s.Update(ctx, func(tx entente.Tx) error {
		if err := tx.AddRecords(ctx, &entente.Dataset{Activities: more}); err != nil {
			return err
		}
		f := entente.ActivityFilter{Programme: "NZL-2024-ITPP"}
		all, err := tx.FindActivities(ctx, f)
		if err != nil {
			return err
		}
		day := entente.MustParseDate("2025-01-01")
		got, err := tx.TallyActivities(ctx, f, day)
		if err != nil {
			return err
		}
		if want := entente.CountOn(all, day); !slices.Equal(got, want) {
			t.Errorf("TallyActivities in the transaction that added activities:\n got %v\nwant %v", got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("adding activities in bulk: %v", err)
	}
	checkTally(t, s, " after activities added in bulk", nil)
}

// testTallyConcurrent: writers creating and changing activities of one
// programme at once, the same activities among them, leave the count what
// CountOn counts of the activities stored.
func testTallyConcurrent(t *testing.T, open func(t *testing.T) entente.Store) {
	ctx := t.Context()
	s := open(t)
	const n, each = 12, 4
	acts := tallyActivities(100+n*each, 17)
	ds := PlanFixture()
	ds.Activities = append(ds.Activities, acts[:100]...)
	if err := s.Import(ctx, ds, importEvent()); err != nil {
		t.Fatalf("Import: %v", err)
	}
	errs := hammer(n, func(i int) error {
		for j := range each {
			err := s.Update(ctx, func(tx entente.Tx) error { return tx.CreateActivity(ctx, &acts[100+i*each+j]) })
			if err != nil {
				return err
			}
			// Writers change the same activities: each change must
			// subtract what the row counted when it was replaced, not
			// when it was read.
			id := acts[(i*each+j)%20].ID
			err = s.Update(ctx, func(tx entente.Tx) error {
				a, err := tx.FindActivity(ctx, id)
				if err != nil {
					return err
				}
				changeForTally(a, i+j)
				return tx.UpdateActivity(ctx, a)
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	tally(t, "concurrent writers of one programme", errs, "")
	checkTally(t, s, " after concurrent writers", nil)
}
