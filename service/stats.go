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

// CountVisit counts one consented page view: the page's path, today, and
// the referring host ("" for none). It does nothing if the store keeps no
// counts.
func (s *Service) CountVisit(ctx context.Context, page, referrer string) error {
	c := s.counter()
	if c == nil {
		return nil
	}
	return c.CountVisit(ctx, s.Today(), page, referrer)
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

// Stats sums the visit counts from day from on (all when zero).
func (s *Service) Stats(ctx context.Context, from entente.Date) (*Stats, error) {
	st := &Stats{Since: from, Pages: []Tally{}, Referrers: []Tally{}, Days: []Tally{}}
	c := s.counter()
	if c == nil {
		return st, nil
	}
	vs, err := c.Visits(ctx, from)
	if err != nil {
		return nil, err
	}
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
