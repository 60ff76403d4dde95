package storetest

import (
	"fmt"
	"testing"

	"github.com/entente/entente"
)

// RunShared runs the tests that need two handles on one database, as two
// processes sharing it have. open must return two stores over one new,
// empty database, and close them when the test ends.
func RunShared(t *testing.T, open func(t *testing.T) (entente.Store, entente.Store)) {
	t.Run("AddVisits", func(t *testing.T) { testAddVisits(t, open) })
	t.Run("ReferrerBound", func(t *testing.T) { testReferrerBound(t, open) })
	t.Run("ConcurrentVisits", func(t *testing.T) { testConcurrentVisits(t, open) })
	t.Run("ConcurrentReferrerBound", func(t *testing.T) { testConcurrentReferrerBound(t, open) })
	t.Run("SnapshotReads", func(t *testing.T) { testSnapshotReads(t, open) })
}

// counters opens two handles and returns them as entente.Counters.
func counters(t *testing.T, open func(t *testing.T) (entente.Store, entente.Store)) (entente.Counter, entente.Counter) {
	t.Helper()
	a, b := open(t)
	ca, ok := a.(entente.Counter)
	cb, ok2 := b.(entente.Counter)
	if !ok || !ok2 {
		t.Fatalf("%T keeps no visit counts (entente.Counter)", a)
	}
	return ca, cb
}

var (
	visitDay  = entente.MustParseDate("2026-03-02")
	visitDay2 = entente.MustParseDate("2026-03-03")
)

// visitCounts reads every count as "day page referrer" → count.
func visitCounts(t *testing.T, c entente.Counter, from entente.Date) map[string]int64 {
	t.Helper()
	vs, err := c.Visits(t.Context(), from)
	if err != nil {
		t.Fatalf("Visits: %v", err)
	}
	m := map[string]int64{}
	for _, v := range vs {
		k := fmt.Sprintf("%s %s %s", v.Day, v.Page, v.Referrer)
		if _, dup := m[k]; dup {
			t.Errorf("Visits lists %q twice", k)
		}
		m[k] = v.Count
	}
	return m
}

// referrers returns the hosts day names, and the day's total.
func referrers(t *testing.T, c entente.Counter, day entente.Date) (map[string]int64, int64) {
	t.Helper()
	vs, err := c.Visits(t.Context(), day)
	if err != nil {
		t.Fatalf("Visits: %v", err)
	}
	hosts, total := map[string]int64{}, int64(0)
	for _, v := range vs {
		if v.Day != day {
			continue
		}
		total += v.Count
		if v.Referrer != "" {
			hosts[v.Referrer] += v.Count
		}
	}
	return hosts, total
}

// testAddVisits: a batch adds up, with its duplicates and across batches;
// a bad batch is refused whole.
func testAddVisits(t *testing.T, open func(t *testing.T) (entente.Store, entente.Store)) {
	a, b := counters(t, open)
	ctx := t.Context()
	if err := a.AddVisits(ctx, nil); err != nil {
		t.Fatalf("AddVisits(nil): %v", err)
	}
	batch := []entente.Visit{
		{Day: visitDay, Page: "/members", Count: 2},
		{Day: visitDay, Page: "/members", Count: 3},
		{Day: visitDay, Page: "/members", Referrer: "news.example.org", Count: 1},
		{Day: visitDay2, Page: "/partners/NZL", Count: 4},
		{Day: visitDay2, Page: "/partners/NZL", Count: 0},
	}
	if err := a.AddVisits(ctx, batch); err != nil {
		t.Fatalf("AddVisits: %v", err)
	}
	if err := b.AddVisits(ctx, batch[:1]); err != nil {
		t.Fatalf("AddVisits through the other handle: %v", err)
	}
	want := map[string]int64{
		"2026-03-02 /members ":                 7,
		"2026-03-02 /members news.example.org": 1,
		"2026-03-03 /partners/NZL ":            4,
	}
	for _, c := range []entente.Counter{a, b} {
		got := visitCounts(t, c, entente.Date{})
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Visits = %v, want %v", got, want)
		}
	}
	if got := visitCounts(t, a, visitDay2); len(got) != 1 || got["2026-03-03 /partners/NZL "] != 4 {
		t.Errorf("Visits(from %s) = %v", visitDay2, got)
	}
	for _, bad := range []entente.Visit{
		{Day: visitDay, Page: "/members", Count: -1},
		{Day: visitDay, Page: "", Count: 1},
		{Day: entente.MustParseDate("2026-03"), Page: "/members", Count: 1},
	} {
		err := a.AddVisits(ctx, []entente.Visit{{Day: visitDay, Page: "/countries", Count: 1}, bad})
		wantCode(t, fmt.Sprintf("AddVisits(%+v)", bad), err, entente.EINVALID)
	}
	if got := visitCounts(t, a, entente.Date{}); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after refused batches, Visits = %v, want %v", got, want)
	}
}

