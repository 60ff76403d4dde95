package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/entente/entente"
)

var _ entente.Searcher = (*Store)(nil)

// Search finds the records whose text matches q's terms, among those
// q.Viewer may read, best first, with the total and the facets. The index,
// search_docs, is kept by triggers (migration 0017).
//
// Its cost is bounded by the window (entente.SearchWindow), not by the
// number of hits: one query reads the keys, facet values and rank of at
// most window+1 visible hits, straight from the full-text index with a
// LIMIT (no sort or count over every hit); the total and the facets are
// counted and the hits ranked from those, here; a second query highlights
// the titles and makes the snippets of the page's hits only. Up to the
// window every hit is counted and ranked, so the results are those of a
// ranking of all; past it the total is the window and More is set.
func (s *Store) Search(ctx context.Context, q entente.SearchQuery) (*entente.SearchResult, error) {
	defer s.obs.done("search", s.obs.start())
	if len(q.Terms) == 0 {
		return nil, entente.Errorf(entente.EINVALID, "q: give a word to search for")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = entente.DefaultHits
	}
	limit = min(limit, entente.MaxHits)
	window := q.Window
	if window <= 0 {
		window = entente.SearchWindow
	}
	var w where
	var from, rank, marks string
	var match any
	// The order the window is read in: the index's (SQLite's FTS5 reads
	// its hits by rowid; PostgreSQL's bitmap scan by where the rows lie).
	order := ""
	// titleFirst: the hits are ranked by whether their title matches,
	// not by bm25 (see bm25Cheap).
	titleFirst := false
	// The counts and the page are read from one snapshot, so they agree.
	sqlTx, err := s.db.BeginTx(ctx, snapshotTx)
	if err != nil {
		return nil, s.d.wrap("begin read transaction", err)
	}
	defer sqlTx.Rollback()
	if s.d.FTS5 {
		match = fts5Query(q.Terms)
		w.add("search_fts MATCH %s", match)
		from = "search_fts JOIN search_docs d ON d.id = search_fts.rowid"
		order = " ORDER BY search_fts.rowid"
		// bm25 is lower for a better match; a title match weighs ten
		// times one in the body.
		rank = "-bm25(search_fts, 10.0, 1.0)"
		cheap, err := bm25Cheap(ctx, sqlTx, q.Terms)
		if err != nil {
			return nil, s.searchErr(err)
		}
		if !cheap {
			rank, titleFirst = "1.0", true
		}
		marks = fmt.Sprintf(`SELECT rowid, highlight(search_fts, 0, '%[1]s', '%[2]s'), snippet(search_fts, 1, '%[1]s', '%[2]s', '…', 24)
			FROM search_fts WHERE search_fts MATCH $1 AND rowid IN `, entente.HighlightStart, entente.HighlightEnd)
	} else {
		match = tsQuery(q.Terms)
		// The query is written into the SQL, not bound: the planner then
		// sees its words and their frequencies (the column's statistics
		// of most common lexemes), and reads a rare word's hits through
		// the GIN index but a common word's by scanning the table until
		// the window is full (a few thousand rows), rather than make a
		// bitmap of all its hits. A generic plan for a bound parameter
		// cannot tell them apart. The words are letters and digits only.
		tsq := "to_tsquery('english', '" + strings.ReplaceAll(match.(string), "'", "''") + "')"
		w.conds = append(w.conds, "d.doc @@ "+tsq)
		from = "search_docs d"
		rank = "ts_rank_cd(d.doc, " + tsq + ")"
		sel := fmt.Sprintf("StartSel=%s, StopSel=%s", entente.HighlightStart, entente.HighlightEnd)
		marks = fmt.Sprintf(`SELECT d.id, ts_headline('english', d.title, to_tsquery('english', $1), 'HighlightAll=true, %[1]s'),
			ts_headline('english', d.body, to_tsquery('english', $1), 'MaxWords=30, MinWords=12, %[1]s')
			FROM search_docs d WHERE d.id IN `, sel)
	}
	// A record comes before the records about it, and those before the
	// documents they cite: a contribution's or invitation's match (a
	// country's part in an operation or a meeting, which names it) counts
	// three quarters, a source's half. So "Ocean Shield" finds the
	// operation first, then the partners' contributions to it.
	rank = "(" + rank + ") * CASE WHEN d.kind = 'source' THEN 0.5 WHEN d.kind IN ('contribution', 'invitation') THEN 0.75 ELSE 1.0 END"
	if err := visible(ctx, sqlTx, &w, q.Viewer); err != nil {
		return nil, s.d.wrap("search", err)
	}
	w.eq("d.kind", q.Kind)
	w.eq("d.country", q.Country)
	if q.Decade != 0 {
		w.add("d.year >= %s", q.Decade)
		w.add("d.year < %s", q.Decade+10)
	}
	cols := "d.id, d.kind, d.key, d.country, d.year, " + rank
	window1 := fmt.Sprintf(" LIMIT %d", window+1)
	var read string
	switch {
	case q.Viewer.SeesAll():
		read = `SELECT ` + cols + ` FROM ` + from + w.String() + order + window1
	case s.d.FTS5:
		// SQLite tests the sources' condition on a source only.
		w.conds = append(w.conds, "(d.kind <> 'source' OR NOT "+sourceHidden()+")")
		read = `SELECT ` + cols + ` FROM ` + from + w.String() + order + window1
	default:
		// PostgreSQL's planner counts the cost of the sources' condition
		// on every row, so that a scan of the table that stops at the
		// window looks dear, and a common word's hits were read through
		// a bitmap of all of them: the sources (a few hundred, read
		// first through the (kind, key) index, not through a bitmap of
		// the word's hits) are searched apart.
		ws := where{conds: append(slices.Clone(w.conds), "NOT "+sourceHidden()), args: w.args}
		w.conds = append(w.conds, "d.kind <> 'source'")
		read = `WITH sources AS MATERIALIZED (SELECT * FROM search_docs WHERE kind = 'source')
			(SELECT ` + cols + ` FROM ` + from + w.String() + window1 + `) UNION ALL (SELECT ` + cols + ` FROM sources d` + ws.String() + window1 + `)`
	}
	res := &entente.SearchResult{Hits: []entente.SearchHit{}, Kinds: []entente.Facet{}, Countries: []entente.Facet{}, Decades: []entente.Facet{}}
	type hit struct {
		id   int64
		hit  entente.SearchHit
		year *int
	}
	var hits []hit
	rows, err := sqlTx.QueryContext(ctx, read, s.oneShot(w.args)...)
	if err != nil {
		return nil, s.searchErr(err)
	}
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.id, &h.hit.Kind, &h.hit.Key, &h.hit.Country, &h.year, &h.hit.Rank); err != nil {
			rows.Close()
			return nil, s.d.wrap("search", err)
		}
		if h.year != nil {
			h.hit.Year = *h.year
		}
		hits = append(hits, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.searchErr(err)
	}
	if len(hits) > window {
		hits, res.More = hits[:window], true
	}
	if titleFirst && len(hits) > 0 {
		// The same search in the titles only, over the window's range
		// of rowids (the index alone, no more entries than the window
		// spans). A title match ranks first, as bm25's weight of ten
		// makes it do; a body match at a tenth.
		first, last := hits[0].id, hits[0].id
		for _, h := range hits {
			first, last = min(first, h.id), max(last, h.id)
		}
		rows, err := sqlTx.QueryContext(ctx, `SELECT rowid FROM search_fts WHERE search_fts MATCH $1 AND rowid >= $2 AND rowid <= $3`,
			"{title} : ("+match.(string)+")", first, last)
		if err != nil {
			return nil, s.searchErr(err)
		}
		inTitle := map[int64]bool{}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, s.d.wrap("search", err)
			}
			inTitle[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.searchErr(err)
		}
		for i := range hits {
			if !inTitle[hits[i].id] {
				hits[i].hit.Rank *= 0.1
			}
		}
	}
	res.Total = len(hits)
	kinds, countries, decades := map[string]int{}, map[string]int{}, map[string]int{}
	for _, h := range hits {
		kinds[h.hit.Kind]++
		if h.hit.Country != "" {
			countries[h.hit.Country]++
		}
		if h.year != nil {
			decades[strconv.Itoa(*h.year/10*10)]++
		}
	}
	res.Kinds, res.Countries, res.Decades = facets(kinds, false), facets(countries, false), facets(decades, true)
	// Best first; among equals, by kind and key, so that pages follow on.
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(b.hit.Rank, a.hit.Rank), cmp.Compare(a.hit.Kind, b.hit.Kind), cmp.Compare(a.hit.Key, b.hit.Key))
	})
	page := hits[min(max(q.Offset, 0), len(hits)):]
	page = page[:min(limit, len(page))]
	if len(page) == 0 {
		return res, nil
	}
	ids := make([]string, len(page))
	for i, h := range page {
		ids[i] = strconv.FormatInt(h.id, 10)
	}
	rows, err = sqlTx.QueryContext(ctx, marks+"("+strings.Join(ids, ", ")+")", s.oneShot([]any{match})...)
	if err != nil {
		return nil, s.searchErr(err)
	}
	defer rows.Close()
	type marked struct{ title, snippet string }
	byID := make(map[int64]marked, len(page))
	// PostgreSQL marks a phrase's words one by one.
	join := strings.NewReplacer(entente.HighlightEnd+" "+entente.HighlightStart, " ")
	for rows.Next() {
		var id int64
		var m marked
		if err := rows.Scan(&id, &m.title, &m.snippet); err != nil {
			return nil, s.d.wrap("search", err)
		}
		byID[id] = marked{join.Replace(m.title), join.Replace(m.snippet)}
	}
	if err := rows.Err(); err != nil {
		return nil, s.searchErr(err)
	}
	for _, h := range page {
		m, ok := byID[h.id]
		if !ok {
			// Read in the same snapshot as the hit: this cannot be.
			return nil, entente.Errorf(entente.EINTERNAL, "search: hit %s %s has no text in the index", h.hit.Kind, h.hit.Key)
		}
		h.hit.Title, h.hit.Snippet = m.title, m.snippet
		res.Hits = append(res.Hits, h.hit)
	}
	return res, nil
}

