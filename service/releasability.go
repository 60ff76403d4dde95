package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/entente/entente"
)

// This file enforces releasability (issue 9, item 6) once, for every read:
// each query reads the store through the Reader released returns, which
// leaves out every record the principal in the request's context may not
// see (entente.Principal.MaySee), and every record under a programme,
// operation or meeting it may not see. A single find of a hidden record
// answers the store's own ENOTFOUND, word for word; lists, and so the
// counts, charts, timelines, progress, diffs and exports built from them,
// are what they would be had the hidden records never been written.

// released returns r as p may read it: r itself for staff and admins, who
// see everything, else a Reader that filters every find.
func released(r entente.Reader, p *entente.Principal) entente.Reader {
	if p.SeesAll() {
		return r
	}
	return &releasedReader{Reader: r, p: p}
}

// reader is the store as the principal in ctx may read it, for reads made
// outside view (single finds with no snapshot to share).
func (s *Service) reader(ctx context.Context) entente.Reader {
	return released(s.Store, entente.PrincipalFrom(ctx))
}

// releasedReader filters a Reader's finds for a principal that does not see
// everything. Its embedded Reader answers the finds of what carries no
// marking (sources asked for by id, accounts, the audit chain; the use
// cases that read those check their principal themselves).
type releasedReader struct {
	entente.Reader
	p *entente.Principal
	// hiddenParents maps "programme:ID", "operation:CODE" and
	// "meeting:ID" to true for each the principal may not see, and each
	// kind ("programme") to true once its records were read (a
	// releasedReader lives for one view or one find).
	hiddenParents map[string]bool
}

// visible returns the records of xs p may see, in order, in a slice of
// its own: xs is left as it was.
func visible[T any](p *entente.Principal, xs []T, marking func(*T) entente.Releasability) []T {
	if xs == nil {
		return nil
	}
	return keepVisible(p, slices.Clone(xs), marking)
}

// keepVisible is visible for a slice that is the caller's own (fresh from
// a find): it filters xs in place, and returns it whole, copying nothing,
// when p may see all of it, as most principals may.
func keepVisible[T any](p *entente.Principal, xs []T, marking func(*T) entente.Releasability) []T {
	out := xs[:0]
	for i := range xs {
		switch {
		case !p.MaySee(marking(&xs[i])):
		case len(out) == i:
			out = out[:i+1] // in its place already
		default:
			out = append(out, xs[i])
		}
	}
	return out
}

// hidden reports whether the parent record kind:key (a programme,
// operation or meeting) is one the principal may not see. A parent is read
// alone the first time it is asked about (a single find names one), unless
// all the markings of its kind were read for a list (readParents).
func (r *releasedReader) hidden(ctx context.Context, kind, key string) (bool, error) {
	if key == "" {
		return false, nil
	}
	if r.hiddenParents == nil {
		r.hiddenParents = map[string]bool{}
	}
	k := kind + ":" + key
	if h, ok := r.hiddenParents[k]; ok || r.hiddenParents[kind] {
		return h, nil
	}
	if err := r.readParents(ctx, kind, key); err != nil {
		return false, err
	}
	return r.hiddenParents[k], nil
}

// readParents notes which records of kind the principal may not see: the
// one named key, or all of them when key is "" (then kind itself is noted
// as read). A key that names no record is not hidden.
func (r *releasedReader) readParents(ctx context.Context, kind, key string) error {
	if r.hiddenParents == nil {
		r.hiddenParents = map[string]bool{}
	}
	h, f := r.hiddenParents, entente.Filter{ID: key}
	var err error
	switch kind {
	case "programme":
		var ps []entente.Programme
		ps, err = r.Reader.FindProgrammes(ctx, f)
		for _, p := range ps {
			h["programme:"+p.ID] = !r.p.MaySee(p.Releasability)
		}
	case "operation":
		var os []entente.Operation
		os, err = r.Reader.FindOperations(ctx, f)
		for _, o := range os {
			h["operation:"+o.Code] = !r.p.MaySee(o.Releasability)
		}
	case "meeting":
		var ms []entente.Meeting
		ms, err = r.Reader.FindMeetings(ctx, f)
		for _, m := range ms {
			h["meeting:"+m.ID] = !r.p.MaySee(m.Releasability)
		}
	default:
		return fmt.Errorf("releasability: no parent kind %q", kind)
	}
	if err != nil {
		return err
	}
	if key == "" {
		h[kind] = true
	} else if _, ok := h[kind+":"+key]; !ok {
		h[kind+":"+key] = false
	}
	return nil
}

