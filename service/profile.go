package service

import (
	"context"
	"slices"
	"strings"

	"github.com/entente/entente"
)

// Profile is what a partner's public page ("<alliance> and New Zealand") is made
// of, gathered from the store: the alliance and the treaty articles the page
// explains, the partner's partnerships, programmes and their areas, its
// partner groups with every member's invitations to the alliance's meetings,
// and its deployments. Every part carries its sources, and Sources lists them
// all, in the order they are first cited.
type Profile struct {
	AsOf     entente.Date      `json:"as_of"`
	Partner  *entente.Country  `json:"partner"`
	Alliance *entente.Alliance `json:"alliance"`
	// Member is set when the country is a member rather than a partner.
	Member *entente.Membership `json:"member,omitempty"`
	// Founding is the treaty's founding members' count, Members today's.
	Founding int `json:"founding_members"`
	Members  int `json:"members"`
	// MemberRegions are the regions the members come from ("Europe",
	// "North America").
	MemberRegions []string `json:"member_regions"`
	// Articles are the treaty articles the page cites: the one whose role
	// is collective defence and the one the accession rule cites.
	Articles     []entente.Article     `json:"articles"`
	Eligible     entente.Verdict       `json:"eligible"`
	Partnerships []CountryPartnership  `json:"partnerships"`
	Programmes   []ProfileProgramme    `json:"programmes"`
	Groups       []ProfileGroup        `json:"groups"`
	Deployments  []CountryContribution `json:"deployments"`
	// FirstDeployed is the earliest deployment's start; Theatres the
	// distinct places deployed to, in order of first deployment.
	FirstDeployed entente.Date `json:"first_deployed,omitzero"`
	// First is the earliest deployment whose dates the sources confirm.
	First    *CountryContribution `json:"first,omitempty"`
	Theatres []string             `json:"theatres"`
	Sources  []entente.Source     `json:"sources"`
}

// ProfileProgramme is a programme with its status on the day and the names
// of its cooperation areas.
type ProfileProgramme struct {
	CountryProgramme
	AreaNames []string `json:"area_names"`
	// Objectives and Goals are the programme's recorded strategic
	// objectives and partnership goals; generated (synthetic) ones are
	// left out of a public page.
	Objectives []entente.Objective `json:"objectives"`
	Goals      []entente.Goal      `json:"goals"`
}

// ProfileGroup is a partner group with its members and their invitations to
// the alliance's meetings since the group was formed.
type ProfileGroup struct {
	entente.Group
	MemberNames []string            `json:"member_names"`
	Meetings    []ProfileMeeting    `json:"meetings"`
	Invitations []CountryInvitation `json:"invitations"`
}

// ProfileMeeting is a meeting some of the group's members were invited to.
type ProfileMeeting struct {
	entente.Meeting
	Invitees []ProfileInvitee `json:"invitees"`
}

// ProfileInvitee is one invitation to a meeting.
type ProfileInvitee struct {
	Country string `json:"country"`
	Name    string `json:"name"`
	entente.Invitation
}

// Theatre names a deployment's place in a few words: the part before any
// parenthesis ("Afghanistan (Bamyan)" is in Afghanistan).
func Theatre(t string) string {
	if i := strings.Index(t, " ("); i > 0 {
		return t[:i]
	}
	return t
}

// Profile gathers the public page of partner code with alliance on day
// asOf, read from one snapshot of the store.
func (s *Service) Profile(ctx context.Context, alliance, code string, asOf entente.Date) (*Profile, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) (*Profile, error) { return profile(ctx, r, alliance, code, asOf) })
}

