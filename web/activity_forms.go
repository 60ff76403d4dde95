package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The activity's forms (issue 10): every workflow step on the activity's
// page, edit while proposed, and proposing under a programme. A form is
// shown only to whom the service would let take its step (CheckStep), and
// the service decides again when it is sent, as for the API and the CLI.
// Holding, reporting and cancelling cannot be undone: they go through a
// "check your answers" page first. Each success ends on the activity's
// page with a panel saying what happened and what comes next.

func (s *Server) activityFormRoutes() {
	m := s.mux
	m.HandleFunc("POST /activities/{id}/steps/{step}", s.postActivityStep)
	m.HandleFunc("GET /activities/{id}/edit", s.pageEditActivity)
	m.HandleFunc("POST /activities/{id}/edit", s.postEditActivity)
	m.HandleFunc("GET /programmes/{id}/propose", s.pagePropose)
	m.HandleFunc("POST /programmes/{id}/propose", s.postPropose)
}

// stepForm is a workflow step's form: which step, and what it does.
type stepForm struct {
	Key  string // the path's step: approve, invite, open, register, hold, report, cancel
	Step entente.ActivityStep
	// From are the statuses the form is shown at.
	From []entente.ActivityStatus
	// Check: the step cannot be undone, so a "check your answers" page
	// comes first.
	Check bool
	// First is the id of the form's first field, where an error about
	// the form as a whole links to.
	First string
	// Done says what happened, and Next what comes next, on the panel.
	Done, Next string
}

var stepForms = []stepForm{
	{Key: "approve", Step: entente.StepApprove, From: []entente.ActivityStatus{entente.ActivityProposed}, First: "approve-date",
		Done: "The activity is approved.", Next: "Staff send the invitations next: choose the members and partners to invite."},
	{Key: "invite", Step: entente.StepInvite, From: []entente.ActivityStatus{entente.ActivityApproved, entente.ActivityInvitationsSent, entente.ActivityRegistrationOpen}, First: "invite-countries",
		Done: "The invitations are sent.", Next: "Open registration next, so that the invited countries can register their participants."},
	{Key: "open", Step: entente.StepRegister, From: []entente.ActivityStatus{entente.ActivityInvitationsSent}, First: "open-date",
		Done: "Registration is open.", Next: "The invited countries register their participants next, up to the activity's capacity."},
	{Key: "register", Step: entente.StepRegister, From: []entente.ActivityStatus{entente.ActivityInvitationsSent, entente.ActivityRegistrationOpen}, First: "register-country",
		Done: "The participants are registered.", Next: "Register another country's participants, or record that the activity was held."},
	{Key: "hold", Step: entente.StepHold, From: []entente.ActivityStatus{entente.ActivityRegistrationOpen}, Check: true, First: "hold-date",
		Done: "The activity is recorded as held.", Next: "Report it next: its outcome, who took part and their feedback."},
	{Key: "report", Step: entente.StepReport, From: []entente.ActivityStatus{entente.ActivityHeld}, Check: true, First: "report-outcome",
		Done: "The activity is reported.", Next: "Its workflow is complete; the report counts towards its programme's progress."},
	{Key: "cancel", Step: entente.StepCancel, From: []entente.ActivityStatus{entente.ActivityProposed, entente.ActivityApproved, entente.ActivityInvitationsSent, entente.ActivityRegistrationOpen}, Check: true, First: "cancel-reason",
		Done: "The activity is cancelled.", Next: "Nothing more happens to it; propose another activity under its programme if one is needed."},
}

func stepFormOf(key string) (stepForm, bool) {
	i := slices.IndexFunc(stepForms, func(f stepForm) bool { return f.Key == key })
	if i < 0 {
		return stepForm{}, false
	}
	return stepForms[i], true
}

// stepValues are what a step's form was sent with, kept on errors.
type stepValues struct {
	Date, Country, Participants, Outcome, Feedback, Reason string
	Countries                                              []string
}

// Chose reports whether the country c is among those chosen.
func (v stepValues) Chose(c string) bool { return slices.Contains(v.Countries, c) }

// choice is a country one may choose: its code and name.
type choice struct{ Code, Name, ID string }

// activityPage is the activity page's data: the activity, and the forms of
// the steps the one signed in may take now.
type activityPage struct {
	*entente.Activity
	// Version is the activity's version, which each form carries.
	Version string
	// Forms are the steps shown, in workflow order; Edit, whether the
	// edit link is.
	Forms []stepForm
	Edit  bool
	// Done is the form just sent with success, for the panel.
	Done *stepForm
	// Open is the form whose values and problems follow.
	Open     string
	Values   stepValues
	Problems formProblems
	// Members and Partners may be invited (those not yet invited);
	// Registrants, those invited, may register.
	Members, Partners, Registrants []choice
	// Conflict is set when a step was sent from a version of the activity
	// that is no longer its own: nothing was saved.
	Conflict *stepConflict
}

