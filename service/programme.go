package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/entente/entente"
)

// ProgrammeView is a programme as it stood on a day: its status that day
// (Programme.Status, the one status field; see entente.ProgrammeStatusOn),
// its structure, its activity count, its progress and its reviews.
type ProgrammeView struct {
	entente.Programme
	AsOf         entente.Date        `json:"as_of"`
	SupersededBy string              `json:"superseded_by,omitempty"`
	AreaNames    map[string]string   `json:"area_names"`
	Objectives   []entente.Objective `json:"objectives"`
	Goals        []entente.Goal      `json:"goals"`
	// ObjectiveVersions and GoalVersions give, by code, the version of
	// each objective and goal (entente.Version of the record as listed
	// here), for a change of one to name (If-Match).
	ObjectiveVersions map[string]string         `json:"objective_versions"`
	GoalVersions      map[string]string         `json:"goal_versions"`
	Activities        int                       `json:"activity_count"` // proposed by the day
	Reviews           []ReviewSummary           `json:"reviews"`
	Progress          entente.ProgrammeProgress `json:"progress"`
}

// ReviewSummary is a review without its snapshot.
type ReviewSummary struct {
	ID   string       `json:"id"`
	Date entente.Date `json:"date"`
	Note string       `json:"note,omitempty"`
}

// programme finds one programme by id.
func programme(ctx context.Context, r entente.Reader, id string) (*entente.Programme, error) {
	ps, err := r.FindProgrammes(ctx, entente.Filter{ID: id})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, entente.Errorf(entente.ENOTFOUND, "unknown programme %q: programmes are named by id, e.g. NZL-ITPP-2024", id)
	}
	return &ps[0], nil
}

// ProgrammesOf returns a partner's programmes (ISO3), or the one programme
// named by an id, oldest first, each as it stood on day asOf, read from one
// snapshot of the store. A programme not yet agreed on the day is left out.
func (s *Service) ProgrammesOf(ctx context.Context, partnerOrID string, asOf entente.Date) ([]ProgrammeView, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) ([]ProgrammeView, error) {
		if !entente.ValidCountryCode(partnerOrID) {
			v, err := programmeView(ctx, r, partnerOrID, asOf, MaxOverdueListed)
			if err != nil {
				return nil, err
			}
			return []ProgrammeView{*v}, nil
		}
		if _, err := r.FindCountry(ctx, partnerOrID); err != nil {
			return nil, err
		}
		all, err := r.FindProgrammes(ctx, entente.Filter{Country: partnerOrID})
		if err != nil {
			return nil, err
		}
		slices.SortStableFunc(all, func(a, b entente.Programme) int { return a.Agreed.Compare(b.Agreed) })
		var ps []entente.Programme
		for _, p := range all {
			if entente.ProgrammeStatusOn(&p, all, asOf) != "" { // else not yet agreed: it does not exist yet
				ps = append(ps, p)
			}
		}
		return programmeViews(ctx, r, ps, all, asOf, MaxOverdueListed)
	})
}

// Programme returns one programme as it stood on day asOf, read from one
// snapshot of the store; ENOTFOUND if it was not yet agreed that day.
func (s *Service) Programme(ctx context.Context, id string, asOf entente.Date) (*ProgrammeView, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) (*ProgrammeView, error) {
		return programmeView(ctx, r, id, asOf, MaxOverdueListed)
	})
}

// ProgrammeActivities returns a programme's view, as Programme, with the
// first limit of its activities in id order, read from one snapshot, so
// that a page's list and its counts agree whatever is written meanwhile.
func (s *Service) ProgrammeActivities(ctx context.Context, id string, asOf entente.Date, limit int) (*ProgrammeView, []entente.Activity, error) {
	asOf = s.day(asOf)
	type both struct {
		v    *ProgrammeView
		acts []entente.Activity
	}
	b, err := view(ctx, s, func(r entente.Reader) (both, error) {
		v, err := programmeView(ctx, r, id, asOf, MaxOverdueListed)
		if err != nil {
			return both{}, err
		}
		acts, err := r.FindActivities(ctx, entente.ActivityFilter{Programme: v.ID, Limit: limit})
		return both{v, acts}, err
	})
	return b.v, b.acts, err
}

