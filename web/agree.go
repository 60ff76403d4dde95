package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The programme's forms (issue 10): agree a new programme for a partner
// (superseding its programme in force, with carry-over of its open goals,
// as service.AgreeProgramme does), through a "check your answers" page;
// record a review on the programme's page; add a cooperation area. They
// are staff's: shown to staff and admins (service.CheckStaff), decided
// again by the service.

func (s *Server) agreeRoutes() {
	m := s.mux
	m.HandleFunc("GET /programmes/agree", s.pageAgree)
	m.HandleFunc("POST /programmes/agree", s.postAgree)
	m.HandleFunc("POST /programmes/{id}/reviews", s.postReview)
	m.HandleFunc("POST /areas", s.postArea)
}

// agreeValues are the agree form's values, as sent.
type agreeValues struct {
	Partner, Code, Type, Title, Agreed, To string
	Areas                                  []string
	CarryOver                              bool
}

// Chose reports whether area is among those chosen.
func (v agreeValues) Chose(area string) bool { return slices.Contains(v.Areas, area) }

// agreePage is the agree page's data, and its check page's.
type agreePage struct {
	Values   agreeValues
	Problems formProblems
	Areas    []entente.Area
	// InForce is the partner's programme in force today, which agreeing
	// supersedes (check page).
	InForce *service.ProgrammeView
	// AreaAdded is the area just added (confirmation); AreaValues and
	// AreaProblems, the area form's.
	AreaAdded    *entente.Area
	AreaValues   struct{ Code, Name string }
	AreaProblems formProblems
}

// AreaName is the name of area code.
func (p *agreePage) AreaName(code string) string {
	for _, a := range p.Areas {
		if a.Code == code {
			return a.Name
		}
	}
	return code
}

