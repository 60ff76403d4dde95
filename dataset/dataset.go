//go:generate go run ./internal/gencountries -in internal/gencountries -out nato/countries.txt

// Package dataset reads entente's dataset text format (see FORMAT.md) and
// holds the embedded default dataset (nato/): an alliance, its members and
// partners, and New Zealand's partnership with it.
package dataset

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/entente/entente"
)

//go:embed nato/*.txt
var defaultFS embed.FS

// Default parses the embedded default dataset.
func Default() (*entente.Dataset, error) {
	sub, err := fs.Sub(defaultFS, "nato")
	if err != nil {
		return nil, err
	}
	return Parse(sub)
}

// ParseError lists every problem found in a dataset, each as
// "file:line: field: what is wrong".
type ParseError struct {
	Problems []string
}

func (e *ParseError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0]
	}
	return fmt.Sprintf("%d problems:\n%s", len(e.Problems), strings.Join(e.Problems, "\n"))
}

// pos is where a record and its fields are in the files.
type pos struct {
	file   string
	line   int
	fields map[string]int
}

// record is one parsed block before it becomes a domain value.
type record struct {
	kind   string
	keys   []string
	fields map[string]string
	pos    pos
	used   map[string]bool
	// quotes are the record's quote: lines, the one field that may be
	// given more than once (once per source quoted).
	quotes []quoteLine
}

// quoteLine is one quote: field as written and the line it starts on.
type quoteLine struct {
	value string
	line  int
}

// Parse reads every *.txt file in fsys, in name order, validates the result
// as a whole and returns it. On any problem it returns a *ParseError listing
// them all, and no dataset.
func Parse(fsys fs.FS) (*entente.Dataset, error) {
	names, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	p := &parser{positions: map[entente.Ref]pos{}}
	for _, name := range names {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, err
		}
		err = p.file(name, f)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	p.attachArticles()
	return p.finish(&p.ds)
}

// finish validates ds as a whole once every record could be read (records
// that could not would make their references look dangling), and returns
// it sorted, or every problem found.
func (p *parser) finish(ds *entente.Dataset) (*entente.Dataset, error) {
	if len(p.problems) == 0 {
		for _, prob := range ds.Validate() {
			p.problems = append(p.problems, p.locate(prob))
		}
	}
	if len(p.problems) > 0 {
		return nil, &ParseError{Problems: p.problems}
	}
	ds.Sort()
	return ds, nil
}

type parser struct {
	ds        entente.Dataset
	problems  []string
	positions map[entente.Ref]pos
	// articles wait until every alliance has been read.
	pendingArticles []entente.Article
}

// attachArticles puts each article into its alliance.
func (p *parser) attachArticles() {
	for _, art := range p.pendingArticles {
		i := slices.IndexFunc(p.ds.Alliances, func(a entente.Alliance) bool { return a.Code == art.Alliance })
		if i < 0 {
			at := p.positions[entente.Ref{Kind: "article", Key: art.Alliance + " " + art.Number}]
			p.errorf(at.file, at.line, "", "unknown alliance %q", art.Alliance)
			continue
		}
		p.ds.Alliances[i].Articles = append(p.ds.Alliances[i].Articles, art)
	}
}

func (p *parser) errorf(file string, line int, field, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		msg = field + ": " + msg
	}
	p.problems = append(p.problems, fmt.Sprintf("%s:%d: %s", file, line, msg))
}

// locate turns a validation problem into "file:line: field: message".
func (p *parser) locate(prob entente.Problem) string {
	at, ok := p.positions[prob.Ref]
	if !ok {
		return prob.String()
	}
	return at.locate(prob)
}

// locate turns a problem with the record at p into "file:line: field:
// message".
func (at pos) locate(prob entente.Problem) string {
	line := at.line
	if l, ok := at.fields[prob.Field]; ok {
		line = l
	}
	msg := fmt.Sprintf("%s:%d: [%s]: ", at.file, line, prob.Ref)
	if prob.Field != "" {
		msg += prob.Field + ": "
	}
	return msg + prob.Message
}

