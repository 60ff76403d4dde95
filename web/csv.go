package web

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/research"
	"github.com/entente/entente/service"
)

// Every list page has a "Download CSV" link: the same page with
// ?format=csv, which answers the table the page shows, for the same day and
// filters, built from the same service reads (so releasability and as-of
// apply to it as to the page). The API's list endpoints answer the same
// tables to clients that send Accept: text/csv. The tables, their columns
// and what each holds are csvTables, which docs/csv.md is generated from
// (TestCSVDocs keeps the two in step).

// csvColumn is one column of a table: its header, stable and snake_case,
// and what it holds.
type csvColumn struct{ Name, Doc string }

// csvTable is a table the site and the API give as CSV.
type csvTable struct {
	Name    string // the file name's stem: members, sources, ...
	Row     string // what one row is
	Where   string // the pages and API endpoints that give it
	Columns []csvColumn
}

// Header is the table's header line.
func (t *csvTable) Header() []string {
	h := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		h[i] = c.Name
	}
	return h
}

var (
	colSources = csvColumn{"sources", "the ids of the sources (see the sources table), joined with `;`"}
	colFrom    = csvColumn{"from", "the first day, at its precision"}
	colTo      = csvColumn{"to", "the last day, at its precision; empty while open"}
)

var (
	csvMembers = &csvTable{"members", "a member of the alliance on the day", "`/members`, `/api/v1/alliances/{code}/members`", []csvColumn{
		{"country", "ISO 3166-1 alpha-3 code"}, {"name", "the country's name"}, {"region", "UN M49 region"},
		{"joined", "the day it joined (accession; the treaty's signature for founders)"},
		{"founding", "`yes` for a founding member, else `no`"}, {"status", "its status on the day (member, notice-given, ...)"},
		{"leaves", "the day its withdrawal takes effect, if it gave notice"}, colSources}}
	csvCountries = &csvTable{"countries", "a country of ISO 3166-1", "`/countries`", []csvColumn{
		{"country", "ISO 3166-1 alpha-3 code"}, {"name", "the country's name"}, {"region", "UN M49 region"},
		{"subregion", "UN M49 sub-region"}, {"intermediate_region", "UN M49 intermediate region, if any"},
		{"member", "`yes` if a member of the alliance on the day"}, {"partner", "`yes` if a partner of the alliance on the day"}, colSources}}
	csvPartners = &csvTable{"partners", "a partner of the alliance on the day", "`/partners`, `/api/v1/alliances/{code}/partners`", []csvColumn{
		{"country", "ISO 3166-1 alpha-3 code"}, {"name", "the country's name"}, {"region", "UN M49 region"},
		{"frameworks", "codes of its partnership frameworks, joined with `;`"}, {"groups", "codes of its partner groups, joined with `;`"},
		{"programme", "id of its programme in force, if any"}}}
	csvProgrammes = &csvTable{"programmes", "a partnership programme agreed by the day", "`/programmes`, `/api/v1/programmes?partner=`", []csvColumn{
		{"id", "the programme's id"}, {"partner", "the partner's ISO 3166-1 alpha-3 code"}, {"partner_name", "the partner's name (empty in the API)"},
		{"type", "the programme's type (IPCP, ITPP, ...)"}, {"title", "its title"}, {"agreed", "the day it was agreed"},
		colFrom, colTo, {"status", "its status on the day"}, {"supersedes", "the id of the programme it superseded"},
		{"areas", "its cooperation areas, joined with `;`"}, colSources}}
	csvActivities = &csvTable{"activities", "an activity of a programme", "`/programmes/{id}`, `/api/v1/programmes/{id}/activities`", []csvColumn{
		{"id", "the activity's id"}, {"programme", "its programme's id"}, {"goal", "the goal it serves"}, {"offer", "the menu offer it comes from"},
		{"title", "its title"}, {"kind", "its kind"}, {"proposer", "who proposed it"}, {"location", "where"}, colFrom, colTo,
		{"capacity", "how many participants it takes; empty for no limit"}, {"status", "its status (on the day, on the page)"},
		{"invited", "the invited countries, joined with `;`"}, {"participants", "how many took part, once reported"},
		{"outcome", "the reported outcome"}, colSources}}
	csvOperations = &csvTable{"operations", "a contribution to an operation (one row for an operation without any), or a deployment outside any operation",
		"`/operations`", []csvColumn{
			{"operation", "the operation's code; empty for a deployment outside any operation"}, {"operation_name", "the operation's name"},
			{"operation_kind", "its kind"}, {"operation_from", "its first day"}, {"operation_to", "its last day; empty while open"},
			{"contribution", "the contribution's id"}, {"country", "the contributor's ISO 3166-1 alpha-3 code"}, {"country_name", "the contributor's name"},
			{"theatre", "where the contribution served"}, colFrom, colTo, {"what", "what it contributed"}, colSources}}
	csvMeetings = &csvTable{"meetings", "an invitation to a meeting (one row for a meeting without any)", "`/meetings`", []csvColumn{
		{"meeting", "the meeting's id"}, {"kind", "its kind (summit, ...)"}, {"name", "its name"}, {"city", "its host city"},
		{"host", "the host country's ISO 3166-1 alpha-3 code"}, colFrom, colTo,
		{"invitee", "the invited partner's ISO 3166-1 alpha-3 code"}, {"invitee_name", "its name"}, {"level", "the level invited"},
		{"attended", "whether it attended"}, {"attendee", "who attended"}, colSources}}
	csvDefence = &csvTable{"collective-defence", "a request for consultations or an invocation of collective defence", "`/collective-defence`", []csvColumn{
		{"id", "the event's id"}, {"article", "the treaty article"}, {"date", "the day"},
		{"requesters", "the requesting members' ISO 3166-1 alpha-3 codes, joined with `;`"}, {"requester_names", "their names, joined with `;`"},
		{"summary", "what happened"}, {"outcome", "the outcome"}, colSources}}
	csvSources = &csvTable{"sources", "a source records cite", "`/sources`", []csvColumn{
		{"id", "the source's id"}, {"title", "its title"}, {"url", "where to read it"}, {"document", "the document's reference"},
		{"publisher", "who published it"}, {"accessed", "the day it was read"},
		{"kind", "what kind of source: official-text, official-site, government, news, reference or secondary; empty when not classified"}}}
	csvTimeline = &csvTable{"timeline", "an item of the timeline: a membership, a programme, a deployment or a summit", "`/timeline`, `/api/v1/timeline`", []csvColumn{
		{"kind", "membership, programme, deployment or summit"}, {"ref", "the record's key (country, programme id, operation code, meeting id)"},
		{"name", "the country, theatre or host city"}, {"type", "the programme's type, for a programme"}, colFrom,
		{"to", "the last day; empty for a point or a span still open"}, {"span", "`yes` for a span, `no` for a point"}, colSources}}
	csvMenu = &csvTable{"menu", "an offer of the cooperation menu", "`/menu`, `/api/v1/menu`", []csvColumn{
		{"code", "the offer's code"}, {"title", "its title"}, {"area", "its cooperation area"}, {"kind", "its kind"},
		{"provider", "who provides it"}, {"capacity", "how many participants one run takes; empty for no limit"},
		{"location", "where"}, colFrom, colTo, {"recurrence", "how often it runs"}, {"synthetic", "`yes` for made-up demonstration data"}, colSources}}
	csvAudit = &csvTable{"audit", "an event of the audit log (staff only)", "`/audit`, `/api/v1/audit`", []csvColumn{
		{"id", "the event's number"}, {"at", "when, RFC 3339 in UTC"}, {"actor", "who made the change"}, {"address", "from where"},
		{"action", "what was done"}, {"entity", "the kind of record"}, {"key", "the record's key"},
		{"changes", "the fields changed, joined with `;`"}, {"hash", "the event's hash in the chain"}}}
	csvAlliances = &csvTable{"alliances", "an alliance in the store", "`/api/v1/alliances`", []csvColumn{
		{"code", "the alliance's code"}, {"name", "its name"}, {"treaty", "its founding treaty"}, {"signed", "the day the treaty was signed"},
		{"in_force", "the day it entered into force"}, {"headquarters", "where"}, {"depositary", "ISO 3166-1 alpha-3 code of the depositary government"}, colSources}}
)

