package service

import (
	"context"
	"slices"

	"github.com/entente/entente"
)

// TimelineItem is one thing on the timeline: a span (a programme, a
// deployment) or a point (an accession, a summit). It names the record it
// stands for; how it is labelled and linked is the web's business.
type TimelineItem struct {
	Kind string `json:"kind"` // membership, programme, deployment, summit
	// Ref is the record's key: the country's ISO3 code (membership), the
	// programme's id, the operation's code (deployment), the meeting's id
	// (summit).
	Ref string `json:"ref"`
	// Name is the country (membership, programme), the theatre or the
	// operation (deployment) or the host city (summit).
	Name string `json:"name"`
	// Type is the programme's type (IPCP, ITPP, ...), for a programme.
	Type string       `json:"type,omitempty"`
	From entente.Date `json:"from"`
	To   entente.Date `json:"to,omitzero"` // zero for a point, or a span still open
	Span bool         `json:"span"`
	entente.Provenance
}

// Timeline is the alliance's memberships, programmes, deployments and
// summits on one axis, for one country or for all.
type Timeline struct {
	AsOf    entente.Date   `json:"as_of"`
	Country string         `json:"country,omitempty"`
	Name    string         `json:"name,omitempty"`
	Items   []TimelineItem `json:"items"`
}

// TimelineKinds are the kinds of item, in the order the timeline draws them.
var TimelineKinds = []string{"membership", "programme", "deployment", "summit"}

// Timeline gathers the timeline of alliance up to day asOf; with country set
// (ISO3) only that country's accession, programmes, deployments and the
// meetings it was invited to.
func (s *Service) Timeline(ctx context.Context, alliance, country string, asOf entente.Date) (*Timeline, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) (*Timeline, error) { return timeline(ctx, r, alliance, country, asOf) })
}

// timeline gathers the timeline from r.
func timeline(ctx context.Context, r entente.Reader, alliance, country string, asOf entente.Date) (*Timeline, error) {
	tl := &Timeline{AsOf: asOf, Country: country, Items: []TimelineItem{}}
	countries, err := countriesByCode(ctx, r)
	if err != nil {
		return nil, err
	}
	if country != "" {
		c, err := checkedCountry(ctx, r, country)
		if err != nil {
			return nil, err
		}
		tl.Name = c.Name
	}
	f := entente.Filter{Alliance: alliance, Country: country}
	ms, err := r.FindMemberships(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.Acceded.IsZero() || !m.Acceded.OnOrBefore(asOf) {
			continue
		}
		tl.Items = append(tl.Items, TimelineItem{Kind: "membership", Ref: m.Country, Name: countries[m.Country].Name,
			From: m.Acceded, Provenance: m.Provenance})
	}
	progs, err := r.FindProgrammes(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, p := range progs {
		if p.Agreed.IsZero() || !p.Agreed.OnOrBefore(asOf) {
			continue
		}
		it := TimelineItem{Kind: "programme", Ref: p.ID, Name: countries[p.Partner].Name, Type: p.Type,
			From: p.Agreed, To: p.Period.To, Span: true, Provenance: p.Provenance}
		if q := entente.SuccessorOn(&p, progs, asOf); q != nil {
			it.To = q.TakesEffect()
		}
		tl.Items = append(tl.Items, it)
	}
	cs, err := r.FindContributions(ctx, entente.Filter{Country: country})
	if err != nil {
		return nil, err
	}
	if country != "" {
		for _, c := range cs {
			if !c.From.OnOrBefore(asOf) {
				continue
			}
			tl.Items = append(tl.Items, TimelineItem{Kind: "deployment", Ref: c.Operation, Name: Theatre(c.Theatre),
				From: c.From, To: c.To, Span: true, Provenance: c.Provenance})
		}
	} else {
		ops, err := r.FindOperations(ctx, entente.Filter{Alliance: alliance})
		if err != nil {
			return nil, err
		}
		for _, o := range ops {
			if !o.From.OnOrBefore(asOf) {
				continue
			}
			tl.Items = append(tl.Items, TimelineItem{Kind: "deployment", Ref: o.Code, Name: o.Code,
				From: o.From, To: o.To, Span: true, Provenance: o.Provenance})
		}
	}
	meetings, err := r.FindMeetings(ctx, entente.Filter{Alliance: alliance})
	if err != nil {
		return nil, err
	}
	invited := map[string]bool{}
	if country != "" {
		ins, err := r.FindInvitations(ctx, entente.Filter{Country: country})
		if err != nil {
			return nil, err
		}
		for _, in := range ins {
			invited[in.Meeting] = true
		}
	}
	for _, m := range meetings {
		if !m.From.OnOrBefore(asOf) || (country != "" && !invited[m.ID]) {
			continue
		}
		tl.Items = append(tl.Items, TimelineItem{Kind: "summit", Ref: m.ID, Name: m.City,
			From: m.From, Provenance: m.Provenance})
	}
	slices.SortStableFunc(tl.Items, func(a, b TimelineItem) int {
		ka, kb := slices.Index(TimelineKinds, a.Kind), slices.Index(TimelineKinds, b.Kind)
		if ka != kb {
			return ka - kb
		}
		return a.From.Compare(b.From)
	})
	return tl, nil
}

// checkedCountry is country, for functions whose country parameter hides
// it.
func checkedCountry(ctx context.Context, r entente.Reader, code string) (*entente.Country, error) {
	return country(ctx, r, code)
}