// file splits one file into records and converts each.
func (p *parser) file(name string, r fs.File) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var cur *record
	var lastField string
	n := 0
	flush := func() {
		if cur != nil {
			p.convert(cur)
		}
		cur, lastField = nil, ""
	}
	for sc.Scan() {
		n++
		raw := sc.Text()
		trimmed := strings.TrimSpace(raw)
		if !utf8.ValidString(raw) {
			p.errorf(name, n, "", "not valid UTF-8: save the file as UTF-8")
			continue
		}
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			continue
		case strings.HasPrefix(trimmed, "["):
			flush()
			if !strings.HasSuffix(trimmed, "]") {
				p.errorf(name, n, "", "a header must end with ]")
				continue
			}
			words := strings.Fields(trimmed[1 : len(trimmed)-1])
			if len(words) < 2 {
				p.errorf(name, n, "", "a header needs a kind and a key, like [country NZL]")
				continue
			}
			cur = &record{kind: words[0], keys: words[1:], fields: map[string]string{}, used: map[string]bool{},
				pos: pos{file: name, line: n, fields: map[string]int{}}}
		case raw[0] == ' ' || raw[0] == '\t':
			if cur == nil || lastField == "" {
				p.errorf(name, n, "", "a continuation line must follow a field")
				continue
			}
			if lastField == quoteField {
				cur.quotes[len(cur.quotes)-1].value += " " + trimmed
				continue
			}
			cur.fields[lastField] += " " + trimmed
		default:
			if cur == nil {
				p.errorf(name, n, "", "a field must follow a [kind key] header")
				continue
			}
			k, v, ok := strings.Cut(trimmed, ":")
			if !ok {
				p.errorf(name, n, "", "want \"field: value\", got %q", trimmed)
				continue
			}
			k = strings.TrimSpace(k)
			if k == quoteField {
				cur.quotes = append(cur.quotes, quoteLine{strings.TrimSpace(v), n})
				lastField = k
				continue
			}
			if _, dup := cur.fields[k]; dup {
				p.errorf(name, n, k, "given more than once (first on line %d)", cur.pos.fields[k])
				continue
			}
			cur.fields[k] = strings.TrimSpace(v)
			cur.pos.fields[k] = n
			lastField = k
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s:%d: %w", name, n, err)
	}
	return nil
}

// fields gives typed access to a record's fields, noting problems.
type fields struct {
	p   *parser
	rec *record
}

func (f fields) errorf(field, format string, args ...any) {
	line := f.rec.pos.line
	if l, ok := f.rec.pos.fields[field]; ok {
		line = l
	}
	f.p.errorf(f.rec.pos.file, line, field, format, args...)
}

func (f fields) str(name string) string {
	f.rec.used[name] = true
	return f.rec.fields[name]
}

