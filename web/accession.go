package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The accession pages (issue 10): a country's accession to the alliance the
// request names (?alliance=, see alliance.go) at
// /countries/{iso3}/accession, with which members have consented or
// ratified and what the rule still asks for; and for those who may run
// accession steps (service.MayRunAccession: staff and admins), a form per
// step at /countries/{iso3}/accession/{step}. A step's form is checked
// first (the service runs the step's rule as a dry run and writes
// nothing), shown on a "check your answers" page, and taken only when
// that page is confirmed; the service refuses whoever may not, whatever
// the form says.

func (s *Server) accessionRoutes() {
	m := s.mux
	m.HandleFunc("GET /countries/{iso3}/accession", s.pageAccession)
	m.HandleFunc("GET /countries/{iso3}/accession/{step}", s.pageAccessionStep)
	m.HandleFunc("POST /countries/{iso3}/accession/{step}", s.postAccessionStep)
	m.HandleFunc("POST /api/v1/alliances/{code}/accession/{iso3}/{step}", s.apiAccessionStep)
}

// accessionStepBody is an accession step's JSON: the member that consents
// or ratifies, the day (today when absent), and dry_run to see the record
// the step would write, or its refusal, writing nothing.
type accessionStepBody struct {
	By     string       `json:"by,omitempty"`
	Date   entente.Date `json:"date,omitzero"`
	DryRun bool         `json:"dry_run,omitempty"`
}

