package service

import (
	"context"
	"slices"

	"github.com/entente/entente"
)

// The Browse queries feed the web pages that list a kind of record with the
// names a reader needs, as of a day.

// Wave is the members who joined on one day.
type Wave struct {
	Date    entente.Date `json:"date"`
	Members []Member     `json:"members"`
	Total   int          `json:"total"` // members after the wave
}

// BrowseWaves groups the alliance's members on day asOf by accession day.
func (s *Service) BrowseWaves(ctx context.Context, alliance string, asOf entente.Date) ([]Wave, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) ([]Wave, error) { return waves(ctx, r, alliance, asOf) })
}

// waves reads it from r.
func waves(ctx context.Context, r entente.Reader, alliance string, asOf entente.Date) ([]Wave, error) {
	ms, err := members(ctx, r, alliance, asOf)
	if err != nil {
		return nil, err
	}
	var out []Wave
	for _, m := range ms {
		if n := len(out); n > 0 && out[n-1].Date == m.Joined {
			out[n-1].Members = append(out[n-1].Members, m)
			out[n-1].Total++
			continue
		}
		total := 1
		if n := len(out); n > 0 {
			total = out[n-1].Total + 1
		}
		out = append(out, Wave{Date: m.Joined, Members: []Member{m}, Total: total})
	}
	return out, nil
}

// Point is the member count from a day on.
type Point struct {
	Date  entente.Date `json:"date"`
	Count int          `json:"count"`
	Who   []string     `json:"who"` // who joined (or left) that day
}

// MembershipSeries is the alliance's member count over time, one point per
// day the count changed, up to asOf.
func (s *Service) MembershipSeries(ctx context.Context, alliance string, asOf entente.Date) ([]Point, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) ([]Point, error) { return membershipSeries(ctx, r, alliance, asOf) })
}

// membershipSeries reads it from r.
func membershipSeries(ctx context.Context, r entente.Reader, alliance string, asOf entente.Date) ([]Point, error) {
	ms, err := r.FindMemberships(ctx, entente.Filter{Alliance: alliance})
	if err != nil {
		return nil, err
	}
	countries, err := countriesByCode(ctx, r)
	if err != nil {
		return nil, err
	}
	type change struct {
		d   entente.Date
		who string
	}
	var days []change
	for _, m := range ms {
		if !m.Acceded.IsZero() && m.Acceded.OnOrBefore(asOf) {
			days = append(days, change{m.Acceded, countries[m.Country].Name})
		}
		if !m.Withdrawn.IsZero() && m.Withdrawn.OnOrBefore(asOf) {
			days = append(days, change{m.Withdrawn, countries[m.Country].Name + " (left)"})
		}
	}
	slices.SortStableFunc(days, func(a, b change) int { return a.d.Compare(b.d) })
	var out []Point
	for _, c := range days {
		if n := len(out); n > 0 && out[n-1].Date == c.d {
			out[n-1].Who = append(out[n-1].Who, c.who)
			continue
		}
		out = append(out, Point{Date: c.d, Who: []string{c.who}})
	}
	for i := range out {
		out[i].Count = len(entente.MembersOn(ms, out[i].Date.Last()))
	}
	return out, nil
}

// GroupView is a partner group with its members' names.
type GroupView struct {
	entente.Group
	Names []string `json:"names"`
}

// FrameworkView is a partnership framework with its partners on the day.
type FrameworkView struct {
	entente.Framework
	Partners []Partner `json:"partners"`
}

// BrowsePartnerships returns the alliance's frameworks with their partners
// and its partner groups that existed on day asOf.
func (s *Service) BrowsePartnerships(ctx context.Context, alliance string, asOf entente.Date) ([]FrameworkView, []GroupView, error) {
	asOf = s.day(asOf)
	var a []FrameworkView
	var b []GroupView
	err := s.Store.View(ctx, func(r entente.Reader) (err error) {
		a, b, err = partnershipViews(ctx, released(r, entente.PrincipalFrom(ctx)), alliance, asOf)
		return err
	})
	return a, b, err
}

