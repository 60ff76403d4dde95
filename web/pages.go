package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// page is what every page template gets: its title, the alliance shown and
// the as-of day asked for (zero for today), plus the page's own data.
type page struct {
	Title    string
	Alliance *entente.Alliance
	AsOf     entente.Date
	Today    entente.Date
	Data     any
	Chart    template.HTML
	Extra    any
	carry    string
	// Timeless pages do not depend on the day: no date bar.
	Timeless bool
	// url is the page's own, for the date bar's form and links.
	url *url.URL
	// status is the answer's, when not 200: a form shown again with its
	// errors.
	status int
	// ld is the page's schema.org JSON-LD, if it has one (see jsonld.go).
	ld *ldGraph
	// EditFacts says the one signed in may add and correct the record's
	// facts: the page links the forms (facts_forms.go).
	EditFacts bool
}

// Carried is the query the page's links pass on (see href).
func (p page) Carried() string { return p.carry }

// view runs get for the as-of day and renders the template with its result.
func (s *Server) view(w http.ResponseWriter, r *http.Request, tmpl, title string, get func(d entente.Date) (page, error)) {
	s.allianceView(w, r, tmpl, title, func(_ *entente.Alliance, d entente.Date) (page, error) { return get(d) })
}

// allianceView is view for a page about the alliance the request asks for
// (see allianceOf): get receives it with the as-of day.
func (s *Server) allianceView(w http.ResponseWriter, r *http.Request, tmpl, title string, get func(a *entente.Alliance, d entente.Date) (page, error)) {
	d, err := asOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	wantCSV, err := pageWantsCSV(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.allianceOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := get(a, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantCSV {
		s.pageCSV(w, r, a, d, p)
		return
	}
	if p.Title == "" {
		p.Title = title
	}
	p.Alliance, p.carry, p.EditFacts = a, carried(r), s.factLinks(r)
	p.AsOf, p.Today, p.url = d, s.svc.Today(), r.URL
	status := http.StatusOK
	if p.status != 0 {
		status = p.status
	}
	s.render(w, r, status, tmpl, p)
}

func (s *Server) day(d entente.Date) entente.Date {
	if d.IsZero() {
		return s.svc.Today()
	}
	return d
}

type homeData struct {
	Alliance *service.AllianceView
	Series   []service.Point
	Waves    int
	Partners int
	Groups   []service.GroupView
	// Examples are a few partners whose pages the home page links to: the
	// first partner group's members, or else the first partners.
	Examples []service.Partner
}

func (s *Server) pageHome(w http.ResponseWriter, r *http.Request) {
	s.allianceView(w, r, "home.html", "", func(al *entente.Alliance, d entente.Date) (page, error) {
		ctx := r.Context()
		a, err := s.svc.Alliance(ctx, al.Code, d)
		if err != nil {
			return page{}, err
		}
		series, err := s.svc.MembershipSeries(ctx, al.Code, d)
		if err != nil {
			return page{}, err
		}
		ps, err := s.svc.Partners(ctx, al.Code, d)
		if err != nil {
			return page{}, err
		}
		_, gs, err := s.svc.BrowsePartnerships(ctx, al.Code, d)
		if err != nil {
			return page{}, err
		}
		data := homeData{Alliance: a, Series: series, Waves: len(series), Partners: len(ps), Groups: gs, Examples: examplePartners(ps, gs)}
		return page{Title: al.Name + " at a glance", Data: data, Chart: membershipChart("members-chart", series, s.day(d)),
			ld: newGraph(ldAlliance(a.Alliance, true))}, nil
	})
}

// examplePartners picks the partners the home page links to: the members of
// the first partner group, or else the first four partners.
func examplePartners(ps []service.Partner, gs []service.GroupView) []service.Partner {
	if len(gs) > 0 {
		var out []service.Partner
		for _, p := range ps {
			if slices.Contains(gs[0].Members, p.Code) {
				out = append(out, p)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return ps[:min(4, len(ps))]
}

func (s *Server) pageMembers(w http.ResponseWriter, r *http.Request) {
	s.allianceView(w, r, "members.html", "Members by accession", func(a *entente.Alliance, d entente.Date) (page, error) {
		waves, err := s.svc.BrowseWaves(r.Context(), a.Code, d)
		return page{Data: waves, ld: ldMembers(a, waves)}, err
	})
}

func (s *Server) pageCountry(w http.ResponseWriter, r *http.Request) {
	s.allianceView(w, r, "country.html", "", func(a *entente.Alliance, d entente.Date) (page, error) {
		v, err := s.svc.Country(r.Context(), upper(r, "iso3"), d)
		if err != nil {
			return page{}, err
		}
		return page{Title: v.Name, Data: v, ld: ldCountryPage(a, v)}, nil
	})
}

type partnersData struct {
	Frameworks []service.FrameworkView
	Groups     []service.GroupView
	Partners   []service.Partner
}

func (s *Server) pagePartners(w http.ResponseWriter, r *http.Request) {
	s.allianceView(w, r, "partners.html", "Partners and partner groups", func(a *entente.Alliance, d entente.Date) (page, error) {
		fws, gs, err := s.svc.BrowsePartnerships(r.Context(), a.Code, d)
		if err != nil {
			return page{}, err
		}
		ps, err := s.svc.Partners(r.Context(), a.Code, d)
		return page{Data: partnersData{fws, gs, ps}}, err
	})
}

func (s *Server) pageProgrammes(w http.ResponseWriter, r *http.Request) {
	s.allianceView(w, r, "list-programmes.html", "Partnership programmes", func(a *entente.Alliance, d entente.Date) (page, error) {
		ps, err := s.svc.BrowseProgrammes(r.Context(), a.Code, d)
		// Extra: the one signed in may agree programmes (a link to the form).
		may := signedInFrom(r) != nil && s.svc.CheckStaff(r.Context(), "agree programmes") == nil
		return page{Data: ps, Extra: may}, err
	})
}

type operationsData struct {
	Operations []service.OperationView
	Theatres   []service.Contributor
}

func (s *Server) pageOperations(w http.ResponseWriter, r *http.Request) {
	s.allianceView(w, r, "operations.html", "Operations and contributors", func(a *entente.Alliance, d entente.Date) (page, error) {
		ops, loose, err := s.svc.BrowseOperations(r.Context(), a.Code, d)
		return page{Data: operationsData{ops, loose}, ld: ldOperations(a, ops)}, err
	})
}

func (s *Server) pageMeetings(w http.ResponseWriter, r *http.Request) {
	s.allianceView(w, r, "meetings.html", "Meetings and invitations", func(a *entente.Alliance, d entente.Date) (page, error) {
		ms, err := s.svc.BrowseMeetings(r.Context(), a.Code, d)
		return page{Data: ms, ld: ldMeetings(a, ms)}, err
	})
}

// defenceData is the collective-defence page: the events, and the treaty's
// articles found by their roles (zero Articles when the records name none).
type defenceData struct {
	Events       []service.DefenceEventView
	Articles     []entente.Article
	Consultation entente.Article
	Defence      entente.Article
}

func (s *Server) pageDefence(w http.ResponseWriter, r *http.Request) {
	s.allianceView(w, r, "defence.html", "", func(a *entente.Alliance, d entente.Date) (page, error) {
		evs, err := s.svc.BrowseDefenceEvents(r.Context(), a.Code, d)
		if err != nil {
			return page{}, err
		}
		data := defenceData{Events: evs, Articles: a.DefenceArticles()}
		data.Consultation, _ = a.ArticleFor(entente.RoleConsultation)
		data.Defence, _ = a.ArticleFor(entente.RoleDefence)
		return page{Title: a.Code + ": consultation and collective defence", Data: data}, nil
	})
}

type timelineData struct {
	Timeline  *service.Timeline
	Rows      []timelineRow
	Countries []entente.Country
	Kinds     map[string]string
}

func (s *Server) pageTimeline(w http.ResponseWriter, r *http.Request) {
	s.allianceView(w, r, "timeline.html", "Timeline", func(a *entente.Alliance, d entente.Date) (page, error) {
		code := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("country")))
		tl, err := s.svc.Timeline(r.Context(), a.Code, code, d)
		if err != nil {
			return page{}, err
		}
		cs, err := s.svc.BrowseCountries(r.Context())
		if err != nil {
			return page{}, err
		}
		// The country list reads by name, not by code.
		slices.SortFunc(cs, func(a, b entente.Country) int { return strings.Compare(a.Name, b.Name) })
		rows := timelineRows(tl.Items)
		title := "Timeline"
		if tl.Name != "" {
			title = "Timeline: " + tl.Name
		}
		return page{Title: title, Data: timelineData{tl, rows, cs, kindNames},
			Chart: timelineChart("timeline-chart", title, rows, s.day(d))}, nil
	})
}

func (s *Server) pagePrivacy(w http.ResponseWriter, r *http.Request) {
	s.view(w, r, "privacy.html", "Privacy", func(d entente.Date) (page, error) {
		return page{Data: string(consentFrom(r.Context())), Timeless: true}, nil
	})
}

type statsData struct {
	Stats     *service.Stats
	Referrers template.HTML
}

func (s *Server) pageStats(w http.ResponseWriter, r *http.Request) {
	ctx := withConsent(r.Context(), consentOf(r))
	r = r.WithContext(ctx)
	s.view(w, r, "stats.html", "Visit statistics", func(d entente.Date) (page, error) {
		st, err := s.svc.Stats(r.Context(), entente.Date{}, s.visits.Pending()...)
		if err != nil {
			return page{}, err
		}
		pages := barChart("pages-chart", "Visits per page", "Consented visits counted for each page, most visited first.", st.Pages)
		refs := barChart("referrers-chart", "Where visitors come from", "Consented visits by the host of the site that linked here, most first.", st.Referrers)
		return page{Data: statsData{st, refs}, Chart: pages, Timeless: true}, nil
	})
}
