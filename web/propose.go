package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// Proposing an activity under a programme, bespoke or from a cooperation
// menu offer found by a search of the menu (a GET form), and editing one
// while it is proposed: one form, activity-form.html, in two modes.

// activityValues are the propose and edit form's values, as sent.
type activityValues struct {
	Offer, Title, Kind, Goal, Location, From, To, Capacity string
}

// activityFormPage is the propose or edit page's data.
type activityFormPage struct {
	// Edit is the activity edited; nil when proposing.
	Edit      *entente.Activity
	Version   string
	Programme *service.ProgrammeView
	// The menu search: its words and area, and the offers it found
	// (Searched: a search was made).
	Query, Area string
	Searched    bool
	Offers      []entente.Offer
	// Offer is the offer chosen, if any.
	Offer    *entente.Offer
	Areas    []entente.Area
	Kinds    []string
	Values   activityValues
	Problems formProblems
	// Conflict is set when an edit was sent from a version that is no
	// longer the activity's: the saved values beside the sent ones.
	Conflict []conflictRow
	Their    theirChanges
}

// Action is where the form posts.
func (p *activityFormPage) Action() string {
	if p.Edit != nil {
		return "/activities/" + url.PathEscape(p.Edit.ID) + "/edit"
	}
	return "/programmes/" + url.PathEscape(p.Programme.ID) + "/propose"
}

// OfferHref is the address that chooses offer code, keeping the search.
func (p *activityFormPage) OfferHref(code string) string {
	q := url.Values{"offer": {code}}
	if p.Query != "" {
		q.Set("q", p.Query)
	}
	if p.Area != "" {
		q.Set("area", p.Area)
	}
	return p.Action() + "?" + q.Encode() + "#propose"
}

// activityForm reads what the propose or edit page needs: the programme,
// the areas and, when proposing, the menu searched and the offer chosen.
func (s *Server) activityForm(r *http.Request, programme string, edit *entente.Activity, offer, query, area string) (*activityFormPage, error) {
	ctx := r.Context()
	v, err := s.svc.Programme(ctx, programme, entente.Date{})
	if err != nil {
		return nil, err
	}
	areas, err := s.svc.Areas(ctx)
	if err != nil {
		return nil, err
	}
	p := &activityFormPage{Edit: edit, Programme: v, Areas: areas, Kinds: entente.OfferKinds, Query: strings.TrimSpace(query), Area: area}
	if edit != nil {
		p.Version = entente.Version(*edit)
		return p, nil
	}
	menu, err := s.svc.Menu(ctx)
	if err != nil {
		return nil, err
	}
	p.Searched = p.Query != "" || p.Area != ""
	words := strings.Fields(strings.ToLower(p.Query))
	for i := range menu {
		o := &menu[i]
		if o.Code == offer {
			p.Offer = o
		}
		if !p.Searched || (p.Area != "" && o.Area != p.Area) {
			continue
		}
		text := strings.ToLower(strings.Join([]string{o.Code, o.Title, o.Kind, o.Provider, o.Area, o.Location}, " "))
		if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(text, w) }) {
			p.Offers = append(p.Offers, *o)
		}
	}
	return p, nil
}

func (s *Server) renderActivityForm(w http.ResponseWriter, r *http.Request, status int, p *activityFormPage) {
	title := "Propose an activity under " + p.Programme.ID
	if p.Edit != nil {
		title = "Edit " + p.Edit.ID
	}
	if p.Problems.Any() {
		title = "Error: " + title
	}
	w.Header().Set("Cache-Control", "no-store")
	s.view(w, r, "activity-form.html", "", func(entente.Date) (page, error) {
		return page{Title: title, Data: p, status: status, Timeless: true}, nil
	})
}

