package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"strings"
	ttemplate "text/template"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// ProfileView is a partner's public page ("<alliance> and New Zealand") ready to
// render as HTML or Markdown: the profile with its title, the anchors of its
// sections and the numbers of its sources.
type ProfileView struct {
	*service.Profile
	Title    string
	Sections []Section
	num      map[string]int
	// CSS is the stylesheet, inlined in the standalone HTML document.
	CSS template.CSS
	// carry is the query the site's links pass on (see href).
	carry string
	// day is the day the page answers for, for the date bar.
	day page
	// ld is the page's schema.org JSON-LD (see jsonld.go).
	ld *ldGraph
	// EditFacts says the one signed in may add and correct the record's
	// facts: the page links the forms (facts_forms.go).
	EditFacts bool
}

// Carried is the query the page's links pass on (see href).
func (v *ProfileView) Carried() string { return v.carry }

// Section is an entry of the "On this page" index.
type Section struct {
	ID    string
	Title string
}

// NewProfileView prepares p for rendering.
func NewProfileView(p *service.Profile) *ProfileView {
	v := &ProfileView{Profile: p, Title: p.Alliance.Code + " and " + p.Partner.Name, num: map[string]int{}}
	for i, s := range p.Sources {
		v.num[s.ID] = i + 1
	}
	v.Sections = append(v.Sections, Section{"about", "What is " + p.Alliance.Code + "?"})
	v.Sections = append(v.Sections, Section{"working-together", "How " + p.Partner.Name + " works with " + p.Alliance.Code})
	for _, g := range p.Groups {
		v.Sections = append(v.Sections, Section{GroupAnchor(g.Code), g.Name})
	}
	if len(p.Deployments) > 0 {
		v.Sections = append(v.Sections, Section{"deployments", "Deployments alongside " + p.Alliance.Code})
	}
	v.Sections = append(v.Sections, Section{"sources", "Sources"})
	return v
}

// GroupAnchor is the id of a partner group's section.
func GroupAnchor(code string) string { return "group-" + strings.ToLower(code) }

// PageTitle is the page's title, for the layout.
func (v *ProfileView) PageTitle() string { return v.Title }

// Cite links the sources ids to the page's numbered list: "[1, 4]".
func (v *ProfileView) Cite(ids []string) template.HTML {
	var b strings.Builder
	for _, id := range ids {
		n, ok := v.num[id]
		if !ok {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `<a href="#src-%s">%d</a>`, template.HTMLEscapeString(id), n)
	}
	if b.Len() == 0 {
		return ""
	}
	return template.HTML(` <span class="cite">[` + b.String() + `]</span>`)
}