// partnershipViews reads it from r.
func partnershipViews(ctx context.Context, r entente.Reader, alliance string, asOf entente.Date) ([]FrameworkView, []GroupView, error) {
	ps, err := partners(ctx, r, alliance, asOf)
	if err != nil {
		return nil, nil, err
	}
	cal, err := newCalendar(ctx, r, alliance)
	if err != nil {
		return nil, nil, err
	}
	fws, err := r.FindFrameworks(ctx, entente.Filter{Alliance: alliance})
	if err != nil {
		return nil, nil, err
	}
	var fv []FrameworkView
	for _, f := range fws {
		if !entente.FrameworkOn(&f, cal.alliance, asOf) {
			continue
		}
		v := FrameworkView{Framework: f}
		for _, p := range ps {
			if slices.ContainsFunc(p.Frameworks, func(pf PartnerFramework) bool { return pf.Code == f.Code }) {
				v.Partners = append(v.Partners, p)
			}
		}
		fv = append(fv, v)
	}
	gs, err := r.FindGroups(ctx, entente.Filter{Alliance: alliance})
	if err != nil {
		return nil, nil, err
	}
	countries, err := countriesByCode(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	var gv []GroupView
	for _, g := range gs {
		if !cal.groupOn(&g, asOf) {
			continue
		}
		v := GroupView{Group: g}
		for _, c := range g.Members {
			v.Names = append(v.Names, countries[c].Name)
		}
		gv = append(gv, v)
	}
	return fv, gv, nil
}

// ProgrammeRow is a programme with its partner's name; its Status is its
// status on the day.
type ProgrammeRow struct {
	entente.Programme
	PartnerName string `json:"partner_name"`
}

// BrowseProgrammes lists the alliance's programmes agreed by day asOf.
func (s *Service) BrowseProgrammes(ctx context.Context, alliance string, asOf entente.Date) ([]ProgrammeRow, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) ([]ProgrammeRow, error) { return programmeRows(ctx, r, alliance, asOf) })
}

// programmeRows reads it from r.
func programmeRows(ctx context.Context, r entente.Reader, alliance string, asOf entente.Date) ([]ProgrammeRow, error) {
	progs, err := r.FindProgrammes(ctx, entente.Filter{Alliance: alliance})
	if err != nil {
		return nil, err
	}
	countries, err := countriesByCode(ctx, r)
	if err != nil {
		return nil, err
	}
	var out []ProgrammeRow
	for _, p := range progs {
		st := entente.ProgrammeStatusOn(&p, progs, asOf)
		if st == "" {
			continue // not yet agreed on the day
		}
		row := ProgrammeRow{Programme: p, PartnerName: countries[p.Partner].Name}
		row.Status = st
		out = append(out, row)
	}
	slices.SortStableFunc(out, func(a, b ProgrammeRow) int {
		if c := a.Agreed.Compare(b.Agreed); c != 0 {
			return c
		}
		return cmpString(a.PartnerName, b.PartnerName)
	})
	return out, nil
}

// OperationView is an operation with its contributors.
type OperationView struct {
	entente.Operation
	Contributors []Contributor `json:"contributors"`
}

// Contributor is a contribution with the country's name.
type Contributor struct {
	entente.Contribution
	Name string `json:"name"`
}

// BrowseOperations lists the alliance's operations begun by day asOf, with
// their contributors, and the contributions recorded by theatre only.
func (s *Service) BrowseOperations(ctx context.Context, alliance string, asOf entente.Date) ([]OperationView, []Contributor, error) {
	asOf = s.day(asOf)
	var a []OperationView
	var b []Contributor
	err := s.Store.View(ctx, func(r entente.Reader) (err error) {
		a, b, err = operationViews(ctx, released(r, entente.PrincipalFrom(ctx)), alliance, asOf)
		return err
	})
	return a, b, err
}

// operationViews reads it from r.
func operationViews(ctx context.Context, r entente.Reader, alliance string, asOf entente.Date) ([]OperationView, []Contributor, error) {
	if _, err := r.FindAlliance(ctx, alliance); err != nil {
		return nil, nil, err // an unknown alliance is not one with none
	}
	ops, err := r.FindOperations(ctx, entente.Filter{Alliance: alliance})
	if err != nil {
		return nil, nil, err
	}
	cs, err := r.FindContributions(ctx, entente.Filter{})
	if err != nil {
		return nil, nil, err
	}
	countries, err := countriesByCode(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	var out []OperationView
	idx := map[string]int{}
	for _, o := range ops {
		if !o.From.OnOrBefore(asOf) {
			continue
		}
		idx[o.Code] = len(out)
		out = append(out, OperationView{Operation: o})
	}
	var loose []Contributor
	for _, c := range cs {
		if !c.From.OnOrBefore(asOf) {
			continue
		}
		ct := Contributor{Contribution: c, Name: countries[c.Country].Name}
		if i, ok := idx[c.Operation]; ok {
			out[i].Contributors = append(out[i].Contributors, ct)
		} else if c.Operation == "" {
			loose = append(loose, ct)
		}
	}
	slices.SortStableFunc(out, func(a, b OperationView) int { return a.From.Compare(b.From) })
	return out, loose, nil
}

// MeetingView is a meeting with its invitations.
type MeetingView struct {
	entente.Meeting
	Invitees []ProfileInvitee `json:"invitees"`
}

// BrowseMeetings lists the alliance's meetings held by day asOf, newest
// first, with the partners invited.
func (s *Service) BrowseMeetings(ctx context.Context, alliance string, asOf entente.Date) ([]MeetingView, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) ([]MeetingView, error) { return meetingViews(ctx, r, alliance, asOf) })
}

