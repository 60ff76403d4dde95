package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/entente/entente"
)

var _ entente.Searcher = (*Store)(nil)

// Search finds the records whose text matches q's terms, among those
// q.Viewer may read, best first, with the total and the facets over every
// hit. The index, search_docs, is kept by triggers (migration 0017).
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
	var w where
	var from, rank, title, snippet string
	if s.d.FTS5 {
		w.add("search_fts MATCH %s", fts5Query(q.Terms))
		from = "search_fts JOIN search_docs d ON d.id = search_fts.rowid"
		// bm25 is lower for a better match; a title match weighs ten
		// times one in the body.
		rank = "-bm25(search_fts, 10.0, 1.0)"
		title = fmt.Sprintf("highlight(search_fts, 0, '%s', '%s')", entente.HighlightStart, entente.HighlightEnd)
		snippet = fmt.Sprintf("snippet(search_fts, 1, '%s', '%s', '…', 24)", entente.HighlightStart, entente.HighlightEnd)
	} else {
		w.add("d.doc @@ to_tsquery('english', %s)", tsQuery(q.Terms))
		tsq := fmt.Sprintf("to_tsquery('english', $%d)", len(w.args))
		from = "search_docs d"
		rank = "ts_rank_cd(d.doc, " + tsq + ")"
		sel := fmt.Sprintf("StartSel=%s, StopSel=%s", entente.HighlightStart, entente.HighlightEnd)
		title = fmt.Sprintf("ts_headline('english', d.title, %s, 'HighlightAll=true, %s')", tsq, sel)
		snippet = fmt.Sprintf("ts_headline('english', d.body, %s, 'MaxWords=30, MinWords=12, %s')", tsq, sel)
	}
	// A record comes before the documents it cites: a source's match
	// counts half.
	rank = "(" + rank + ") * CASE WHEN d.kind = 'source' THEN 0.5 ELSE 1.0 END"
	visible(&w, q.Viewer)
	w.eq("d.kind", q.Kind)
	w.eq("d.country", q.Country)
	if q.Decade != 0 {
		w.add("d.year >= %s", q.Decade)
		w.add("d.year < %s", q.Decade+10)
	}
	// The counts and the page are read from one snapshot, so they agree.
	sqlTx, err := s.db.BeginTx(ctx, snapshotTx)
	if err != nil {
		return nil, s.d.wrap("begin read transaction", err)
	}
	defer sqlTx.Rollback()
	res := &entente.SearchResult{Hits: []entente.SearchHit{}, Kinds: []entente.Facet{}, Countries: []entente.Facet{}, Decades: []entente.Facet{}}
	// Facets and the total come from one pass over every hit, grouped by
	// the three facets at once.
	rows, err := sqlTx.QueryContext(ctx, `SELECT d.kind, d.country, d.year / 10 * 10, count(*) FROM `+from+w.String()+` GROUP BY 1, 2, 3`, w.args...)
	if err != nil {
		return nil, s.searchErr(err)
	}
	kinds, countries, decades := map[string]int{}, map[string]int{}, map[string]int{}
	for rows.Next() {
		var kind, country string
		var decade *int
		var n int
		if err := rows.Scan(&kind, &country, &decade, &n); err != nil {
			rows.Close()
			return nil, s.d.wrap("search", err)
		}
		res.Total += n
		kinds[kind] += n
		if country != "" {
			countries[country] += n
		}
		if decade != nil {
			decades[strconv.Itoa(*decade)] += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.searchErr(err)
	}
	res.Kinds, res.Countries, res.Decades = facets(kinds, false), facets(countries, false), facets(decades, true)
	if res.Total == 0 {
		return res, nil
	}
	rows, err = sqlTx.QueryContext(ctx, `SELECT d.kind, d.key, `+title+`, `+snippet+`, d.country, d.year, `+rank+` AS rank
		FROM `+from+w.String()+fmt.Sprintf(` ORDER BY rank DESC, d.kind, d.key LIMIT %d OFFSET %d`, limit, max(q.Offset, 0)), w.args...)
	if err != nil {
		return nil, s.searchErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var h entente.SearchHit
		var year *int
		if err := rows.Scan(&h.Kind, &h.Key, &h.Title, &h.Snippet, &h.Country, &year, &h.Rank); err != nil {
			return nil, s.d.wrap("search", err)
		}
		if year != nil {
			h.Year = *year
		}
		// PostgreSQL marks a phrase's words one by one.
		join := strings.NewReplacer(entente.HighlightEnd+" "+entente.HighlightStart, " ")
		h.Title, h.Snippet = join.Replace(h.Title), join.Replace(h.Snippet)
		res.Hits = append(res.Hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, s.searchErr(err)
	}
	return res, nil
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
// could be one p may not read, and the source would tell of it). Staff and
// admins read everything.
func visible(w *where, p *entente.Principal) {
	if p.SeesAll() {
		return
	}
	mark := func(col string) string { return col + " = 'PUBLIC'" }
	if p != nil && p.Role == entente.RoleLiaison && p.Partner != "" {
		w.args = append(w.args, "% "+p.Partner+" %")
		n := len(w.args)
		mark = func(col string) string {
			return fmt.Sprintf("(%s = 'PUBLIC' OR (%s LIKE 'RELEASABLE_TO %%' AND ' ' || %s || ' ' LIKE $%d))", col, col, col, n)
		}
	}
	parent := func(kind, table, key string) string {
		return fmt.Sprintf("(d.parent_kind = '%s' AND EXISTS (SELECT 1 FROM %s x WHERE x.%s = d.parent AND %s))", kind, table, key, mark("x.releasability"))
	}
	w.conds = append(w.conds, mark("d.releasability"),
		"(d.parent = '' OR "+parent("programme", "programmes", "id")+" OR "+parent("operation", "operations", "code")+" OR "+parent("meeting", "meetings", "id")+")")
	var cited []string
	for _, t := range restrictedTables {
		cited = append(cited, fmt.Sprintf("EXISTS (SELECT 1 FROM %s x WHERE x.releasability <> 'PUBLIC' AND ' ' || x.sources || ' ' LIKE '%% ' || d.key || ' %%')", t))
	}
	w.conds = append(w.conds, "(d.kind <> 'source' OR NOT ("+strings.Join(cited, " OR ")+"))")
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