// csvTables lists every table, in the order docs/csv.md gives them.
var csvTables = []*csvTable{csvMembers, csvCountries, csvPartners, csvProgrammes, csvActivities, csvOperations,
	csvMeetings, csvDefence, csvSources, csvTimeline, csvMenu, csvAudit, csvAlliances}

// csvPages are the list pages that answer ?format=csv.
var csvPages = []string{"GET /members", "GET /countries", "GET /partners", "GET /programmes", "GET /programmes/{id}",
	"GET /operations", "GET /meetings", "GET /collective-defence", "GET /sources", "GET /timeline", "GET /menu", "GET /audit"}

// csvAPI are the API list endpoints that answer CSV to Accept: text/csv.
var csvAPI = map[string]bool{
	"GET /api/v1/alliances": true, "GET /api/v1/alliances/{code}/members": true, "GET /api/v1/alliances/{code}/partners": true,
	"GET /api/v1/timeline": true, "GET /api/v1/programmes": true, "GET /api/v1/programmes/{id}/activities": true,
	"GET /api/v1/menu": true, "GET /api/v1/audit": true,
}

func init() {
	// A list page reads ?format= besides its own parameters.
	for _, p := range csvPages {
		pageParams[p] = append(pageParams[p], "format")
	}
}

// CSVHref is the page's "Download CSV" link: the page itself, with its day
// and filters, and format=csv.
func (p page) CSVHref() string {
	if p.url == nil {
		return ""
	}
	q := p.url.Query()
	q.Set("format", "csv")
	return p.url.Path + "?" + q.Encode()
}

