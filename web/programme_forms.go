package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The objective and goal forms (issue 10, items 1 to 3): a programme's
// strategic objectives and its goals with their indicators, added and
// changed from the browser, by those the service lets (goals: a liaison
// within its own partner's programmes, staff, admins; objectives: staff
// and admins). They work without JavaScript: plain POSTs, the GOV.UK
// patterns of users.go (label and hint per field, an error summary
// linking to the fields, the error beside its field, values kept, CSRF).
//
// No lost update: an edit form carries the version of the record it was
// opened with (a hidden field), and the service checks it inside the
// write's transaction. A submission from a version that is no longer the
// record's writes nothing and answers the conflict page: 409 Conflict, as
// the version is the form's content rather than an If-Match the user's
// software sent (412), and the user can resolve it (RFC 9110, 15.5.10).
// The page shows the other person's current values beside the submitted
// ones, and a form holding the submitted values and the new version, to
// apply them again on purpose. A form for a new record sends versions as
// required, so a "new" goal whose code someone has taken meanwhile is
// refused rather than overwriting theirs.

func (s *Server) programmeFormRoutes() {
	m := s.mux
	m.HandleFunc("GET /programmes/{id}/goals/new", s.pageGoalForm)
	m.HandleFunc("GET /programmes/{id}/goals/{code}", s.pageGoalForm)
	m.HandleFunc("POST /programmes/{id}/goals", s.postGoalForm)
	m.HandleFunc("GET /programmes/{id}/objectives/new", s.pageObjectiveForm)
	m.HandleFunc("GET /programmes/{id}/objectives/{code}", s.pageObjectiveForm)
	m.HandleFunc("POST /programmes/{id}/objectives", s.postObjectiveForm)
	pageParams["GET /programmes/{id}/goals/{code}"] = []string{"saved"}
	pageParams["GET /programmes/{id}/objectives/{code}"] = []string{"saved"}
}

// maxIndicators bounds the indicator rows a goal form reads.
const maxIndicators = 20

// indicatorForm is one indicator's row as entered: strings, so that what
// the user typed comes back as typed.
type indicatorForm struct {
	N                                          int
	Name, Unit, Baseline, Target, Current, Due string
}

func (f indicatorForm) empty() bool {
	return f.Name == "" && f.Unit == "" && f.Baseline == "" && f.Target == "" && f.Current == "" && f.Due == ""
}

// goalForm is the goal form's fields.
type goalForm struct {
	Code, Objective, Title string
	Indicators             []indicatorForm
	// Version is the goal's version when the form was opened; "" for a
	// new goal.
	Version string
}

// objectiveForm is the objective form's fields.
type objectiveForm struct {
	Code, Area, Title string
	Version           string
}

// recordForm is what the goal and objective pages share: the programme,
// whether the form adds a record, its errors, and its state (saved,
// conflict).
type recordForm struct {
	Programme *service.ProgrammeView
	New       bool
	Errors    formErrors
	// Saved is set on the confirmation.
	Saved bool
	// Conflict is set when the form was submitted from a version that is
	// no longer the record's.
	Conflict bool
	// Rows compare the current record's values (theirs) with the
	// submitted ones (yours), on the conflict page.
	Rows []conflictRow
}

type conflictRow struct {
	Field, Theirs, Yours string
	Differs              bool
}

type goalPage struct {
	recordForm
	Form goalForm
	// Current is the goal as stored (confirmation, conflict).
	Current *entente.Goal
}

type objectivePage struct {
	recordForm
	Form    objectiveForm
	Current *entente.Objective
	Areas   []areaChoice
}

type areaChoice struct{ Code, Name string }

// formProgramme reads the programme of the request's path for a form, and
// checks that the principal may use the form (goals or objectives):
// signed out is sent to sign in; hidden is 404, not allowed 403.
func (s *Server) formProgramme(w http.ResponseWriter, r *http.Request, goals bool) (*service.ProgrammeView, bool) {
	if s.signedInOr(w, r) == nil {
		return nil, false
	}
	w.Header().Set("Cache-Control", "no-store")
	id := r.PathValue("id")
	mayGoals, mayObjectives, err := s.svc.ProgrammeRights(r.Context(), id)
	if err == nil && goals && !mayGoals {
		err = entente.Errorf(entente.EFORBIDDEN, "you may not change the goals of programme %s: a liaison changes its own partner's, staff every one", id)
	}
	if err == nil && !goals && !mayObjectives {
		err = entente.Errorf(entente.EFORBIDDEN, "you may not change the objectives of programme %s: staff do", id)
	}
	var v *service.ProgrammeView
	if err == nil {
		v, err = s.svc.Programme(r.Context(), id, entente.Date{})
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return v, true
}

// renderForm renders a form page with status; a page with errors is
// titled so (GOV.UK: "Error: " first).
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, status int, tmpl, title string, errs formErrors, data any) {
	if len(errs) > 0 {
		title = "Error: " + title
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, tmpl, page{Title: title, Data: data, Timeless: true})
}