// parentsReadAlone is how many distinct parents a list may name before
// their markings are read in one find of the whole kind.
const parentsReadAlone = 4

// under returns the records of xs the principal may see whose parent (a
// programme, operation or meeting, named by parent) it may see too.
func under[T any](ctx context.Context, r *releasedReader, xs []T, err error, kind string, parent func(*T) string, marking func(*T) entente.Releasability) ([]T, error) {
	if err != nil {
		return nil, err
	}
	xs = visible(r.p, xs, marking)
	if !r.hiddenParents[kind] {
		keys := map[string]bool{}
		for i := range xs {
			if keys[parent(&xs[i])] = true; len(keys) > parentsReadAlone {
				if err := r.readParents(ctx, kind, ""); err != nil {
					return nil, err
				}
				break
			}
		}
	}
	out := xs[:0]
	for i := range xs {
		h, err := r.hidden(ctx, kind, parent(&xs[i]))
		if err != nil {
			return nil, err
		}
		if !h {
			out = append(out, xs[i])
		}
	}
	return out, nil
}

func (r *releasedReader) FindCountry(ctx context.Context, code string) (*entente.Country, error) {
	c, err := r.Reader.FindCountry(ctx, code)
	if err == nil && !r.p.MaySee(c.Releasability) {
		return nil, entente.ErrUnknownCountry(code)
	}
	return c, err
}

func (r *releasedReader) FindCountries(ctx context.Context) ([]entente.Country, error) {
	cs, err := r.Reader.FindCountries(ctx)
	return keepVisible(r.p, cs, func(c *entente.Country) entente.Releasability { return c.Releasability }), err
}

// alliance returns a, with only the articles the principal may see, or
// false if it may not see a.
func (r *releasedReader) alliance(a entente.Alliance) (entente.Alliance, bool) {
	if !r.p.MaySee(a.Releasability) {
		return a, false
	}
	a.Articles = visible(r.p, a.Articles, func(x *entente.Article) entente.Releasability { return x.Releasability })
	return a, true
}

func (r *releasedReader) FindAlliance(ctx context.Context, code string) (*entente.Alliance, error) {
	a, err := r.Reader.FindAlliance(ctx, code)
	if err != nil {
		return nil, err
	}
	v, ok := r.alliance(*a)
	if !ok {
		return nil, entente.ErrUnknownAlliance(code)
	}
	return &v, nil
}

func (r *releasedReader) FindAlliances(ctx context.Context) ([]entente.Alliance, error) {
	as, err := r.Reader.FindAlliances(ctx)
	out := []entente.Alliance{}
	for _, a := range as {
		if v, ok := r.alliance(a); ok {
			out = append(out, v)
		}
	}
	return out, err
}

func (r *releasedReader) FindMemberships(ctx context.Context, f entente.Filter) ([]entente.Membership, error) {
	ms, err := r.Reader.FindMemberships(ctx, f)
	return keepVisible(r.p, ms, func(m *entente.Membership) entente.Releasability { return m.Releasability }), err
}

func (r *releasedReader) FindFrameworks(ctx context.Context, f entente.Filter) ([]entente.Framework, error) {
	fs, err := r.Reader.FindFrameworks(ctx, f)
	return keepVisible(r.p, fs, func(x *entente.Framework) entente.Releasability { return x.Releasability }), err
}

func (r *releasedReader) FindPartnerships(ctx context.Context, f entente.Filter) ([]entente.Partnership, error) {
	ps, err := r.Reader.FindPartnerships(ctx, f)
	return keepVisible(r.p, ps, func(x *entente.Partnership) entente.Releasability { return x.Releasability }), err
}

func (r *releasedReader) FindGroups(ctx context.Context, f entente.Filter) ([]entente.Group, error) {
	gs, err := r.Reader.FindGroups(ctx, f)
	return keepVisible(r.p, gs, func(x *entente.Group) entente.Releasability { return x.Releasability }), err
}

func (r *releasedReader) FindAreas(ctx context.Context) ([]entente.Area, error) {
	as, err := r.Reader.FindAreas(ctx)
	return keepVisible(r.p, as, func(x *entente.Area) entente.Releasability { return x.Releasability }), err
}