// meetingViews reads it from r.
func meetingViews(ctx context.Context, r entente.Reader, alliance string, asOf entente.Date) ([]MeetingView, error) {
	if _, err := r.FindAlliance(ctx, alliance); err != nil {
		return nil, err // an unknown alliance is not one with none
	}
	ms, err := r.FindMeetings(ctx, entente.Filter{Alliance: alliance})
	if err != nil {
		return nil, err
	}
	ins, err := r.FindInvitations(ctx, entente.Filter{})
	if err != nil {
		return nil, err
	}
	countries, err := countriesByCode(ctx, r)
	if err != nil {
		return nil, err
	}
	var out []MeetingView
	for _, m := range ms {
		if !m.From.OnOrBefore(asOf) {
			continue
		}
		v := MeetingView{Meeting: m}
		for _, in := range ins {
			if in.Meeting == m.ID {
				v.Invitees = append(v.Invitees, ProfileInvitee{Country: in.Country, Name: countries[in.Country].Name, Invitation: in})
			}
		}
		out = append(out, v)
	}
	slices.SortStableFunc(out, func(a, b MeetingView) int { return b.From.Compare(a.From) })
	return out, nil
}

// DefenceEventView is a collective-defence event with its requesters' names.
type DefenceEventView struct {
	entente.DefenceEvent
	Names []string `json:"names"`
}

// BrowseDefenceEvents lists the alliance's consultation requests and
// invocations of its collective-defence article by day
// asOf, oldest first.
func (s *Service) BrowseDefenceEvents(ctx context.Context, alliance string, asOf entente.Date) ([]DefenceEventView, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) ([]DefenceEventView, error) { return defenceEventViews(ctx, r, alliance, asOf) })
}

// defenceEventViews reads it from r.
func defenceEventViews(ctx context.Context, r entente.Reader, alliance string, asOf entente.Date) ([]DefenceEventView, error) {
	if _, err := r.FindAlliance(ctx, alliance); err != nil {
		return nil, err // an unknown alliance is not one with none
	}
	evs, err := r.FindDefenceEvents(ctx, entente.Filter{Alliance: alliance})
	if err != nil {
		return nil, err
	}
	countries, err := countriesByCode(ctx, r)
	if err != nil {
		return nil, err
	}
	var out []DefenceEventView
	for _, e := range evs {
		if !e.Date.OnOrBefore(asOf) {
			continue
		}
		v := DefenceEventView{DefenceEvent: e}
		for _, c := range e.Requesters {
			v.Names = append(v.Names, countries[c].Name)
		}
		out = append(out, v)
	}
	slices.SortStableFunc(out, func(a, b DefenceEventView) int { return a.Date.Compare(b.Date) })
	return out, nil
}

// Sources returns the sources ids name (every one when ids is empty) that
// the principal in ctx may read, as BrowseSources.
func (s *Service) Sources(ctx context.Context, ids []string) ([]entente.Source, error) {
	if entente.PrincipalFrom(ctx).SeesAll() {
		if len(ids) == 0 {
			ids = nil
		}
		return s.Store.FindSources(ctx, ids)
	}
	srcs, err := s.BrowseSources(ctx)
	if err != nil || len(ids) == 0 {
		return srcs, err
	}
	return slices.DeleteFunc(srcs, func(src entente.Source) bool { return !slices.Contains(ids, src.ID) }), nil
}

// BrowseSources lists every source, but those that only records hidden
// from the principal in ctx cite (see Export, which it reads for them).
func (s *Service) BrowseSources(ctx context.Context) ([]entente.Source, error) {
	if entente.PrincipalFrom(ctx).SeesAll() {
		return s.Store.FindSources(ctx, nil)
	}
	ds, err := s.Export(ctx)
	if err != nil {
		return nil, err
	}
	return ds.Sources, nil
}

// BrowseCountries lists every country the principal in ctx may see.
func (s *Service) BrowseCountries(ctx context.Context) ([]entente.Country, error) {
	return view(ctx, s, func(r entente.Reader) ([]entente.Country, error) { return r.FindCountries(ctx) })
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