// apiAccessionStep takes an accession step through the API: the membership
// as it is after the step (201 with its address for an application, 200
// otherwise). A step on an existing membership names its version
// (If-Match, the ETag of GET .../memberships/{iso3}); an application names
// none.
func (s *Server) apiAccessionStep(w http.ResponseWriter, r *http.Request) {
	st, err := accessionStepOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var body accessionStepBody
	if err := s.decode(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	req := service.StepRequest{Alliance: upper(r, "code"), Country: upper(r, "iso3"), By: strings.ToUpper(body.By), Date: body.Date,
		DryRun: body.DryRun, IfMatch: r.Header.Get("If-Match")}
	m, err := s.svc.Accession(service.RequireVersions(r.Context()), st, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if st == service.StepApply && !body.DryRun {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/v1/alliances/"+m.Alliance+"/memberships/"+m.Country)
	}
	if !body.DryRun {
		w.Header().Set("ETag", entente.Version(*m))
	}
	s.writeJSON(w, status, m)
}

// accessionStepText is what the pages say of a step.
type accessionStepText struct {
	// Title heads its form: "Record an application to join".
	Title string
	// Hint says what the step records and when it may be taken.
	Hint string
	// Done says what was recorded, after "Recorded ".
	Done string
	// By is set for the steps a member takes (consent, ratify).
	By bool
}

var accessionSteps = map[service.Step]accessionStepText{
	service.StepApply:    {Title: "Record an application to join", Hint: "The country applies to join. Refused for a member, for an accession under way, and for a state the treaty does not allow.", Done: "the application to join"},
	service.StepConsent:  {Title: "Record a member's consent to the invitation", Hint: "One member consents to inviting the country, after it has applied.", Done: "the consent to the invitation", By: true},
	service.StepInvite:   {Title: "Record the invitation", Hint: "The alliance invites the country. Where the rule asks for unanimity, every member must have consented first.", Done: "the invitation"},
	service.StepSign:     {Title: "Record the signature of the accession protocol", Hint: "The members sign the protocol on the country's accession, after the invitation.", Done: "the signature of the accession protocol"},
	service.StepRatify:   {Title: "Record a member's ratification of the protocol", Hint: "One member ratifies the accession protocol, after its signature.", Done: "the ratification of the accession protocol", By: true},
	service.StepDeposit:  {Title: "Record the deposit of the instrument of accession", Hint: "The country deposits its instrument of accession, once every member has ratified: it becomes a member that day.", Done: "the deposit of the instrument of accession"},
	service.StepWithdraw: {Title: "Record a notice of withdrawal", Hint: "A member gives notice that it leaves the alliance; the treaty says when the withdrawal takes effect.", Done: "the notice of withdrawal"},
}

// accessionStepOf is the step the path names, or ENOTFOUND.
func accessionStepOf(r *http.Request) (service.Step, error) {
	st := service.Step(r.PathValue("step"))
	if !slices.Contains(service.Steps, st) {
		return "", entente.Errorf(entente.ENOTFOUND, "no accession step %q: the steps are apply, consent, invite, sign, ratify, deposit and withdraw", r.PathValue("step"))
	}
	return st, nil
}

// accessionStepLink is a step offered on the accession page.
type accessionStepLink struct {
	Step service.Step
	accessionStepText
	// Next marks the steps the accession's status leads to.
	Next bool
}

// accessionData is the accession page's.
type accessionData struct {
	*service.AccessionView
	// Steps are offered to those who may run them, else nil.
	Steps []accessionStepLink
	// Done says what a confirmed step recorded; Next what comes next.
	Done, Next string
	Path       string
}

// accessionNext are the steps an accession at status st leads to.
func accessionNext(v *service.AccessionView) []service.Step {
	switch v.Status {
	case "", entente.StatusWithdrawn:
		return []service.Step{service.StepApply}
	case entente.StatusApplied:
		if len(v.NoConsent) > 0 {
			return []service.Step{service.StepConsent}
		}
		return []service.Step{service.StepInvite}
	case entente.StatusInvited:
		return []service.Step{service.StepSign}
	case entente.StatusSigned:
		if len(v.NoRatification) > 0 {
			return []service.Step{service.StepRatify}
		}
		return []service.Step{service.StepDeposit}
	case entente.StatusMember:
		return []service.Step{service.StepWithdraw}
	}
	return nil
}

// accessionWhatNext says what the accession waits for.
func accessionWhatNext(v *service.AccessionView) string {
	m := v.Membership
	switch v.Status {
	case entente.StatusApplied:
		if len(v.NoConsent) > 0 {
			return "Next: the consent of each member that has not consented (" + plural(len(v.NoConsent), "member") + "), then the invitation."
		}
		return "Next: every member has consented, so the country may be invited."
	case entente.StatusInvited:
		return "Next: the signature of the accession protocol."
	case entente.StatusSigned:
		if len(v.NoRatification) > 0 {
			return "Next: the ratification of each member that has not ratified (" + plural(len(v.NoRatification), "member") + "), then the deposit of the instrument of accession."
		}
		return "Next: every member has ratified, so the country may deposit its instrument of accession."
	case entente.StatusMember:
		return v.Country.Name + " is a member of " + v.Alliance.Name + ": the accession is complete."
	case entente.StatusNotice:
		return "The withdrawal takes effect on " + human(m.Withdrawn) + "."
	case entente.StatusWithdrawn:
		return v.Country.Name + " has left " + v.Alliance.Name + "."
	}
	return "Next: an application to join."
}

func (s *Server) pageAccession(w http.ResponseWriter, r *http.Request) {
	s.allianceView(w, r, "accession.html", "", func(a *entente.Alliance, d entente.Date) (page, error) {
		v, err := s.svc.AccessionState(r.Context(), a.Code, upper(r, "iso3"), d)
		if err != nil {
			return page{}, err
		}
		data := accessionData{AccessionView: v, Next: accessionWhatNext(v), Path: "/countries/" + v.Country.Code + "/accession"}
		if st := service.Step(r.URL.Query().Get("done")); accessionSteps[st].Done != "" {
			data.Done = "Recorded " + accessionSteps[st].Done
			if by := strings.ToUpper(r.URL.Query().Get("by")); accessionSteps[st].By && entente.ValidCountryCode(by) {
				data.Done = "Recorded " + by + "'s " + strings.TrimPrefix(accessionSteps[st].Done, "the ")
			}
			data.Done += " of " + v.Country.Name + "."
		}
		if service.MayRunAccession(r.Context()) == nil {
			next := accessionNext(v)
			for _, st := range service.Steps {
				data.Steps = append(data.Steps, accessionStepLink{Step: st, accessionStepText: accessionSteps[st], Next: slices.Contains(next, st)})
			}
			w.Header().Set("Cache-Control", "no-store")
		}
		return page{Title: v.Country.Name + ": accession to " + a.Name, Data: data}, nil
	})
}

// accessionForm is a step's form's values, as entered.
type accessionForm struct {
	Date, By, Version string
}

// accessionStepData is a step's form page and its "check your answers" page.
type accessionStepData struct {
	*service.AccessionView
	Step service.Step
	accessionStepText
	Form   accessionForm
	Errors formErrors
	// Reasons are a refusal's, shown beside the field concerned.
	Reasons []entente.Reason
	// Choices are the members who may still consent or ratify.
	Choices []string
	// Check is set on the "check your answers" page: the record the
	// step would write.
	Check *entente.Membership
	// Outcome says what the step will record.
	Outcome string
	Path    string
	Carry   string
	// Conflict is set when the step was sent from a version of the
	// membership that is no longer its own: nothing was recorded.
	Conflict *theirChanges
}

// accessionConflict answers a step sent from a stale version of the
// membership key (ALLIANCE/ISO3): nothing recorded, the steps recorded
// since, and the form again with the values sent and the version now.
func (s *Server) accessionConflict(w http.ResponseWriter, r *http.Request, key string, d accessionStepData) {
	their := changesSince[entente.Membership](r.Context(), s.svc, "membership", key, d.Form.Version)
	d.Conflict, d.Form.Version, d.Check = &their, "", nil
	s.renderAccessionStep(w, r, http.StatusConflict, d)
}

// Action is the form's address, with the alliance carried.
func (d accessionStepData) Action() string {
	if d.Carry == "" {
		return d.Path
	}
	return d.Path + "?" + d.Carry
}

// renderAccessionStep renders the step's form (or, with d.Check, its check page).
func (s *Server) renderAccessionStep(w http.ResponseWriter, r *http.Request, status int, d accessionStepData) {
	a, err := s.allianceOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.svc.AccessionState(r.Context(), a.Code, upper(r, "iso3"), entente.Date{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.AccessionView, d.accessionStepText, d.Carry = v, accessionSteps[d.Step], carried(r)
	d.Path = "/countries/" + v.Country.Code + "/accession/" + string(d.Step)
	switch d.Step {
	case service.StepConsent:
		d.Choices = v.NoConsent
	case service.StepRatify:
		d.Choices = v.NoRatification
	}
	if d.Form.Version == "" && v.Membership != nil {
		d.Form.Version = entente.Version(*v.Membership)
	}
	title := d.Title + ": " + v.Country.Name
	if d.Check != nil {
		title = "Check your answers: " + d.Title + ": " + v.Country.Name
	}
	if len(d.Errors) > 0 {
		title = "Error: " + title
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "accession-step.html", page{Title: title, Alliance: a, Data: d, Timeless: true, carry: d.Carry, url: r.URL})
}

// accessionStepFor is the step r's path names, when r's principal may run it;
// else it answers r and returns false.
func (s *Server) accessionStepFor(w http.ResponseWriter, r *http.Request) (service.Step, bool) {
	if s.signedInOr(w, r) == nil {
		return "", false
	}
	st, err := accessionStepOf(r)
	if err == nil {
		err = service.MayRunAccession(r.Context())
	}
	if err != nil {
		s.fail(w, r, err)
		return "", false
	}
	return st, true
}

func (s *Server) pageAccessionStep(w http.ResponseWriter, r *http.Request) {
	st, ok := s.accessionStepFor(w, r)
	if !ok {
		return
	}
	s.renderAccessionStep(w, r, http.StatusOK, accessionStepData{Step: st, Form: accessionForm{Date: s.svc.Today().String()}})
}

// postAccessionStep checks a step's form and shows its check page; the
// check page's confirmation (confirm=yes) takes the step, and "change"
// (edit) brings the form back with the values entered.
func (s *Server) postAccessionStep(w http.ResponseWriter, r *http.Request) {
	st, ok := s.accessionStepFor(w, r)
	if !ok {
		return
	}
	a, err := s.allianceOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := accessionForm{Date: strings.TrimSpace(r.PostForm.Get("date")), By: strings.ToUpper(strings.TrimSpace(r.PostForm.Get("by"))),
		Version: r.PostForm.Get("version")}
	d := accessionStepData{Step: st, Form: f}
	if r.PostForm.Get("edit") != "" {
		s.renderAccessionStep(w, r, http.StatusOK, d)
		return
	}
	day, derr := entente.ParseDate(f.Date)
	switch {
	case f.Date == "":
		d.Errors = append(d.Errors, fieldError{"date", "Enter the day of the step, such as " + s.svc.Today().String()})
	case derr != nil || day.Precision() != entente.PrecisionDay:
		d.Errors = append(d.Errors, fieldError{"date", "Enter the day as YYYY-MM-DD, such as " + s.svc.Today().String() + ": a step happens on a day, so a year or a month alone will not do"})
	}
	if accessionSteps[st].By && !entente.ValidCountryCode(f.By) {
		d.Errors = append(d.Errors, fieldError{"by", "Choose the member that gives its " + map[service.Step]string{service.StepConsent: "consent", service.StepRatify: "ratification"}[st]})
	}
	if len(d.Errors) > 0 {
		s.renderAccessionStep(w, r, http.StatusBadRequest, d)
		return
	}
	by := ""
	if accessionSteps[st].By {
		by = f.By
	}
	confirm := r.PostForm.Get("confirm") == "yes"
	req := service.StepRequest{Alliance: a.Code, Country: upper(r, "iso3"), By: by, Date: day, DryRun: !confirm}
	if confirm {
		// The service checks the version again inside the step's
		// transaction, so a step recorded between the check below and
		// this one is a conflict too.
		req.IfMatch = f.Version
	}
	if confirm && f.Version != "" {
		// The form names the version it was opened with: a change made
		// meanwhile is a conflict, not overwritten.
		if cur, err := s.svc.AccessionState(r.Context(), a.Code, req.Country, entente.Date{}); err == nil && cur.Membership != nil {
			if err := entente.CheckVersion("membership "+a.Code+"/"+req.Country, *cur.Membership, f.Version); err != nil {
				s.accessionConflict(w, r, a.Code+"/"+req.Country, d)
				return
			}
		}
	}
	m, err := s.svc.Accession(r.Context(), st, req)
	switch code := entente.ErrorCode(err); {
	case err == nil && !confirm:
		d.Check = m
		d.Outcome = accessionOutcome(st, m, by)
		s.renderAccessionStep(w, r, http.StatusOK, d)
		return
	case err == nil:
		q := url.Values{"done": {string(st)}}
		if by != "" {
			q.Set("by", by)
		}
		if c := carried(r); c != "" {
			q.Set(allianceParam, r.URL.Query().Get(allianceParam))
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, "/countries/"+req.Country+"/accession?"+q.Encode(), http.StatusSeeOther)
		return
	case code == entente.ESTALE:
		s.accessionConflict(w, r, a.Code+"/"+req.Country, d)
		return
	case code == entente.EREFUSED:
		field := accessionField(st, entente.ErrorMessage(err), by)
		if rs := entente.ErrorReasons(err); len(rs) > 0 && (rs[0].Field == "date" || rs[0].Field == "by" && accessionSteps[st].By) {
			field = rs[0].Field
		}
		d.Errors = formErrors{{field, entente.ErrorMessage(err)}}
		if e, ok := err.(*entente.Error); ok {
			d.Reasons = e.Reasons
		}
		s.renderAccessionStep(w, r, http.StatusUnprocessableEntity, d)
	case code == entente.EINVALID && accessionSteps[st].By && strings.Contains(entente.ErrorMessage(err), f.By):
		d.Errors = formErrors{{"by", entente.ErrorMessage(err)}}
		s.renderAccessionStep(w, r, http.StatusBadRequest, d)
	case code == entente.EINVALID:
		d.Errors = formErrors{{"date", entente.ErrorMessage(err)}}
		s.renderAccessionStep(w, r, http.StatusBadRequest, d)
	default:
		s.fail(w, r, err)
	}
}

// accessionField is the field a refusal of st saying msg is shown beside: the
// member, for the steps a member takes, when the refusal names it (or no
// refusal is given); the day otherwise.
func accessionField(st service.Step, msg, by string) string {
	if accessionSteps[st].By && (msg == "" || strings.Contains(msg, by)) {
		return "by"
	}
	return "date"
}

// accessionOutcome says what a step will record, on its check page.
func accessionOutcome(st service.Step, m *entente.Membership, by string) string {
	switch st {
	case service.StepApply:
		return m.Country + " will have applied on " + human(m.Applied) + "."
	case service.StepConsent:
		return by + "'s consent will be recorded: " + plural(len(m.Consents), "member") + " will have consented."
	case service.StepInvite:
		return m.Country + " will be invited on " + human(m.Invited) + "."
	case service.StepSign:
		return "The accession protocol will be signed on " + human(m.Signed) + "; the members' ratifications come next."
	case service.StepRatify:
		return by + "'s ratification will be recorded: " + plural(len(m.Ratifications), "member") + " will have ratified."
	case service.StepDeposit:
		return m.Country + " will become a member on " + human(m.Acceded) + ", and its partnerships with the alliance will end that day."
	case service.StepWithdraw:
		return m.Country + " will have given notice on " + human(m.Notice) + "; its withdrawal takes effect on " + human(m.Withdrawn) + "."
	}
	return ""
}
