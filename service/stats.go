package service

import (
	"cmp"
	"context"
	"slices"

	"github.com/entente/entente"
)

// counter is the store's visit counter, or nil when it keeps none.
func (s *Service) counter() entente.Counter {
	c, _ := s.Store.(entente.Counter)
	return c
}

// AddVisits adds a batch of counts of consented page views (see
// entente.Counter.AddVisits). It does nothing if the store keeps no counts.
// The web server calls it from its aggregator (internal/visits), which
// gathers the views in memory and adds them every few seconds: counting a
// view writes nothing while the view is served.
func (s *Service) AddVisits(ctx context.Context, vs []entente.Visit) error {
	c := s.counter()
	if c == nil {
		return nil
	}
	return c.AddVisits(ctx, vs)
}

// Tally is a total of visits under one name (a page or a referring host).
type Tally struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

// Stats are the visit totals since a day, per page, per referring host and
// per day.
type Stats struct {
	Since     entente.Date `json:"since,omitzero"`
	Total     int64        `json:"total"`
	Pages     []Tally      `json:"pages"`
	Referrers []Tally      `json:"referrers"`
	Days      []Tally      `json:"days"`
}

// Stats sums the visit counts from day from on (all when zero), the stored
// ones and unsaved, the counts a server holds in memory that it has not
// added to the store yet.
func (s *Service) Stats(ctx context.Context, from entente.Date, unsaved ...entente.Visit) (*Stats, error) {
	st := &Stats{Since: from, Pages: []Tally{}, Referrers: []Tally{}, Days: []Tally{}}
	c := s.counter()
	if c == nil {
		return st, nil
	}
	vs, err := c.Visits(ctx, from)
	if err != nil {
		return nil, err
	}
	vs = append(vs, boundUnsaved(vs, unsaved, from)...)
	pages, refs, days := map[string]int64{}, map[string]int64{}, map[string]int64{}
	for _, v := range vs {
		st.Total += v.Count
		pages[v.Page] += v.Count
		days[v.Day.String()] += v.Count
		if v.Referrer != "" {
			refs[v.Referrer] += v.Count
		}
	}
	tally := func(m map[string]int64, byName bool) []Tally {
		out := []Tally{}
		for k, n := range m {
			out = append(out, Tally{k, n})
		}
		slices.SortFunc(out, func(a, b Tally) int {
			if byName {
				return cmp.Compare(a.Name, b.Name)
			}
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name))
		})
		return out
	}
	st.Pages, st.Referrers, st.Days = tally(pages, false), tally(refs, false), tally(days, true)
	return st, nil
}

// boundUnsaved returns the unsaved visits from day from on, their referrers
// bounded as the store will bound them when it adds them to stored
// (entente.BoundReferrers), so that a host past a day's bound is not shown
// by name until the next flush.
func boundUnsaved(stored, unsaved []entente.Visit, from entente.Date) []entente.Visit {
	named := map[entente.Date]map[string]bool{}
	for _, v := range stored {
		if named[v.Day] == nil {
			named[v.Day] = map[string]bool{}
		}
		if v.Referrer != "" && v.Referrer != entente.OtherReferrer {
			named[v.Day][v.Referrer] = true
		}
	}
	byDay := map[entente.Date][]entente.Visit{}
	for _, v := range unsaved {
		if from.IsZero() || v.Day.Compare(from) >= 0 {
			byDay[v.Day] = append(byDay[v.Day], v)
		}
	}
	var out []entente.Visit
	for day, vs := range byDay {
		if named[day] == nil {
			named[day] = map[string]bool{}
		}
		entente.BoundReferrers(vs, named[day])
		out = append(out, vs...)
	}
	return out
}