// pageWantsCSV reads a list page's ?format=: true for csv, false when
// absent; any other value is refused.
func pageWantsCSV(r *http.Request) (bool, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "":
		return false, nil
	case "csv":
		return true, nil
	default:
		return false, entente.Errorf(entente.EINVALID, "format: %q is not a format this page has: csv, or none for the page", f)
	}
}

// csvOf is the table a page's or an API answer's data shows, and its rows;
// nil if it has none.
func csvOf(v any) (*csvTable, [][]string) {
	switch v := v.(type) {
	case []service.Wave:
		var rows [][]string
		for _, w := range v {
			rows = append(rows, memberRows(w.Members)...)
		}
		return csvMembers, rows
	case []service.Member:
		return csvMembers, memberRows(v)
	case countriesData:
		var rows [][]string
		for _, rg := range v.Regions {
			for _, sg := range rg.Groups {
				for _, c := range sg.Countries {
					rows = append(rows, []string{c.Code, c.Name, c.Region, c.Subregion, c.IntermediateRegion, yesNo(c.Member), yesNo(c.Partner), ids(c.Sources)})
				}
			}
		}
		return csvCountries, rows
	case partnersData:
		return csvPartners, partnerRows(v.Partners)
	case []service.Partner:
		return csvPartners, partnerRows(v)
	case []service.ProgrammeRow:
		rows := make([][]string, len(v))
		for i, p := range v {
			rows[i] = programmeRow(p.Programme, p.PartnerName)
		}
		return csvProgrammes, rows
	case []service.ProgrammeView:
		rows := make([][]string, len(v))
		for i, p := range v {
			rows[i] = programmeRow(p.Programme, "")
		}
		return csvProgrammes, rows
	case programmePage:
		return csvActivities, activityRows(v.Activities)
	case []entente.Activity:
		return csvActivities, activityRows(v)
	case operationsData:
		return csvOperations, operationRows(v)
	case []service.MeetingView:
		return csvMeetings, meetingRows(v)
	case defenceData:
		rows := make([][]string, len(v.Events))
		for i, e := range v.Events {
			rows[i] = []string{e.ID, e.Article, e.Date.String(), joined(e.Requesters), joined(e.Names), e.Summary, e.Outcome, ids(e.Sources)}
		}
		return csvDefence, rows
	case sourcesData:
		rows := make([][]string, len(v.Shown))
		for i, s := range v.Shown {
			rows[i] = []string{s.ID, s.Title, s.URL, s.Document, s.Publisher, s.Accessed.String(), string(s.Kind)}
		}
		return csvSources, rows
	case timelineData:
		return csvOf(v.Timeline)
	case *service.Timeline:
		rows := make([][]string, len(v.Items))
		for i, it := range v.Items {
			rows[i] = []string{it.Kind, it.Ref, it.Name, it.Type, it.From.String(), it.To.String(), yesNo(it.Span), ids(it.Sources)}
		}
		return csvTimeline, rows
	case []entente.Offer:
		rows := make([][]string, len(v))
		for i, o := range v {
			rows[i] = []string{o.Code, o.Title, o.Area, o.Kind, o.Provider, count(o.Capacity), o.Location, o.From.String(), o.To.String(),
				o.Recurrence, yesNo(o.Synthetic), ids(o.Sources)}
		}
		return csvMenu, rows
	case auditData:
		es := make([]service.AuditEntry, len(v.Events))
		for i, e := range v.Events {
			es[i] = e.AuditEntry
		}
		return csvAudit, auditRows(es)
	case auditResponse:
		return csvAudit, auditRows(v.Events)
	case []entente.Alliance:
		rows := make([][]string, len(v))
		for i, a := range v {
			rows[i] = []string{a.Code, a.Name, a.Treaty, a.Signed.String(), a.InForce.String(), a.Headquarters, a.Depositary, ids(a.Sources)}
		}
		return csvAlliances, rows
	}
	return nil, nil
}