// CiteRecord is Cite for a record's provenance: a source the record quotes
// shows the quotation on hover and on keyboard focus of its number (the
// link's title, and a note the stylesheet reveals, which screen readers
// read with the link), as the citeq template does on the site's pages.
func (v *ProfileView) CiteRecord(p entente.Provenance) template.HTML {
	var b strings.Builder
	for _, id := range p.Sources {
		n, ok := v.num[id]
		if !ok {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		esc := template.HTMLEscapeString
		if q := p.QuoteFor(id); q != "" {
			fmt.Fprintf(&b, `<a href="#src-%s" title="“%s”" class="quoted">%d</a><span class="quote">: the source says <q>%s</q></span>`,
				esc(id), esc(q), n, esc(q))
			continue
		}
		fmt.Fprintf(&b, `<a href="#src-%s">%d</a>`, esc(id), n)
	}
	if b.Len() == 0 {
		return ""
	}
	return template.HTML(` <span class="cite">[` + b.String() + `]</span>`)
}

// CiteMD is Cite for Markdown: "[1, 4]" with links to the list.
func (v *ProfileView) CiteMD(ids []string) string {
	var parts []string
	for _, id := range ids {
		if n, ok := v.num[id]; ok {
			parts = append(parts, fmt.Sprintf("[%d](#src-%s)", n, id))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " [" + strings.Join(parts, ", ") + "]"
}

// Num is a source's number on the page.
func (v *ProfileView) Num(id string) int { return v.num[id] }

// OtherTheatres are the places deployed to after the first.
func (v *ProfileView) OtherTheatres() []string {
	var out []string
	for _, t := range v.Theatres {
		if v.First == nil || t != service.Theatre(v.First.Theatre) {
			out = append(out, t)
		}
	}
	return out
}

// FrameworkNames are the partner's frameworks' names.
func (v *ProfileView) FrameworkNames() []string {
	var out []string
	for _, p := range v.Partnerships {
		out = append(out, p.FrameworkName)
	}
	return out
}

// OtherMembers are the partner's fellow members of group g.
func (v *ProfileView) OtherMembers(g service.ProfileGroup) []string {
	var out []string
	for i, c := range g.Members {
		if c != v.Partner.Code && i < len(g.MemberNames) {
			out = append(out, g.MemberNames[i])
		}
	}
	return out
}

// Level names an invitation level in words.
func Level(l string) string {
	switch l {
	case "head-of-government":
		return "head of government"
	case "head-of-state":
		return "head of state"
	case "foreign-minister":
		return "foreign minister"
	case "defence-minister":
		return "defence minister"
	}
	return strings.ReplaceAll(l, "-", " ")
}

func (s *Server) pageProfile(w http.ResponseWriter, r *http.Request) {
	d, err := asOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A page for a day in the past is kept for the span of days it holds
	// (spans.go): one found needs no more reads (the alliance it names
	// was found when it was rendered, and the store has not changed since).
	spanned := s.spanPage(r, d)
	var gen uint64
	if spanned != "" {
		if body := s.spanned(spanned, d); body != nil {
			keptElsewhere(w)
			s.fill(w, r, http.StatusOK, body)
			return
		}
		gen = s.cache.gen.Load()
	}
	a, err := s.allianceCode(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var p *service.Profile
	var span entente.Period
	if spanned != "" {
		p, span, err = s.svc.ProfileSpan(r.Context(), a, upper(r, "iso3"), d)
	} else {
		p, err = s.svc.Profile(r.Context(), a, upper(r, "iso3"), d) // today's, or a signed-in reader's: no span to keep
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Member != nil {
		// A member has no partner page: its country page says it all.
		http.Redirect(w, r, "/countries/"+p.Partner.Code, http.StatusFound)
		return
	}
	body, err := s.execute("profile.html", s.profileView(r, p, d))
	if err != nil {
		s.renderFailed(w, "profile.html", err)
		return
	}
	body = carryAsOf(body, carriedDay(r, s.svc.Today()))
	if spanned != "" {
		q := *p
		q.AsOf = spanDay
		if atSpanDay, err := s.execute("profile.html", s.profileView(r, &q, spanDay)); err == nil &&
			s.keepSpan(spanned, gen, span, d, carryAsOf(atSpanDay, spanDay.String()), body) {
			keptElsewhere(w)
		}
	}
	s.fill(w, r, http.StatusOK, body)
}

// profileView is the partner page of p as of d.
func (s *Server) profileView(r *http.Request, p *service.Profile, d entente.Date) *ProfileView {
	v := NewProfileView(p)
	v.carry = carried(r)
	v.day = page{AsOf: d, Today: s.svc.Today(), url: r.URL}
	v.ld = ldProfile(p)
	v.EditFacts = s.factLinks(r)
	return v
}

// profileTemplates parses the profile's templates for the command line:
// HTML (standalone, with the stylesheet inline) and Markdown.
func profileTemplates() (*template.Template, *ttemplate.Template, []byte, error) {
	css, err := fs.ReadFile(embedded, "static/style.css")
	if err != nil {
		return nil, nil, nil, err
	}
	fm := template.FuncMap{"human": human, "since": sinceText, "list": andList, "lower": strings.ToLower, "level": Level, "period": humanPeriod,
		"join": strings.Join, "href": href, "when": when, "place": place, "places": places, "year": func(d entente.Date) int { return d.Year },
		"wikidataURL": entente.WikidataURL}
	h, err := template.New("").Funcs(fm).ParseFS(embedded, "templates/profile*.html")
	if err != nil {
		return nil, nil, nil, err
	}
	m, err := ttemplate.New("").Funcs(ttemplate.FuncMap(fm)).ParseFS(embedded, "templates/profile.md")
	if err != nil {
		return nil, nil, nil, err
	}
	return h, m, css, nil
}

// WriteProfileHTML writes the partner page as one standalone HTML document,
// its stylesheet inline, for publishing elsewhere.
func WriteProfileHTML(w io.Writer, p *service.Profile) error {
	h, _, css, err := profileTemplates()
	if err != nil {
		return err
	}
	v := NewProfileView(p)
	v.CSS = template.CSS(css)
	var buf bytes.Buffer
	if err := h.ExecuteTemplate(&buf, "profile-document", v); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// WriteProfileMarkdown writes the partner page as Markdown, with the same
// sections, facts and sources as the HTML.
func WriteProfileMarkdown(w io.Writer, p *service.Profile) error {
	_, m, _, err := profileTemplates()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := m.ExecuteTemplate(&buf, "profile.md", NewProfileView(p)); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}
