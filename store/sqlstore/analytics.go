package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/entente/entente"
)

var _ entente.Counter = (*Store)(nil)

// visitKey is what a count is kept under.
type visitKey struct {
	day            string
	page, referrer string
}

// AddVisits adds a batch of counts in one transaction (see entente.Counter).
//
// Each day of the batch is locked first, in day order, by its row in
// analytics_days; then the hosts the day already names are read, and the
// batch's other hosts are bounded by entente.BoundReferrers. Two processes
// adding counts for one day therefore take turns on the day's row, and the
// second sees the hosts the first stored. SQLite needs no row lock (the
// write transaction holds the database's), PostgreSQL takes one
// (Dialect.RowLock).
//
// Counting is not a change to the records: the transaction does not notify
// other processes, and caches stay.
func (s *Store) AddVisits(ctx context.Context, vs []entente.Visit) error {
	defer s.obs.done("add_visits", s.obs.start())
	byDay := map[entente.Date][]entente.Visit{}
	for _, v := range vs {
		if v.Count < 0 || v.Day.Precision() != entente.PrecisionDay || v.Page == "" {
			return entente.Errorf(entente.EINVALID, "add visits: %d visits of page %q on %q: want a page, a day and a count of 0 or more",
				v.Count, v.Page, v.Day)
		}
		if v.Count > 0 {
			byDay[v.Day] = append(byDay[v.Day], v)
		}
	}
	if len(byDay) == 0 {
		return nil
	}
	sqlTx, done, err := s.beginWrite(ctx)
	if err != nil {
		return s.d.wrap("add visits", err)
	}
	defer done()
	defer sqlTx.Rollback()
	batch := map[visitKey]int64{}
	for _, day := range slices.SortedFunc(maps.Keys(byDay), entente.Date.Compare) {
		named, err := s.lockVisitDay(ctx, sqlTx, day.String())
		if err != nil {
			return s.d.wrap("add visits", err)
		}
		entente.BoundReferrers(byDay[day], named)
		for _, v := range byDay[day] {
			batch[visitKey{day.String(), v.Page, v.Referrer}] += v.Count
		}
	}
	if err := upsertVisits(ctx, sqlTx, batch); err != nil {
		return s.d.wrap("add visits", err)
	}
	return s.d.wrap("add visits", sqlTx.Commit())
}

// lockVisitDay locks day's row in analytics_days, making it if need be,
// and returns the referring hosts the day names already.
func (s *Store) lockVisitDay(ctx context.Context, q *sql.Tx, day string) (map[string]bool, error) {
	if _, err := q.ExecContext(ctx, `INSERT INTO analytics_days (day) VALUES ($1) ON CONFLICT (day) DO NOTHING`, day); err != nil {
		return nil, err
	}
	var locked string
	if err := q.QueryRowContext(ctx, `SELECT day FROM analytics_days WHERE day = $1`+s.d.RowLock, day).Scan(&locked); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT referrer FROM analytics_visits WHERE day = $1 AND referrer <> '' AND referrer <> $2`,
		day, entente.OtherReferrer)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	named := map[string]bool{}
	for rows.Next() {
		var host string
		if err := rows.Scan(&host); err != nil {
			return nil, err
		}
		named[host] = true
	}
	return named, rows.Err()
}

// visitRowsPerStatement is how many counts one INSERT carries: four
// parameters each, well under either engine's limit on parameters.
const visitRowsPerStatement = 200

// upsertVisits adds batch's counts to the stored ones, a few hundred rows
// a statement. No key is twice in one statement (batch is a map), which
// PostgreSQL's ON CONFLICT DO UPDATE requires.
func upsertVisits(ctx context.Context, q *sql.Tx, batch map[visitKey]int64) error {
	keys := slices.SortedFunc(maps.Keys(batch), func(a, b visitKey) int {
		return cmp.Or(strings.Compare(a.day, b.day), strings.Compare(a.page, b.page), strings.Compare(a.referrer, b.referrer))
	})
	for chunk := range slices.Chunk(keys, visitRowsPerStatement) {
		var sb strings.Builder
		sb.WriteString(`INSERT INTO analytics_visits (day, page, referrer, count) VALUES `)
		args := make([]any, 0, 4*len(chunk))
		for i, k := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4)
			args = append(args, k.day, k.page, k.referrer, batch[k])
		}
		sb.WriteString(` ON CONFLICT (day, page, referrer) DO UPDATE SET count = analytics_visits.count + excluded.count`)
		if _, err := q.ExecContext(ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
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