func memberRows(ms []service.Member) [][]string {
	rows := make([][]string, len(ms))
	for i, m := range ms {
		rows[i] = []string{m.Code, m.Name, m.Region, m.Joined.String(), yesNo(m.Founding), string(m.Status), m.Leaves.String(), ids(m.Sources)}
	}
	return rows
}

func partnerRows(ps []service.Partner) [][]string {
	rows := make([][]string, len(ps))
	for i, p := range ps {
		fws := make([]string, len(p.Frameworks))
		for j, f := range p.Frameworks {
			fws[j] = f.Code
		}
		rows[i] = []string{p.Code, p.Name, p.Region, joined(fws), joined(p.Groups), p.Programme}
	}
	return rows
}

func programmeRow(p entente.Programme, partnerName string) []string {
	return []string{p.ID, p.Partner, partnerName, p.Type, p.Title, p.Agreed.String(), p.Period.From.String(), p.Period.To.String(),
		string(p.Status), p.Supersedes, joined(p.Areas), ids(p.Sources)}
}

func activityRows(as []entente.Activity) [][]string {
	rows := make([][]string, len(as))
	for i := range as {
		rows[i] = activityRow(&as[i])
	}
	return rows
}

func activityRow(a *entente.Activity) []string {
	return []string{a.ID, a.Programme, a.Goal, a.Offer, a.Title, a.Kind, a.Proposer, a.Location, a.From.String(), a.To.String(),
		count(a.Capacity), string(a.Status), joined(a.Invited), count(a.Participants), a.Outcome, ids(a.Sources)}
}

// ActivityCSV writes activities as the activities table of docs/csv.md,
// one row at a time as they come, so that a table of any length takes
// the memory of one row: NewActivityCSV, Row for each, then Close.
type ActivityCSV struct{ t *research.Table }

// NewActivityCSV writes the table's header to w.
func NewActivityCSV(w io.Writer) *ActivityCSV {
	return &ActivityCSV{research.NewTable(w, csvActivities.Header(), true)}
}

// Row writes one activity.
func (c *ActivityCSV) Row(a *entente.Activity) { c.t.Row(activityRow(a)) }

// Close flushes the table and reports the first error writing it.
func (c *ActivityCSV) Close() error { return c.t.Close() }

func operationRows(d operationsData) [][]string {
	var rows [][]string
	contribution := func(op []string, c service.Contributor) []string {
		return append(op, c.ID, c.Country, c.Name, c.Theatre, c.From.String(), c.To.String(), c.What, ids(c.Sources))
	}
	for _, o := range d.Operations {
		op := []string{o.Code, o.Name, o.Kind, o.From.String(), o.To.String()}
		if len(o.Contributors) == 0 {
			rows = append(rows, append(op, "", "", "", o.Theatre, "", "", "", ids(o.Sources)))
		}
		for _, c := range o.Contributors {
			rows = append(rows, contribution(op[:len(op):len(op)], c))
		}
	}
	for _, c := range d.Theatres {
		rows = append(rows, contribution([]string{"", "", "", "", ""}, c))
	}
	return rows
}

func meetingRows(ms []service.MeetingView) [][]string {
	var rows [][]string
	for _, m := range ms {
		mt := []string{m.ID, m.Kind, m.Name, m.City, m.Country, m.From.String(), m.To.String()}
		if len(m.Invitees) == 0 {
			rows = append(rows, append(mt, "", "", "", "", "", ids(m.Sources)))
		}
		for _, iv := range m.Invitees {
			rows = append(rows, append(mt[:len(mt):len(mt)], iv.Country, iv.Name, iv.Level, string(iv.Attended), iv.Attendee, ids(iv.Sources)))
		}
	}
	return rows
}

