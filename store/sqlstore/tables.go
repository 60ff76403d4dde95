package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/entente/entente"
)

// table describes a table for writing: its name and columns, the first keys
// of which form its primary key. Rows are []any in column order, built by
// the *Row functions below, so Import and the Put methods write records the
// same way.
type table struct {
	name string
	cols []string
	keys int
}

var (
	sourcesTable        = table{"sources", []string{"id", "title", "url", "document", "publisher", "accessed", "kind"}, 1}
	countriesTable      = table{"countries", []string{"code", "name", "region", "subregion", "intermediate_region", "european_reading", "european_sources", "european_note", "european", "sources", "note", "unconfirmed", "releasability", "quotes", "wikidata", "wikidata_sources"}, 1}
	alliancesTable      = table{"alliances", []string{"code", "name", "treaty", "signed", "in_force", "headquarters", "depositary", "eligibility", "eligibility_clause", "eligible_regions", "european_only", "unanimity", "withdrawal_after_years", "withdrawal_notice_months", "accession_article", "withdrawal_article", "sources", "note", "unconfirmed", "releasability", "quotes", "signed_at", "wikidata", "wikidata_sources"}, 1}
	articlesTable       = table{"articles", []string{"alliance", "number", "title", "summary", "detail", "sources", "note", "unconfirmed", "releasability", "quotes", "role"}, 2}
	membershipsTable    = table{"memberships", []string{"alliance", "country", "founding", "applied", "invited", "signed", "acceded", "notice", "withdrawn", "sources", "note", "unconfirmed", "releasability", "quotes"}, 2}
	assentsTable        = table{"membership_assents", []string{"alliance", "country", "kind", "pos", "by_country", "assent_date"}, 4}
	frameworksTable     = table{"frameworks", []string{"alliance", "code", "name", "start_date", "end_date", "sources", "note", "unconfirmed", "releasability", "quotes", "wikidata", "wikidata_sources"}, 2}
	partnershipsTable   = table{"partnerships", []string{"alliance", "country", "framework", "start_date", "end_date", "sources", "note", "unconfirmed", "releasability", "quotes", "suspended_from", "suspended_to"}, 3}
	groupsTable         = table{"groups", []string{"alliance", "code", "name", "since", "sources", "note", "unconfirmed", "releasability", "quotes"}, 2}
	groupMembersTable   = table{"group_members", []string{"alliance", "code", "pos", "country"}, 3}
	areasTable          = table{"areas", []string{"code", "name", "sources", "note", "unconfirmed", "releasability", "quotes"}, 1}
	programmesTable     = table{"programmes", []string{"id", "alliance", "partner", "programme_type", "title", "agreed", "start_date", "end_date", "status", "supersedes", "sources", "note", "unconfirmed", "releasability", "quotes"}, 1}
	programmeAreasTable = table{"programme_areas", []string{"programme", "pos", "area"}, 2}
	operationsTable     = table{"operations", []string{"code", "alliance", "name", "kind", "theatre", "start_date", "end_date", "mandate", "sources", "note", "unconfirmed", "releasability", "quotes", "wikidata", "wikidata_sources"}, 1}
	contributionsTable  = table{"contributions", []string{"id", "country", "operation", "theatre", "start_date", "end_date", "what", "sources", "note", "unconfirmed", "releasability", "quotes"}, 1}
	meetingsTable       = table{"meetings", []string{"id", "alliance", "kind", "name", "city", "country", "start_date", "end_date", "sources", "note", "unconfirmed", "releasability", "quotes", "wikidata", "wikidata_sources"}, 1}
	invitationsTable    = table{"invitations", []string{"meeting", "country", "level", "attended", "attendee", "sources", "note", "unconfirmed", "releasability", "quotes"}, 2}
	eventsTable         = table{"defence_events", []string{"id", "alliance", "article", "event_date", "summary", "outcome", "sources", "note", "unconfirmed", "releasability", "quotes"}, 1}
	requestersTable     = table{"defence_event_requesters", []string{"event_id", "pos", "country"}, 2}
)