func (f fields) list(name string) []string {
	v := f.str(name)
	out := []string{}
	if v == "" {
		return out
	}
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func (f fields) date(name string) entente.Date {
	d, err := entente.ParseDate(f.str(name))
	if err != nil {
		f.errorf(name, "%v", err)
	}
	return d
}

func (f fields) boolean(name string) bool {
	switch v := f.str(name); v {
	case "", "no":
		return false
	case "yes":
		return true
	default:
		f.errorf(name, "%q is not yes or no", v)
		return false
	}
}

func (f fields) integer(name string) int {
	v := f.str(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		f.errorf(name, "%q is not a whole number", v)
	}
	return n
}

func (f fields) provenance() entente.Provenance {
	return entente.Provenance{Sources: f.list("sources"), Note: f.str("note"), Unconfirmed: f.str("unconfirmed"),
		Quotes: f.quotes()}
}

// quoteField is the field that carries a quotation: `quote: source-id "the
// sentence"`, once per source quoted.
const quoteField = "quote"

// quotes reads the record's quote: lines. Each is a source id and the
// sentence in straight double quotes; the sentence runs to the last quote
// mark, so it may hold quote marks of its own. The quotations' length and
// sources are checked with the rest of the dataset (Dataset.Validate), each
// problem located on its line.
func (f fields) quotes() []entente.Quote {
	var out []entente.Quote
	for _, q := range f.rec.quotes {
		id, rest, _ := strings.Cut(q.value, " ")
		rest = strings.TrimSpace(rest)
		if id == "" || len(rest) < 2 || rest[0] != '"' || rest[len(rest)-1] != '"' {
			f.p.errorf(f.rec.pos.file, q.line, quoteField, `want a source id and the sentence in double quotes, like: quote: mfat-nato "..."`)
			continue
		}
		text := rest[1 : len(rest)-1]
		if n := utf8.RuneCountInString(text); n > entente.MaxQuoteLen {
			f.p.errorf(f.rec.pos.file, q.line, quoteField, "the quotation of %q is %d characters long; at most %d are allowed",
				id, n, entente.MaxQuoteLen)
			continue
		}
		out = append(out, entente.Quote{Source: id, Text: text})
		// Validate's problems with the quotations point at the first.
		if _, ok := f.rec.pos.fields[quoteField]; !ok {
			f.rec.pos.fields[quoteField] = q.line
		}
	}
	return out
}

// linked reads a record's Wikidata id and the sources that state it.
func (f fields) linked() entente.Linked {
	l := entente.Linked{Wikidata: f.str("wikidata")}
	if ids := f.list("wikidata-sources"); len(ids) > 0 {
		l.WikidataSources = ids
	}
	return l
}

// sourceKind reads a source's kind, which the text format requires.
func (f fields) sourceKind() entente.SourceKind {
	k := entente.SourceKind(f.str("kind"))
	switch {
	case k == "":
		f.errorf("kind", "is required: say what kind of source it is (one of %s)", kindList())
	case !entente.ValidSourceKind(k):
		f.errorf("kind", "%q is not a source kind (want one of %s)", string(k), kindList())
		return ""
	}
	return k
}

func kindList() string {
	names := make([]string, len(entente.SourceKinds))
	for i, k := range entente.SourceKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

func (f fields) period(from, to string) entente.Period {
	return entente.Period{From: f.date(from), To: f.date(to)}
}

// keyCount is how many key words each kind's header takes.
var keyCount = map[string]int{
	"source": 1, "country": 1, "alliance": 1, "article": 2, "membership": 2, "framework": 2,
	"partnership": 3, "group": 2, "programme": 1, "area": 1, "operation": 1, "contribution": 1,
	"meeting": 1, "invitation": 2, "defence-event": 1, "objective": 2,
}

// convert turns a record into a domain value and appends it to the dataset.
func (p *parser) convert(r *record) {
	want, ok := keyCount[r.kind]
	if !ok {
		kinds := make([]string, 0, len(keyCount))
		for k := range keyCount {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		p.errorf(r.pos.file, r.pos.line, "", "unknown kind %q (want one of %s)", r.kind, strings.Join(kinds, ", "))
		return
	}
	if len(r.keys) != want {
		p.errorf(r.pos.file, r.pos.line, "", "[%s ...] takes %d key word(s), got %d", r.kind, want, len(r.keys))
		return
	}
	f := fields{p, r}
	k := r.keys
	ref := entente.Ref{Kind: r.kind, Key: strings.Join(k, " ")}
	p.positions[ref] = r.pos
	ds := &p.ds
	switch r.kind {
	case "source":
		ds.Sources = append(ds.Sources, entente.Source{ID: k[0], Title: f.str("title"), URL: f.str("url"),
			Document: f.str("document"), Publisher: f.str("publisher"), Accessed: f.date("accessed"),
			Kind: f.sourceKind()})
		if len(r.quotes) > 0 {
			p.errorf(r.pos.file, r.quotes[0].line, quoteField, "a source is quoted by the records that cite it, not by itself")
		}
	case "country":
		ds.Countries = append(ds.Countries, entente.Country{Code: k[0], Name: f.str("name"), Region: f.str("region"),
			Subregion: f.str("subregion"), IntermediateRegion: f.str("intermediate-region"),
			European: entente.EuropeanReading{Value: entente.European(f.str("european")),
				Provenance: entente.Provenance{Sources: f.list("european-sources"), Note: f.str("european-note")}},
			Linked: f.linked(), Provenance: f.provenance()})
	case "alliance":
		ds.Alliances = append(ds.Alliances, entente.Alliance{Code: k[0], Name: f.str("name"), Treaty: f.str("treaty"),
			Signed: f.date("signed"), SignedAt: f.str("signed-at"), InForce: f.date("in-force"), Headquarters: f.str("headquarters"),
			Depositary: f.str("depositary"), Linked: f.linked(), Provenance: f.provenance(),
			Rule: entente.Rule{Eligibility: f.str("eligibility"), EligibilityClause: f.str("eligibility-clause"),
				EligibleRegions: f.list("eligible-regions"),
				Unanimity:       f.boolean("unanimity"), WithdrawalAfterYears: f.integer("withdrawal-after-years"),
				WithdrawalNoticeMonths: f.integer("withdrawal-notice-months"),
				AccessionArticle:       f.str("accession-article"), WithdrawalArticle: f.str("withdrawal-article")}})
	case "article":
		art := entente.Article{Alliance: k[0], Number: k[1], Title: f.str("title"), Summary: f.str("summary"),
			Detail: f.str("detail"), Role: f.str("role"), Provenance: f.provenance()}
		p.pendingArticles = append(p.pendingArticles, art)
	case "membership":
		ds.Memberships = append(ds.Memberships, entente.Membership{Alliance: k[0], Country: k[1], Founding: f.boolean("founding"),
			Applied: f.date("applied"), Invited: f.date("invited"), Signed: f.date("signed"), Acceded: f.date("acceded"),
			Notice: f.date("notice"), Withdrawn: f.date("withdrawn"), Consents: []entente.Assent{}, Ratifications: []entente.Assent{},
			Provenance: f.provenance()})
	case "framework":
		ds.Frameworks = append(ds.Frameworks, entente.Framework{Alliance: k[0], Code: k[1], Name: f.str("name"),
			Period: f.period("started", "ended"), Linked: f.linked(), Provenance: f.provenance()})
	case "partnership":
		ds.Partnerships = append(ds.Partnerships, entente.Partnership{Alliance: k[0], Country: k[1], Framework: k[2],
			Period: f.period("since", "until"), Suspended: f.period("suspended", "resumed"), Provenance: f.provenance()})
	case "group":
		ds.Groups = append(ds.Groups, entente.Group{Alliance: k[0], Code: k[1], Name: f.str("name"), Members: f.list("members"),
			Since: f.date("since"), Provenance: f.provenance()})
	case "area":
		ds.Areas = append(ds.Areas, entente.Area{Code: k[0], Name: f.str("name"), Provenance: f.provenance()})
	case "programme":
		ds.Programmes = append(ds.Programmes, entente.Programme{ID: k[0], Alliance: f.str("alliance"), Partner: f.str("partner"),
			Type: f.str("type"), Title: f.str("title"), Agreed: f.date("agreed"), Period: f.period("from", "to"),
			Status: entente.ProgrammeStatus(f.str("status")), Supersedes: f.str("supersedes"), Areas: f.list("areas"),
			Provenance: f.provenance()})
	case "operation":
		ds.Operations = append(ds.Operations, entente.Operation{Code: k[0], Alliance: f.str("alliance"), Name: f.str("name"),
			Kind: f.str("kind"), Theatre: f.str("theatre"), Period: f.period("from", "to"), Mandate: f.str("mandate"),
			Linked: f.linked(), Provenance: f.provenance()})
	case "contribution":
		ds.Contributions = append(ds.Contributions, entente.Contribution{ID: k[0], Country: f.str("country"),
			Operation: f.str("operation"), Theatre: f.str("theatre"), Period: f.period("from", "to"), What: f.str("what"),
			Provenance: f.provenance()})
	case "meeting":
		ds.Meetings = append(ds.Meetings, entente.Meeting{ID: k[0], Alliance: f.str("alliance"), Kind: f.str("kind"),
			Name: f.str("name"), City: f.str("city"), Country: f.str("country"), Period: f.period("from", "to"),
			Linked: f.linked(), Provenance: f.provenance()})
	case "invitation":
		ds.Invitations = append(ds.Invitations, entente.Invitation{Meeting: k[0], Country: k[1], Level: f.str("level"),
			Attended: entente.Attendance(f.str("attended")), Attendee: f.str("attendee"), Provenance: f.provenance()})
	case "objective":
		ds.Objectives = append(ds.Objectives, entente.Objective{Programme: k[0], Code: k[1], Area: f.str("area"),
			Title: f.str("title"), Provenance: f.provenance()})
	case "defence-event":
		ds.DefenceEvents = append(ds.DefenceEvents, entente.DefenceEvent{ID: k[0], Alliance: f.str("alliance"),
			Article: f.str("article"), Date: f.date("date"), Requesters: f.list("requesters"), Summary: f.str("summary"),
			Outcome: f.str("outcome"), Provenance: f.provenance()})
	}
	var unknown []string
	for name := range r.fields {
		if !r.used[name] {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	for _, name := range unknown {
		f.errorf(name, "unknown field for [%s ...]", r.kind)
	}
}