// MaxOverdueListed bounds the overdue activities a programme's view lists
// (Progress.Overdue holds the ones due longest ago; Progress.OverdueCount
// counts them all): a programme of tens of thousands of activities can have
// thousands overdue. Progress lists them all.
const MaxOverdueListed = 50

// Progress returns a programme's progress on day asOf with every overdue
// item listed, read from one snapshot of the store; ENOTFOUND as for
// Programme.
func (s *Service) Progress(ctx context.Context, id string, asOf entente.Date) (*entente.ProgrammeProgress, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) (*entente.ProgrammeProgress, error) {
		v, err := programmeView(ctx, r, id, asOf, 0)
		if err != nil {
			return nil, err
		}
		return &v.Progress, nil
	})
}

// programmeView reads programme id and the programmes of its partner, and
// builds its view.
func programmeView(ctx context.Context, r entente.Reader, id string, asOf entente.Date, overdue int) (*ProgrammeView, error) {
	p, err := programme(ctx, r, id)
	if err != nil {
		return nil, err
	}
	siblings, err := r.FindProgrammes(ctx, entente.Filter{Alliance: p.Alliance, Country: p.Partner})
	if err != nil {
		return nil, err
	}
	if entente.ProgrammeStatusOn(p, siblings, asOf) == "" {
		return nil, entente.Errorf(entente.ENOTFOUND, "programme %s was agreed %s; on %s it did not exist yet", p.ID, p.Agreed, asOf)
	}
	vs, err := programmeViews(ctx, r, []entente.Programme{*p}, siblings, asOf, overdue)
	if err != nil {
		return nil, err
	}
	return &vs[0], nil
}

// programmeViews builds the views of ps, all agreed by asOf and all of one
// partner, whose programmes are siblings. The areas, objectives, goals and
// reviews are read once for all of ps; the activities, which a generated
// store holds by the hundred thousand, are counted in the store's query one
// programme at a time, and at most overdue of the overdue ones read (all
// when overdue is 0).
func programmeViews(ctx context.Context, r entente.Reader, ps, siblings []entente.Programme, asOf entente.Date, overdue int) ([]ProgrammeView, error) {
	out := []ProgrammeView{}
	if len(ps) == 0 {
		return out, nil
	}
	areas, err := r.FindAreas(ctx)
	if err != nil {
		return nil, err
	}
	cps := make([]CountryProgramme, len(ps))
	for i, p := range ps {
		cps[i] = CountryProgramme{Programme: p}
	}
	objsOf, goalsOf, err := plansOf(ctx, r, cps)
	if err != nil {
		return nil, err
	}
	reviewsBy, err := reviewsOf(ctx, r, ps)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		v := ProgrammeView{Programme: p, AsOf: asOf, AreaNames: map[string]string{},
			Objectives: orEmpty(objsOf[p.ID]), Goals: orEmpty(goalsOf[p.ID]), Reviews: []ReviewSummary{}}
		v.Status = entente.ProgrammeStatusOn(&p, siblings, asOf)
		v.ObjectiveVersions, v.GoalVersions = map[string]string{}, map[string]string{}
		for _, o := range v.Objectives {
			v.ObjectiveVersions[o.Code] = entente.Version(o)
		}
		for _, g := range v.Goals {
			v.GoalVersions[g.Code] = entente.Version(g)
		}
		if q := entente.SuccessorOn(&p, siblings, asOf); q != nil {
			v.SupersededBy = q.ID
		}
		for _, a := range areas {
			v.AreaNames[a.Code] = a.Name
		}
		counts, err := r.TallyActivities(ctx, entente.ActivityFilter{Programme: p.ID}, asOf)
		if err != nil {
			return nil, err
		}
		overdue, err := r.FindActivities(ctx, entente.ActivityFilter{Programme: p.ID, OverdueOn: asOf, Limit: max(overdue, 0)})
		if err != nil {
			return nil, err
		}
		reviews := reviewsBy[p.ID]
		for _, rv := range reviews {
			if rv.Date.OnOrBefore(asOf) {
				v.Reviews = append(v.Reviews, ReviewSummary{ID: rv.ID, Date: rv.Date, Note: rv.Note})
			}
		}
		v.Progress = entente.ProgressOf(entente.Snapshot(v.Programme, v.Objectives, v.Goals), counts, overdue, reviews, asOf)
		v.Activities = v.Progress.Activities.Total // those proposed by the day
		out = append(out, v)
	}
	return out, nil
}

