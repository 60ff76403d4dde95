package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/entente/entente"
)

// countriesData is the list of every country, by UN M49 region and
// sub-region, each marked member or partner of the alliance on the day.
type countriesData struct {
	Alliance string
	Total    int
	Members  int
	Partners int
	Regions  []regionGroup
}

type regionGroup struct {
	Name   string
	ID     string // the fragment of its heading
	Count  int
	Groups []subregionGroup
}

type subregionGroup struct {
	Name      string
	Countries []countryRow
}

type countryRow struct {
	entente.Country
	Member, Partner bool
}

// noRegion heads the countries M49 puts in no region (Antarctica).
const noRegion = "No UN M49 region"

func (s *Server) pageCountries(w http.ResponseWriter, r *http.Request) {
	s.allianceView(w, r, "countries.html", "Countries", func(a *entente.Alliance, d entente.Date) (page, error) {
		ctx := r.Context()
		cs, err := s.svc.BrowseCountries(ctx)
		if err != nil {
			return page{}, err
		}
		ms, err := s.svc.Members(ctx, a.Code, d)
		if err != nil {
			return page{}, err
		}
		ps, err := s.svc.Partners(ctx, a.Code, d)
		if err != nil {
			return page{}, err
		}
		member, partner := map[string]bool{}, map[string]bool{}
		for _, m := range ms {
			member[m.Code] = true
		}
		for _, p := range ps {
			partner[p.Code] = true
		}
		rows := make([]countryRow, len(cs))
		for i, c := range cs {
			rows[i] = countryRow{Country: c, Member: member[c.Code], Partner: partner[c.Code]}
		}
		data := countriesData{Alliance: a.Code, Total: len(cs), Members: len(ms), Partners: len(ps), Regions: groupCountries(rows)}
		return page{Data: data}, nil
	})
}

// groupCountries sorts countries into regions and their sub-regions, each
// in alphabetical order, the countries without a region last.
func groupCountries(rows []countryRow) []regionGroup {
	key := func(c countryRow) (string, string) {
		region, sub := c.Region, c.Subregion
		if region == "" {
			region = noRegion
		}
		if c.IntermediateRegion != "" {
			sub = c.IntermediateRegion
		}
		return region, sub
	}
	slices.SortStableFunc(rows, func(a, b countryRow) int {
		ra, sa := key(a)
		rb, sb := key(b)
		last := func(region string) int {
			if region == noRegion {
				return 1
			}
			return 0
		}
		return cmp.Or(cmp.Compare(last(ra), last(rb)), strings.Compare(ra, rb), strings.Compare(sa, sb), strings.Compare(a.Name, b.Name))
	})
	var out []regionGroup
	for _, c := range rows {
		region, sub := key(c)
		if len(out) == 0 || out[len(out)-1].Name != region {
			out = append(out, regionGroup{Name: region, ID: "region-" + slug(region)})
		}
		g := &out[len(out)-1]
		g.Count++
		if len(g.Groups) == 0 || g.Groups[len(g.Groups)-1].Name != sub {
			g.Groups = append(g.Groups, subregionGroup{Name: sub})
		}
		sg := &g.Groups[len(g.Groups)-1]
		sg.Countries = append(sg.Countries, c)
	}
	return out
}

// slug makes a fragment identifier of a name: "Latin America" becomes
// "latin-america".
func slug(name string) string {
	return strings.Trim(strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, name), "-")
}
