package entente

import (
	"fmt"
	"slices"
	"strings"
)

// ActivityStatus is where an activity stands in its workflow.
type ActivityStatus string

// The activity workflow: proposed → approved → invitations-sent →
// registration-open → held → reported; cancelled from any state before held.
// It follows the partnership programme workflow the default dataset's
// alliance's PRIME system is described as running (FACTS.md 3a): propose,
// approve, invite, register, report.
const (
	ActivityProposed         ActivityStatus = "proposed"
	ActivityApproved         ActivityStatus = "approved"
	ActivityInvitationsSent  ActivityStatus = "invitations-sent"
	ActivityRegistrationOpen ActivityStatus = "registration-open"
	ActivityHeld             ActivityStatus = "held"
	ActivityReported         ActivityStatus = "reported"
	ActivityCancelled        ActivityStatus = "cancelled"
)

// ActivityStatuses lists the statuses in workflow order.
var ActivityStatuses = []ActivityStatus{ActivityProposed, ActivityApproved, ActivityInvitationsSent,
	ActivityRegistrationOpen, ActivityHeld, ActivityReported, ActivityCancelled}

// ValidActivityStatus reports whether s is a known activity status.
func ValidActivityStatus(s ActivityStatus) bool { return slices.Contains(ActivityStatuses, s) }

func activityStatusList() string {
	var s []string
	for _, st := range ActivityStatuses {
		s = append(s, string(st))
	}
	return strings.Join(s, ", ")
}

// Registration is a country's registration of participants for an activity.
type Registration struct {
	Country      string `json:"country"`
	Participants int    `json:"participants"`
	Date         Date   `json:"date,omitzero"`
}

// ActivityDates are the days each workflow step was taken.
type ActivityDates struct {
	Proposed           Date `json:"proposed,omitzero"`
	Approved           Date `json:"approved,omitzero"`
	InvitationsSent    Date `json:"invitations_sent,omitzero"`
	RegistrationOpened Date `json:"registration_opened,omitzero"`
	Held               Date `json:"held,omitzero"`
	Reported           Date `json:"reported,omitzero"`
	Cancelled          Date `json:"cancelled,omitzero"`
}

// last is the latest step date recorded, and its step's name.
func (d ActivityDates) last() (Date, string) {
	var best Date
	name := ""
	for _, s := range []struct {
		n string
		d Date
	}{{"proposal", d.Proposed}, {"approval", d.Approved}, {"invitations", d.InvitationsSent},
		{"opening of registration", d.RegistrationOpened}, {"activity", d.Held}, {"report", d.Reported}} {
		if !s.d.IsZero() && (best.IsZero() || best.Compare(s.d) < 0) {
			best, name = s.d, s.n
		}
	}
	return best, name
}

// checkStepDate is the one rule on when a workflow step may be dated: not
// before any step already taken (registrations included), and an activity
// is not held before its scheduled start. Both refusals are EREFUSED and
// name the step's rule.
func (a *Activity) checkStepDate(rule string, step ActivityStep, d Date) error {
	prev, name := a.Dates.last()
	for _, r := range a.Registrations {
		if !r.Date.IsZero() && (prev.IsZero() || prev.Compare(r.Date) < 0) {
			prev, name = r.Date, "registration of "+r.Country
		}
	}
	if !prev.IsZero() && d.Before(prev) {
		return refuse(rule, Reason{Record: activityRef(a), Field: "date", Text: fmt.Sprintf("%s is before the %s (%s)", d, name, prev)})
	}
	if step == StepHold && !a.From.IsZero() && d.Before(a.From) {
		return refuse(rule, Reason{Record: activityRef(a), Field: "date", Text: fmt.Sprintf(
			"%s is before the activity's scheduled start (%s); an activity is held on or after the day it is scheduled for", d, a.From)})
	}
	return nil
}

// Activity is a supporting activity of a programme (its "means"): bespoke,
// or drawn from a cooperation menu offer. Goal, when set, is the code of the
// programme goal it serves.
type Activity struct {
	ID        string `json:"id"`
	Programme string `json:"programme"`
	Goal      string `json:"goal,omitempty"`
	Offer     string `json:"offer,omitempty"`
	Title     string `json:"title"`
	Kind      string `json:"kind"`
	// Proposer is who proposed it: a country code or an organisation.
	Proposer string `json:"proposer,omitempty"`
	Location string `json:"location,omitempty"`
	Period
	// Capacity is how many participants it takes; 0 is no limit.
	Capacity      int            `json:"capacity"`
	Status        ActivityStatus `json:"status"`
	Invited       []string       `json:"invited"`
	Registrations []Registration `json:"registrations"`
	// The report: outcome, how many took part, and their feedback.
	Outcome      string        `json:"outcome,omitempty"`
	Participants int           `json:"participants,omitempty"`
	Feedback     string        `json:"feedback,omitempty"`
	CancelReason string        `json:"cancel_reason,omitempty"`
	Dates        ActivityDates `json:"dates"`
	Synthetic    bool          `json:"synthetic,omitempty"`
	Provenance
}

