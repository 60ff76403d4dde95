package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/entente/entente"
)

// querier is what *sql.DB and *sql.Tx have in common, so one reader serves
// both the Store (outside transactions) and a Tx (inside one, seeing its own
// writes).
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// reader implements entente.Reader over a querier.
type reader struct {
	q querier
	d *Dialect
	// obs, set on the Store's own reader only, is told the time of each
	// query as a "read"; in a transaction the transaction's time is what
	// is reported.
	obs *observers
	// stmts, if set, holds the queries' prepared statements.
	stmts *stmtCache
	// memo, set in a View on a dialect with a change counter, holds the
	// small kinds of record at the View's counter (see memo).
	memo *memoView
	// slot, set on the Store's own reader on a dialect that bounds reads
	// at once, takes a read slot for each query (see Dialect.ReadSlots).
	slot func(context.Context) func()
}

// where builds a WHERE clause from the filter fields that are set; an empty
// field does not filter. Conditions refer to the record's table as t.
type where struct {
	conds []string
	args  []any
}

// eq adds "col = v" unless v is empty.
func (w *where) eq(col, v string) {
	if v != "" {
		w.add(col+" = %s", v)
	}
}

// add adds cond, in which %s stands for v's placeholder.
func (w *where) add(cond string, v any) {
	w.args = append(w.args, v)
	w.conds = append(w.conds, strings.Replace(cond, "%s", "$"+strconv.Itoa(len(w.args)), 1))
}

// in adds "col IN (...)" for the values vs, which must not be empty.
func (w *where) in(col string, vs []string) {
	ps := make([]string, len(vs))
	for i, v := range vs {
		w.args = append(w.args, v)
		ps[i] = fmt.Sprintf("$%d", len(w.args))
	}
	w.conds = append(w.conds, col+" IN ("+strings.Join(ps, ", ")+")")
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// prov lists the provenance columns of the table aliased as alias, in
// provDest order.
func prov(alias string) string {
	return alias + ".sources, " + alias + ".note, " + alias + ".unconfirmed, " + alias + ".releasability, " + alias + ".quotes"
}

// each runs query and calls fn for each row.
func (r reader) each(ctx context.Context, op, query string, args []any, fn func(*sql.Rows) error) error {
	defer r.obs.done("read", r.obs.start())
	if r.slot != nil {
		defer r.slot(ctx)()
	}
	var rows *sql.Rows
	var err error
	if st := r.stmts.stmt(ctx, r.q, query); st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = r.q.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return r.d.wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return r.d.wrap(op, err)
		}
	}
	return r.d.wrap(op, rows.Err())
}

// canonical sorts the slices of ds in place, in the order Dataset.Sort
// defines, so that every Find agrees with Export. Sorting in Go rather than
// with ORDER BY sidesteps PostgreSQL collations, which need not order codes
// byte by byte as Go does.
func canonical(ds entente.Dataset) { ds.Sort() }

// key joins the parts of a composite key for the maps that attach child rows
// to their records.
func key(parts ...string) string { return strings.Join(parts, "\x00") }

// empty reports whether no record table has a row.
func (r reader) empty(ctx context.Context) (bool, error) {
	for _, t := range recordTables {
		var found bool
		if err := r.q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+t+")").Scan(&found); err != nil {
			return false, r.d.wrap("check whether the store is empty", err)
		}
		if found {
			return false, nil
		}
	}
	return true, nil
}