// Goal returns one goal of a programme, as a change of it names its
// version; ENOTFOUND if the programme or goal does not exist or is hidden
// from the principal.
func (s *Service) Goal(ctx context.Context, programmeID, code string) (*entente.Goal, error) {
	return planRecord(ctx, s, programmeID, code, "goal", entente.Reader.FindGoals, func(g *entente.Goal) string { return g.Code })
}

// Objective returns one objective of a programme, as a change of it names
// its version; ENOTFOUND as for Goal.
func (s *Service) Objective(ctx context.Context, programmeID, code string) (*entente.Objective, error) {
	return planRecord(ctx, s, programmeID, code, "objective", entente.Reader.FindObjectives, func(o *entente.Objective) string { return o.Code })
}

// planRecord finds the record of a programme's plan (a goal, an objective)
// with code, as the principal may read it.
func planRecord[T any](ctx context.Context, s *Service, programmeID, code, kind string,
	find func(entente.Reader, context.Context, string) ([]T, error), codeOf func(*T) string) (*T, error) {
	return view(ctx, s, func(r entente.Reader) (*T, error) {
		p, err := programme(ctx, r, programmeID)
		if err != nil {
			return nil, err
		}
		xs, err := find(r, ctx, p.ID)
		if err != nil {
			return nil, err
		}
		for i := range xs {
			if codeOf(&xs[i]) == code {
				return &xs[i], nil
			}
		}
		return nil, entente.Errorf(entente.ENOTFOUND, "programme %s has no %s %q", p.ID, kind, code)
	})
}

// reviewsOf reads the reviews of ps, by programme, in one find.
func reviewsOf(ctx context.Context, r entente.Reader, ps []entente.Programme) (map[string][]entente.Review, error) {
	out := map[string][]entente.Review{}
	if len(ps) == 1 {
		rs, err := r.FindReviews(ctx, ps[0].ID)
		out[ps[0].ID] = rs
		return out, err
	}
	all, err := r.FindReviews(ctx, "")
	for _, rv := range all {
		out[rv.Programme] = append(out[rv.Programme], rv)
	}
	return out, err
}

// orEmpty is xs, or an empty slice for nil, so that JSON shows [] not null.
func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// snapshot returns the snapshot named by ref: a review id, or a programme id
// (its current state).
func (s *Service) snapshot(ctx context.Context, ref string) (entente.ProgrammeSnapshot, error) {
	return view(ctx, s, func(r entente.Reader) (entente.ProgrammeSnapshot, error) { return snapshot(ctx, r, ref) })
}

func snapshot(ctx context.Context, st entente.Reader, ref string) (entente.ProgrammeSnapshot, error) {
	if r, err := st.FindReview(ctx, ref); err == nil {
		return r.Snapshot, nil
	} else if entente.ErrorCode(err) != entente.ENOTFOUND {
		return entente.ProgrammeSnapshot{}, err
	}
	p, err := programme(ctx, st, ref)
	if err != nil {
		return entente.ProgrammeSnapshot{}, entente.Errorf(entente.ENOTFOUND, "%q names no programme and no review", ref)
	}
	objs, err := st.FindObjectives(ctx, ref)
	if err != nil {
		return entente.ProgrammeSnapshot{}, err
	}
	goals, err := st.FindGoals(ctx, ref)
	if err != nil {
		return entente.ProgrammeSnapshot{}, err
	}
	return entente.Snapshot(*p, objs, goals), nil
}