// recordTables are the tables whose rows are records, for Empty; child tables
// cannot hold rows without them.
var recordTables = []string{
	"sources", "countries", "alliances", "articles", "memberships", "frameworks", "partnerships",
	"groups", "areas", "programmes", "operations", "contributions", "meetings", "invitations", "defence_events",
	"objectives", "goals", "offers", "activities", "reviews", // programmes.go
}

// insert returns a plain INSERT of n rows: a row whose key exists already
// fails it with a unique violation, which the dialect reports as ECONFLICT.
// No write path replaces a row by inserting over it: creating a record that
// exists is a conflict, and changing one is an UPDATE (see tx.update).
func (t table) insert(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", t.name, strings.Join(t.cols, ", "))
	p := 1
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range t.cols {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "$%d", p)
			p++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// insertOrKeep returns an INSERT of one row that does nothing if a row with
// its key exists (ON CONFLICT DO NOTHING, spelt the same by both engines).
// It is atomic: of two transactions inserting the same key at once, the
// second waits for the first and then keeps its row.
func (t table) insertOrKeep() string {
	return t.insert(1) + " ON CONFLICT (" + strings.Join(t.cols[:t.keys], ", ") + ") DO NOTHING"
}

// keyWhere is the WHERE clause selecting one row by its key, whose values
// are the parameters $1...$keys, as in a row's first columns.
func (t table) keyWhere() string {
	var b strings.Builder
	for i, c := range t.cols[:t.keys] {
		if i > 0 {
			b.WriteString(" AND ")
		}
		fmt.Fprintf(&b, "%s = $%d", c, i+1)
	}
	return b.String()
}

// update returns an UPDATE of the row whose key is the row's first columns,
// setting every other column; its parameters are a whole row, in column
// order.
func (t table) update() string {
	var b strings.Builder
	fmt.Fprintf(&b, "UPDATE %s SET ", t.name)
	for i, c := range t.cols[t.keys:] {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s = $%d", c, t.keys+i+1)
	}
	return b.String() + " WHERE " + t.keyWhere()
}

// Batches: one INSERT carries up to maxBatchRows rows and maxBatchParams
// parameters, well inside both engines' limits (SQLite 32766 parameters,
// PostgreSQL 65535) while cutting round trips by up to that many times.
const (
	maxBatchRows   = 200
	maxBatchParams = 30000
)

// insertRows inserts rows into tb in batches. Full batches share one prepared
// statement; the last, shorter batch gets its own.
func (t *tx) insertRows(ctx context.Context, op string, tb table, rows [][]any) error {
	per := min(maxBatchRows, maxBatchParams/len(tb.cols))
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for len(rows) > 0 {
		n := min(per, len(rows))
		args := make([]any, 0, n*len(tb.cols))
		for _, row := range rows[:n] {
			args = append(args, row...)
		}
		var err error
		if n == per {
			if full == nil {
				if full, err = t.q.PrepareContext(ctx, t.bulkSQL(tb.insert(per))); err != nil {
					return t.d.wrap(op, err)
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = t.q.ExecContext(ctx, t.bulkSQL(tb.insert(n)), args...)
		}
		if err != nil {
			return t.d.wrap(op, err)
		}
		rows = rows[n:]
	}
	return nil
}

// insertDataset writes every record of ds but its activities (AddRecords
// streams those through insertActivities), parents before the children that
// reference them, so each foreign key finds its row.
func (t *tx) insertDataset(ctx context.Context, ds *entente.Dataset) error {
	var b batch
	for i := range ds.Sources {
		b.add(sourcesTable, sourceRow(&ds.Sources[i]))
	}
	for i := range ds.Countries {
		b.add(countriesTable, countryRow(&ds.Countries[i]))
	}
	for i := range ds.Alliances {
		a := &ds.Alliances[i]
		b.add(alliancesTable, allianceRow(a))
		for j := range a.Articles {
			b.add(articlesTable, articleRow(a.Code, &a.Articles[j]))
		}
	}
	for i := range ds.Areas {
		b.add(areasTable, areaRow(&ds.Areas[i]))
	}
	for i := range ds.Memberships {
		m := &ds.Memberships[i]
		b.add(membershipsTable, membershipRow(m))
		b.add(assentsTable, assentRows(m)...)
	}
	for i := range ds.Frameworks {
		b.add(frameworksTable, frameworkRow(&ds.Frameworks[i]))
	}
	for i := range ds.Partnerships {
		b.add(partnershipsTable, partnershipRow(&ds.Partnerships[i]))
	}
	for i := range ds.Groups {
		g := &ds.Groups[i]
		b.add(groupsTable, groupRow(g))
		b.add(groupMembersTable, groupMemberRows(g)...)
	}
	for _, p := range supersededFirst(ds.Programmes) {
		b.add(programmesTable, programmeRow(p))
		b.add(programmeAreasTable, programmeAreaRows(p)...)
	}
	for i := range ds.Operations {
		b.add(operationsTable, operationRow(&ds.Operations[i]))
	}
	for i := range ds.Contributions {
		b.add(contributionsTable, contributionRow(&ds.Contributions[i]))
	}
	for i := range ds.Meetings {
		b.add(meetingsTable, meetingRow(&ds.Meetings[i]))
	}
	for i := range ds.Invitations {
		b.add(invitationsTable, invitationRow(&ds.Invitations[i]))
	}
	for i := range ds.DefenceEvents {
		e := &ds.DefenceEvents[i]
		b.add(eventsTable, eventRow(e))
		b.add(requestersTable, requesterRows(e)...)
	}
	if err := addPlan(&b, ds); err != nil {
		return t.d.wrap("import", err)
	}
	for _, tb := range b.order {
		if err := t.insertRows(ctx, "import "+tb.name, tb, b.rows[tb.name]); err != nil {
			return err
		}
	}
	return nil
}

// batch collects rows per table, remembering the order tables were first
// added in, which is the order they must be written in.
type batch struct {
	order []table
	rows  map[string][][]any
}

func (b *batch) add(t table, rows ...[]any) {
	if b.rows == nil {
		b.rows = map[string][][]any{}
	}
	if _, ok := b.rows[t.name]; !ok {
		b.order = append(b.order, t)
	}
	b.rows[t.name] = append(b.rows[t.name], rows...)
}

// supersededFirst orders programmes so that a programme comes after the one
// it supersedes, as the foreign key on supersedes requires. Programmes whose
// predecessor is missing (or that form a cycle) come last, where their
// foreign key fails and the import is refused as a conflict.
func supersededFirst(ps []entente.Programme) []*entente.Programme {
	ids := map[string]bool{}
	for i := range ps {
		ids[ps[i].ID] = true
	}
	done := map[string]bool{}
	out := make([]*entente.Programme, 0, len(ps))
	for progress := true; progress && len(out) < len(ps); {
		progress = false
		for i := range ps {
			p := &ps[i]
			if done[p.ID] || (p.Supersedes != "" && ids[p.Supersedes] && !done[p.Supersedes]) {
				continue
			}
			done[p.ID], progress = true, true
			out = append(out, p)
		}
	}
	for i := range ps {
		if !done[ps[i].ID] {
			out = append(out, &ps[i])
		}
	}
	return out
}

func sourceRow(s *entente.Source) []any {
	return []any{s.ID, s.Title, s.URL, s.Document, s.Publisher, dateArg(s.Accessed), string(s.Kind)}
}

func countryRow(c *entente.Country) []any {
	e := &c.European
	return append([]any{c.Code, c.Name, c.Region, c.Subregion, c.IntermediateRegion, string(e.Value), listArg(e.Sources), e.Note,
		e.Value == entente.EuropeanYes},
		append(provArgs(&c.Provenance), linkedArgs(&c.Linked)...)...)
}

func allianceRow(a *entente.Alliance) []any {
	r := a.Rule
	return append([]any{a.Code, a.Name, a.Treaty, dateArg(a.Signed), dateArg(a.InForce), a.Headquarters,
		refArg(a.Depositary), r.Eligibility, r.EligibilityClause, jsonArg(r.EligibleRegions),
		r.Eligibility == entente.EligibleByEuropean, r.Unanimity,
		r.WithdrawalAfterYears, r.WithdrawalNoticeMonths, r.AccessionArticle, r.WithdrawalArticle},
		append(append(provArgs(&a.Provenance), a.SignedAt), linkedArgs(&a.Linked)...)...)
}

func articleRow(alliance string, a *entente.Article) []any {
	return append([]any{alliance, a.Number, a.Title, a.Summary, a.Detail}, append(provArgs(&a.Provenance), a.Role)...)
}

func membershipRow(m *entente.Membership) []any {
	return append([]any{m.Alliance, m.Country, m.Founding, dateArg(m.Applied), dateArg(m.Invited),
		dateArg(m.Signed), dateArg(m.Acceded), dateArg(m.Notice), dateArg(m.Withdrawn)},
		provArgs(&m.Provenance)...)
}

// Assent kinds as stored in membership_assents.kind.
const (
	kindConsent      = "consent"
	kindRatification = "ratification"
)

func assentRows(m *entente.Membership) [][]any {
	var rows [][]any
	for i, a := range m.Consents {
		rows = append(rows, []any{m.Alliance, m.Country, kindConsent, i, a.Country, dateArg(a.Date)})
	}
	for i, a := range m.Ratifications {
		rows = append(rows, []any{m.Alliance, m.Country, kindRatification, i, a.Country, dateArg(a.Date)})
	}
	return rows
}

func frameworkRow(f *entente.Framework) []any {
	return append([]any{f.Alliance, f.Code, f.Name, dateArg(f.From), dateArg(f.To)},
		append(provArgs(&f.Provenance), linkedArgs(&f.Linked)...)...)
}

func partnershipRow(p *entente.Partnership) []any {
	row := append([]any{p.Alliance, p.Country, p.Framework, dateArg(p.From), dateArg(p.To)}, provArgs(&p.Provenance)...)
	return append(row, dateArg(p.Suspended.From), dateArg(p.Suspended.To))
}

func groupRow(g *entente.Group) []any {
	return append([]any{g.Alliance, g.Code, g.Name, dateArg(g.Since)}, provArgs(&g.Provenance)...)
}

func groupMemberRows(g *entente.Group) [][]any {
	var rows [][]any
	for i, c := range g.Members {
		rows = append(rows, []any{g.Alliance, g.Code, i, c})
	}
	return rows
}

func areaRow(a *entente.Area) []any {
	return append([]any{a.Code, a.Name}, provArgs(&a.Provenance)...)
}

func programmeRow(p *entente.Programme) []any {
	return append([]any{p.ID, p.Alliance, p.Partner, p.Type, p.Title, dateArg(p.Agreed),
		dateArg(p.Period.From), dateArg(p.Period.To), string(p.Status), refArg(p.Supersedes)},
		provArgs(&p.Provenance)...)
}

func programmeAreaRows(p *entente.Programme) [][]any {
	var rows [][]any
	for i, a := range p.Areas {
		rows = append(rows, []any{p.ID, i, a})
	}
	return rows
}

func operationRow(o *entente.Operation) []any {
	return append([]any{o.Code, o.Alliance, o.Name, o.Kind, o.Theatre, dateArg(o.From), dateArg(o.To), o.Mandate},
		append(provArgs(&o.Provenance), linkedArgs(&o.Linked)...)...)
}

func contributionRow(c *entente.Contribution) []any {
	return append([]any{c.ID, c.Country, refArg(c.Operation), c.Theatre, dateArg(c.From), dateArg(c.To), c.What},
		provArgs(&c.Provenance)...)
}

func meetingRow(m *entente.Meeting) []any {
	return append([]any{m.ID, m.Alliance, m.Kind, m.Name, m.City, refArg(m.Country), dateArg(m.From), dateArg(m.To)},
		append(provArgs(&m.Provenance), linkedArgs(&m.Linked)...)...)
}

func invitationRow(in *entente.Invitation) []any {
	return append([]any{in.Meeting, in.Country, in.Level, string(in.Attended), in.Attendee}, provArgs(&in.Provenance)...)
}

func eventRow(e *entente.DefenceEvent) []any {
	return append([]any{e.ID, e.Alliance, e.Article, dateArg(e.Date), e.Summary, e.Outcome}, provArgs(&e.Provenance)...)
}

func requesterRows(e *entente.DefenceEvent) [][]any {
	var rows [][]any
	for i, c := range e.Requesters {
		rows = append(rows, []any{e.ID, i, c})
	}
	return rows
}