func auditRows(es []service.AuditEntry) [][]string {
	rows := make([][]string, len(es))
	for i, e := range es {
		fields := make([]string, len(e.Changes))
		for j, c := range e.Changes {
			fields[j] = c.Field
		}
		rows[i] = []string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format("2006-01-02T15:04:05Z07:00"), e.Actor, e.Address,
			e.Action, e.Entity, e.Key, joined(fields), e.Hash}
	}
	return rows
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// count is a whole number, empty for zero (no limit, none reported).
func count(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func joined(xs []string) string { return strings.Join(xs, ";") }
func ids(xs []string) string    { return strings.Join(xs, ";") }

// writeCSV answers a table as CSV, every cell guarded against formula
// injection. A non-empty file name makes it a download.
func (s *Server) writeCSV(w http.ResponseWriter, r *http.Request, t *csvTable, rows [][]string, filename string) {
	var buf bytes.Buffer
	tw := research.NewTable(&buf, t.Header(), true)
	for _, row := range rows {
		if len(row) != len(t.Columns) {
			s.fail(w, r, fmt.Errorf("csv %s: a row of %d cells for %d columns", t.Name, len(row), len(t.Columns)))
			return
		}
		tw.Row(row)
	}
	if err := tw.Close(); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	if filename != "" {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	}
	w.Write(buf.Bytes())
}

// pageCSV answers a list page's table as a download named for the table,
// the alliance (when the table is one alliance's) and the day, e.g.
// nato-members-1990-01-01.csv.
func (s *Server) pageCSV(w http.ResponseWriter, r *http.Request, a *entente.Alliance, d entente.Date, p page) {
	t, rows := csvOf(p.Data)
	if t == nil {
		s.fail(w, r, entente.Errorf(entente.ENOTFOUND, "%s has no table to give as CSV", r.URL.Path))
		return
	}
	name := t.Name
	switch t {
	case csvActivities:
		name = r.PathValue("id") + "-" + name
	case csvSources, csvMenu, csvAudit:
	default:
		if a != nil {
			name = a.Code + "-" + name
		}
	}
	if t == csvTimeline {
		if c := r.URL.Query().Get("country"); c != "" {
			name += "-" + c
		}
	}
	name = strings.ToLower(fileSafe(name + "-" + s.day(d).String()))
	s.writeCSV(w, r, t, rows, name+".csv")
}

// fileSafe keeps letters, digits, - and _ of a file name, so that no path
// or quote reaches the header.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, s)
}

// Media types the API's list endpoints answer.
const (
	mediaJSON = "application/json"
	mediaCSV  = "text/csv"
)

// negotiate picks what a list endpoint answers for an Accept header: the
// one of JSON and CSV the client rates higher (JSON on a tie, and when
// there is no header). ok is false when it accepts neither.
func negotiate(accept string) (media string, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, true
	}
	qj, qc := quality(accept, mediaJSON), quality(accept, mediaCSV)
	switch {
	case qj == 0 && qc == 0:
		return "", false
	case qc > qj:
		return mediaCSV, true
	}
	return mediaJSON, true
}

// quality is the q-value accept gives media: that of the most specific
// range matching it (type/subtype, then type/*, then */*), 0 if none.
func quality(accept, media string) float64 {
	typ, _, _ := strings.Cut(media, "/")
	best, q := -1, 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		spec := -1
		switch {
		case mt == media:
			spec = 2
		case mt == typ+"/*":
			spec = 1
		case mt == "*/*":
			spec = 0
		}
		if spec <= best {
			continue
		}
		best, q = spec, 1
		if v, ok := params["q"]; ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				f = 0
			}
			q = f
		}
	}
	return q
}

// notAcceptable is the problem for a client that accepts neither answer.
func notAcceptable(accept string) error {
	return &statusError{status: http.StatusNotAcceptable, err: entente.Errorf(entente.EINVALID,
		"Accept: %q takes neither of the types this list comes in: %s or %s", accept, mediaJSON, mediaCSV)}
}

// apiFormat is how an API request's answer is keyed in the page cache: by
// what its Accept header negotiates on a list endpoint that has a CSV
// form.
func apiFormat(r *http.Request) string {
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		return ""
	}
	m, ok := negotiate(r.Header.Get("Accept"))
	switch {
	case !ok:
		return " accept=none"
	case m == mediaCSV:
		return " accept=csv"
	}
	return ""
}

// csvOpenAPI adds to the OpenAPI description the CSV form of the list
// endpoints that have one, and their 406.
func csvOpenAPI(doc map[string]any) {
	paths, _ := doc["paths"].(map[string]any)
	for pattern := range csvAPI {
		item, _ := paths[strings.TrimPrefix(pattern, "GET ")].(map[string]any)
		get, _ := item["get"].(map[string]any)
		responses, _ := get["responses"].(map[string]any)
		ok, _ := responses["200"].(map[string]any)
		content, _ := ok["content"].(map[string]any)
		if content == nil {
			continue
		}
		content[mediaCSV] = map[string]any{"schema": map[string]any{"type": "string", "description": "with Accept: text/csv; the columns are in docs/csv.md"}}
		responses["406"] = problemResponse("Not Acceptable: the Accept header takes neither application/json nor text/csv")
	}
}