func (s *Server) renderAgree(w http.ResponseWriter, r *http.Request, status int, tmpl string, p *agreePage) {
	ctx := r.Context()
	areas, err := s.svc.Areas(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Areas = areas
	title := "Agree a programme"
	if tmpl == "programme-check.html" {
		title = "Check your answers: agree " + p.Values.Code
	}
	if p.Problems.Any() || p.AreaProblems.Any() {
		title = "Error: " + title
	}
	w.Header().Set("Cache-Control", "no-store")
	s.view(w, r, tmpl, "", func(entente.Date) (page, error) {
		return page{Title: title, Data: p, status: status, Timeless: true}, nil
	})
}

// staffOnly answers a form of the staff's: nil, after answering, for the
// public (sent to sign in, or 401) and those who may not.
func (s *Server) staffForm(w http.ResponseWriter, r *http.Request, doing string) bool {
	if s.signedInOr(w, r) == nil {
		return false
	}
	if err := s.svc.CheckStaff(r.Context(), doing); err != nil {
		s.fail(w, r, err)
		return false
	}
	return true
}

func (s *Server) pageAgree(w http.ResponseWriter, r *http.Request) {
	if !s.staffForm(w, r, "agree programmes") {
		return
	}
	q := r.URL.Query()
	p := &agreePage{Values: agreeValues{Partner: strings.ToUpper(q.Get("partner")), CarryOver: true}}
	if q.Get("done") == "area" {
		if areas, err := s.svc.Areas(r.Context()); err == nil {
			if i := slices.IndexFunc(areas, func(a entente.Area) bool { return a.Code == q.Get("area") }); i >= 0 {
				p.AreaAdded = &areas[i]
			}
		}
	}
	s.renderAgree(w, r, http.StatusOK, "programme-agree.html", p)
}

func agreeValuesOf(r *http.Request) agreeValues {
	f := r.PostForm
	v := agreeValues{Partner: strings.ToUpper(strings.TrimSpace(f.Get("partner"))), Code: strings.TrimSpace(f.Get("code")), Type: strings.TrimSpace(f.Get("type")),
		Title: strings.TrimSpace(f.Get("title")), Agreed: strings.TrimSpace(f.Get("agreed")), To: strings.TrimSpace(f.Get("to")), CarryOver: f.Get("carry_over") == "yes"}
	for _, a := range f["areas"] {
		if a != "" && !slices.Contains(v.Areas, a) {
			v.Areas = append(v.Areas, a)
		}
	}
	return v
}

// request checks the agree form's values and returns the service's request.
func (v agreeValues) request(p *formProblems) service.AgreeRequest {
	if !entente.ValidCountryCode(v.Partner) {
		p.add("partner", "Enter the partner's three-letter code, such as NZL")
	}
	if !entente.ValidCode(v.Code) {
		p.add("code", "Enter the programme's id: letters, digits and '-', such as NZL-ITPP-2028")
	}
	if v.Type == "" {
		p.add("type", "Enter the programme's type, such as ITPP")
	}
	if v.Title == "" {
		p.add("title", "Enter the programme's title")
	}
	agreed := dateField(p, "agreed", "The day it was agreed", v.Agreed)
	to := dateField(p, "to", "The end", v.To)
	return service.AgreeRequest{ID: v.Code, Partner: v.Partner, Type: v.Type, Title: v.Title, Agreed: agreed, To: to,
		Areas: v.Areas, CarryOver: v.CarryOver}
}

// placeAgree says which field of the agree form an error is about.
func placeAgree(r entente.Reason) string {
	t := strings.ToLower(r.Text)
	switch {
	case r.Field == "agreed":
		return "agreed"
	case r.Article != "" || strings.Contains(t, "member") || strings.Contains(t, "partner"):
		return "partner"
	case strings.Contains(t, "area"):
		return "areas"
	case strings.Contains(t, "already exists") || strings.Contains(t, "programme id"):
		return "code"
	case strings.Contains(t, "before") || strings.Contains(t, "founded") || strings.Contains(t, "period"):
		return "agreed"
	}
	return "partner"
}

func (s *Server) postAgree(w http.ResponseWriter, r *http.Request) {
	if !s.staffForm(w, r, "agree programmes") {
		return
	}
	ctx := r.Context()
	p := &agreePage{Values: agreeValuesOf(r)}
	req := p.Values.request(&p.Problems)
	if p.Problems.Any() {
		s.renderAgree(w, r, http.StatusBadRequest, "programme-agree.html", p)
		return
	}
	if r.PostForm.Get("confirm") != "yes" {
		if r.PostForm.Get("change") != "" {
			s.renderAgree(w, r, http.StatusOK, "programme-agree.html", p)
			return
		}
		views, err := s.svc.ProgrammesOf(ctx, p.Values.Partner, entente.Date{})
		if err != nil {
			p.Problems.add("partner", sentence(entente.ErrorMessage(err)))
			s.renderAgree(w, r, statusOf(entente.ErrorCode(err)), "programme-agree.html", p)
			return
		}
		for i := range views {
			switch views[i].Status {
			case entente.ProgrammeActive, entente.ProgrammeAgreed, entente.ProgrammeUnderReview:
				p.InForce = &views[i]
			}
		}
		s.renderAgree(w, r, http.StatusOK, "programme-check.html", p)
		return
	}
	res, err := s.svc.AgreeProgramme(ctx, req)
	switch code := entente.ErrorCode(err); code {
	case "":
		u := "/programmes/" + url.PathEscape(res.Programme.ID) + "?done=agree"
		if s.svc.Today().Before(res.Programme.Agreed) {
			// Not yet agreed today: its page is of the day it is.
			u += "&as_of=" + res.Programme.Agreed.String()
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, u, http.StatusSeeOther)
	case entente.EINVALID, entente.EREFUSED, entente.ENOTFOUND, entente.ECONFLICT:
		if len(entente.ErrorReasons(err)) > 0 {
			p.Problems.refused(err, "partner", placeAgree)
		} else {
			msg := entente.ErrorMessage(err)
			p.Problems.add(placeAgree(entente.Reason{Text: msg}), sentence(msg))
		}
		s.renderAgree(w, r, statusOf(code), "programme-agree.html", p)
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) postArea(w http.ResponseWriter, r *http.Request) {
	if !s.staffForm(w, r, "add areas") {
		return
	}
	p := &agreePage{Values: agreeValues{Partner: strings.ToUpper(strings.TrimSpace(r.PostForm.Get("partner"))), CarryOver: true}}
	p.AreaValues.Code, p.AreaValues.Name = strings.TrimSpace(r.PostForm.Get("code")), strings.TrimSpace(r.PostForm.Get("name"))
	if !entente.ValidCode(p.AreaValues.Code) {
		p.AreaProblems.add("area-code", "Enter the area's code: letters, digits and '-', such as maritime-security")
	}
	if p.AreaValues.Name == "" {
		p.AreaProblems.add("area-name", "Enter the area's name, such as Maritime security")
	}
	if !p.AreaProblems.Any() {
		a, err := s.svc.AddArea(r.Context(), p.AreaValues.Code, p.AreaValues.Name)
		switch code := entente.ErrorCode(err); code {
		case "":
			q := url.Values{"done": {"area"}, "area": {a.Code}}
			if entente.ValidCountryCode(p.Values.Partner) {
				q.Set("partner", p.Values.Partner)
			}
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, "/programmes/agree?"+q.Encode()+"#add-area", http.StatusSeeOther)
			return
		case entente.ECONFLICT:
			p.AreaProblems.add("area-code", "There is an area "+p.AreaValues.Code+" already: choose another code")
		case entente.EINVALID:
			p.AreaProblems.add("area-code", sentence(entente.ErrorMessage(err)))
		default:
			s.fail(w, r, err)
			return
		}
	}
	s.renderAgree(w, r, http.StatusBadRequest, "programme-agree.html", p)
}

// programmePageOf reads the programme page's data for day d.
func (s *Server) programmePageOf(r *http.Request, id string, d entente.Date) (*programmePage, error) {
	v, acts, err := s.svc.ProgrammeActivities(r.Context(), id, d, 100)
	if err != nil {
		return nil, err
	}
	// The activities as they stood on the day: none proposed later, each
	// at its status then.
	var shown []entente.Activity
	for _, a := range acts {
		if st := a.StatusOn(v.AsOf); st != "" {
			a.Status = st
			shown = append(shown, a)
		}
	}
	pp := &programmePage{ProgrammeView: v, Chart: template.HTML(ProgressSVG(v.Progress)), Rows: ChartRows(v.Progress),
		Activities: shown, More: v.Activities - len(shown), OverdueShown: longestOverdue(v.Progress.Overdue, maxOverdueShown)}
	if signedInFrom(r) != nil {
		pp.MayPropose = s.svc.CheckStep(r.Context(), v.ID, entente.StepPropose) == nil
		pp.MayStaff = s.svc.CheckStaff(r.Context(), "review programmes") == nil
		if pp.MayStaff {
			// A review snapshots the programme as it stands today: the
			// form names that version, so a review written from a page
			// someone changed meanwhile is refused, not recorded.
			now := v
			if !d.IsZero() && d != s.svc.Today() {
				if now, err = s.svc.Programme(r.Context(), id, entente.Date{}); err != nil {
					return nil, err
				}
			}
			pp.ReviewVersion = entente.Version(*now)
		}
		if v.Status != entente.ProgrammeSuperseded {
			if pp.MayGoals, pp.MayObjectives, err = s.svc.ProgrammeRights(r.Context(), v.ID); err != nil {
				return nil, err
			}
		}
		for _, g := range v.Goals {
			if g.CarriedFrom != "" {
				pp.CarriedOver++
			}
		}
	}
	return pp, nil
}

func (s *Server) pageProgramme(w http.ResponseWriter, r *http.Request) {
	s.view(w, r, "programme.html", "", func(d entente.Date) (page, error) {
		pp, err := s.programmePageOf(r, r.PathValue("id"), d)
		if err != nil {
			return page{}, err
		}
		if done := r.URL.Query().Get("done"); signedInFrom(r) != nil && (done == "agree" || done == "review") {
			pp.Done = done
		}
		return page{Title: pp.Title + " (" + pp.ID + ")", Data: *pp}, nil
	})
}

// postReview records a review from the programme's page.
func (s *Server) postReview(w http.ResponseWriter, r *http.Request) {
	if !s.staffForm(w, r, "review programmes") {
		return
	}
	id := r.PathValue("id")
	var probs formProblems
	status := http.StatusBadRequest
	note := strings.TrimSpace(r.PostForm.Get("note"))
	date := r.PostForm.Get("date")
	d := dayField(&probs, "review-date", date)
	if note == "" {
		probs.add("review-note", "Enter a note: what the review found")
	}
	if !probs.Any() {
		_, err := s.svc.ReviewProgramme(r.Context(), service.ReviewRequest{Programme: id, Date: d, Note: note, IfMatch: r.PostForm.Get("version")})
		switch code := entente.ErrorCode(err); code {
		case "":
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, "/programmes/"+url.PathEscape(id)+"?done=review#reviews-h", http.StatusSeeOther)
			return
		case entente.ESTALE:
			// The page below is the programme as it is now, with the
			// note kept and the version now: the review is recorded
			// only once its writer has seen what it would snapshot.
			probs.add("review-note", "The programme changed after you opened this page (someone saved an objective, a goal, an indicator or another review): nothing was recorded. Check the programme as it is now, below, and record the review again")
			status = http.StatusConflict
		case entente.EINVALID, entente.EREFUSED:
			probs.refused(err, "review-date", func(entente.Reason) string { return "review-date" })
			status = statusOf(code)
		default:
			s.fail(w, r, err)
			return
		}
	}
	pp, err := s.programmePageOf(r, id, entente.Date{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pp.Review.Note, pp.Review.Date, pp.Problems = note, date, probs
	title := "Error: " + pp.Title + " (" + pp.ID + ")"
	w.Header().Set("Cache-Control", "no-store")
	s.view(w, r, "programme.html", "", func(entente.Date) (page, error) {
		return page{Title: title, Data: *pp, status: status, Timeless: true}, nil
	})
}

// maxOverdueShown bounds the overdue items a programme's page lists: a
// programme of tens of thousands of activities can have thousands overdue,
// which made its page megabytes long. The page says how many there are and
// where the whole list is.
const maxOverdueShown = 50

// longestOverdue returns at most n of items, those due longest ago first
// (in their own order where they fall due alike).
func longestOverdue(items []entente.Attention, n int) []entente.Attention {
	if len(items) <= n {
		return items
	}
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b entente.Attention) int { return a.Due.Compare(b.Due) })
	return out[:n]
}