// StatusOn is where the activity stood on day d, read from its step dates:
// "" before it was proposed. An activity whose steps carry no dates (a
// record imported with its status only) stands at its status.
func (a *Activity) StatusOn(d Date) ActivityStatus {
	steps := []struct {
		st ActivityStatus
		on Date
	}{{ActivityCancelled, a.Dates.Cancelled}, {ActivityReported, a.Dates.Reported}, {ActivityHeld, a.Dates.Held},
		{ActivityRegistrationOpen, a.Dates.RegistrationOpened}, {ActivityInvitationsSent, a.Dates.InvitationsSent},
		{ActivityApproved, a.Dates.Approved}, {ActivityProposed, a.Dates.Proposed}}
	dated := false
	for _, s := range steps {
		if s.on.IsZero() {
			continue
		}
		dated = true
		if s.on.OnOrBefore(d) {
			return s.st
		}
	}
	if !dated {
		return a.Status
	}
	return ""
}

// Open reports whether an activity at status s is still to be held: it
// is proposed, approved, invited to or open for registration.
func (s ActivityStatus) Open() bool {
	return s != "" && s != ActivityHeld && s != ActivityReported && s != ActivityCancelled
}

// Due is the day the activity was due to be held by: its last day, or its
// first when it gives no last; zero when it gives neither.
func (a *Activity) Due() Date {
	if !a.To.IsZero() {
		return a.To
	}
	return a.From
}

// OverdueOn reports whether the activity was overdue on day d: due before
// d (its due date's last possible day before d's first) and still to be
// held on d.
func (a *Activity) OverdueOn(d Date) bool {
	return a.Due().Before(d) && a.StatusOn(d).Open()
}

// Registered is the number of participants registered so far.
func (a *Activity) Registered() int {
	n := 0
	for _, r := range a.Registrations {
		n += r.Participants
	}
	return n
}

// ActivityStep is a step of the activity workflow.
type ActivityStep string

const (
	StepPropose  ActivityStep = "propose"
	StepApprove  ActivityStep = "approve"
	StepInvite   ActivityStep = "invite"
	StepRegister ActivityStep = "register"
	StepHold     ActivityStep = "hold"
	StepReport   ActivityStep = "report"
	StepCancel   ActivityStep = "cancel"
)

// ActivitySteps lists the steps after propose, in workflow order.
var ActivitySteps = []ActivityStep{StepApprove, StepInvite, StepRegister, StepHold, StepReport, StepCancel}

// StepInput is what a step needs besides the activity.
type StepInput struct {
	Date Date
	// Invite: the countries invited.
	Countries []string
	// Register: the registering country and its participants (default 1).
	// Register with no country only opens registration.
	Country string
	// Register and report: participants registered or taking part.
	Participants int
	// Report.
	Outcome  string
	Feedback string
	// Cancel.
	Reason string
}

// Invitees says who may be invited to a programme's activities on a day: the
// alliance's members and partners then.
type Invitees struct {
	Alliance string
	Members  []string
	Partners []string
}

// from says which statuses each step may be taken from.
var from = map[ActivityStep][]ActivityStatus{
	StepApprove:  {ActivityProposed},
	StepInvite:   {ActivityApproved, ActivityInvitationsSent, ActivityRegistrationOpen},
	StepRegister: {ActivityInvitationsSent, ActivityRegistrationOpen},
	StepHold:     {ActivityRegistrationOpen},
	StepReport:   {ActivityHeld},
	StepCancel:   {ActivityProposed, ActivityApproved, ActivityInvitationsSent, ActivityRegistrationOpen},
}

func activityRef(a *Activity) string { return "activity " + a.ID }

func joinStatuses(ss []ActivityStatus) string {
	var out []string
	for _, s := range ss {
		out = append(out, string(s))
	}
	if len(out) > 1 {
		return strings.Join(out[:len(out)-1], ", ") + " or " + out[len(out)-1]
	}
	return strings.Join(out, "")
}