// DiffProgrammes compares two programmes or review snapshots, each named by
// its id.
func (s *Service) DiffProgrammes(ctx context.Context, from, to string) (*entente.ProgrammeDiff, error) {
	a, err := s.snapshot(ctx, from)
	if err != nil {
		return nil, err
	}
	b, err := s.snapshot(ctx, to)
	if err != nil {
		return nil, err
	}
	d := entente.Diff(a, b, from, to)
	return &d, nil
}

// ReviewRequest records a review of a programme.
type ReviewRequest struct {
	Programme string       `json:"-"`
	Date      entente.Date `json:"date"`
	Note      string       `json:"note"`
	// IfMatch, if set, is the version of the programme the review was
	// made from (its ProgrammeView today): the review is refused
	// (ESTALE) if the programme has changed since. A review creates a
	// record, so none is required.
	IfMatch string `json:"-"`
	// Releasability marks the new record (see entente.Principal.Mark):
	// by default PUBLIC from staff, RELEASABLE_TO its partner from a
	// liaison.
	Releasability *entente.Releasability `json:"releasability,omitempty"`
}

// ReviewProgramme records a review: a snapshot of the programme on the day,
// with a note.
func (s *Service) ReviewProgramme(ctx context.Context, req ReviewRequest) (*entente.Review, error) {
	who, err := authorize(ctx, StaffWork, "", "review programmes")
	if err != nil {
		return nil, err
	}
	d := s.day(req.Date)
	var out entente.Review
	err = s.Store.Update(ctx, func(tx entente.Tx) error {
		// Reviews of one programme take turns, so the id chosen from its
		// reviews below is still free at commit.
		if err := tx.LockProgramme(ctx, req.Programme); err != nil {
			return err
		}
		if req.IfMatch != "" {
			v, err := programmeView(ctx, released(tx, entente.PrincipalFrom(ctx)), req.Programme, s.day(entente.Date{}), MaxOverdueListed)
			if err != nil {
				return err
			}
			if err := checkVersion(ctx, "programme "+req.Programme, *v, req.IfMatch); err != nil {
				return err
			}
		}
		snap, err := s.txSnapshot(ctx, tx, req.Programme)
		if err != nil {
			return err
		}
		existing, err := tx.FindReviews(ctx, req.Programme)
		if err != nil {
			return err
		}
		id := fmt.Sprintf("%s-R%d", req.Programme, len(existing)+1)
		for n := len(existing) + 2; slices.ContainsFunc(existing, func(r entente.Review) bool { return r.ID == id }); n++ {
			id = fmt.Sprintf("%s-R%d", req.Programme, n)
		}
		if out, err = entente.NewReview(id, snap, d, req.Note, who.Name); err != nil {
			return err
		}
		if out.Releasability, err = who.Mark(req.Releasability, nil); err != nil {
			return err
		}
		if err := tx.CreateReview(ctx, &out); err != nil {
			return err
		}
		return tx.AddAuditEvent(ctx, s.audit(who, "programme.review", "review", out.ID, nil, out))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func (s *Service) txSnapshot(ctx context.Context, tx entente.Reader, id string) (entente.ProgrammeSnapshot, error) {
	p, err := programme(ctx, tx, id)
	if err != nil {
		return entente.ProgrammeSnapshot{}, err
	}
	objs, err := tx.FindObjectives(ctx, id)
	if err != nil {
		return entente.ProgrammeSnapshot{}, err
	}
	goals, err := tx.FindGoals(ctx, id)
	if err != nil {
		return entente.ProgrammeSnapshot{}, err
	}
	return entente.Snapshot(*p, objs, goals), nil
}

// AgreeRequest agrees a new programme for a partner.
type AgreeRequest struct {
	ID        string       `json:"id"`
	Alliance  string       `json:"alliance"`
	Partner   string       `json:"partner"`
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Agreed    entente.Date `json:"agreed"`
	To        entente.Date `json:"to"`
	Areas     []string     `json:"areas"`
	CarryOver bool         `json:"carry_over"`
	// Releasability marks the new record (see entente.Principal.Mark):
	// by default PUBLIC from staff, RELEASABLE_TO its partner from a
	// liaison.
	Releasability *entente.Releasability `json:"releasability,omitempty"`
	// Synthetic marks generated data.
	Synthetic bool `json:"-"`
}

// AgreeResult is what agreeing wrote. The programme's Status is its status
// today, as in every view (agreed, until the day it takes effect);
// TakesEffect is that day.
type AgreeResult struct {
	Programme   entente.Programme   `json:"programme"`
	TakesEffect entente.Date        `json:"takes_effect"`
	Superseded  []string            `json:"superseded"`
	CarriedOver []entente.Goal      `json:"carried_over"`
	Objectives  []entente.Objective `json:"objectives"`
}

// AgreeProgramme agrees a new programme, superseding the partner's
// programme in force, and, with CarryOver, carries its open goals over. It
// adds one objective per area named.
func (s *Service) AgreeProgramme(ctx context.Context, req AgreeRequest) (*AgreeResult, error) {
	who, err := authorize(ctx, StaffWork, "", "agree programmes")
	if err != nil {
		return nil, err
	}
	d := s.day(req.Agreed)
	if !entente.ValidCode(req.ID) {
		return nil, entente.Errorf(entente.EINVALID, "programme id %q: want letters, digits and '-', e.g. NZL-ITPP-2028", req.ID)
	}
	if req.Type == "" || req.Title == "" {
		return nil, entente.Errorf(entente.EINVALID, "a programme needs a type (e.g. ITPP) and a title")
	}
	var res *AgreeResult
	err = s.Store.Update(ctx, func(tx entente.Tx) error {
		// Update may run this again (see entente.Store): start afresh.
		res = &AgreeResult{Superseded: []string{}, CarriedOver: []entente.Goal{}, Objectives: []entente.Objective{}}
		a, err := defaultAlliance(ctx, tx, req.Alliance)
		if err != nil {
			return err
		}
		// The rule reads the partner's programmes (which one is in force
		// and is superseded) and the alliance's memberships (a member is
		// not a partner); both change only under the alliance's lock, so
		// agreements and accession steps of one alliance take turns and
		// a partner never has two programmes in force. What follows reads
		// them after taking it.
		if err := tx.LockAlliance(ctx, a.Code); err != nil {
			return err
		}
		c, err := country(ctx, tx, req.Partner)
		if err != nil {
			return err
		}
		ms, err := tx.FindMemberships(ctx, entente.Filter{Alliance: a.Code})
		if err != nil {
			return err
		}
		existing, err := tx.FindProgrammes(ctx, entente.Filter{Alliance: a.Code, Country: c.Code})
		if err != nil {
			return err
		}
		if others, err := tx.FindProgrammes(ctx, entente.Filter{ID: req.ID}); err != nil {
			return err
		} else if len(others) > 0 {
			return entente.Errorf(entente.ECONFLICT, "programme %s already exists", req.ID)
		}
		areas, err := tx.FindAreas(ctx)
		if err != nil {
			return err
		}
		areaName := map[string]string{}
		for _, ar := range areas {
			areaName[ar.Code] = ar.Name
		}
		for _, ar := range req.Areas {
			if _, ok := areaName[ar]; !ok {
				return entente.Errorf(entente.EINVALID, "unknown area %q", ar)
			}
		}
		if err := tx.EnsureSource(ctx, &WorkflowSource); err != nil {
			return err
		}
		p := entente.Programme{ID: req.ID, Alliance: a.Code, Partner: c.Code, Type: req.Type, Title: req.Title, Agreed: d,
			Period: entente.Period{From: d, To: req.To}, Areas: append([]string{}, req.Areas...),
			Provenance: entente.Provenance{Sources: []string{WorkflowSource.ID}}}
		if p.Releasability, err = who.Mark(req.Releasability, nil); err != nil {
			return err
		}
		writes, err := entente.AgreeProgramme(a, c, ms, existing, p)
		if err != nil {
			return err
		}
		// Superseding is itself visible: those who see the programme in
		// force would see it end. So a programme supersedes only one it is
		// released at least as widely as.
		for _, w := range writes {
			if w.ID != p.ID && !p.Releasability.Covers(w.Releasability) {
				return entente.Errorf(entente.EREFUSED, "releasability: programme %s, marked %s, would supersede %s, marked %s, which more may see: mark the new programme at least as widely", p.ID, p.Releasability, w.ID, w.Releasability)
			}
		}
		// The superseded programmes come first and exist already; the new
		// one, last, refers to them.
		for i := range writes {
			w := &writes[i]
			var before any
			action := "programme.agree"
			if w.ID != p.ID {
				action = "programme.supersede"
				for _, e := range existing {
					if e.ID == w.ID {
						before = e
					}
				}
				res.Superseded = append(res.Superseded, w.ID)
			}
			write := tx.UpdateProgramme
			if w.ID == p.ID {
				write = tx.CreateProgramme
			}
			if err := write(ctx, w); err != nil {
				return err
			}
			if err := tx.AddAuditEvent(ctx, s.audit(who, action, "programme", w.ID, before, *w)); err != nil {
				return err
			}
			if w.ID == p.ID {
				res.Programme = *w
			}
		}
		var objs []entente.Objective
		for _, ar := range req.Areas {
			o := entente.Objective{Programme: p.ID, Code: ar, Area: ar, Title: areaName[ar], Synthetic: req.Synthetic,
				Provenance: entente.Provenance{Sources: []string{WorkflowSource.ID}}}
			objs = append(objs, o)
		}
		if req.CarryOver {
			for _, old := range res.Superseded {
				oldObjs, err := tx.FindObjectives(ctx, old)
				if err != nil {
					return err
				}
				oldGoals, err := tx.FindGoals(ctx, old)
				if err != nil {
					return err
				}
				addObjs, goals := entente.CarryOver(oldObjs, oldGoals, &res.Programme, objs, nil)
				for i := range addObjs {
					addObjs[i].Provenance = entente.Provenance{Sources: []string{WorkflowSource.ID}}
				}
				objs = append(objs, addObjs...)
				res.CarriedOver = append(res.CarriedOver, goals...)
			}
		}
		for i := range objs {
			if err := tx.CreateObjective(ctx, &objs[i]); err != nil {
				return err
			}
			if err := tx.AddAuditEvent(ctx, s.audit(who, "objective.add", "objective", objs[i].Key(), nil, objs[i])); err != nil {
				return err
			}
		}
		for i := range res.CarriedOver {
			g := &res.CarriedOver[i]
			if err := tx.CreateGoal(ctx, g); err != nil {
				return err
			}
			if err := tx.AddAuditEvent(ctx, s.audit(who, "goal.carry-over", "goal", g.Key(), nil, *g)); err != nil {
				return err
			}
		}
		res.Objectives = objs
		if res.Objectives == nil {
			res.Objectives = []entente.Objective{}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.TakesEffect = res.Programme.TakesEffect()
	// Today the programme is agreed for a day still to come, or in force.
	res.Programme.Status = entente.ProgrammeStatusOn(&res.Programme, []entente.Programme{res.Programme}, s.day(entente.Date{}))
	if res.Programme.Status == "" {
		res.Programme.Status = entente.ProgrammeAgreed
	}
	return res, nil
}

// ObjectiveRequest adds or changes an objective.
type ObjectiveRequest struct {
	Programme string `json:"-"`
	Code      string `json:"code"`
	Area      string `json:"area"`
	Title     string `json:"title"`
	// Releasability marks the new record (see entente.Principal.Mark):
	// by default PUBLIC from staff, RELEASABLE_TO its partner from a
	// liaison.
	Releasability *entente.Releasability `json:"releasability,omitempty"`
	// IfMatch is the version of the objective the change was made from,
	// when it exists (see version.go); a new objective takes none.
	IfMatch string `json:"-"`
}

// PutObjective adds or changes a programme's objective.
func (s *Service) PutObjective(ctx context.Context, req ObjectiveRequest) (*entente.Objective, error) {
	who, err := authorize(ctx, StaffWork, "", "change objectives")
	if err != nil {
		return nil, err
	}
	o := entente.Objective{Programme: req.Programme, Code: req.Code, Area: req.Area, Title: req.Title,
		Provenance: entente.Provenance{Sources: []string{WorkflowSource.ID}}}
	if o.Code == "" {
		o.Code = o.Area
	}
	if !entente.ValidCode(o.Code) || strings.TrimSpace(o.Title) == "" {
		return nil, entente.Errorf(entente.EINVALID, "an objective needs a code (letters, digits, '-') and a title")
	}
	err = s.Store.Update(ctx, func(tx entente.Tx) error {
		// Under the programme's lock, it is still not superseded at
		// commit and the objective still new (or not) as read below.
		if err := tx.LockProgramme(ctx, o.Programme); err != nil {
			return err
		}
		p, err := programme(ctx, tx, o.Programme)
		if err != nil {
			return err
		}
		if p.Status == entente.ProgrammeSuperseded {
			return entente.Errorf(entente.EREFUSED, "programme: objective refused: programme %s is superseded; change its successor", p.ID)
		}
		areas, err := tx.FindAreas(ctx)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(areas, func(a entente.Area) bool { return a.Code == o.Area }) {
			return entente.Errorf(entente.EINVALID, "unknown area %q", o.Area)
		}
		olds, err := tx.FindObjectives(ctx, o.Programme)
		if err != nil {
			return err
		}
		var before any
		var old *entente.Releasability
		for _, x := range olds {
			if x.Code == o.Code {
				before, old = x, &x.Releasability
			}
		}
		what := "objective " + o.Key()
		if before != nil {
			err = checkVersion(ctx, what, before, req.IfMatch)
		} else {
			err = checkNew(what, req.IfMatch)
		}
		if err != nil {
			return err
		}
		if o.Sources, err = citeWorkflow(ctx, tx); err != nil {
			return err
		}
		if o.Releasability, err = who.Mark(req.Releasability, old); err != nil {
			return err
		}
		write := tx.CreateObjective
		if before != nil {
			write = tx.UpdateObjective
		}
		if err := write(ctx, &o); err != nil {
			return err
		}
		return tx.AddAuditEvent(ctx, s.audit(who, "objective.put", "objective", o.Key(), before, o))
	})
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// GoalRequest adds or changes a goal with its indicators.
type GoalRequest struct {
	Programme  string              `json:"-"`
	Code       string              `json:"code"`
	Objective  string              `json:"objective"`
	Title      string              `json:"title"`
	Indicators []entente.Indicator `json:"indicators"`
	// Releasability marks the new record (see entente.Principal.Mark):
	// by default PUBLIC from staff, RELEASABLE_TO its partner from a
	// liaison.
	Releasability *entente.Releasability `json:"releasability,omitempty"`
	// IfMatch is the version of the goal the change was made from, when
	// it exists (see version.go); a new goal takes none.
	IfMatch string `json:"-"`
}

// PutGoal adds or changes a programme's goal.
func (s *Service) PutGoal(ctx context.Context, req GoalRequest) (*entente.Goal, error) {
	g := entente.Goal{Programme: req.Programme, Code: req.Code, Objective: req.Objective, Title: req.Title,
		Indicators: append([]entente.Indicator{}, req.Indicators...), Provenance: entente.Provenance{Sources: []string{}}}
	if !entente.ValidCode(g.Code) || strings.TrimSpace(g.Title) == "" {
		return nil, entente.Errorf(entente.EINVALID, "a goal needs a code (letters, digits, '-') and a title")
	}
	for i, in := range g.Indicators {
		if err := entente.CheckIndicator(i+1, in); err != nil {
			return nil, err
		}
	}
	err := s.Store.Update(ctx, func(tx entente.Tx) error {
		// As for objectives: the programme's lock keeps what is read
		// below true at commit.
		if err := tx.LockProgramme(ctx, g.Programme); err != nil {
			return err
		}
		p, err := programme(ctx, released(tx, entente.PrincipalFrom(ctx)), g.Programme)
		if err != nil {
			return err
		}
		who, err := authorize(ctx, PartnerWork, p.Partner, "update goals")
		if err != nil {
			return err
		}
		if p.Status == entente.ProgrammeSuperseded {
			return entente.Errorf(entente.EREFUSED, "programme: goal refused: programme %s is superseded; change its successor", p.ID)
		}
		objs, err := tx.FindObjectives(ctx, g.Programme)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(objs, func(o entente.Objective) bool { return o.Code == g.Objective }) {
			return entente.Errorf(entente.EINVALID, "programme %s has no objective %q", g.Programme, g.Objective)
		}
		goals, err := tx.FindGoals(ctx, g.Programme)
		if err != nil {
			return err
		}
		var before any
		var old *entente.Releasability
		for _, x := range goals {
			if x.Code == g.Code {
				before, old = x, &x.Releasability
				g.CarriedFrom = x.CarriedFrom
			}
		}
		if old != nil && !who.MaySee(*old) {
			// A goal the principal may not read is neither changed nor
			// described: only its code is known to be taken.
			return entente.Errorf(entente.ECONFLICT, "programme %s: the goal code %s is taken; choose another", g.Programme, g.Code)
		}
		what := "goal " + g.Key()
		if before != nil {
			err = checkVersion(ctx, what, before, req.IfMatch)
		} else {
			err = checkNew(what, req.IfMatch)
		}
		if err != nil {
			return err
		}
		if g.Sources, err = citeWorkflow(ctx, tx); err != nil {
			return err
		}
		if g.Releasability, err = who.Mark(req.Releasability, old); err != nil {
			return err
		}
		write := tx.CreateGoal
		if before != nil {
			write = tx.UpdateGoal
		}
		if err := write(ctx, &g); err != nil {
			return err
		}
		return tx.AddAuditEvent(ctx, s.audit(who, "goal.put", "goal", g.Key(), before, g))
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// AddArea adds a cooperation area to the vocabulary objectives and offers
// draw on; the vocabulary is data, so a new area needs no code.
func (s *Service) AddArea(ctx context.Context, code, name string) (*entente.Area, error) {
	who, err := authorize(ctx, StaffWork, "", "add areas")
	if err != nil {
		return nil, err
	}
	if !entente.ValidCode(code) || strings.TrimSpace(name) == "" {
		return nil, entente.Errorf(entente.EINVALID, "an area needs a code (letters, digits, '-'), e.g. maritime-security, and a name")
	}
	a := entente.Area{Code: code, Name: name, Provenance: entente.Provenance{Sources: []string{WorkflowSource.ID}}}
	err = s.Store.Update(ctx, func(tx entente.Tx) error {
		areas, err := tx.FindAreas(ctx)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(areas, func(x entente.Area) bool { return x.Code == code }) {
			return entente.Errorf(entente.ECONFLICT, "area %s exists already", code)
		}
		if err := tx.EnsureSource(ctx, &WorkflowSource); err != nil {
			return err
		}
		if err := tx.AddRecords(ctx, &entente.Dataset{Areas: []entente.Area{a}}); err != nil {
			return err
		}
		return tx.AddAuditEvent(ctx, s.audit(who, "area.add", "area", code, nil, a))
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}
