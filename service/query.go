package service

import (
	"context"
	"slices"
	"strings"

	"github.com/entente/entente"
)

// Member is one member of an alliance on a day.
type Member struct {
	Code     string                   `json:"code"`
	Name     string                   `json:"name"`
	Region   string                   `json:"region"`
	Joined   entente.Date             `json:"joined"`
	Founding bool                     `json:"founding"`
	Status   entente.MembershipStatus `json:"status"`
	Leaves   entente.Date             `json:"leaves,omitzero"`
	// Wikidata is the country's Wikidata item id, if the record has one.
	Wikidata string `json:"wikidata,omitempty"`
	entente.Provenance
}

// AllianceView is an alliance as it stood on a day.
type AllianceView struct {
	*entente.Alliance
	AsOf    entente.Date `json:"as_of"`
	Members int          `json:"member_count"`
	// Founded is false on a day before the treaty was signed: the alliance
	// did not exist yet (entente.CheckFounded).
	Founded bool `json:"founded"`
}

// Alliance returns the alliance with its member count on day asOf.
func (s *Service) Alliance(ctx context.Context, code string, asOf entente.Date) (*AllianceView, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) (*AllianceView, error) { return allianceView(ctx, r, code, asOf) })
}

// allianceView reads the alliance view from r.
func allianceView(ctx context.Context, r entente.Reader, code string, asOf entente.Date) (*AllianceView, error) {
	a, err := r.FindAlliance(ctx, code)
	if err != nil {
		return nil, err
	}
	ms, err := r.FindMemberships(ctx, entente.Filter{Alliance: code})
	if err != nil {
		return nil, err
	}
	return &AllianceView{Alliance: a, AsOf: asOf, Members: len(entente.MembersOn(ms, asOf)),
		Founded: entente.CheckFounded(a, asOf) == nil}, nil
}

// Members lists the alliance's members on day asOf, in order of accession.
func (s *Service) Members(ctx context.Context, alliance string, asOf entente.Date) ([]Member, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) ([]Member, error) { return members(ctx, r, alliance, asOf) })
}