// dataset reads every record but the activities (see eachActivity).
func (r reader) dataset(ctx context.Context) (*entente.Dataset, error) {
	ds := &entente.Dataset{}
	var all entente.Filter
	steps := []func() error{
		func() (err error) { ds.Sources, err = r.FindSources(ctx, nil); return err },
		func() (err error) { ds.Countries, err = r.FindCountries(ctx); return err },
		func() (err error) { ds.Alliances, err = r.FindAlliances(ctx); return err },
		func() (err error) { ds.Memberships, err = r.FindMemberships(ctx, all); return err },
		func() (err error) { ds.Frameworks, err = r.FindFrameworks(ctx, all); return err },
		func() (err error) { ds.Partnerships, err = r.FindPartnerships(ctx, all); return err },
		func() (err error) { ds.Groups, err = r.FindGroups(ctx, all); return err },
		func() (err error) { ds.Areas, err = r.FindAreas(ctx); return err },
		func() (err error) { ds.Programmes, err = r.FindProgrammes(ctx, all); return err },
		func() (err error) { ds.Operations, err = r.FindOperations(ctx, all); return err },
		func() (err error) { ds.Contributions, err = r.FindContributions(ctx, all); return err },
		func() (err error) { ds.Meetings, err = r.FindMeetings(ctx, all); return err },
		func() (err error) { ds.Invitations, err = r.FindInvitations(ctx, all); return err },
		func() (err error) { ds.DefenceEvents, err = r.FindDefenceEvents(ctx, all); return err },
		func() error { return r.planDataset(ctx, ds) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return ds, nil
}

// FindCountry returns one country by ISO3 code, or ENOTFOUND.
func (r reader) FindCountry(ctx context.Context, code string) (*entente.Country, error) {
	if cs, ok, err := memoFind(ctx, r, "countries", allCountries, cloneCountry, func(c *entente.Country) bool { return c.Code == code }); ok {
		if err != nil {
			return nil, err
		}
		if len(cs) == 0 {
			return nil, entente.ErrUnknownCountry(code)
		}
		return &cs[0], nil
	}
	if code != "" {
		var w where
		w.eq("t.code", code)
		cs, err := r.countries(ctx, w)
		if err != nil {
			return nil, err
		}
		if len(cs) > 0 {
			return &cs[0], nil
		}
	}
	return nil, entente.ErrUnknownCountry(code)
}

// FindCountries returns all countries.
func (r reader) FindCountries(ctx context.Context) ([]entente.Country, error) {
	if cs, ok, err := memoFind(ctx, r, "countries", allCountries, cloneCountry, nil); ok {
		return cs, err
	}
	return r.countries(ctx, where{})
}

func allCountries(ctx context.Context, r reader) ([]entente.Country, error) {
	return r.countries(ctx, where{})
}

// FindCountriesIn returns the countries with the given codes, skipping
// unknown ones.
func (r reader) FindCountriesIn(ctx context.Context, codes []string) ([]entente.Country, error) {
	want := slices.Compact(slices.Sorted(slices.Values(codes)))
	if len(want) == 0 {
		return []entente.Country{}, nil
	}
	if cs, ok, err := memoFind(ctx, r, "countries", allCountries, cloneCountry, func(c *entente.Country) bool {
		_, found := slices.BinarySearch(want, c.Code)
		return found
	}); ok {
		return cs, err
	}
	var w where
	if len(want) <= maxSourceIDs {
		w.in("t.code", want)
	}
	cs, err := r.countries(ctx, w)
	if err != nil || len(want) <= maxSourceIDs {
		return cs, err
	}
	return slices.DeleteFunc(cs, func(c entente.Country) bool {
		_, found := slices.BinarySearch(want, c.Code)
		return !found
	}), nil
}

func (r reader) countries(ctx context.Context, w where) ([]entente.Country, error) {
	out := []entente.Country{}
	query := "SELECT t.code, t.name, t.region, t.subregion, t.intermediate_region, " +
		"t.european_reading, t.european_sources, t.european_note, " + prov("t") + ", " + linked("t") + " FROM countries t" + w.String()
	err := r.each(ctx, "find countries", query, w.args, func(rows *sql.Rows) error {
		var c entente.Country
		e := &c.European
		dest := []any{&c.Code, &c.Name, &c.Region, &c.Subregion, &c.IntermediateRegion,
			(*string)(&e.Value), listCol{&e.Sources}, textCol{&e.Note}}
		if err := rows.Scan(slices.Concat(dest, provDest(&c.Provenance), linkedDest(&c.Linked))...); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Countries: out})
	return out, nil
}

// FindAlliance returns one alliance with its articles, or ENOTFOUND.
func (r reader) FindAlliance(ctx context.Context, code string) (*entente.Alliance, error) {
	if as, ok, err := memoFind(ctx, r, "alliances", allAlliances, cloneAlliance, func(a *entente.Alliance) bool { return a.Code == code }); ok {
		if err != nil {
			return nil, err
		}
		if len(as) == 0 {
			return nil, entente.ErrUnknownAlliance(code)
		}
		return &as[0], nil
	}
	if code != "" {
		as, err := r.alliances(ctx, code)
		if err != nil {
			return nil, err
		}
		if len(as) > 0 {
			return &as[0], nil
		}
	}
	return nil, entente.ErrUnknownAlliance(code)
}

// FindAlliances returns all alliances with their articles.
func (r reader) FindAlliances(ctx context.Context) ([]entente.Alliance, error) {
	if as, ok, err := memoFind(ctx, r, "alliances", allAlliances, cloneAlliance, nil); ok {
		return as, err
	}
	return r.alliances(ctx, "")
}

func allAlliances(ctx context.Context, r reader) ([]entente.Alliance, error) {
	return r.alliances(ctx, "")
}

// alliances reads the alliance with the given code, or all when code is "".
func (r reader) alliances(ctx context.Context, code string) ([]entente.Alliance, error) {
	out := []entente.Alliance{}
	idx := map[string]int{}
	var w where
	w.eq("t.code", code)
	query := "SELECT t.code, t.name, t.treaty, t.signed, t.in_force, t.headquarters, t.depositary, " +
		"t.eligibility, t.eligibility_clause, t.eligible_regions, t.unanimity, t.withdrawal_after_years, t.withdrawal_notice_months, " +
		"t.accession_article, t.withdrawal_article, " + prov("t") + ", t.signed_at, " + linked("t") + " FROM alliances t" + w.String()
	err := r.each(ctx, "find alliances", query, w.args, func(rows *sql.Rows) error {
		var a entente.Alliance
		dest := []any{&a.Code, &a.Name, &a.Treaty, dateCol{&a.Signed}, dateCol{&a.InForce}, &a.Headquarters,
			textCol{&a.Depositary}, &a.Rule.Eligibility, &a.Rule.EligibilityClause, jsonList{&a.Rule.EligibleRegions}, &a.Rule.Unanimity,
			&a.Rule.WithdrawalAfterYears, &a.Rule.WithdrawalNoticeMonths, &a.Rule.AccessionArticle, &a.Rule.WithdrawalArticle}
		if err := rows.Scan(slices.Concat(dest, provDest(&a.Provenance), []any{&a.SignedAt}, linkedDest(&a.Linked))...); err != nil {
			return err
		}
		a.Articles = []entente.Article{}
		idx[a.Code] = len(out)
		out = append(out, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var aw where
	aw.eq("t.alliance", code)
	query = "SELECT t.alliance, t.number, t.title, t.summary, t.detail, " + prov("t") + ", t.role FROM articles t" + aw.String()
	err = r.each(ctx, "find articles", query, aw.args, func(rows *sql.Rows) error {
		var a entente.Article
		if err := rows.Scan(append(append([]any{&a.Alliance, &a.Number, &a.Title, &a.Summary, &a.Detail}, provDest(&a.Provenance)...), &a.Role)...); err != nil {
			return err
		}
		if i, ok := idx[a.Alliance]; ok {
			out[i].Articles = append(out[i].Articles, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Alliances: out})
	return out, nil
}

// FindMemberships reads Alliance and Country.
func (r reader) FindMemberships(ctx context.Context, f entente.Filter) ([]entente.Membership, error) {
	if ms, ok, err := memoFind(ctx, r, "memberships", allMemberships, cloneMembership, func(m *entente.Membership) bool {
		return is(f.Alliance, m.Alliance) && is(f.Country, m.Country)
	}); ok {
		return ms, err
	}
	return r.memberships(ctx, f)
}

func allMemberships(ctx context.Context, r reader) ([]entente.Membership, error) {
	return r.memberships(ctx, entente.Filter{})
}

// is reports whether a record's value v passes a filter's field want,
// as where.eq filters: an empty field keeps every value.
func is(want, v string) bool { return want == "" || want == v }

func (r reader) memberships(ctx context.Context, f entente.Filter) ([]entente.Membership, error) {
	var w where
	w.eq("t.alliance", f.Alliance)
	w.eq("t.country", f.Country)
	out := []entente.Membership{}
	idx := map[string]int{}
	query := "SELECT t.alliance, t.country, t.founding, t.applied, t.invited, t.signed, t.acceded, t.notice, t.withdrawn, " +
		prov("t") + " FROM memberships t" + w.String()
	err := r.each(ctx, "find memberships", query, w.args, func(rows *sql.Rows) error {
		var m entente.Membership
		dest := []any{&m.Alliance, &m.Country, &m.Founding, dateCol{&m.Applied}, dateCol{&m.Invited},
			dateCol{&m.Signed}, dateCol{&m.Acceded}, dateCol{&m.Notice}, dateCol{&m.Withdrawn}}
		if err := rows.Scan(append(dest, provDest(&m.Provenance)...)...); err != nil {
			return err
		}
		idx[key(m.Alliance, m.Country)] = len(out)
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	query = "SELECT c.alliance, c.country, c.kind, c.by_country, c.assent_date FROM membership_assents c " +
		"JOIN memberships t ON t.alliance = c.alliance AND t.country = c.country" + w.String() + " ORDER BY c.pos"
	err = r.each(ctx, "find membership assents", query, w.args, func(rows *sql.Rows) error {
		var alliance, country, kind string
		var a entente.Assent
		if err := rows.Scan(&alliance, &country, &kind, &a.Country, dateCol{&a.Date}); err != nil {
			return err
		}
		i, ok := idx[key(alliance, country)]
		switch {
		case !ok:
		case kind == kindConsent:
			out[i].Consents = append(out[i].Consents, a)
		case kind == kindRatification:
			out[i].Ratifications = append(out[i].Ratifications, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Memberships: out})
	return out, nil
}

// FindFrameworks reads Alliance.
func (r reader) FindFrameworks(ctx context.Context, f entente.Filter) ([]entente.Framework, error) {
	if fs, ok, err := memoFind(ctx, r, "frameworks", allFrameworks, cloneFramework, func(x *entente.Framework) bool {
		return is(f.Alliance, x.Alliance)
	}); ok {
		return fs, err
	}
	return r.frameworks(ctx, f)
}

func allFrameworks(ctx context.Context, r reader) ([]entente.Framework, error) {
	return r.frameworks(ctx, entente.Filter{})
}

func (r reader) frameworks(ctx context.Context, f entente.Filter) ([]entente.Framework, error) {
	var w where
	w.eq("t.alliance", f.Alliance)
	out := []entente.Framework{}
	query := "SELECT t.alliance, t.code, t.name, t.start_date, t.end_date, " + prov("t") + ", " + linked("t") + " FROM frameworks t" + w.String()
	err := r.each(ctx, "find frameworks", query, w.args, func(rows *sql.Rows) error {
		var fw entente.Framework
		dest := []any{&fw.Alliance, &fw.Code, &fw.Name, dateCol{&fw.From}, dateCol{&fw.To}}
		if err := rows.Scan(slices.Concat(dest, provDest(&fw.Provenance), linkedDest(&fw.Linked))...); err != nil {
			return err
		}
		out = append(out, fw)
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Frameworks: out})
	return out, nil
}

// FindPartnerships reads Alliance, Country and Framework.
func (r reader) FindPartnerships(ctx context.Context, f entente.Filter) ([]entente.Partnership, error) {
	if ps, ok, err := memoFind(ctx, r, "partnerships", allPartnerships, clonePartnership, func(x *entente.Partnership) bool {
		return is(f.Alliance, x.Alliance) && is(f.Country, x.Country) && is(f.Framework, x.Framework)
	}); ok {
		return ps, err
	}
	return r.partnerships(ctx, f)
}

func allPartnerships(ctx context.Context, r reader) ([]entente.Partnership, error) {
	return r.partnerships(ctx, entente.Filter{})
}

func (r reader) partnerships(ctx context.Context, f entente.Filter) ([]entente.Partnership, error) {
	var w where
	w.eq("t.alliance", f.Alliance)
	w.eq("t.country", f.Country)
	w.eq("t.framework", f.Framework)
	out := []entente.Partnership{}
	query := "SELECT t.alliance, t.country, t.framework, t.start_date, t.end_date, " + prov("t") +
		", t.suspended_from, t.suspended_to FROM partnerships t" + w.String()
	err := r.each(ctx, "find partnerships", query, w.args, func(rows *sql.Rows) error {
		var p entente.Partnership
		dest := []any{&p.Alliance, &p.Country, &p.Framework, dateCol{&p.From}, dateCol{&p.To}}
		dest = append(append(dest, provDest(&p.Provenance)...), dateCol{&p.Suspended.From}, dateCol{&p.Suspended.To})
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Partnerships: out})
	return out, nil
}

// FindGroups reads Alliance, ID (group code) and Country (groups having that
// member).
func (r reader) FindGroups(ctx context.Context, f entente.Filter) ([]entente.Group, error) {
	if xs, ok, err := memoFind(ctx, r, "groups", allGroups, cloneGroup, func(x *entente.Group) bool {
		return is(f.Alliance, x.Alliance) && is(f.ID, x.Code) && (f.Country == "" || slices.Contains(x.Members, f.Country))
	}); ok {
		return xs, err
	}
	return r.groups(ctx, f)
}

func allGroups(ctx context.Context, r reader) ([]entente.Group, error) {
	return r.groups(ctx, entente.Filter{})
}

func (r reader) groups(ctx context.Context, f entente.Filter) ([]entente.Group, error) {
	var w where
	w.eq("t.alliance", f.Alliance)
	w.eq("t.code", f.ID)
	if f.Country != "" {
		w.add("EXISTS (SELECT 1 FROM group_members m WHERE m.alliance = t.alliance AND m.code = t.code AND m.country = %s)", f.Country)
	}
	out := []entente.Group{}
	idx := map[string]int{}
	query := "SELECT t.alliance, t.code, t.name, t.since, " + prov("t") + " FROM groups t" + w.String()
	err := r.each(ctx, "find groups", query, w.args, func(rows *sql.Rows) error {
		var g entente.Group
		if err := rows.Scan(append([]any{&g.Alliance, &g.Code, &g.Name, dateCol{&g.Since}}, provDest(&g.Provenance)...)...); err != nil {
			return err
		}
		g.Members = []string{}
		idx[key(g.Alliance, g.Code)] = len(out)
		out = append(out, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	query = "SELECT c.alliance, c.code, c.country FROM group_members c " +
		"JOIN groups t ON t.alliance = c.alliance AND t.code = c.code" + w.String() + " ORDER BY c.pos"
	err = r.each(ctx, "find group members", query, w.args, func(rows *sql.Rows) error {
		var alliance, code, country string
		if err := rows.Scan(&alliance, &code, &country); err != nil {
			return err
		}
		if i, ok := idx[key(alliance, code)]; ok {
			out[i].Members = append(out[i].Members, country)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Groups: out})
	return out, nil
}

// FindAreas returns all cooperation areas.
func (r reader) FindAreas(ctx context.Context) ([]entente.Area, error) {
	if xs, ok, err := memoFind(ctx, r, "areas", allAreas, cloneArea, nil); ok {
		return xs, err
	}
	return allAreas(ctx, r)
}

func allAreas(ctx context.Context, r reader) ([]entente.Area, error) { return r.areas(ctx) }

func (r reader) areas(ctx context.Context) ([]entente.Area, error) {
	out := []entente.Area{}
	query := "SELECT t.code, t.name, " + prov("t") + " FROM areas t"
	err := r.each(ctx, "find areas", query, nil, func(rows *sql.Rows) error {
		var a entente.Area
		if err := rows.Scan(append([]any{&a.Code, &a.Name}, provDest(&a.Provenance)...)...); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Areas: out})
	return out, nil
}

// FindProgrammes reads Alliance, Country (the partner) and ID.
func (r reader) FindProgrammes(ctx context.Context, f entente.Filter) ([]entente.Programme, error) {
	if xs, ok, err := memoFind(ctx, r, "programmes", allProgrammes, cloneProgramme, func(x *entente.Programme) bool {
		return is(f.Alliance, x.Alliance) && is(f.Country, x.Partner) && is(f.ID, x.ID)
	}); ok {
		return xs, err
	}
	return r.programmes(ctx, f)
}

func allProgrammes(ctx context.Context, r reader) ([]entente.Programme, error) {
	return r.programmes(ctx, entente.Filter{})
}

func (r reader) programmes(ctx context.Context, f entente.Filter) ([]entente.Programme, error) {
	var w where
	w.eq("t.alliance", f.Alliance)
	w.eq("t.partner", f.Country)
	w.eq("t.id", f.ID)
	out := []entente.Programme{}
	idx := map[string]int{}
	// One query: each programme's row once for each of its areas (once
	// with a NULL area when it has none), in the areas' order.
	query := "SELECT t.id, t.alliance, t.partner, t.programme_type, t.title, t.agreed, t.start_date, t.end_date, " +
		"t.status, t.supersedes, " + prov("t") + ", c.area FROM programmes t LEFT JOIN programme_areas c ON c.programme = t.id" +
		w.String() + " ORDER BY t.id, c.pos"
	err := r.each(ctx, "find programmes", query, w.args, func(rows *sql.Rows) error {
		var p entente.Programme
		var area sql.NullString
		dest := []any{&p.ID, &p.Alliance, &p.Partner, &p.Type, &p.Title, dateCol{&p.Agreed},
			dateCol{&p.Period.From}, dateCol{&p.Period.To}, &p.Status, textCol{&p.Supersedes}}
		if err := rows.Scan(append(append(dest, provDest(&p.Provenance)...), &area)...); err != nil {
			return err
		}
		i, seen := idx[p.ID]
		if !seen {
			p.Areas = []string{}
			i = len(out)
			idx[p.ID] = i
			out = append(out, p)
		}
		if area.Valid {
			out[i].Areas = append(out[i].Areas, area.String)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Programmes: out})
	return out, nil
}

// FindOperations reads Alliance and ID (operation code).
func (r reader) FindOperations(ctx context.Context, f entente.Filter) ([]entente.Operation, error) {
	if xs, ok, err := memoFind(ctx, r, "operations", allOperations, cloneOperation, func(x *entente.Operation) bool {
		return is(f.Alliance, x.Alliance) && is(f.ID, x.Code)
	}); ok {
		return xs, err
	}
	return r.operations(ctx, f)
}

func allOperations(ctx context.Context, r reader) ([]entente.Operation, error) {
	return r.operations(ctx, entente.Filter{})
}

func (r reader) operations(ctx context.Context, f entente.Filter) ([]entente.Operation, error) {
	var w where
	w.eq("t.alliance", f.Alliance)
	w.eq("t.code", f.ID)
	out := []entente.Operation{}
	query := "SELECT t.code, t.alliance, t.name, t.kind, t.theatre, t.start_date, t.end_date, t.mandate, " +
		prov("t") + ", " + linked("t") + " FROM operations t" + w.String()
	err := r.each(ctx, "find operations", query, w.args, func(rows *sql.Rows) error {
		var o entente.Operation
		dest := []any{&o.Code, &o.Alliance, &o.Name, &o.Kind, &o.Theatre, dateCol{&o.From}, dateCol{&o.To}, &o.Mandate}
		if err := rows.Scan(slices.Concat(dest, provDest(&o.Provenance), linkedDest(&o.Linked))...); err != nil {
			return err
		}
		out = append(out, o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Operations: out})
	return out, nil
}

// FindContributions reads Country, Operation and ID.
func (r reader) FindContributions(ctx context.Context, f entente.Filter) ([]entente.Contribution, error) {
	if xs, ok, err := memoFind(ctx, r, "contributions", allContributions, cloneContribution, func(x *entente.Contribution) bool {
		return is(f.Country, x.Country) && is(f.Operation, x.Operation) && is(f.ID, x.ID)
	}); ok {
		return xs, err
	}
	return r.contributions(ctx, f)
}

func allContributions(ctx context.Context, r reader) ([]entente.Contribution, error) {
	return r.contributions(ctx, entente.Filter{})
}

func (r reader) contributions(ctx context.Context, f entente.Filter) ([]entente.Contribution, error) {
	var w where
	w.eq("t.country", f.Country)
	w.eq("t.operation", f.Operation)
	w.eq("t.id", f.ID)
	out := []entente.Contribution{}
	query := "SELECT t.id, t.country, t.operation, t.theatre, t.start_date, t.end_date, t.what, " +
		prov("t") + " FROM contributions t" + w.String()
	err := r.each(ctx, "find contributions", query, w.args, func(rows *sql.Rows) error {
		var c entente.Contribution
		dest := []any{&c.ID, &c.Country, textCol{&c.Operation}, &c.Theatre, dateCol{&c.From}, dateCol{&c.To}, &c.What}
		if err := rows.Scan(append(dest, provDest(&c.Provenance)...)...); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Contributions: out})
	return out, nil
}

// FindMeetings reads Alliance and ID.
func (r reader) FindMeetings(ctx context.Context, f entente.Filter) ([]entente.Meeting, error) {
	if xs, ok, err := memoFind(ctx, r, "meetings", allMeetings, cloneMeeting, func(x *entente.Meeting) bool {
		return is(f.Alliance, x.Alliance) && is(f.ID, x.ID)
	}); ok {
		return xs, err
	}
	return r.meetings(ctx, f)
}

func allMeetings(ctx context.Context, r reader) ([]entente.Meeting, error) {
	return r.meetings(ctx, entente.Filter{})
}

func (r reader) meetings(ctx context.Context, f entente.Filter) ([]entente.Meeting, error) {
	var w where
	w.eq("t.alliance", f.Alliance)
	w.eq("t.id", f.ID)
	out := []entente.Meeting{}
	query := "SELECT t.id, t.alliance, t.kind, t.name, t.city, t.country, t.start_date, t.end_date, " +
		prov("t") + ", " + linked("t") + " FROM meetings t" + w.String()
	err := r.each(ctx, "find meetings", query, w.args, func(rows *sql.Rows) error {
		var m entente.Meeting
		dest := []any{&m.ID, &m.Alliance, &m.Kind, &m.Name, &m.City, textCol{&m.Country}, dateCol{&m.From}, dateCol{&m.To}}
		if err := rows.Scan(slices.Concat(dest, provDest(&m.Provenance), linkedDest(&m.Linked))...); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Meetings: out})
	return out, nil
}

// FindInvitations reads Meeting and Country.
func (r reader) FindInvitations(ctx context.Context, f entente.Filter) ([]entente.Invitation, error) {
	if xs, ok, err := memoFind(ctx, r, "invitations", allInvitations, cloneInvitation, func(x *entente.Invitation) bool {
		return is(f.Meeting, x.Meeting) && is(f.Country, x.Country)
	}); ok {
		return xs, err
	}
	return r.invitations(ctx, f)
}

func allInvitations(ctx context.Context, r reader) ([]entente.Invitation, error) {
	return r.invitations(ctx, entente.Filter{})
}

func (r reader) invitations(ctx context.Context, f entente.Filter) ([]entente.Invitation, error) {
	var w where
	w.eq("t.meeting", f.Meeting)
	w.eq("t.country", f.Country)
	out := []entente.Invitation{}
	query := "SELECT t.meeting, t.country, t.level, t.attended, t.attendee, " + prov("t") + " FROM invitations t" + w.String()
	err := r.each(ctx, "find invitations", query, w.args, func(rows *sql.Rows) error {
		var in entente.Invitation
		dest := []any{&in.Meeting, &in.Country, &in.Level, &in.Attended, &in.Attendee}
		if err := rows.Scan(append(dest, provDest(&in.Provenance)...)...); err != nil {
			return err
		}
		out = append(out, in)
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Invitations: out})
	return out, nil
}

// FindDefenceEvents reads Alliance, Country (a requester) and ID.
func (r reader) FindDefenceEvents(ctx context.Context, f entente.Filter) ([]entente.DefenceEvent, error) {
	var w where
	w.eq("t.alliance", f.Alliance)
	w.eq("t.id", f.ID)
	if f.Country != "" {
		w.add("EXISTS (SELECT 1 FROM defence_event_requesters q WHERE q.event_id = t.id AND q.country = %s)", f.Country)
	}
	out := []entente.DefenceEvent{}
	idx := map[string]int{}
	query := "SELECT t.id, t.alliance, t.article, t.event_date, t.summary, t.outcome, " + prov("t") + " FROM defence_events t" + w.String()
	err := r.each(ctx, "find defence events", query, w.args, func(rows *sql.Rows) error {
		var e entente.DefenceEvent
		dest := []any{&e.ID, &e.Alliance, &e.Article, dateCol{&e.Date}, &e.Summary, &e.Outcome}
		if err := rows.Scan(append(dest, provDest(&e.Provenance)...)...); err != nil {
			return err
		}
		e.Requesters = []string{}
		idx[e.ID] = len(out)
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	query = "SELECT c.event_id, c.country FROM defence_event_requesters c JOIN defence_events t ON t.id = c.event_id" +
		w.String() + " ORDER BY c.pos"
	err = r.each(ctx, "find defence event requesters", query, w.args, func(rows *sql.Rows) error {
		var id, country string
		if err := rows.Scan(&id, &country); err != nil {
			return err
		}
		if i, ok := idx[id]; ok {
			out[i].Requesters = append(out[i].Requesters, country)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{DefenceEvents: out})
	return out, nil
}

// maxSourceIDs is how many ids FindSources puts in one IN list; beyond it,
// reading every source and picking in Go is simpler than batching.
const maxSourceIDs = 500

// FindSources returns the sources with the given ids (all when ids is empty),
// skipping unknown ids.
func (r reader) FindSources(ctx context.Context, ids []string) ([]entente.Source, error) {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	if xs, ok, err := memoFind(ctx, r, "sources", allSources, cloneSource, func(x *entente.Source) bool {
		return len(want) == 0 || want[x.ID]
	}); ok {
		return xs, err
	}
	return r.sources(ctx, want)
}

func allSources(ctx context.Context, r reader) ([]entente.Source, error) {
	return r.sources(ctx, nil)
}

// sources reads the sources whose ids want holds (all when it is empty).
func (r reader) sources(ctx context.Context, want map[string]bool) ([]entente.Source, error) {
	var w where
	if len(want) > 0 && len(want) <= maxSourceIDs {
		var ps []string
		for _, id := range slices.Sorted(maps.Keys(want)) {
			w.args = append(w.args, id)
			ps = append(ps, fmt.Sprintf("$%d", len(w.args)))
		}
		w.conds = append(w.conds, "t.id IN ("+strings.Join(ps, ", ")+")")
	}
	out := []entente.Source{}
	query := "SELECT t.id, t.title, t.url, t.document, t.publisher, t.accessed, t.kind FROM sources t" + w.String()
	err := r.each(ctx, "find sources", query, w.args, func(rows *sql.Rows) error {
		var s entente.Source
		if err := rows.Scan(&s.ID, &s.Title, &s.URL, &s.Document, &s.Publisher, dateCol{&s.Accessed}, (*string)(&s.Kind)); err != nil {
			return err
		}
		if len(want) == 0 || want[s.ID] {
			out = append(out, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	canonical(entente.Dataset{Sources: out})
	return out, nil
}