// FindProgrammes leaves out the programmes the principal may not see, and
// the link from a programme it sees to one it does not (Supersedes).
func (r *releasedReader) FindProgrammes(ctx context.Context, f entente.Filter) ([]entente.Programme, error) {
	ps, err := r.Reader.FindProgrammes(ctx, f)
	if err != nil {
		return nil, err
	}
	ps = keepVisible(r.p, ps, func(x *entente.Programme) entente.Releasability { return x.Releasability })
	for i := range ps {
		h, err := r.hidden(ctx, "programme", ps[i].Supersedes)
		if err != nil {
			return nil, err
		}
		if h {
			ps[i].Supersedes = ""
		}
	}
	return ps, nil
}

func (r *releasedReader) FindOperations(ctx context.Context, f entente.Filter) ([]entente.Operation, error) {
	os, err := r.Reader.FindOperations(ctx, f)
	return keepVisible(r.p, os, func(x *entente.Operation) entente.Releasability { return x.Releasability }), err
}

func (r *releasedReader) FindContributions(ctx context.Context, f entente.Filter) ([]entente.Contribution, error) {
	cs, err := r.Reader.FindContributions(ctx, f)
	return under(ctx, r, cs, err, "operation", func(x *entente.Contribution) string { return x.Operation },
		func(x *entente.Contribution) entente.Releasability { return x.Releasability })
}

func (r *releasedReader) FindMeetings(ctx context.Context, f entente.Filter) ([]entente.Meeting, error) {
	ms, err := r.Reader.FindMeetings(ctx, f)
	return keepVisible(r.p, ms, func(x *entente.Meeting) entente.Releasability { return x.Releasability }), err
}

func (r *releasedReader) FindInvitations(ctx context.Context, f entente.Filter) ([]entente.Invitation, error) {
	is, err := r.Reader.FindInvitations(ctx, f)
	return under(ctx, r, is, err, "meeting", func(x *entente.Invitation) string { return x.Meeting },
		func(x *entente.Invitation) entente.Releasability { return x.Releasability })
}

func (r *releasedReader) FindDefenceEvents(ctx context.Context, f entente.Filter) ([]entente.DefenceEvent, error) {
	es, err := r.Reader.FindDefenceEvents(ctx, f)
	return keepVisible(r.p, es, func(x *entente.DefenceEvent) entente.Releasability { return x.Releasability }), err
}

func (r *releasedReader) FindObjectives(ctx context.Context, programme string) ([]entente.Objective, error) {
	os, err := r.Reader.FindObjectives(ctx, programme)
	return under(ctx, r, os, err, "programme", func(x *entente.Objective) string { return x.Programme },
		func(x *entente.Objective) entente.Releasability { return x.Releasability })
}

func (r *releasedReader) FindGoals(ctx context.Context, programme string) ([]entente.Goal, error) {
	gs, err := r.Reader.FindGoals(ctx, programme)
	return under(ctx, r, gs, err, "programme", func(x *entente.Goal) string { return x.Programme },
		func(x *entente.Goal) entente.Releasability { return x.Releasability })
}

func (r *releasedReader) FindOffers(ctx context.Context, code string) ([]entente.Offer, error) {
	os, err := r.Reader.FindOffers(ctx, code)
	return keepVisible(r.p, os, func(x *entente.Offer) entente.Releasability { return x.Releasability }), err
}

// FindActivities filters before it pages, so that a page holds what it
// would if the hidden ones did not exist, in the store's query: for one
// programme, whose marking is checked first, the activities' own markings;
// across programmes, each activity's and its programme's
// (ActivityFilter.ProgrammeViewed). A page is read as a page.
func (r *releasedReader) FindActivities(ctx context.Context, f entente.ActivityFilter) ([]entente.Activity, error) {
	if h, err := r.hidden(ctx, "programme", f.Programme); err != nil || h {
		return []entente.Activity{}, err
	}
	f.Viewer, f.ProgrammeViewed = r.p, f.Programme == ""
	return r.Reader.FindActivities(ctx, f)
}

// TallyActivities counts what FindActivities would read: for one programme
// in the store's query (the activities' own markings; the programme's is
// checked first), across programmes from the activities it reads.
func (r *releasedReader) TallyActivities(ctx context.Context, f entente.ActivityFilter, day entente.Date) ([]entente.ActivityCount, error) {
	if h, err := r.hidden(ctx, "programme", f.Programme); err != nil || h {
		return []entente.ActivityCount{}, err
	}
	if f.Programme != "" {
		f.Viewer = r.p
		return r.Reader.TallyActivities(ctx, f, day)
	}
	as, err := r.FindActivities(ctx, f)
	if err != nil {
		return nil, err
	}
	return entente.CountOn(as, day), nil
}