// bm25Limit bounds the work of SQLite's bm25: it weighs each phrase of a
// query by how rare it is, and to know that it reads every record the
// phrase matches, on every search (2.6 s for a word in 300,000 records).
// When the query's phrases match more than bm25Limit records all told
// (each counted up to that), hits are ranked by whether their title
// matches instead (titleFirst in Store.Search).
const bm25Limit = 2500

// bm25Cheap tells whether bm25's statistics for terms are cheap to get:
// whether their phrases match at most bm25Limit records all told. Each
// count stops past the limit, so this reads at most that many entries of
// the index per phrase.
func bm25Cheap(ctx context.Context, tx *sql.Tx, terms []entente.SearchTerm) (bool, error) {
	counts := make([]string, len(terms))
	args := make([]any, len(terms))
	for i, t := range terms {
		args[i] = fts5Query([]entente.SearchTerm{t})
		counts[i] = fmt.Sprintf("(SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH $%d LIMIT %d))", i+1, bm25Limit+1)
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT "+strings.Join(counts, " + "), args...).Scan(&n); err != nil {
		return false, err
	}
	return n <= bm25Limit, nil
}

// oneShot is args for a query whose SQL serves one search only, led by
// the dialect's OneShot if it has one.
func (s *Store) oneShot(args []any) []any {
	if s.d.OneShot == nil {
		return args
	}
	return append([]any{s.d.OneShot}, args...)
}