// stepConflict is the conflict page of a step: the step sent, its values,
// and the changes made since the page it was sent from.
type stepConflict struct {
	Form  stepForm
	Sent  []conflictRow
	Their theirChanges
}

// sent lists the values a step form sent, in words, for the conflict page.
func (v stepValues) sent() []conflictRow {
	var out []conflictRow
	add := func(field, value string) {
		if value != "" {
			out = append(out, conflictRow{Field: field, Yours: value})
		}
	}
	add("Day", v.Date)
	add("Countries invited", strings.Join(v.Countries, ", "))
	add("Country", v.Country)
	add("Participants", v.Participants)
	add("Outcome", v.Outcome)
	add("Feedback", v.Feedback)
	add("Reason", v.Reason)
	return out
}

// Shows reports whether the page shows the form key.
func (p *activityPage) Shows(key string) bool {
	return slices.ContainsFunc(p.Forms, func(f stepForm) bool { return f.Key == key })
}

// ValuesFor are the values of form key: those sent, for the open form.
func (p *activityPage) ValuesFor(key string) stepValues {
	if p.Open == key {
		return p.Values
	}
	return stepValues{}
}

// ProblemsFor are the problems of form key.
func (p *activityPage) ProblemsFor(key string) formProblems {
	if p.Open == key {
		return p.Problems
	}
	return formProblems{}
}