// testReferrerBound: a day names at most entente.MaxReferrers hosts; of a
// batch's new hosts the most counted are kept, the rest count as
// entente.OtherReferrer, and every visit is still counted. Another day has
// its own bound.
func testReferrerBound(t *testing.T, open func(t *testing.T) (entente.Store, entente.Store)) {
	a, b := counters(t, open)
	ctx := t.Context()
	const stored = entente.MaxReferrers - 5
	var first []entente.Visit
	for i := range stored {
		first = append(first, entente.Visit{Day: visitDay, Page: "/members", Referrer: fmt.Sprintf("old%02d.example", i), Count: 1})
	}
	if err := a.AddVisits(ctx, first); err != nil {
		t.Fatal(err)
	}
	// Ten new hosts, new1 counted 1 time ... new10 10 times, and one the
	// day names already: new6 to new10 fill the day.
	var second []entente.Visit
	for i := 1; i <= 10; i++ {
		second = append(second, entente.Visit{Day: visitDay, Page: "/partners", Referrer: fmt.Sprintf("new%d.example", i), Count: int64(i)},
			entente.Visit{Day: visitDay2, Page: "/partners", Referrer: fmt.Sprintf("new%d.example", i), Count: 1})
	}
	second = append(second, entente.Visit{Day: visitDay, Page: "/partners", Referrer: "old00.example", Count: 7})
	if err := b.AddVisits(ctx, second); err != nil {
		t.Fatal(err)
	}
	hosts, total := referrers(t, a, visitDay)
	if want := int64(stored + 55 + 7); total != want {
		t.Errorf("%s: %d visits, want %d: visits were lost", visitDay, total, want)
	}
	if n := len(hosts) - 1; n != entente.MaxReferrers {
		t.Errorf("%s names %d hosts, want %d: %v", visitDay, n, entente.MaxReferrers, hosts)
	}
	for i := 1; i <= 10; i++ {
		h := fmt.Sprintf("new%d.example", i)
		if _, named := hosts[h]; named != (i > 5) {
			t.Errorf("%s named: %v, want %v (the most counted new hosts are kept)", h, named, i > 5)
		}
	}
	if hosts[entente.OtherReferrer] != 1+2+3+4+5 || hosts["old00.example"] != 8 {
		t.Errorf("%s: other %d, old00 %d; want 15 and 8", visitDay, hosts[entente.OtherReferrer], hosts["old00.example"])
	}
	if hosts, total := referrers(t, a, visitDay2); len(hosts) != 10 || total != 10 {
		t.Errorf("%s: hosts %v, total %d; want 10 hosts named, 10 visits", visitDay2, hosts, total)
	}
	// A full day takes no new host, and keeps counting the ones it names.
	err := a.AddVisits(ctx, []entente.Visit{{Day: visitDay, Page: "/", Referrer: "late.example", Count: 2},
		{Day: visitDay, Page: "/", Referrer: "new10.example", Count: 1}})
	if err != nil {
		t.Fatal(err)
	}
	hosts, _ = referrers(t, b, visitDay)
	if _, named := hosts["late.example"]; named || hosts[entente.OtherReferrer] != 17 || hosts["new10.example"] != 11 {
		t.Errorf("a full day: late named %v, other %d, new10 %d; want false, 17, 11", named, hosts[entente.OtherReferrer], hosts["new10.example"])
	}
}

// testConcurrentVisits: batches added at once through two handles, as two
// servers flushing at the same moment, to the same rows: every count adds
// up, none is lost.
func testConcurrentVisits(t *testing.T, open func(t *testing.T) (entente.Store, entente.Store)) {
	a, b := counters(t, open)
	const flushers, batches = 8, 20
	pages := []string{"/", "/members", "/partners", "/partners/NZL", "/countries/UKR"}
	errs := hammer(flushers, func(i int) error {
		c := []entente.Counter{a, b}[i%2]
		for j := range batches {
			var vs []entente.Visit
			for k, p := range pages {
				vs = append(vs, entente.Visit{Day: visitDay, Page: p, Count: int64(k + 1)},
					entente.Visit{Day: []entente.Date{visitDay, visitDay2}[j%2], Page: p, Referrer: "news.example.org", Count: 1})
			}
			if err := c.AddVisits(t.Context(), vs); err != nil {
				return err
			}
		}
		return nil
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("flusher %d: %v", i, err)
		}
	}
	got := visitCounts(t, a, entente.Date{})
	for k, p := range pages {
		if n, want := got["2026-03-02 "+p+" "], int64(flushers*batches*(k+1)); n != want {
			t.Errorf("%s: %d, want %d", p, n, want)
		}
		for _, d := range []string{"2026-03-02", "2026-03-03"} {
			if n, want := got[d+" "+p+" news.example.org"], int64(flushers*batches/2); n != want {
				t.Errorf("%s %s from news.example.org: %d, want %d", d, p, n, want)
			}
		}
	}
}

// testConcurrentReferrerBound: two handles adding new hosts for one day at
// once still leave the day naming exactly entente.MaxReferrers, and every
// visit counted. Without a lock on the day, each would see room for its
// hosts and the day would name more.
func testConcurrentReferrerBound(t *testing.T, open func(t *testing.T) (entente.Store, entente.Store)) {
	a, b := counters(t, open)
	const flushers, hosts = 8, 15
	errs := hammer(flushers, func(i int) error {
		var vs []entente.Visit
		for j := range hosts {
			vs = append(vs, entente.Visit{Day: visitDay, Page: "/", Referrer: fmt.Sprintf("h%d-%d.example", i, j), Count: 1})
		}
		return []entente.Counter{a, b}[i%2].AddVisits(t.Context(), vs)
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("flusher %d: %v", i, err)
		}
	}
	named, total := referrers(t, b, visitDay)
	if total != flushers*hosts {
		t.Errorf("%d visits stored, want %d", total, flushers*hosts)
	}
	if n := len(named) - 1; n != entente.MaxReferrers || named[entente.OtherReferrer] != flushers*hosts-entente.MaxReferrers {
		t.Errorf("the day names %d hosts with %d other visits, want %d and %d", n, named[entente.OtherReferrer],
			entente.MaxReferrers, flushers*hosts-entente.MaxReferrers)
	}
}