// searchErr maps a search's failure: the terms are built from letters and
// digits only, so the engine should never fail to parse them; if it does,
// the query is the user's, and the answer EINVALID rather than a 500.
func (s *Store) searchErr(err error) error {
	if e := s.d.wrap("search", err); entente.ErrorCode(e) != entente.EINTERNAL {
		return e
	}
	return entente.Errorf(entente.EINVALID, "q: the search engine could not read this query: %v", err)
}

// visible adds to w the conditions that keep to what p may read, as the
// services' releasability filter does: records marked PUBLIC, or released
// to p's partner; a record of a programme, an operation or a meeting (an
// activity, a contribution, an invitation) only if that parent is too; and
// a source only if no record that is not PUBLIC cites it (one such record
// could be one p may not read, and the source would tell of it; that
// condition, sourceHidden, Search adds as each engine plans it best).
// Staff and admins read everything.
//
// The parents p may not read are read first (through the indexes of the
// records that are not PUBLIC), so that each hit is checked against its
// own columns, not by a query per hit.
func visible(ctx context.Context, tx *sql.Tx, w *where, p *entente.Principal) error {
	if p.SeesAll() {
		return nil
	}
	// mark is the condition that col's marking lets p read, with the
	// partner's pattern (for a liaison) at placeholder n.
	mark := func(col string, n int) string { return col + " = 'PUBLIC'" }
	var partner []any
	if p != nil && p.Role == entente.RoleLiaison && p.Partner != "" {
		partner = []any{"% " + p.Partner + " %"}
		mark = func(col string, n int) string {
			return fmt.Sprintf("(%s = 'PUBLIC' OR (%s LIKE 'RELEASABLE_TO %%' AND ' ' || %s || ' ' LIKE $%d))", col, col, col, n)
		}
	}
	w.args = append(w.args, partner...)
	w.conds = append(w.conds, mark("d.releasability", len(w.args)))
	// One query for the three kinds of parent.
	var parts []string
	for _, parent := range []struct{ kind, table, key string }{{"programme", "programmes", "id"}, {"operation", "operations", "code"}, {"meeting", "meetings", "id"}} {
		parts = append(parts, fmt.Sprintf("SELECT '%s', %s FROM %s x WHERE x.releasability <> 'PUBLIC' AND NOT %s",
			parent.kind, parent.key, parent.table, mark("x.releasability", 1)))
	}
	rows, err := tx.QueryContext(ctx, strings.Join(parts, " UNION ALL "), partner...)
	if err != nil {
		return err
	}
	defer rows.Close()
	hidden := map[string][]string{}
	var kinds []string
	for rows.Next() {
		var kind, key string
		if err := rows.Scan(&kind, &key); err != nil {
			return err
		}
		if hidden[kind] == nil {
			kinds = append(kinds, kind)
		}
		w.args = append(w.args, key)
		hidden[kind] = append(hidden[kind], fmt.Sprintf("$%d", len(w.args)))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, kind := range kinds {
		w.conds = append(w.conds, fmt.Sprintf("NOT (d.parent_kind = '%s' AND d.parent IN (%s))", kind, strings.Join(hidden[kind], ", ")))
	}
	return nil
}

// sourceHidden is the condition that a source, d, is cited by a record
// that is not PUBLIC: such a source is shown only to those who read
// everything (see visible).
func sourceHidden() string {
	var cited []string
	for _, t := range restrictedTables {
		cited = append(cited, fmt.Sprintf("EXISTS (SELECT 1 FROM %s x WHERE x.releasability <> 'PUBLIC' AND ' ' || x.sources || ' ' LIKE '%% ' || d.key || ' %%')", t))
	}
	return "(" + strings.Join(cited, " OR ") + ")"
}

// restrictedTables are the tables whose records carry a marking and cite
// sources; each has an index of its records that are not PUBLIC
// (migration 0017), so that finding them reads only those.
var restrictedTables = []string{"countries", "alliances", "articles", "memberships", "frameworks", "partnerships", "groups",
	"areas", "programmes", "operations", "contributions", "meetings", "invitations", "defence_events", "objectives",
	"goals", "offers", "activities", "reviews"}

// facets sorts counts into facets: the most hits first, or by value for
// decades.
func facets(counts map[string]int, byValue bool) []entente.Facet {
	fs := make([]entente.Facet, 0, len(counts))
	for v, n := range counts {
		fs = append(fs, entente.Facet{Value: v, Count: n})
	}
	slices.SortFunc(fs, func(a, b entente.Facet) int {
		if byValue {
			return cmp.Compare(a.Value, b.Value)
		}
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
	})
	return fs
}

// fts5Query writes terms in FTS5's syntax: each a quoted string (a word or
// a phrase), * after a prefix, all of them required.
func fts5Query(terms []entente.SearchTerm) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + strings.Join(t.Words, " ") + `"`
		if t.Prefix {
			parts[i] += " *"
		}
	}
	return strings.Join(parts, " ")
}

// tsQuery writes terms in PostgreSQL's to_tsquery syntax: a phrase's words
// joined by <->, :* after a prefix, all of them required (&).
func tsQuery(terms []entente.SearchTerm) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		words := slices.Clone(t.Words)
		if t.Prefix {
			words[len(words)-1] += ":*"
		}
		parts[i] = strings.Join(words, " <-> ")
		if len(words) > 1 {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, " & ")
}