// goalFormOf is g's values as the form shows them, with one blank row to
// add an indicator.
func goalFormOf(g *entente.Goal) goalForm {
	f := goalForm{Code: g.Code, Objective: g.Objective, Title: g.Title, Version: entente.Version(*g)}
	for i, in := range g.Indicators {
		row := indicatorForm{N: i + 1, Name: in.Name, Unit: in.Unit, Baseline: num(in.Baseline), Target: num(in.Target), Current: num(in.Current)}
		if !in.Due.IsZero() {
			row.Due = in.Due.String()
		}
		f.Indicators = append(f.Indicators, row)
	}
	return f
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// withBlankRow adds an empty indicator row, for one more indicator.
func (f goalForm) withBlankRow() goalForm {
	if len(f.Indicators) < maxIndicators {
		f.Indicators = append(f.Indicators, indicatorForm{N: len(f.Indicators) + 1})
	}
	return f
}

func (s *Server) pageGoalForm(w http.ResponseWriter, r *http.Request) {
	v, ok := s.formProgramme(w, r, true)
	if !ok {
		return
	}
	d := goalPage{recordForm: recordForm{Programme: v}}
	code := r.PathValue("code")
	if code == "" {
		d.New = true
		if len(v.Objectives) > 0 {
			d.Form.Objective = v.Objectives[0].Code
		}
		d.Form = d.Form.withBlankRow()
		s.renderForm(w, r, http.StatusOK, "goal-form.html", "Add a goal to "+v.ID, nil, d)
		return
	}
	g, err := s.svc.Goal(r.Context(), v.ID, code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Current, d.Form = g, goalFormOf(g).withBlankRow()
	title := "Change goal " + g.Code + " of " + v.ID
	if r.URL.Query().Get("saved") != "" {
		d.Saved, title = true, "Goal "+g.Code+" saved"
	}
	s.renderForm(w, r, http.StatusOK, "goal-form.html", title, nil, d)
}

// readGoalForm reads the posted goal form, and checks what can be checked
// before the service: numbers are numbers, dates dates, a row with
// anything in it has a name.
func readGoalForm(r *http.Request) (goalForm, []entente.Indicator, formErrors) {
	pf := r.PostForm
	f := goalForm{Code: strings.TrimSpace(pf.Get("code")), Objective: pf.Get("objective"),
		Title: strings.TrimSpace(pf.Get("title")), Version: pf.Get("version")}
	var errs formErrors
	if !entente.ValidCode(f.Code) {
		errs = append(errs, fieldError{"code", "Enter a code of letters, digits and '-', such as G1"})
	}
	if f.Objective == "" {
		errs = append(errs, fieldError{"objective", "Choose the objective the goal serves"})
	}
	if f.Title == "" {
		errs = append(errs, fieldError{"title", "Enter the goal's title"})
	}
	var ins []entente.Indicator
	for i := 1; i <= maxIndicators; i++ {
		p := fmt.Sprintf("ind-%d-", i)
		if _, ok := pf[p+"name"]; !ok {
			break
		}
		row := indicatorForm{N: i, Name: strings.TrimSpace(pf.Get(p + "name")), Unit: strings.TrimSpace(pf.Get(p + "unit")),
			Baseline: strings.TrimSpace(pf.Get(p + "baseline")), Target: strings.TrimSpace(pf.Get(p + "target")),
			Current: strings.TrimSpace(pf.Get(p + "current")), Due: strings.TrimSpace(pf.Get(p + "due"))}
		f.Indicators = append(f.Indicators, row)
		if row.empty() {
			continue
		}
		in := entente.Indicator{Name: row.Name, Unit: row.Unit}
		if row.Name == "" {
			errs = append(errs, fieldError{p + "name", fmt.Sprintf("Enter a name for indicator %d, or empty its row", i)})
		}
		for _, n := range []struct {
			field, label, value string
			into                *float64
		}{{"baseline", "baseline", row.Baseline, &in.Baseline}, {"target", "target", row.Target, &in.Target}, {"current", "current value", row.Current, &in.Current}} {
			if n.value == "" {
				continue // 0
			}
			x, err := strconv.ParseFloat(n.value, 64)
			if err != nil {
				errs = append(errs, fieldError{p + n.field, fmt.Sprintf("Enter the %s of indicator %d as a number, such as 4 or 2.5", n.label, i)})
				continue
			}
			*n.into = x
		}
		if row.Due != "" {
			d, err := entente.ParseDate(row.Due)
			if err != nil {
				errs = append(errs, fieldError{p + "due", fmt.Sprintf("Enter the due date of indicator %d as YYYY, YYYY-MM or YYYY-MM-DD", i)})
			}
			in.Due = d
		}
		ins = append(ins, in)
	}
	return f, ins, errs
}

func (s *Server) postGoalForm(w http.ResponseWriter, r *http.Request) {
	v, ok := s.formProgramme(w, r, true)
	if !ok {
		return
	}
	f, ins, errs := readGoalForm(r)
	d := goalPage{recordForm: recordForm{Programme: v, New: f.Version == "", Errors: errs}, Form: f}
	if len(errs) == 0 {
		req := service.GoalRequest{Programme: v.ID, Code: f.Code, Objective: f.Objective, Title: f.Title, Indicators: ins, IfMatch: f.Version}
		_, err := s.svc.PutGoal(service.RequireVersions(r.Context()), req)
		switch code := entente.ErrorCode(err); {
		case err == nil:
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, "/programmes/"+url.PathEscape(v.ID)+"/goals/"+url.PathEscape(f.Code)+"?saved=1", http.StatusSeeOther)
			return
		case code == entente.ESTALE:
			s.goalConflict(w, r, d)
			return
		case code == entente.EPRECONDITION:
			d.Errors = formErrors{{"code", "A goal " + f.Code + " exists already: choose another code, or change that goal"}}
		case code == entente.EINVALID || code == entente.EREFUSED:
			d.Errors = formErrors{{goalErrorField(err, f), refusal(err)}}
		default:
			s.fail(w, r, err)
			return
		}
	}
	title := "Change goal " + f.Code + " of " + v.ID
	if d.New {
		title = "Add a goal to " + v.ID
	}
	s.renderForm(w, r, http.StatusBadRequest, "goal-form.html", title, d.Errors, d)
}

// goalErrorField is the field a refusal of the service concerns: an
// indicator's row, the objective, else the title.
func goalErrorField(err error, f goalForm) string {
	msg := entente.ErrorMessage(err)
	var n int
	if _, e := fmt.Sscanf(msg, "indicator %d", &n); e == nil && n >= 1 {
		// The service numbers the indicators it was given: the non-empty
		// rows, in order.
		k := 0
		for _, row := range f.Indicators {
			if !row.empty() {
				if k++; k == n {
					return fmt.Sprintf("ind-%d-name", row.N)
				}
			}
		}
	}
	if strings.Contains(msg, "objective") {
		return "objective"
	}
	return "title"
}

// refusal is err's message with the reasons of the rule that refused it.
func refusal(err error) string {
	msg := entente.ErrorMessage(err)
	for _, rs := range entente.ErrorReasons(err) {
		msg += "; " + rs.String()
	}
	return msg
}

// goalConflict renders the conflict page: the goal as it is now beside the
// submitted values, nothing written, and the submitted values in a form
// carrying the current version to apply them again.
func (s *Server) goalConflict(w http.ResponseWriter, r *http.Request, d goalPage) {
	cur, err := s.svc.Goal(r.Context(), d.Programme.ID, d.Form.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	theirs := goalFormOf(cur)
	d.Conflict, d.Current, d.New = true, cur, false
	d.Rows = append(d.Rows, compare("Objective", theirs.Objective, d.Form.Objective), compare("Title", theirs.Title, d.Form.Title))
	n := max(len(theirs.Indicators), len(d.Form.Indicators))
	for i := range n {
		var a, b indicatorForm
		if i < len(theirs.Indicators) {
			a = theirs.Indicators[i]
		}
		if i < len(d.Form.Indicators) {
			b = d.Form.Indicators[i]
		}
		if a.empty() && b.empty() {
			continue
		}
		d.Rows = append(d.Rows, compare(fmt.Sprintf("Indicator %d", i+1), indicatorText(a), indicatorText(b)))
	}
	d.Form.Version = theirs.Version
	s.renderForm(w, r, http.StatusConflict, "goal-form.html", "Goal "+cur.Code+" was changed by someone else", nil, d)
}

func compare(field, theirs, yours string) conflictRow {
	return conflictRow{Field: field, Theirs: theirs, Yours: yours, Differs: theirs != yours}
}

// indicatorText is an indicator's row in words.
func indicatorText(f indicatorForm) string {
	if f.empty() {
		return "none"
	}
	t := fmt.Sprintf("%s: baseline %s, target %s, current %s", f.Name, cmpOr(f.Baseline, "0"), cmpOr(f.Target, "0"), cmpOr(f.Current, "0"))
	if f.Unit != "" {
		t += " " + f.Unit
	}
	if f.Due != "" {
		t += ", due " + f.Due
	}
	return t
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// objectiveAreas are the cooperation areas, by name.
func (s *Server) objectiveAreas(v *service.ProgrammeView) []areaChoice {
	var out []areaChoice
	for code, name := range v.AreaNames {
		out = append(out, areaChoice{code, name})
	}
	slices.SortFunc(out, func(a, b areaChoice) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (s *Server) pageObjectiveForm(w http.ResponseWriter, r *http.Request) {
	v, ok := s.formProgramme(w, r, false)
	if !ok {
		return
	}
	d := objectivePage{recordForm: recordForm{Programme: v}, Areas: s.objectiveAreas(v)}
	code := r.PathValue("code")
	if code == "" {
		d.New = true
		s.renderForm(w, r, http.StatusOK, "objective-form.html", "Add an objective to "+v.ID, nil, d)
		return
	}
	o, err := s.svc.Objective(r.Context(), v.ID, code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Current = o
	d.Form = objectiveForm{Code: o.Code, Area: o.Area, Title: o.Title, Version: entente.Version(*o)}
	title := "Change objective " + o.Code + " of " + v.ID
	if r.URL.Query().Get("saved") != "" {
		d.Saved, title = true, "Objective "+o.Code+" saved"
	}
	s.renderForm(w, r, http.StatusOK, "objective-form.html", title, nil, d)
}

func (s *Server) postObjectiveForm(w http.ResponseWriter, r *http.Request) {
	v, ok := s.formProgramme(w, r, false)
	if !ok {
		return
	}
	pf := r.PostForm
	f := objectiveForm{Code: strings.TrimSpace(pf.Get("code")), Area: pf.Get("area"), Title: strings.TrimSpace(pf.Get("title")), Version: pf.Get("version")}
	d := objectivePage{recordForm: recordForm{Programme: v, New: f.Version == ""}, Form: f, Areas: s.objectiveAreas(v)}
	if !entente.ValidCode(f.Code) {
		d.Errors = append(d.Errors, fieldError{"code", "Enter a code of letters, digits and '-', such as cyber-defence"})
	}
	if _, ok := v.AreaNames[f.Area]; !ok {
		d.Errors = append(d.Errors, fieldError{"area", "Choose the objective's cooperation area"})
	}
	if f.Title == "" {
		d.Errors = append(d.Errors, fieldError{"title", "Enter the objective's title"})
	}
	if len(d.Errors) == 0 {
		_, err := s.svc.PutObjective(service.RequireVersions(r.Context()), service.ObjectiveRequest{Programme: v.ID, Code: f.Code, Area: f.Area, Title: f.Title, IfMatch: f.Version})
		switch code := entente.ErrorCode(err); {
		case err == nil:
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, "/programmes/"+url.PathEscape(v.ID)+"/objectives/"+url.PathEscape(f.Code)+"?saved=1", http.StatusSeeOther)
			return
		case code == entente.ESTALE:
			cur, err := s.svc.Objective(r.Context(), v.ID, f.Code)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			d.Conflict, d.Current, d.New = true, cur, false
			d.Rows = []conflictRow{compare("Area", v.AreaNames[cur.Area], v.AreaNames[f.Area]), compare("Title", cur.Title, f.Title)}
			d.Form.Version = entente.Version(*cur)
			s.renderForm(w, r, http.StatusConflict, "objective-form.html", "Objective "+cur.Code+" was changed by someone else", nil, d)
			return
		case code == entente.EPRECONDITION:
			d.Errors = formErrors{{"code", "An objective " + f.Code + " exists already: choose another code, or change that objective"}}
		case code == entente.EINVALID || code == entente.EREFUSED:
			field := "title"
			if strings.Contains(entente.ErrorMessage(err), "area") {
				field = "area"
			}
			d.Errors = formErrors{{field, refusal(err)}}
		default:
			s.fail(w, r, err)
			return
		}
	}
	title := "Change objective " + f.Code + " of " + v.ID
	if d.New {
		title = "Add an objective to " + v.ID
	}
	s.renderForm(w, r, http.StatusBadRequest, "objective-form.html", title, d.Errors, d)
}
