package sqlstore

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/entente/entente"
)

// TestTallyTimeline: for random activities with dates at every precision,
// summing their activity_tally deltas as TallyActivities sums them (three
// levels of buckets cut from the day) gives, on every day of three years,
// what entente.CountOn counts from the activities themselves.
func TestTallyTimeline(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 1))
	base := time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC)
	date := func() entente.Date {
		if rng.IntN(7) == 0 {
			return entente.Date{}
		}
		d := entente.Day(base.AddDate(0, 0, rng.IntN(800)))
		switch rng.IntN(5) {
		case 0:
			return entente.Date{Year: d.Year}
		case 1:
			return entente.Date{Year: d.Year, Month: d.Month}
		}
		return d
	}
	// "postponed" is no status of the workflow: an undated record of it
	// stands at it, and is counted so.
	statuses := append([]entente.ActivityStatus{"", "postponed"}, entente.ActivityStatuses...)
	acts := make([]entente.Activity, 600)
	for i := range acts {
		a := &acts[i]
		a.Programme, a.Goal = "P", []string{"", "G1", "G2"}[rng.IntN(3)]
		a.Status = statuses[rng.IntN(len(statuses))]
		a.From, a.To = date(), date()
		if rng.IntN(6) > 0 {
			d := &a.Dates
			for _, p := range []*entente.Date{&d.Proposed, &d.Approved, &d.InvitationsSent, &d.RegistrationOpened, &d.Held, &d.Reported, &d.Cancelled} {
				if rng.IntN(3) > 0 {
					*p = date()
				}
			}
		}
	}
	d := tallyDeltas{}
	for i := range acts {
		r := tallyRowOf(&acts[i])
		d.add(&r, 1)
	}
	// Moving every activity's dates and back again leaves the sums as
	// they were, as an update subtracts the old row and adds the new.
	for i := range acts[:100] {
		old := tallyRowOf(&acts[i])
		moved := acts[i]
		moved.Dates.Proposed, moved.To = date(), date()
		r := tallyRowOf(&moved)
		d.add(&old, -1)
		d.add(&r, 1)
		d.add(&r, -1)
		d.add(&old, 1)
	}
	for day := base.AddDate(0, -2, 0); day.Before(base.AddDate(3, 0, 0)); day = day.AddDate(0, 0, 1) {
		on := entente.Day(day)
		text := dateText(on)
		y, m := text[:4], text[:7]
		sums := map[entente.ActivityCount]int{}
		for k, v := range d {
			if (k.level == 0 && k.bucket < y) || (k.level == 1 && k.bucket >= y && k.bucket < m) ||
				(k.level == 2 && k.bucket >= m && k.bucket <= text) {
				for i, n := range v {
					st := tallyStatuses[i/2]
					if k.status != "" {
						st = entente.ActivityStatus(k.status)
					}
					sums[entente.ActivityCount{Goal: k.goal, Status: st, Due: i%2 == 1}] += int(n)
				}
			}
		}
		got := []entente.ActivityCount{}
		for c, n := range sums {
			if n != 0 {
				c.N = n
				got = append(got, c)
			}
		}
		entente.SortCounts(got)
		if want := entente.CountOn(acts, on); !slices.Equal(got, want) {
			t.Fatalf("on %s:\n got %v\nwant %v", text, got, want)
		}
	}
}

// TestTallyBuckets: a key is counted on a day exactly when it is not after
// the day, by exactly one of the three levels, for keys of a year, a
// month, a day and a due key (a day and a space).
func TestTallyBuckets(t *testing.T) {
	keys := []string{"2023", "2024", "2025", "2024-01", "2024-06", "2024-07", "2024-12", "2024-06-30", "2024-07-01",
		"2024-07-10", "2024-07-11", "2024-07-12", "2024-07-10 ", "2024-07-11 ", "2024-07-31 ", "2023-12-31 ", "2024-12-31 "}
	days := []string{"2024-01-01", "2024-06-30", "2024-07-01", "2024-07-10", "2024-07-11", "2024-07-12", "2024-12-31", "2025-01-01", "2023-12-31"}
	for _, key := range keys {
		for _, day := range days {
			y, m := day[:4], day[:7]
			n := 0
			if b := key[:min(4, len(key))]; b < y {
				n++
			}
			if b := key[:min(7, len(key))]; b >= y && b < m {
				n++
			}
			if key >= m && key <= day {
				n++
			}
			if want := map[bool]int{true: 1, false: 0}[key <= day]; n != want {
				t.Errorf("key %q on %s counted %d times, want %d", key, day, n, want)
			}
		}
	}
}