// FindActivity reads the activity and checks its marking and its
// programme's in the store's one query (ActivityFilter.ProgrammeViewed):
// the activity page is the most read record of a large store.
func (r *releasedReader) FindActivity(ctx context.Context, id string) (*entente.Activity, error) {
	if id == "" {
		return nil, entente.ErrUnknownActivity(id)
	}
	as, err := r.Reader.FindActivities(ctx, entente.ActivityFilter{ID: id, Viewer: r.p, ProgrammeViewed: true})
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, entente.ErrUnknownActivity(id)
	}
	return &as[0], nil
}

func (r *releasedReader) CountActivities(ctx context.Context, programme string) (int, error) {
	as, err := r.FindActivities(ctx, entente.ActivityFilter{Programme: programme})
	return len(as), err
}

func (r *releasedReader) FindReviews(ctx context.Context, programme string) ([]entente.Review, error) {
	rs, err := r.Reader.FindReviews(ctx, programme)
	return under(ctx, r, rs, err, "programme", func(x *entente.Review) string { return x.Programme },
		func(x *entente.Review) entente.Releasability { return x.Releasability })
}

func (r *releasedReader) FindReview(ctx context.Context, id string) (*entente.Review, error) {
	rv, err := r.Reader.FindReview(ctx, id)
	if err != nil {
		return nil, err
	}
	h, err := r.hidden(ctx, "programme", rv.Programme)
	if err != nil {
		return nil, err
	}
	if h || !r.p.MaySee(rv.Releasability) {
		return nil, entente.ErrUnknownReview(id)
	}
	rv.Snapshot = r.snapshot(rv.Snapshot)
	return rv, nil
}

// snapshot leaves out of a review's snapshot the objectives and goals the
// principal may not see.
func (r *releasedReader) snapshot(s entente.ProgrammeSnapshot) entente.ProgrammeSnapshot {
	s.Objectives = visible(r.p, s.Objectives, func(x *entente.Objective) entente.Releasability { return x.Releasability })
	s.Goals = visible(r.p, s.Goals, func(x *entente.Goal) entente.Releasability { return x.Releasability })
	return s
}

// releasedDataset leaves out of ds every record p may not see, and the
// sources no record left cites, as a store holding only what p sees would
// export it. It is the Export of principals that do not see everything.
func releasedDataset(ctx context.Context, p *entente.Principal, ds *entente.Dataset) (*entente.Dataset, error) {
	if p.SeesAll() {
		return ds, nil
	}
	var err error
	r := &releasedReader{p: p, hiddenParents: map[string]bool{"programme": true, "operation": true, "meeting": true}}
	for _, x := range ds.Programmes {
		r.hiddenParents["programme:"+x.ID] = !p.MaySee(x.Releasability)
	}
	for _, x := range ds.Operations {
		r.hiddenParents["operation:"+x.Code] = !p.MaySee(x.Releasability)
	}
	for _, x := range ds.Meetings {
		r.hiddenParents["meeting:"+x.ID] = !p.MaySee(x.Releasability)
	}
	out := *ds
	out.Countries = visible(p, ds.Countries, func(x *entente.Country) entente.Releasability { return x.Releasability })
	out.Alliances = nil
	for _, a := range ds.Alliances {
		if v, ok := r.alliance(a); ok {
			out.Alliances = append(out.Alliances, v)
		}
	}
	out.Memberships = visible(p, ds.Memberships, func(x *entente.Membership) entente.Releasability { return x.Releasability })
	out.Frameworks = visible(p, ds.Frameworks, func(x *entente.Framework) entente.Releasability { return x.Releasability })
	out.Partnerships = visible(p, ds.Partnerships, func(x *entente.Partnership) entente.Releasability { return x.Releasability })
	out.Groups = visible(p, ds.Groups, func(x *entente.Group) entente.Releasability { return x.Releasability })
	out.Areas = visible(p, ds.Areas, func(x *entente.Area) entente.Releasability { return x.Releasability })
	out.Programmes = visible(p, ds.Programmes, func(x *entente.Programme) entente.Releasability { return x.Releasability })
	for i := range out.Programmes {
		if r.hiddenParents["programme:"+out.Programmes[i].Supersedes] {
			out.Programmes[i].Supersedes = ""
		}
	}
	out.Operations = visible(p, ds.Operations, func(x *entente.Operation) entente.Releasability { return x.Releasability })
	out.Meetings = visible(p, ds.Meetings, func(x *entente.Meeting) entente.Releasability { return x.Releasability })
	out.DefenceEvents = visible(p, ds.DefenceEvents, func(x *entente.DefenceEvent) entente.Releasability { return x.Releasability })
	out.Offers = visible(p, ds.Offers, func(x *entente.Offer) entente.Releasability { return x.Releasability })
	if out.Contributions, err = under(ctx, r, ds.Contributions, nil, "operation", func(x *entente.Contribution) string { return x.Operation },
		func(x *entente.Contribution) entente.Releasability { return x.Releasability }); err != nil {
		return nil, err
	}
	out.Invitations, _ = under(ctx, r, ds.Invitations, nil, "meeting", func(x *entente.Invitation) string { return x.Meeting },
		func(x *entente.Invitation) entente.Releasability { return x.Releasability })
	out.Objectives, _ = under(ctx, r, ds.Objectives, nil, "programme", func(x *entente.Objective) string { return x.Programme },
		func(x *entente.Objective) entente.Releasability { return x.Releasability })
	out.Goals, _ = under(ctx, r, ds.Goals, nil, "programme", func(x *entente.Goal) string { return x.Programme },
		func(x *entente.Goal) entente.Releasability { return x.Releasability })
	out.Activities, _ = under(ctx, r, ds.Activities, nil, "programme", func(x *entente.Activity) string { return x.Programme },
		func(x *entente.Activity) entente.Releasability { return x.Releasability })
	out.Reviews, _ = under(ctx, r, ds.Reviews, nil, "programme", func(x *entente.Review) string { return x.Programme },
		func(x *entente.Review) entente.Releasability { return x.Releasability })
	for i := range out.Reviews {
		out.Reviews[i].Snapshot = r.snapshot(out.Reviews[i].Snapshot)
	}
	// A source only hidden records cite is left out with them; one no
	// record cites stays, as it would in a store without them.
	all, seen := citedSources(ds), citedSources(&out)
	out.Sources = slices.DeleteFunc(slices.Clone(ds.Sources), func(s entente.Source) bool { return all[s.ID] && !seen[s.ID] })
	return &out, nil
}