// ProposeActivity checks a new activity for programme p, proposed on day
// d, and returns it with status proposed. An activity drawn from offer takes
// the offer's title, kind, capacity, location and dates where it gives none
// of its own.
func ProposeActivity(p *Programme, a Activity, offer *Offer, d Date) (Activity, error) {
	const rule = "activity: propose"
	if d.IsZero() || d.Precision() != PrecisionDay {
		return a, Errorf(EINVALID, "%s: the date must be a day (YYYY-MM-DD), got %q", rule, d)
	}
	if !ValidCode(a.ID) {
		return a, Errorf(EINVALID, "%s: %q is not an activity id (letters, digits, '-', '_', '.')", rule, a.ID)
	}
	if offer != nil {
		a.Offer = offer.Code
		if a.Title == "" {
			a.Title = offer.Title
		}
		if a.Kind == "" {
			a.Kind = offer.Kind
		}
		if a.Capacity == 0 {
			a.Capacity = offer.Capacity
		}
		if a.Location == "" {
			a.Location = offer.Location
		}
		if a.Period == (Period{}) {
			a.Period = offer.Period
		}
	}
	if strings.TrimSpace(a.Title) == "" {
		return a, Errorf(EINVALID, "%s: a title is required (or a menu offer to take it from)", rule)
	}
	if err := a.checkDescription(rule); err != nil {
		return a, err
	}
	switch p.Status {
	case ProgrammeAgreed, ProgrammeActive, ProgrammeUnderReview:
	default:
		return a, refuse(rule, Reason{Record: "programme " + p.ID, Text: fmt.Sprintf(
			"activities are proposed only under a programme in force; %s is %s", p.ID, p.Status)})
	}
	if !p.Agreed.IsZero() && d.Before(p.Agreed) {
		return a, refuse(rule, Reason{Record: "programme " + p.ID, Field: "date", Text: fmt.Sprintf(
			"%s is before the programme was agreed (%s)", d, p.Agreed)})
	}
	a.Programme = p.ID
	a.Status = ActivityProposed
	a.Invited = []string{}
	a.Registrations = []Registration{}
	a.Dates = ActivityDates{Proposed: d}
	if a.Sources == nil {
		a.Sources = []string{}
	}
	return a, nil
}