// members reads the members from r.
func members(ctx context.Context, r entente.Reader, alliance string, asOf entente.Date) ([]Member, error) {
	if _, err := r.FindAlliance(ctx, alliance); err != nil {
		return nil, err
	}
	ms, err := r.FindMemberships(ctx, entente.Filter{Alliance: alliance})
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, m := range ms {
		if m.MemberOn(asOf) {
			codes = append(codes, m.Country)
		}
	}
	countries, err := countriesIn(ctx, r, codes)
	if err != nil {
		return nil, err
	}
	out := []Member{}
	for _, m := range ms {
		if !m.MemberOn(asOf) {
			continue
		}
		c := countries[m.Country]
		mem := Member{Code: m.Country, Name: c.Name, Region: c.Region, Joined: m.Acceded, Founding: m.Founding,
			Status: m.StatusOn(asOf), Wikidata: c.Wikidata, Provenance: m.Provenance}
		if mem.Status == entente.StatusNotice {
			mem.Leaves = m.Withdrawn
		}
		out = append(out, mem)
	}
	slices.SortStableFunc(out, func(a, b Member) int {
		if c := a.Joined.Compare(b.Joined); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

// Partner is a partner of an alliance on a day, with its frameworks.
type Partner struct {
	Code       string             `json:"code"`
	Name       string             `json:"name"`
	Region     string             `json:"region"`
	Frameworks []PartnerFramework `json:"frameworks"`
	Groups     []string           `json:"groups"`
	Programme  string             `json:"programme,omitempty"`
}

// PartnerFramework is one framework a partner belongs to. Its start is the
// partnership's own, or, when the sources give none, the framework's start
// marked as a bound (since_bound names what bounds it).
//
// Status is the partnership's status on the day (entente.PartnershipActive
// or entente.PartnershipSuspended); Suspended is its suspension, if any.
type PartnerFramework struct {
	Code string `json:"code"`
	Name string `json:"name"`
	entente.Start
	Status    string         `json:"status"`
	Suspended entente.Period `json:"suspended,omitzero"`
	entente.Provenance
}

// SuspendedIn reports whether the partner's partnership in framework code
// was suspended on the day.
func (p Partner) SuspendedIn(code string) bool {
	for _, f := range p.Frameworks {
		if f.Code == code {
			return f.Status == entente.PartnershipSuspended
		}
	}
	return false
}

// partnershipStatus is the status on day d of partnership p, which is in
// force that day.
func partnershipStatus(p *entente.Partnership, d entente.Date) string {
	if entente.SuspendedOn(p, d) {
		return entente.PartnershipSuspended
	}
	return entente.PartnershipActive
}

// calendar is an alliance with its frameworks: what the in-force rules
// (entente.PartnershipOn, GroupOn) need to answer for a day.
type calendar struct {
	alliance   *entente.Alliance
	frameworks map[string]*entente.Framework
}

func newCalendar(ctx context.Context, r entente.Reader, alliance string) (calendar, error) {
	a, err := r.FindAlliance(ctx, alliance)
	if err != nil {
		return calendar{}, err
	}
	fws, err := r.FindFrameworks(ctx, entente.Filter{Alliance: alliance})
	if err != nil {
		return calendar{}, err
	}
	c := calendar{alliance: a, frameworks: map[string]*entente.Framework{}}
	for i := range fws {
		c.frameworks[fws[i].Code] = &fws[i]
	}
	return c, nil
}

// partnershipOn reports whether p was in force on day d, and when it began.
func (c calendar) partnershipOn(p *entente.Partnership, d entente.Date) (bool, entente.Start) {
	f := c.frameworks[p.Framework]
	return entente.PartnershipOn(p, f, c.alliance, d), entente.PartnershipStart(p, f, c.alliance)
}

// frameworkName is the name of the framework code, or the code if unknown.
func (c calendar) frameworkName(code string) string {
	if f := c.frameworks[code]; f != nil {
		return f.Name
	}
	return code
}

func (c calendar) groupOn(g *entente.Group, d entente.Date) bool {
	return entente.GroupOn(g, c.alliance, d)
}

// Partners lists the alliance's partners on day asOf, by name.
func (s *Service) Partners(ctx context.Context, alliance string, asOf entente.Date) ([]Partner, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) ([]Partner, error) { return partners(ctx, r, alliance, asOf) })
}

// partners reads the partners from r.
func partners(ctx context.Context, r entente.Reader, alliance string, asOf entente.Date) ([]Partner, error) {
	cal, err := newCalendar(ctx, r, alliance)
	if err != nil {
		return nil, err
	}
	ps, err := r.FindPartnerships(ctx, entente.Filter{Alliance: alliance})
	if err != nil {
		return nil, err
	}
	groups, err := r.FindGroups(ctx, entente.Filter{Alliance: alliance})
	if err != nil {
		return nil, err
	}
	progs, err := r.FindProgrammes(ctx, entente.Filter{Alliance: alliance})
	if err != nil {
		return nil, err
	}
	countries, err := countriesByCode(ctx, r)
	if err != nil {
		return nil, err
	}
	byCode := map[string]*Partner{}
	var out []*Partner
	for _, p := range ps {
		on, start := cal.partnershipOn(&p, asOf)
		if !on {
			continue
		}
		pt := byCode[p.Country]
		if pt == nil {
			c := countries[p.Country]
			pt = &Partner{Code: c.Code, Name: c.Name, Region: c.Region, Groups: []string{}}
			byCode[p.Country] = pt
			out = append(out, pt)
		}
		pt.Frameworks = append(pt.Frameworks, PartnerFramework{Code: p.Framework, Name: cal.frameworkName(p.Framework), Start: start,
			Status: partnershipStatus(&p, asOf), Suspended: p.Suspended, Provenance: p.Provenance})
	}
	for _, g := range groups {
		if !cal.groupOn(&g, asOf) {
			continue
		}
		for _, c := range g.Members {
			if pt := byCode[c]; pt != nil {
				pt.Groups = append(pt.Groups, g.Code)
			}
		}
	}
	for _, pt := range out {
		var mine []entente.Programme
		for _, p := range progs {
			if p.Partner == pt.Code {
				mine = append(mine, p)
			}
		}
		if p := entente.ActiveProgrammeOn(mine, asOf); p != nil {
			pt.Programme = p.ID
		}
	}
	slices.SortFunc(out, func(a, b *Partner) int { return strings.Compare(a.Name, b.Name) })
	res := make([]Partner, len(out))
	for i, p := range out {
		res[i] = *p
	}
	return res, nil
}

// CheckAccession answers whether country may be invited to join alliance on
// day asOf.
func (s *Service) CheckAccession(ctx context.Context, alliance, code string, asOf entente.Date) (entente.Verdict, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) (entente.Verdict, error) { return checkAccession(ctx, r, alliance, code, asOf) })
}

// checkAccession reads the verdict from r.
func checkAccession(ctx context.Context, r entente.Reader, alliance, code string, asOf entente.Date) (entente.Verdict, error) {
	a, err := r.FindAlliance(ctx, alliance)
	if err != nil {
		return entente.Verdict{}, err
	}
	c, err := country(ctx, r, code)
	if err != nil {
		return entente.Verdict{}, err
	}
	ms, err := r.FindMemberships(ctx, entente.Filter{Alliance: alliance})
	if err != nil {
		return entente.Verdict{}, err
	}
	return entente.CheckAccession(a, c, ms, asOf), nil
}