// citedSources returns the ids of the sources the records of ds cite.
func citedSources(ds *entente.Dataset) map[string]bool {
	cited := map[string]bool{}
	cite := func(p *entente.Provenance) {
		for _, s := range p.Sources {
			cited[s] = true
		}
	}
	linked := func(l *entente.Linked) {
		for _, s := range l.WikidataSources {
			cited[s] = true
		}
	}
	for i := range ds.Countries {
		cite(&ds.Countries[i].Provenance)
		for _, s := range ds.Countries[i].European.Sources {
			cited[s] = true
		}
		linked(&ds.Countries[i].Linked)
	}
	for i := range ds.Alliances {
		cite(&ds.Alliances[i].Provenance)
		linked(&ds.Alliances[i].Linked)
		for j := range ds.Alliances[i].Articles {
			cite(&ds.Alliances[i].Articles[j].Provenance)
		}
	}
	for i := range ds.Memberships {
		cite(&ds.Memberships[i].Provenance)
	}
	for i := range ds.Frameworks {
		cite(&ds.Frameworks[i].Provenance)
		linked(&ds.Frameworks[i].Linked)
	}
	for i := range ds.Partnerships {
		cite(&ds.Partnerships[i].Provenance)
	}
	for i := range ds.Groups {
		cite(&ds.Groups[i].Provenance)
	}
	for i := range ds.Areas {
		cite(&ds.Areas[i].Provenance)
	}
	for i := range ds.Programmes {
		cite(&ds.Programmes[i].Provenance)
	}
	for i := range ds.Operations {
		cite(&ds.Operations[i].Provenance)
		linked(&ds.Operations[i].Linked)
	}
	for i := range ds.Contributions {
		cite(&ds.Contributions[i].Provenance)
	}
	for i := range ds.Meetings {
		cite(&ds.Meetings[i].Provenance)
		linked(&ds.Meetings[i].Linked)
	}
	for i := range ds.Invitations {
		cite(&ds.Invitations[i].Provenance)
	}
	for i := range ds.DefenceEvents {
		cite(&ds.DefenceEvents[i].Provenance)
	}
	for i := range ds.Objectives {
		cite(&ds.Objectives[i].Provenance)
	}
	for i := range ds.Goals {
		cite(&ds.Goals[i].Provenance)
	}
	for i := range ds.Offers {
		cite(&ds.Offers[i].Provenance)
	}
	for i := range ds.Activities {
		cite(&ds.Activities[i].Provenance)
	}
	for i := range ds.Reviews {
		cite(&ds.Reviews[i].Provenance)
	}
	return cited
}
