package sqlstore

import (
	"context"

	"github.com/entente/entente"
)

var _ entente.Counter = (*Store)(nil)

// CountVisit adds one to the count of (day, page, referrer). The upsert is
// one statement both engines accept, so concurrent visits neither race nor
// take the write lock for longer than the statement.
func (s *Store) CountVisit(ctx context.Context, day entente.Date, page, referrer string) error {
	defer s.obs.done("count_visit", s.obs.start())
	_, err := s.db.ExecContext(ctx, `INSERT INTO analytics_visits (day, page, referrer, count) VALUES ($1, $2, $3, 1)
		ON CONFLICT (day, page, referrer) DO UPDATE SET count = analytics_visits.count + 1`, day.String(), page, referrer)
	return s.d.wrap("count visit", err)
}

// Visits returns the counts from day from on (all when from is zero).
func (s *Store) Visits(ctx context.Context, from entente.Date) ([]entente.Visit, error) {
	defer s.obs.done("visits", s.obs.start())
	since := ""
	if !from.IsZero() {
		since = from.String()
	}
	rows, err := s.db.QueryContext(ctx, `SELECT day, page, referrer, count FROM analytics_visits
		WHERE day >= $1 ORDER BY day, page, referrer`, since)
	if err != nil {
		return nil, s.d.wrap("read visits", err)
	}
	defer rows.Close()
	out := []entente.Visit{}
	for rows.Next() {
		var v entente.Visit
		var day string
		if err := rows.Scan(&day, &v.Page, &v.Referrer, &v.Count); err != nil {
			return nil, s.d.wrap("read visits", err)
		}
		if v.Day, err = entente.ParseDate(day); err != nil {
			return nil, s.d.wrap("read visits", err)
		}
		out = append(out, v)
	}
	return out, s.d.wrap("read visits", rows.Err())
}