// activityPage reads activity id and what the principal may do to it.
func (s *Server) activityPage(r *http.Request, id string) (*activityPage, error) {
	ctx := r.Context()
	a, err := s.svc.Activity(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &activityPage{Activity: a, Version: entente.Version(*a)}
	if !entente.PrincipalFrom(ctx).Authenticated() || signedInFrom(r) == nil {
		return p, nil
	}
	allowed := map[entente.ActivityStep]bool{}
	for _, f := range stepForms {
		if !slices.Contains(f.From, a.Status) {
			continue
		}
		ok, seen := allowed[f.Step]
		if !seen {
			ok = s.svc.CheckStep(ctx, a.Programme, f.Step) == nil
			allowed[f.Step] = ok
		}
		if ok {
			p.Forms = append(p.Forms, f)
		}
	}
	p.Edit = a.Status == entente.ActivityProposed && s.svc.CheckStep(ctx, a.Programme, entente.StepPropose) == nil
	if p.Shows("invite") || p.Shows("register") {
		if err := s.inviteChoices(r, p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// inviteChoices fills in who may be invited and who may register.
func (s *Server) inviteChoices(r *http.Request, p *activityPage) error {
	ctx := r.Context()
	cs, err := s.svc.BrowseCountries(ctx)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, c := range cs {
		names[c.Code] = c.Name
	}
	named := func(codes []string) []choice {
		var out []choice
		for _, c := range codes {
			if !slices.Contains(p.Activity.Invited, c) {
				out = append(out, choice{c, names[c], "invite-" + c})
			}
		}
		return out
	}
	if p.Shows("invite") {
		who, err := s.svc.Invitees(ctx, p.Programme, entente.Date{})
		if err != nil {
			return err
		}
		p.Members, p.Partners = named(who.Members), named(who.Partners)
		// The first box is where the error summary links to.
		if len(p.Members) > 0 {
			p.Members[0].ID = "invite-countries"
		} else if len(p.Partners) > 0 {
			p.Partners[0].ID = "invite-countries"
		}
	}
	for _, c := range p.Activity.Invited {
		p.Registrants = append(p.Registrants, choice{c, names[c], ""})
	}
	return nil
}

func (s *Server) pageActivity(w http.ResponseWriter, r *http.Request) {
	s.view(w, r, "activity.html", "", func(d entente.Date) (page, error) {
		p, err := s.activityPage(r, r.PathValue("id"))
		if err != nil {
			return page{}, err
		}
		if signedInFrom(r) != nil {
			if f, ok := stepFormOf(r.URL.Query().Get("done")); ok {
				p.Done = &f
			} else if done := r.URL.Query().Get("done"); done == "propose" || done == "edit" {
				p.Done = &stepForm{Key: done}
			}
		}
		return page{Title: p.Title + " (" + p.ID + ")", Data: p}, nil
	})
}

// renderActivity shows the activity's page again with p's open form, its
// values and problems, answering status.
func (s *Server) renderActivity(w http.ResponseWriter, r *http.Request, status int, p *activityPage) {
	title := p.Title + " (" + p.ID + ")"
	if p.Problems.Any() {
		title = "Error: " + title
	}
	w.Header().Set("Cache-Control", "no-store")
	s.view(w, r, "activity.html", "", func(entente.Date) (page, error) {
		// No date bar: its form would ask the POST's address for a day.
		return page{Title: title, Data: p, status: status, Timeless: true}, nil
	})
}

// stepValuesOf reads a step form's values.
func stepValuesOf(r *http.Request) stepValues {
	f := r.PostForm
	v := stepValues{Date: f.Get("date"), Country: strings.ToUpper(strings.TrimSpace(f.Get("country"))), Participants: f.Get("participants"),
		Outcome: strings.TrimSpace(f.Get("outcome")), Feedback: strings.TrimSpace(f.Get("feedback")), Reason: strings.TrimSpace(f.Get("reason"))}
	for _, c := range f["countries"] {
		if c = strings.ToUpper(strings.TrimSpace(c)); c != "" && !slices.Contains(v.Countries, c) {
			v.Countries = append(v.Countries, c)
		}
	}
	return v
}

// request checks a step form's values and returns the service's request.
func (f stepForm) request(id string, v stepValues, p *formProblems) service.ActivityRequest {
	req := service.ActivityRequest{ID: id}
	switch f.Key {
	case "invite":
		if len(v.Countries) == 0 {
			p.add(f.First, "Choose at least one member or partner to invite")
		}
		req.Countries = v.Countries
	case "register":
		if v.Country == "" {
			p.add("register-country", "Choose the country whose participants you register")
		}
		req.Country = v.Country
		req.Participants = countField(p, "register-participants", "Participants", v.Participants)
		if strings.TrimSpace(v.Participants) == "" || (req.Participants == 0 && p.For("register-participants") == "") {
			p.add("register-participants", "Enter how many participants the country registers, 1 or more")
		}
	case "report":
		if v.Outcome == "" {
			p.add("report-outcome", "Enter the outcome: what the activity achieved")
		}
		req.Outcome, req.Feedback = v.Outcome, v.Feedback
		req.Participants = countField(p, "report-participants", "Participants", v.Participants)
	case "cancel":
		if v.Reason == "" {
			p.add("cancel-reason", "Enter why the activity is cancelled")
		}
		req.Reason = v.Reason
	}
	req.Date = dayField(p, f.Key+"-date", v.Date)
	return req
}

// place says which field of form f a refusal's reason is about.
func (f stepForm) place(r entente.Reason) string {
	if r.Field != "" {
		return f.Key + "-" + r.Field // the step's fields are named KEY-FIELD
	}
	return f.First
}

// checkPage is the "check your answers" page before a step that cannot be
// undone.
type checkPage struct {
	Activity *entente.Activity
	Form     stepForm
	Values   stepValues
	Version  string
}

// postActivityStep takes a workflow step from the activity's page.
func (s *Server) postActivityStep(w http.ResponseWriter, r *http.Request) {
	if s.signedInOr(w, r) == nil {
		return
	}
	ctx := r.Context()
	f, ok := stepFormOf(r.PathValue("step"))
	if !ok {
		s.fail(w, r, entente.Errorf(entente.ENOTFOUND, "no activity step %q: want approve, invite, open, register, hold, report or cancel", r.PathValue("step")))
		return
	}
	a, err := s.svc.Activity(ctx, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Refused by role: the service's own answer, before anything else.
	if err := s.svc.CheckStep(ctx, a.Programme, f.Step); err != nil {
		s.fail(w, r, err)
		return
	}
	v := stepValuesOf(r)
	var probs formProblems
	req := f.request(a.ID, v, &probs)
	again := func(status int) {
		p, err := s.activityPage(r, a.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Open, p.Values, p.Problems = f.Key, v, probs
		if !p.Shows(f.Key) {
			// The step no longer applies (another took the activity on):
			// its form is shown all the same, with the refusal.
			p.Forms = append(p.Forms, f)
		}
		s.renderActivity(w, r, status, p)
	}
	if probs.Any() {
		again(http.StatusBadRequest)
		return
	}
	// The service checks the version the form was opened with, under
	// the activity's lock: a step taken from a stale page is ESTALE.
	version := r.PostForm.Get("version")
	req.IfMatch = version
	if f.Check && r.PostForm.Get("confirm") != "yes" {
		if r.PostForm.Get("change") != "" {
			again(http.StatusOK)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		s.view(w, r, "activity-check.html", "", func(entente.Date) (page, error) {
			return page{Title: "Check your answers: " + f.Key + " " + a.ID, Data: checkPage{Activity: a, Form: f, Values: v, Version: version}, Timeless: true}, nil
		})
		return
	}
	_, err = s.svc.StepActivity(ctx, f.Step, req)
	switch code := entente.ErrorCode(err); code {
	case "":
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, "/activities/"+url.PathEscape(a.ID)+"?done="+f.Key, http.StatusSeeOther)
	case entente.EREFUSED, entente.EINVALID:
		probs.refused(err, f.First, f.place)
		again(statusOf(code))
	case entente.ESTALE:
		// The page as it is now, with what changed and what was sent; the
		// step's form comes back only if the step still applies.
		p, err := s.activityPage(r, a.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Conflict = &stepConflict{Form: f, Sent: v.sent(), Their: changesSince[entente.Activity](ctx, s.svc, "activity", a.ID, version)}
		if p.Shows(f.Key) {
			p.Open, p.Values = f.Key, v
		}
		s.renderActivity(w, r, http.StatusConflict, p)
	default:
		s.fail(w, r, err)
	}
}