// Step takes one workflow step on a and returns the changed activity. who
// says which countries may be invited (members and partners on the day);
// only invite reads it. A step that does not apply is refused with an
// EREFUSED error naming the rule; a is never changed in place.
func (a Activity) Step(step ActivityStep, in StepInput, who Invitees) (Activity, error) {
	rule := "activity: " + string(step)
	allowed, ok := from[step]
	if !ok {
		return a, Errorf(EINVALID, "unknown activity step %q (want one of approve, invite, register, hold, report, cancel)", step)
	}
	d := in.Date
	if d.IsZero() || d.Precision() != PrecisionDay {
		return a, Errorf(EINVALID, "%s: the date must be a day (YYYY-MM-DD), got %q", rule, d)
	}
	if !slices.Contains(allowed, a.Status) {
		why := fmt.Sprintf("%s is %s; %s needs it %s", a.ID, a.Status, step, joinStatuses(allowed))
		if step == StepCancel && (a.Status == ActivityHeld || a.Status == ActivityReported) {
			why = fmt.Sprintf("%s has been held; an activity can be cancelled only before it is held", a.ID)
		}
		return a, refuse(rule, Reason{Record: activityRef(&a), Text: why})
	}
	if err := a.checkStepDate(rule, step, d); err != nil {
		return a, err
	}
	a.Invited = slices.Clone(a.Invited)
	a.Registrations = slices.Clone(a.Registrations)
	switch step {
	case StepApprove:
		a.Status, a.Dates.Approved = ActivityApproved, d
	case StepInvite:
		if len(in.Countries) == 0 {
			return a, Errorf(EINVALID, "%s: name at least one country to invite", rule)
		}
		for _, c := range in.Countries {
			if !ValidCountryCode(c) {
				return a, Errorf(EINVALID, "%s: %q is not an ISO 3166-1 alpha-3 code", rule, c)
			}
			if slices.Contains(a.Invited, c) {
				return a, refuse(rule, Reason{Record: activityRef(&a), Field: "countries", Text: fmt.Sprintf("%s has already been invited", c)})
			}
			if !slices.Contains(who.Members, c) && !slices.Contains(who.Partners, c) {
				return a, refuse(rule, Reason{Field: "countries", Text: fmt.Sprintf(
					"only members and partners of %s may be invited; %s is neither on %s", who.Alliance, c, d)})
			}
			a.Invited = append(a.Invited, c)
		}
		if a.Status == ActivityApproved {
			a.Status, a.Dates.InvitationsSent = ActivityInvitationsSent, d
		}
	case StepRegister:
		if a.Status == ActivityInvitationsSent {
			a.Status, a.Dates.RegistrationOpened = ActivityRegistrationOpen, d
		}
		if in.Country == "" {
			break
		}
		n := in.Participants
		if n == 0 {
			n = 1
		}
		if n < 0 {
			return a, Errorf(EINVALID, "%s: participants %d is negative", rule, n)
		}
		if !slices.Contains(a.Invited, in.Country) {
			return a, refuse(rule, Reason{Record: activityRef(&a), Field: "country", Text: fmt.Sprintf(
				"%s was not invited; only invited countries register (invited: %s)", in.Country, orNone(a.Invited))})
		}
		if a.Capacity > 0 && a.Registered()+n > a.Capacity {
			return a, refuse(rule, Reason{Record: activityRef(&a), Field: "participants", Text: fmt.Sprintf(
				"registration stops at capacity: %d of %d places taken, %d more asked for", a.Registered(), a.Capacity, n)})
		}
		a.Registrations = append(a.Registrations, Registration{Country: in.Country, Participants: n, Date: d})
	case StepHold:
		a.Status, a.Dates.Held = ActivityHeld, d
	case StepReport:
		if strings.TrimSpace(in.Outcome) == "" {
			return a, Errorf(EINVALID, "%s: a report needs an outcome", rule)
		}
		if in.Participants < 0 {
			return a, Errorf(EINVALID, "%s: participants %d is negative", rule, in.Participants)
		}
		if a.Capacity > 0 && in.Participants > a.Capacity {
			return a, refuse(rule, Reason{Record: activityRef(&a), Field: "participants", Text: fmt.Sprintf(
				"%d participants reported, but the activity takes at most %d", in.Participants, a.Capacity)})
		}
		a.Status, a.Dates.Reported = ActivityReported, d
		a.Outcome, a.Participants, a.Feedback = in.Outcome, in.Participants, in.Feedback
	case StepCancel:
		a.Status, a.Dates.Cancelled = ActivityCancelled, d
		a.CancelReason = in.Reason
	}
	return a, nil
}

func orNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

// ActivityEdit is what may change in an activity while it is proposed: its
// description, not its workflow.
type ActivityEdit struct {
	Goal     string
	Title    string
	Kind     string
	Location string
	Period   Period
	Capacity int
}

// Edit applies e to a proposed activity and returns the changed activity.
// Once approved an activity is what was approved: an edit is refused
// (EREFUSED, naming the rule); a title, a kind, a capacity and a period
// are checked as a proposal's are (EINVALID). a is never changed in place.
func (a Activity) Edit(e ActivityEdit) (Activity, error) {
	const rule = "activity: edit"
	if a.Status != ActivityProposed {
		return a, refuse(rule, Reason{Record: activityRef(&a), Text: fmt.Sprintf(
			"%s is %s; an activity is edited only while it is proposed, before it is approved", a.ID, a.Status)})
	}
	if strings.TrimSpace(e.Title) == "" {
		return a, Errorf(EINVALID, "%s: a title is required", rule)
	}
	a.Goal, a.Title, a.Kind, a.Location, a.Period, a.Capacity = e.Goal, strings.TrimSpace(e.Title), e.Kind, e.Location, e.Period, e.Capacity
	if err := a.checkDescription(rule); err != nil {
		return a, err
	}
	return a, nil
}

// checkDescription checks an activity's kind (event when none), capacity
// and period, as proposed or edited: EINVALID naming rule.
func (a *Activity) checkDescription(rule string) error {
	if a.Kind == "" {
		a.Kind = "event"
	}
	if !ValidOfferKind(a.Kind) {
		return Errorf(EINVALID, "%s: %q is not a kind (%s)", rule, a.Kind, strings.Join(OfferKinds, ", "))
	}
	if a.Capacity < 0 {
		return Errorf(EINVALID, "%s: capacity %d is negative", rule, a.Capacity)
	}
	if err := CheckOrder(a.Period); err != nil {
		return Errorf(EINVALID, "%s: %s", rule, ErrorMessage(err))
	}
	return nil
}
