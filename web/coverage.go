package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// coverageData is the coverage page: the figures and their charts, each
// chart followed by a table of the same figures.
type coverageData struct {
	*service.Coverage
	KindChart, DecadeChart, PrecisionChart, SourceChart template.HTML
	// PrimaryPercent is the share of facts citing a primary source, in
	// whole percent.
	PrimaryPercent int
	SourceCount    int
}

// pageCoverage says what the record holds (issue 14, item 7), as of the
// page's day: the figures entente coverage prints.
func (s *Server) pageCoverage(w http.ResponseWriter, r *http.Request) {
	s.view(w, r, "coverage.html", "What the record holds", func(d entente.Date) (page, error) {
		c, err := s.svc.Coverage(r.Context(), s.day(d))
		if err != nil {
			return page{}, err
		}
		data := coverageData{Coverage: c, PrimaryPercent: int(100*c.PrimaryShare() + 0.5)}
		var kinds, decades, sources []service.Tally
		for _, k := range c.Kinds {
			if k.Kind == "source" {
				data.SourceCount = k.Count
				continue
			}
			kinds = append(kinds, service.Tally{Name: k.Label, Count: int64(k.Count)})
		}
		for _, dc := range c.Decades {
			decades = append(decades, service.Tally{Name: dc.Decade, Count: int64(dc.Count)})
		}
		if c.Precision.Undated > 0 {
			decades = append(decades, service.Tally{Name: "Undated", Count: int64(c.Precision.Undated)})
		}
		for _, sk := range c.Sources {
			sources = append(sources, service.Tally{Name: sk.Label, Count: int64(sk.Count)})
		}
		p := c.Precision
		precision := []service.Tally{{Name: "To the day", Count: int64(p.Day)}, {Name: "To the month", Count: int64(p.Month)},
			{Name: "To the year", Count: int64(p.Year)}, {Name: "Undated", Count: int64(p.Undated)}}
		data.KindChart, data.DecadeChart, data.PrecisionChart, data.SourceChart =
			barChart("kinds-chart", "Facts by kind", "The number of facts of each kind the record holds.", kinds),
			barChart("decades-chart", "Facts by decade", "The number of facts dated in each decade, and those without a date.", decades),
			barChart("precision-chart", "Facts by how precisely they are dated", "How many facts are dated to the day, to the month, to the year only, or not at all.", precision),
			barChart("sources-chart", "Sources by kind", "The number of sources of each kind.", sources)
		return page{Data: data}, nil
	})
}

// sourcesData is the sources page: the sources grouped by kind, or those of
// one kind, with the quotations the records make of each.
type sourcesData struct {
	Kind   entente.SourceKind
	Total  int
	Kinds  []sourceKindLink
	Groups []sourceGroup
	Quotes map[string][]service.CitedQuote
	// Shown are the sources listed, for the CSV.
	Shown []entente.Source
}

type sourceKindLink struct {
	Label   string
	Count   int
	Href    string
	Current bool
}

type sourceGroup struct {
	Slug    string
	Label   string
	Sources []entente.Source
}

// sourceKindParam reads the sources page's ?kind=: empty for every kind,
// "unclassified" for the sources with none.
func sourceKindParam(r *http.Request) (entente.SourceKind, bool, error) {
	v := strings.TrimSpace(r.URL.Query().Get("kind"))
	switch {
	case v == "":
		return "", false, nil
	case v == "unclassified":
		return "", true, nil
	}
	k := entente.SourceKind(v)
	if !entente.ValidSourceKind(k) {
		return "", false, entente.CheckSourceKind(k)
	}
	return k, true, nil
}

func (s *Server) pageSources(w http.ResponseWriter, r *http.Request) {
	s.view(w, r, "sources.html", "Sources", func(d entente.Date) (page, error) {
		kind, filtered, err := sourceKindParam(r)
		if err != nil {
			return page{}, err
		}
		src, err := s.svc.BrowseSources(r.Context())
		if err != nil {
			return page{}, err
		}
		quotes, err := s.svc.SourceQuotes(r.Context())
		if err != nil {
			return page{}, err
		}
		data := sourcesData{Kind: kind, Total: len(src), Quotes: quotes, Shown: []entente.Source{}}
		for _, k := range append(append([]entente.SourceKind{}, entente.SourceKinds...), "") {
			g := sourceGroup{Slug: string(k), Label: k.Label()}
			if k == "" {
				g.Slug = "unclassified"
			}
			for _, x := range src {
				if x.Kind == k {
					g.Sources = append(g.Sources, x)
				}
			}
			if len(g.Sources) == 0 {
				continue
			}
			current := filtered && k == kind
			data.Kinds = append(data.Kinds, sourceKindLink{Label: g.Label, Count: len(g.Sources),
				Href: "/sources?kind=" + g.Slug, Current: current})
			if !filtered || current {
				data.Groups = append(data.Groups, g)
				data.Shown = append(data.Shown, g.Sources...)
			}
		}
		title := "Sources"
		if filtered {
			title = fmt.Sprintf("Sources: %s", strings.ToLower(kind.Label()))
		}
		return page{Title: title, Data: data}, nil
	})
}
