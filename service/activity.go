package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/entente/entente"
)

// ProposeRequest proposes an activity under a programme.
type ProposeRequest struct {
	ID        string       `json:"id"` // optional: PROGRAMME-A001... by default
	Programme string       `json:"programme"`
	Goal      string       `json:"goal"`
	Offer     string       `json:"offer"`
	Title     string       `json:"title"`
	Kind      string       `json:"kind"`
	Proposer  string       `json:"proposer"`
	Location  string       `json:"location"`
	From      entente.Date `json:"from"`
	To        entente.Date `json:"to"`
	Capacity  int          `json:"capacity"`
	Date      entente.Date `json:"date"`
	// Releasability marks the new record (see entente.Principal.Mark):
	// by default PUBLIC from staff, RELEASABLE_TO its partner from a
	// liaison.
	Releasability *entente.Releasability `json:"releasability,omitempty"`
}

// ProposeActivity proposes a new activity: bespoke, or drawn from a menu
// offer. A refused proposal writes nothing.
func (s *Service) ProposeActivity(ctx context.Context, req ProposeRequest) (*entente.Activity, error) {
	d := s.day(req.Date)
	var out entente.Activity
	err := s.Store.Update(ctx, func(tx entente.Tx) error {
		// The programme's lock makes proposals under it take turns, so
		// the id chosen below from its activities is still free at
		// commit, and the programme still in force. CreateActivity
		// refuses an id taken all the same.
		if err := tx.LockProgramme(ctx, req.Programme); err != nil {
			return err
		}
		// A programme hidden from a liaison is, to it, no programme:
		// 404, not a 403 that would say it exists.
		p, err := programme(ctx, released(tx, entente.PrincipalFrom(ctx)), req.Programme)
		if err != nil {
			return err
		}
		who, err := authorize(ctx, PartnerWork, p.Partner, "propose activities")
		if err != nil {
			return err
		}
		if err := hasGoal(ctx, tx, p.ID, req.Goal); err != nil {
			return err
		}
		var offer *entente.Offer
		if req.Offer != "" {
			os, err := tx.FindOffers(ctx, req.Offer)
			if err != nil {
				return err
			}
			if len(os) == 0 {
				return entente.Errorf(entente.ENOTFOUND, "unknown menu offer %q", req.Offer)
			}
			offer = &os[0]
		}
		id := req.ID
		if id == "" {
			n, err := tx.CountActivities(ctx, p.ID)
			if err != nil {
				return err
			}
			for {
				n++
				id = fmt.Sprintf("%s-A%03d", p.ID, n)
				if _, err := tx.FindActivity(ctx, id); entente.ErrorCode(err) == entente.ENOTFOUND {
					break
				} else if err != nil {
					return err
				}
			}
		} else if _, err := tx.FindActivity(ctx, id); err == nil {
			return entente.Errorf(entente.ECONFLICT, "activity %s already exists", id)
		}
		a := entente.Activity{ID: id, Goal: req.Goal, Title: req.Title, Kind: req.Kind, Proposer: req.Proposer,
			Location: req.Location, Period: entente.Period{From: req.From, To: req.To}, Capacity: req.Capacity}
		if out, err = entente.ProposeActivity(p, a, offer, d); err != nil {
			return err
		}
		if out.Sources, err = citeWorkflow(ctx, tx); err != nil {
			return err
		}
		if out.Releasability, err = who.Mark(req.Releasability, nil); err != nil {
			return err
		}
		if err := tx.CreateActivity(ctx, &out); err != nil {
			return err
		}
		return tx.AddAuditEvent(ctx, s.audit(who, "activity.propose", "activity", out.ID, nil, out))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ActivityRequest is one workflow step on an activity.
type ActivityRequest struct {
	ID string `json:"-"`
	// IfMatch is the version of the activity the step was taken from
	// (see version.go): the step is refused (ESTALE) if the activity has
	// changed since.
	IfMatch      string       `json:"-"`
	Date         entente.Date `json:"date"`
	Countries    []string     `json:"countries"`
	Country      string       `json:"country"`
	Participants int          `json:"participants"`
	Outcome      string       `json:"outcome"`
	Feedback     string       `json:"feedback"`
	Reason       string       `json:"reason"`
}

// stepRight is the right a workflow step needs: a partner's liaison
// registers its participants, holds and reports its activities; approving,
// inviting and cancelling are the staff's.
func stepRight(step entente.ActivityStep) Right {
	switch step {
	case entente.StepRegister, entente.StepHold, entente.StepReport:
		return PartnerWork
	}
	return StaffWork
}

// StepActivity runs one workflow step. The rule decides inside the
// transaction that writes the change and its audit event; a refused step
// writes nothing.
func (s *Service) StepActivity(ctx context.Context, step entente.ActivityStep, req ActivityRequest) (*entente.Activity, error) {
	d := s.day(req.Date)
	var out entente.Activity
	err := s.Store.Update(ctx, func(tx entente.Tx) error {
		// Steps on one activity take turns: each reads the state and
		// registrations the one before left (capacity, the workflow).
		a, p, err := lockActivity(ctx, tx, req.ID)
		if err != nil {
			return err
		}
		actor, err := authorize(ctx, stepRight(step), p.Partner, string(step)+" activities")
		if err != nil {
			return err
		}
		// Checked against the activity as its read returns it, under
		// its lock: a step is taken from the state it was shown.
		if err := checkVersion(ctx, "activity "+a.ID, *a, req.IfMatch); err != nil {
			return err
		}
		var who entente.Invitees
		if step == entente.StepInvite {
			if who, err = invitees(ctx, tx, a.Programme, d); err != nil {
				return err
			}
		}
		in := entente.StepInput{Date: d, Country: strings.ToUpper(req.Country), Participants: req.Participants,
			Outcome: req.Outcome, Feedback: req.Feedback, Reason: req.Reason}
		for _, c := range req.Countries {
			for _, part := range strings.Split(c, ",") {
				if part = strings.ToUpper(strings.TrimSpace(part)); part != "" {
					in.Countries = append(in.Countries, part)
				}
			}
		}
		if out, err = a.Step(step, in, who); err != nil {
			return err
		}
		if err := tx.UpdateActivity(ctx, &out); err != nil {
			return err
		}
		return tx.AddAuditEvent(ctx, s.audit(actor, "activity."+string(step), "activity", out.ID, *a, out))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// hasGoal is nil when goal is "" or a goal of programme id, and ENOTFOUND
// otherwise.
func hasGoal(ctx context.Context, tx entente.Tx, id, goal string) error {
	if goal == "" {
		return nil
	}
	goals, err := tx.FindGoals(ctx, id)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(goals, func(g entente.Goal) bool { return g.Code == goal }) {
		return entente.Errorf(entente.ENOTFOUND, "programme %s has no goal %q", id, goal)
	}
	return nil
}

// lockActivity locks activity id, so that changes to it take turns (each
// reads the state and registrations the one before left), and reads it
// (not found if hidden from the principal) and its programme.
func lockActivity(ctx context.Context, tx entente.Tx, id string) (*entente.Activity, *entente.Programme, error) {
	if err := tx.LockActivity(ctx, id); err != nil {
		return nil, nil, err
	}
	a, err := released(tx, entente.PrincipalFrom(ctx)).FindActivity(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	p, err := programme(ctx, tx, a.Programme)
	if err != nil {
		return nil, nil, err
	}
	return a, p, nil
}

// invitees are the members and partners of the programme's alliance on d.
func invitees(ctx context.Context, r entente.Reader, programmeID string, d entente.Date) (entente.Invitees, error) {
	p, err := programme(ctx, r, programmeID)
	if err != nil {
		return entente.Invitees{}, err
	}
	ms, err := r.FindMemberships(ctx, entente.Filter{Alliance: p.Alliance})
	if err != nil {
		return entente.Invitees{}, err
	}
	ps, err := r.FindPartnerships(ctx, entente.Filter{Alliance: p.Alliance})
	if err != nil {
		return entente.Invitees{}, err
	}
	who := entente.Invitees{Alliance: p.Alliance, Members: entente.MembersOn(ms, d)}
	for _, pt := range ps {
		if pt.Period.Contains(d) && !slices.Contains(who.Partners, pt.Country) {
			who.Partners = append(who.Partners, pt.Country)
		}
	}
	slices.Sort(who.Partners)
	return who, nil
}

// Activity returns one activity.
func (s *Service) Activity(ctx context.Context, id string) (*entente.Activity, error) {
	return s.reader(ctx).FindActivity(ctx, id)
}

// Activities lists activities matching f. A programme that does not exist
// is ENOTFOUND, not an empty list; an unknown status is EINVALID.
func (s *Service) Activities(ctx context.Context, f entente.ActivityFilter) ([]entente.Activity, error) {
	if f.Status != "" && !entente.ValidActivityStatus(f.Status) {
		return nil, entente.Errorf(entente.EINVALID, "status %q: want one of %s", f.Status, statusNames())
	}
	return view(ctx, s, func(r entente.Reader) ([]entente.Activity, error) {
		if f.Programme != "" {
			if _, err := programme(ctx, r, f.Programme); err != nil {
				return nil, err
			}
		}
		return r.FindActivities(ctx, f)
	})
}

func statusNames() string {
	var names []string
	for _, st := range entente.ActivityStatuses {
		names = append(names, string(st))
	}
	return strings.Join(names, ", ")
}

// EditRequest changes a proposed activity's description. Every field is
// the new value (a form sends them all); IfMatch, when given, is the
// version (entente.Version) the change was made from.
type EditRequest struct {
	ID       string       `json:"-"`
	Goal     string       `json:"goal"`
	Title    string       `json:"title"`
	Kind     string       `json:"kind"`
	Location string       `json:"location"`
	From     entente.Date `json:"from"`
	To       entente.Date `json:"to"`
	Capacity int          `json:"capacity"`
	IfMatch  string       `json:"-"`
}

// EditActivity changes a proposed activity (entente.Activity.Edit): the
// work of its partner's liaison, staff and admins. A refused edit writes
// nothing; one made from a version no longer current is ESTALE.
func (s *Service) EditActivity(ctx context.Context, req EditRequest) (*entente.Activity, error) {
	var out entente.Activity
	err := s.Store.Update(ctx, func(tx entente.Tx) error {
		a, p, err := lockActivity(ctx, tx, req.ID)
		if err != nil {
			return err
		}
		who, err := authorize(ctx, PartnerWork, p.Partner, "edit activities")
		if err != nil {
			return err
		}
		if err := checkVersion(ctx, "activity "+a.ID, *a, req.IfMatch); err != nil {
			return err
		}
		if err := hasGoal(ctx, tx, p.ID, req.Goal); err != nil {
			return err
		}
		if out, err = a.Edit(entente.ActivityEdit{Goal: req.Goal, Title: req.Title, Kind: req.Kind, Location: req.Location,
			Period: entente.Period{From: req.From, To: req.To}, Capacity: req.Capacity}); err != nil {
			return err
		}
		if err := tx.UpdateActivity(ctx, &out); err != nil {
			return err
		}
		return tx.AddAuditEvent(ctx, s.audit(who, "activity.edit", "activity", out.ID, *a, out))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CheckStep says whether the principal in ctx may take step on the
// activities of programme (approve, invite and cancel are staff's; register,
// hold and report also its partner's liaison's; StepPropose, proposing and
// editing, too): nil if so, else the refusal the step would give (a
// programme hidden from the principal is not found). A page asks it before
// it shows a step's form; the step itself decides again.
func (s *Service) CheckStep(ctx context.Context, programmeID string, step entente.ActivityStep) error {
	p, err := programme(ctx, s.reader(ctx), programmeID)
	if err != nil {
		return err
	}
	right := stepRight(step)
	if step == entente.StepPropose {
		right = PartnerWork
	}
	_, err = authorize(ctx, right, p.Partner, string(step)+" activities")
	return err
}

// CheckStaff says whether the principal in ctx may do the staff's work
// (agree and review programmes, add areas): nil if so, else the refusal.
func (s *Service) CheckStaff(ctx context.Context, doing string) error {
	_, err := authorize(ctx, StaffWork, "", doing)
	return err
}

// Invitees are who may be invited to the activities of a programme on day
// d (today when zero): the members and partners of its alliance then.
func (s *Service) Invitees(ctx context.Context, programmeID string, d entente.Date) (entente.Invitees, error) {
	d = s.day(d)
	return view(ctx, s, func(r entente.Reader) (entente.Invitees, error) {
		if _, err := programme(ctx, r, programmeID); err != nil {
			return entente.Invitees{}, err
		}
		return invitees(ctx, r, programmeID, d)
	})
}

// Areas lists the cooperation areas.
func (s *Service) Areas(ctx context.Context) ([]entente.Area, error) {
	return s.reader(ctx).FindAreas(ctx)
}