// profile gathers the profile from r, with a fixed number of finds
// whatever the number of programmes, groups and meetings.
func profile(ctx context.Context, r entente.Reader, alliance, code string, asOf entente.Date) (*Profile, error) {
	cv, err := countryView(ctx, r, code, asOf)
	if err != nil {
		return nil, err
	}
	a, err := r.FindAlliance(ctx, alliance)
	if err != nil {
		return nil, err
	}
	ms, err := r.FindMemberships(ctx, entente.Filter{Alliance: a.Code})
	if err != nil {
		return nil, err
	}
	// The countries named: the members on the day, and the partner's
	// groups' members (who are the invitees too).
	var codes []string
	for _, m := range ms {
		if m.MemberOn(asOf) {
			codes = append(codes, m.Country)
		}
	}
	for _, g := range cv.GroupDetails {
		codes = append(codes, g.Members...)
	}
	countries, err := countriesIn(ctx, r, codes)
	if err != nil {
		return nil, err
	}
	p := &Profile{AsOf: asOf, Partner: cv.Country, Alliance: a, Partnerships: []CountryPartnership{},
		Programmes: []ProfileProgramme{}, Groups: []ProfileGroup{}, Deployments: []CountryContribution{}, Theatres: []string{}}
	var cited []string
	cite := func(ids []string) { cited = append(cited, ids...) }
	cite(cv.Country.Sources)
	cite(cv.Country.WikidataSources)
	cite(a.Sources)
	regions := map[string]bool{}
	for i, m := range ms {
		if m.Founding {
			p.Founding++
		}
		if m.MemberOn(asOf) {
			p.Members++
			regions[memberPlace(countries[m.Country])] = true
		}
		if m.Country == code && m.StatusOn(asOf) != "" {
			p.Member = &ms[i]
			cite(m.Sources)
		}
	}
	for r := range regions {
		p.MemberRegions = append(p.MemberRegions, r)
	}
	slices.Sort(p.MemberRegions)
	for _, art := range a.Articles {
		if art.Role == entente.RoleDefence || (art.Number != "" && art.Number == a.Rule.AccessionArticle) {
			p.Articles = append(p.Articles, art)
			cite(art.Sources)
		}
	}
	p.Eligible = entente.CheckAccession(a, cv.Country, ms, asOf)
	for _, r := range p.Eligible.Reasons {
		cite(r.Sources)
	}

	for _, pt := range cv.Partnerships {
		if pt.Alliance == a.Code {
			p.Partnerships = append(p.Partnerships, pt)
			cite(pt.Sources)
		}
	}
	areas, err := r.FindAreas(ctx)
	if err != nil {
		return nil, err
	}
	areaName := map[string]string{}
	for _, ar := range areas {
		areaName[ar.Code] = ar.Name
	}
	objsOf, goalsOf, err := plansOf(ctx, r, cv.Programmes)
	if err != nil {
		return nil, err
	}
	for _, pr := range cv.Programmes {
		if pr.Alliance != a.Code {
			continue
		}
		pp := ProfileProgramme{CountryProgramme: pr, AreaNames: []string{}, Objectives: []entente.Objective{}, Goals: []entente.Goal{}}
		for _, ar := range pr.Areas {
			pp.AreaNames = append(pp.AreaNames, cmpOr(areaName[ar], ar))
		}
		for _, o := range objsOf[pr.ID] {
			if !o.Synthetic {
				pp.Objectives = append(pp.Objectives, o)
				cite(o.Sources)
			}
		}
		for _, g := range goalsOf[pr.ID] {
			if !g.Synthetic {
				pp.Goals = append(pp.Goals, g)
				cite(g.Sources)
			}
		}
		p.Programmes = append(p.Programmes, pp)
		cite(pr.Sources)
	}

	meetings, err := r.FindMeetings(ctx, entente.Filter{Alliance: a.Code})
	if err != nil {
		return nil, err
	}
	invitations := map[string][]entente.Invitation{} // by meeting
	if len(cv.GroupDetails) > 0 {
		ins, err := r.FindInvitations(ctx, entente.Filter{})
		if err != nil {
			return nil, err
		}
		for _, in := range ins {
			invitations[in.Meeting] = append(invitations[in.Meeting], in)
		}
	}
	for _, g := range cv.GroupDetails {
		if g.Alliance != a.Code {
			continue
		}
		pg := ProfileGroup{Group: g, Meetings: []ProfileMeeting{}, Invitations: []CountryInvitation{}}
		cite(g.Sources)
		for _, c := range g.Members {
			pg.MemberNames = append(pg.MemberNames, countries[c].Name)
		}
		for _, m := range meetings {
			if !m.From.OnOrBefore(asOf) || (!g.Since.IsZero() && m.From.Before(g.Since)) {
				continue
			}
			pm := ProfileMeeting{Meeting: m}
			for _, in := range invitations[m.ID] {
				if slices.Contains(g.Members, in.Country) {
					pm.Invitees = append(pm.Invitees, ProfileInvitee{Country: in.Country, Name: countries[in.Country].Name, Invitation: in})
					cite(in.Sources)
				}
			}
			if len(pm.Invitees) > 0 {
				pg.Meetings = append(pg.Meetings, pm)
				cite(m.Sources)
			}
		}
		slices.SortStableFunc(pg.Meetings, func(x, y ProfileMeeting) int { return x.From.Compare(y.From) })
		for _, in := range cv.Invitations {
			if !g.Since.IsZero() && in.Date.Before(g.Since) {
				continue
			}
			pg.Invitations = append(pg.Invitations, in)
		}
		p.Groups = append(p.Groups, pg)
	}

	// Oldest first; on the same day, what the sources date firmly comes
	// before what they only bound.
	contribs := slices.Clone(cv.Contributions)
	slices.SortStableFunc(contribs, func(x, y CountryContribution) int {
		if c := x.From.Compare(y.From); c != 0 {
			return c
		}
		return cmpBool(x.Unconfirmed != "", y.Unconfirmed != "")
	})
	seen := map[string]bool{}
	for _, c := range contribs {
		p.Deployments = append(p.Deployments, c)
		cite(c.Sources)
		if p.FirstDeployed.IsZero() || c.From.Before(p.FirstDeployed) {
			p.FirstDeployed = c.From
		}
		if t := Theatre(c.Theatre); !seen[t] {
			seen[t] = true
			p.Theatres = append(p.Theatres, t)
		}
	}

	for i, c := range p.Deployments {
		if c.Unconfirmed == "" && (p.First == nil || c.From.Before(p.First.From)) {
			p.First = &p.Deployments[i]
		}
	}
	if p.First == nil && len(p.Deployments) > 0 {
		p.First = &p.Deployments[0]
	}
	var order []string
	done := map[string]bool{}
	for _, id := range cited {
		if !done[id] {
			done[id] = true
			order = append(order, id)
		}
	}
	srcs, err := r.FindSources(ctx, order)
	if err != nil {
		return nil, err
	}
	byID := map[string]entente.Source{}
	for _, src := range srcs {
		byID[src.ID] = src
	}
	for _, id := range order {
		if src, ok := byID[id]; ok {
			p.Sources = append(p.Sources, src)
		}
	}
	return p, nil
}