func (s *Server) pagePropose(w http.ResponseWriter, r *http.Request) {
	if s.signedInOr(w, r) == nil {
		return
	}
	id := r.PathValue("id")
	if err := s.svc.CheckStep(r.Context(), id, entente.StepPropose); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	p, err := s.activityForm(r, id, nil, q.Get("offer"), q.Get("q"), q.Get("area"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Offer != nil {
		p.Values.Offer = p.Offer.Code
	} else if q.Get("offer") != "" {
		p.Problems.add("offer", "There is no offer "+q.Get("offer")+" on the menu: search the menu again and choose one, or propose a bespoke activity")
	}
	status := http.StatusOK
	if p.Problems.Any() {
		status = http.StatusNotFound
	}
	s.renderActivityForm(w, r, status, p)
}

func activityValuesOf(r *http.Request) activityValues {
	f := r.PostForm
	return activityValues{Offer: strings.TrimSpace(f.Get("offer")), Title: strings.TrimSpace(f.Get("title")), Kind: f.Get("kind"), Goal: f.Get("goal"),
		Location: strings.TrimSpace(f.Get("location")), From: strings.TrimSpace(f.Get("from")), To: strings.TrimSpace(f.Get("to")), Capacity: strings.TrimSpace(f.Get("capacity"))}
}

// check checks the values as the form's fields and returns the period and
// capacity.
func (v activityValues) check(p *formProblems, edit bool) (entente.Period, int) {
	if v.Title == "" && (edit || v.Offer == "") {
		if edit {
			p.add("title", "Enter the activity's title")
		} else {
			p.add("title", "Enter the activity's title, or choose a menu offer to take it from")
		}
	}
	if v.Kind != "" && !entente.ValidOfferKind(v.Kind) {
		p.add("kind", "Choose a kind of activity")
	}
	from := dateField(p, "from", "The start", v.From)
	to := dateField(p, "to", "The end", v.To)
	c := countField(p, "capacity", "The capacity", v.Capacity)
	return entente.Period{From: from, To: to}, c
}

// placeActivity says which field of the propose or edit form an error is
// about, from its message.
func placeActivity(r entente.Reason) string {
	if slices.Contains([]string{"offer", "goal", "title", "kind", "capacity", "from", "to"}, r.Field) {
		return r.Field
	}
	t := strings.ToLower(r.Text)
	for _, f := range []struct{ word, field string }{{"offer", "offer"}, {"goal", "goal"}, {"title", "title"}, {"kind", "kind"},
		{"capacity", "capacity"}, {"period", "from"}, {"before", "from"}, {"after", "to"}} {
		if strings.Contains(t, f.word) {
			return f.field
		}
	}
	return ""
}

// serviceProblem notes a service's refusal of the propose or edit form.
func serviceProblem(p *formProblems, err error) {
	if len(entente.ErrorReasons(err)) > 0 {
		p.refused(err, "title", placeActivity)
		return
	}
	msg := entente.ErrorMessage(err)
	field := placeActivity(entente.Reason{Text: msg})
	if field == "" {
		field = "title"
	}
	p.add(field, sentence(msg))
}

func (s *Server) postPropose(w http.ResponseWriter, r *http.Request) {
	if s.signedInOr(w, r) == nil {
		return
	}
	ctx := r.Context()
	id := r.PathValue("id")
	if err := s.svc.CheckStep(ctx, id, entente.StepPropose); err != nil {
		s.fail(w, r, err)
		return
	}
	v := activityValuesOf(r)
	p, err := s.activityForm(r, id, nil, v.Offer, r.PostForm.Get("q"), r.PostForm.Get("area"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Values = v
	period, capacity := v.check(&p.Problems, false)
	if v.Offer != "" && p.Offer == nil {
		p.Problems.add("offer", "There is no offer "+v.Offer+" on the menu: search the menu again and choose one")
	}
	if p.Problems.Any() {
		s.renderActivityForm(w, r, http.StatusBadRequest, p)
		return
	}
	a, err := s.svc.ProposeActivity(ctx, service.ProposeRequest{Programme: id, Offer: v.Offer, Goal: v.Goal, Title: v.Title, Kind: v.Kind,
		Location: v.Location, From: period.From, To: period.To, Capacity: capacity})
	switch code := entente.ErrorCode(err); code {
	case "":
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, "/activities/"+url.PathEscape(a.ID)+"?done=propose", http.StatusSeeOther)
	case entente.EINVALID, entente.EREFUSED, entente.ENOTFOUND:
		serviceProblem(&p.Problems, err)
		s.renderActivityForm(w, r, statusOf(code), p)
	default:
		s.fail(w, r, err)
	}
}

// editable reads activity id for its edit form: the page answers as the
// edit would, 404 for what one may not see, 403 for one who may not edit.
func (s *Server) editable(w http.ResponseWriter, r *http.Request) *entente.Activity {
	if s.signedInOr(w, r) == nil {
		return nil
	}
	a, err := s.svc.Activity(r.Context(), r.PathValue("id"))
	if err == nil {
		err = s.svc.CheckStep(r.Context(), a.Programme, entente.StepPropose)
	}
	if err != nil {
		s.fail(w, r, err)
		return nil
	}
	return a
}

func (s *Server) pageEditActivity(w http.ResponseWriter, r *http.Request) {
	a := s.editable(w, r)
	if a == nil {
		return
	}
	p, err := s.activityForm(r, a.Programme, a, "", "", "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Values = activityValues{Offer: a.Offer, Title: a.Title, Kind: a.Kind, Goal: a.Goal, Location: a.Location,
		From: a.From.String(), To: a.To.String(), Capacity: itoa(a.Capacity)}
	status := http.StatusOK
	if a.Status != entente.ActivityProposed {
		p.Problems.add("title", "This activity is "+string(a.Status)+": an activity is edited only while it is proposed, before it is approved")
		status = http.StatusUnprocessableEntity
	}
	s.renderActivityForm(w, r, status, p)
}

func (s *Server) postEditActivity(w http.ResponseWriter, r *http.Request) {
	a := s.editable(w, r)
	if a == nil {
		return
	}
	v := activityValuesOf(r)
	v.Offer = a.Offer
	p, err := s.activityForm(r, a.Programme, a, "", "", "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Values = v
	period, capacity := v.check(&p.Problems, true)
	if p.Problems.Any() {
		s.renderActivityForm(w, r, http.StatusBadRequest, p)
		return
	}
	_, err = s.svc.EditActivity(r.Context(), service.EditRequest{ID: a.ID, Goal: v.Goal, Title: v.Title, Kind: v.Kind, Location: v.Location,
		From: period.From, To: period.To, Capacity: capacity, IfMatch: r.PostForm.Get("version")})
	switch code := entente.ErrorCode(err); code {
	case "":
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, "/activities/"+url.PathEscape(a.ID)+"?done=edit", http.StatusSeeOther)
	case entente.ESTALE:
		// The conflict page: the activity as saved now beside what was
		// sent, the changes made meanwhile, and the sent values in a form
		// that carries the new version.
		cur, err := s.svc.Activity(r.Context(), a.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		theirs := activityValues{Title: cur.Title, Kind: cur.Kind, Goal: cur.Goal, Location: cur.Location,
			From: cur.From.String(), To: cur.To.String(), Capacity: itoa(cur.Capacity)}
		p.Edit, p.Version = cur, entente.Version(*cur)
		p.Their = changesSince[entente.Activity](r.Context(), s.svc, "activity", a.ID, r.PostForm.Get("version"))
		p.Conflict = []conflictRow{compare("Title", theirs.Title, v.Title), compare("Kind", theirs.Kind, v.Kind), compare("Goal", theirs.Goal, v.Goal),
			compare("Location", theirs.Location, v.Location), compare("From", theirs.From, v.From), compare("To", theirs.To, v.To),
			compare("Capacity", theirs.Capacity, v.Capacity)}
		s.renderActivityForm(w, r, http.StatusConflict, p)
	case entente.EINVALID, entente.EREFUSED, entente.ENOTFOUND:
		serviceProblem(&p.Problems, err)
		s.renderActivityForm(w, r, statusOf(code), p)
	default:
		s.fail(w, r, err)
	}
}

func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
