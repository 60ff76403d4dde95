package service

import (
	"cmp"
	"context"
	"slices"

	"github.com/entente/entente"
)

// CountryView is everything entente knows about one country on a day:
// memberships, partnerships, groups, programmes, contributions, invitations
// and collective-defence events, each with its sources, and the sources
// themselves.
type CountryView struct {
	*entente.Country
	AsOf          entente.Date           `json:"as_of"`
	Memberships   []CountryMembership    `json:"memberships"`
	Partnerships  []CountryPartnership   `json:"partnerships"`
	Groups        []string               `json:"groups"`
	GroupDetails  []entente.Group        `json:"group_details"`
	Programmes    []CountryProgramme     `json:"programmes"`
	Contributions []CountryContribution  `json:"contributions"`
	Invitations   []CountryInvitation    `json:"invitations"`
	DefenceEvents []entente.DefenceEvent `json:"defence_events"`
	Sources       []entente.Source       `json:"source_list"`
}

// CountryMembership is the country's membership of an alliance on the day.
type CountryMembership struct {
	entente.Membership
	Status entente.MembershipStatus `json:"status"`
}

// CountryPartnership is a partnership with its framework's name and its
// start: its own, or its framework's marked as a bound (since_bound).
// Status is its status on the day (active or suspended).
type CountryPartnership struct {
	entente.Partnership
	entente.Start
	FrameworkName string `json:"framework_name"`
	Status        string `json:"status"`
}

// CountryProgramme is a programme as it stood on the day: Status is its
// status that day.
type CountryProgramme struct {
	entente.Programme
	// SupersededBy is the programme that took effect after this one, by the
	// day.
	SupersededBy string `json:"superseded_by,omitempty"`
}

// CountryContribution is a contribution with its operation's name.
type CountryContribution struct {
	entente.Contribution
	OperationName string `json:"operation_name,omitempty"`
}

// CountryInvitation is an invitation with its meeting's name and year.
type CountryInvitation struct {
	entente.Invitation
	MeetingName string       `json:"meeting_name"`
	Year        int          `json:"year"`
	Date        entente.Date `json:"date"`
	City        string       `json:"city"`
}

// Country returns everything about one country on day asOf, read from one
// snapshot of the store.
func (s *Service) Country(ctx context.Context, code string, asOf entente.Date) (*CountryView, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) (*CountryView, error) { return countryView(ctx, r, code, asOf) })
}

// countryView gathers the country view from r.
func countryView(ctx context.Context, r entente.Reader, code string, asOf entente.Date) (*CountryView, error) {
	c, err := country(ctx, r, code)
	if err != nil {
		return nil, err
	}
	v := &CountryView{Country: c, AsOf: asOf, Memberships: []CountryMembership{}, Partnerships: []CountryPartnership{},
		Groups: []string{}, GroupDetails: []entente.Group{}, Programmes: []CountryProgramme{}, Contributions: []CountryContribution{},
		Invitations: []CountryInvitation{}, DefenceEvents: []entente.DefenceEvent{}}
	f := entente.Filter{Country: code}
	cited := slices.Concat(c.Sources, c.WikidataSources)

	ms, err := r.FindMemberships(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if st := m.StatusOn(asOf); st != "" {
			v.Memberships = append(v.Memberships, CountryMembership{Membership: m, Status: st})
			cited = append(cited, m.Sources...)
		}
	}

	ps, err := r.FindPartnerships(ctx, f)
	if err != nil {
		return nil, err
	}
	cals := map[string]calendar{}
	calOf := func(alliance string) (calendar, error) {
		if c, ok := cals[alliance]; ok {
			return c, nil
		}
		c, err := newCalendar(ctx, r, alliance)
		cals[alliance] = c
		return c, err
	}
	for _, p := range ps {
		cal, err := calOf(p.Alliance)
		if err != nil {
			return nil, err
		}
		on, start := cal.partnershipOn(&p, asOf)
		if !on {
			continue
		}
		v.Partnerships = append(v.Partnerships, CountryPartnership{Partnership: p, Start: start, FrameworkName: cal.frameworkName(p.Framework),
			Status: partnershipStatus(&p, asOf)})
		cited = append(cited, p.Sources...)
	}

	gs, err := r.FindGroups(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		cal, err := calOf(g.Alliance)
		if err != nil {
			return nil, err
		}
		if cal.groupOn(&g, asOf) {
			v.Groups = append(v.Groups, g.Code)
			v.GroupDetails = append(v.GroupDetails, g)
			cited = append(cited, g.Sources...)
		}
	}

	progs, err := r.FindProgrammes(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, p := range progs {
		st := entente.ProgrammeStatusOn(&p, progs, asOf)
		if st == "" {
			continue // not yet agreed on the day
		}
		cp := CountryProgramme{Programme: p}
		cp.Status = st
		if q := entente.SuccessorOn(&p, progs, asOf); q != nil {
			cp.SupersededBy = q.ID
		}
		v.Programmes = append(v.Programmes, cp)
		cited = append(cited, p.Sources...)
	}
	slices.SortStableFunc(v.Programmes, func(a, b CountryProgramme) int { return a.Agreed.Compare(b.Agreed) })

	cs, err := r.FindContributions(ctx, f)
	if err != nil {
		return nil, err
	}
	ops := map[string]string{}
	if len(cs) > 0 {
		all, err := r.FindOperations(ctx, entente.Filter{})
		if err != nil {
			return nil, err
		}
		for _, o := range all {
			ops[o.Code] = o.Name
		}
	}
	for _, ct := range cs {
		if !ct.From.OnOrBefore(asOf) {
			continue
		}
		v.Contributions = append(v.Contributions, CountryContribution{Contribution: ct, OperationName: ops[ct.Operation]})
		cited = append(cited, ct.Sources...)
	}
	// By start; on the same start, a contribution to a named operation
	// before one the source gives only a theatre for.
	slices.SortStableFunc(v.Contributions, func(a, b CountryContribution) int {
		return cmp.Or(a.From.Compare(b.From), cmp.Compare(boolRank(a.Operation == ""), boolRank(b.Operation == "")))
	})

	ins, err := r.FindInvitations(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(ins) > 0 {
		meetings, err := r.FindMeetings(ctx, entente.Filter{})
		if err != nil {
			return nil, err
		}
		byID := map[string]entente.Meeting{}
		for _, m := range meetings {
			byID[m.ID] = m
		}
		for _, in := range ins {
			m := byID[in.Meeting]
			if !m.From.OnOrBefore(asOf) {
				continue
			}
			v.Invitations = append(v.Invitations, CountryInvitation{Invitation: in, MeetingName: m.Name, Year: m.From.Year, Date: m.From, City: m.City})
			cited = append(cited, in.Sources...)
		}
		slices.SortStableFunc(v.Invitations, func(a, b CountryInvitation) int { return a.Date.Compare(b.Date) })
	}

	evs, err := r.FindDefenceEvents(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		if e.Date.OnOrBefore(asOf) {
			v.DefenceEvents = append(v.DefenceEvents, e)
			cited = append(cited, e.Sources...)
		}
	}
	slices.SortStableFunc(v.DefenceEvents, func(a, b entente.DefenceEvent) int { return a.Date.Compare(b.Date) })

	slices.Sort(cited)
	v.Sources, err = r.FindSources(ctx, slices.Compact(cited)) // a country always cites one
	if err != nil {
		return nil, err
	}
	return v, nil
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