// plansOf reads the objectives and goals of the programmes ps, by
// programme, in one find each rather than one per programme.
func plansOf(ctx context.Context, r entente.Reader, ps []CountryProgramme) (map[string][]entente.Objective, map[string][]entente.Goal, error) {
	objs, goals := map[string][]entente.Objective{}, map[string][]entente.Goal{}
	if len(ps) == 0 {
		return objs, goals, nil
	}
	mine := map[string]bool{}
	for _, p := range ps {
		mine[p.ID] = true
	}
	// One programme's page reads its own plans; a partner's several
	// programmes read every plan once, rather than a find each.
	only := ""
	if len(ps) == 1 {
		only = ps[0].ID
	}
	all, err := r.FindObjectives(ctx, only)
	if err != nil {
		return nil, nil, err
	}
	for _, o := range all {
		if mine[o.Programme] {
			objs[o.Programme] = append(objs[o.Programme], o)
		}
	}
	gs, err := r.FindGoals(ctx, only)
	if err != nil {
		return nil, nil, err
	}
	for _, g := range gs {
		if mine[g.Programme] {
			goals[g.Programme] = append(goals[g.Programme], g)
		}
	}
	return objs, goals, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// memberPlace is where a member is, for the profile's "all in ..." line: its
// UN M49 region, or its sub-region outside Europe ("Northern America"), and
// "Europe" for a member read as a European state whatever M49 says (Türkiye,
// invited under Article 10, which M49 places in Western Asia).
func memberPlace(c entente.Country) string {
	switch {
	case c.European.Value == entente.EuropeanYes:
		return "Europe"
	case c.Subregion != "":
		return c.Subregion
	}
	return c.Region
}
