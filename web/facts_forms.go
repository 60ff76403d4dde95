package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The record's facts from the browser (issue 10, item 1): partnerships,
// contributions, meetings, invitations, collective-defence events and
// sources, added and corrected by staff and admins. Six kinds, one
// lifecycle: each kind's fields are described once (factForms), and one
// handler, one template (fact-form.html) and one service write serve them
// all. The GOV.UK patterns of the other forms: a label and hint for every
// field, an error summary linking to each field, the error beside it, the
// values kept, CSRF, a "check your answers" page before saving and a
// confirmation saying what happened and what next. Correcting a fact asks
// why and for a source; a correction made from a version that is no
// longer the record's shows the conflict page, their values beside yours,
// nothing overwritten (as the goal form does).
//
//	GET  /facts/{kind}/new          the form for a new record (query values prefill it)
//	GET  /facts/{kind}/{key...}     the correction form; ?saved= the confirmation
//	POST /facts/{kind}              check your answers; confirm=yes saves

// factInput is how a field is entered.
type factInput int

const (
	inText factInput = iota
	inTextarea
	inDate     // YYYY, YYYY-MM or YYYY-MM-DD
	inList     // values separated by commas
	inSelect   // one of Choices
	inSelectOr // one of Choices, or none
)

// factField describes one field of a kind's form, once.
type factField struct {
	Name     string // the form's field name and the input's id
	JSON     string // where it is in the record's JSON: "from", "suspended.from"
	Label    string
	Hint     string
	Input    factInput
	Required bool
	// Key fields make the record's key: entered for a new record, shown
	// and kept on a correction.
	Key bool
	// Choices names the list a select offers: alliance, country,
	// framework, operation, meeting, attended, release.
	Choices string
	// Aliases are the names the dataset's rules give the field in their
	// problems ("since" for a partnership's from).
	Aliases []string
}

// factForm describes one kind's form.
type factForm struct {
	route  factRoute
	Noun   string // "contribution"
	Lede   string
	Fields []factField
	// Page is the public page where facts of the kind appear.
	Page, PageName string
}

const dateHint = "A year (YYYY), a month (YYYY-MM) or a day (YYYY-MM-DD), such as 2004, 2004-12 or 2004-12-07."

// provenanceFields are the fields every fact but a source has.
var provenanceFields = []factField{
	{Name: "sources", JSON: "sources", Label: "Sources", Input: inList, Required: true,
		Hint: "The ids of the sources that state the fact, separated by commas, such as mfat-nato. Each must be on the list of sources; add a new one first."},
	{Name: "note", JSON: "note", Label: "Note", Input: inTextarea, Hint: "Optional: context a reader needs, in a sentence or two."},
	{Name: "unconfirmed", JSON: "unconfirmed", Label: "Unconfirmed", Hint: "Optional: what about the fact no source confirms, such as the end month."},
	{Name: "release", JSON: "releasability.level", Label: "Who may read it", Input: inSelect, Choices: "release",
		Hint: "Public: everyone. Alliance: staff only. Releasable to: staff and the partners named below."},
	{Name: "release-to", JSON: "releasability.to", Label: "Releasable to", Input: inList,
		Hint: "Only for releasable to: the ISO 3166 alpha-3 codes of the partners, separated by commas, such as NZL, AUS."},
}

func withProvenance(fs ...factField) []factField { return append(fs, provenanceFields...) }

var factForms = []factForm{
	{route: factRouteOf(entente.FactPartnership), Noun: "partnership", Page: "/partners", PageName: "the partners",
		Lede: "A partner's place in one of the alliance's partnership frameworks, over a period.",
		Fields: withProvenance(
			factField{Name: "alliance", JSON: "alliance", Label: "Alliance", Input: inSelect, Choices: "alliance", Required: true, Key: true, Hint: "The alliance whose framework it is."},
			factField{Name: "country", JSON: "country", Label: "Partner", Input: inSelect, Choices: "country", Required: true, Key: true, Hint: "The partner country."},
			factField{Name: "framework", JSON: "framework", Label: "Framework", Input: inSelect, Choices: "framework", Required: true, Key: true, Hint: "The partnership framework."},
			factField{Name: "from", JSON: "from", Label: "Since", Input: inDate, Aliases: []string{"since"}, Hint: dateHint + " Leave it empty if the sources give no start."},
			factField{Name: "to", JSON: "to", Label: "Until", Input: inDate, Aliases: []string{"until"}, Hint: dateHint + " Leave it empty if it has not ended."},
			factField{Name: "suspended-from", JSON: "suspended.from", Label: "Suspended since", Input: inDate, Aliases: []string{"suspended"}, Hint: dateHint + " Only if cooperation was suspended."},
			factField{Name: "suspended-to", JSON: "suspended.to", Label: "Resumed", Input: inDate, Aliases: []string{"resumed"}, Hint: dateHint + " Only if a suspended partnership resumed."},
		)},
	{route: factRouteOf(entente.FactContribution), Noun: "contribution", Page: "/operations", PageName: "operations and contributors",
		Lede: "What a country contributed alongside the alliance, in an operation or, when the sources name none, in a theatre.",
		Fields: withProvenance(
			factField{Name: "id", JSON: "id", Label: "Id", Required: true, Key: true, Hint: "Letters, digits and '-', unique among contributions, such as NZL-KFOR-2000."},
			factField{Name: "country", JSON: "country", Label: "Country", Input: inSelect, Choices: "country", Required: true, Hint: "The contributing country."},
			factField{Name: "operation", JSON: "operation", Label: "Operation", Input: inSelectOr, Choices: "operation", Hint: "The operation, if the sources name one; its period must hold the contribution's."},
			factField{Name: "theatre", JSON: "theatre", Label: "Theatre", Required: true, Hint: "Where, such as Kosovo or the Adriatic Sea."},
			factField{Name: "from", JSON: "from", Label: "From", Input: inDate, Required: true, Hint: dateHint},
			factField{Name: "to", JSON: "to", Label: "To", Input: inDate, Hint: dateHint + " Leave it empty if it goes on."},
			factField{Name: "what", JSON: "what", Label: "What was contributed", Input: inTextarea, Required: true, Hint: "In a sentence, such as two staff officers at the headquarters."},
		)},
	{route: factRouteOf(entente.FactMeeting), Noun: "meeting", Page: "/meetings", PageName: "meetings and invitations",
		Lede: "A summit or ministerial meeting of the alliance.",
		Fields: withProvenance(
			factField{Name: "id", JSON: "id", Label: "Id", Required: true, Key: true, Hint: "Letters, digits and '-', unique among meetings, such as SUMMIT-2025-THE-HAGUE."},
			factField{Name: "alliance", JSON: "alliance", Label: "Alliance", Input: inSelect, Choices: "alliance", Required: true, Hint: "The alliance that met."},
			factField{Name: "kind", JSON: "kind", Label: "Kind", Required: true, Hint: "summit, or the ministers who met, such as foreign-ministers."},
			factField{Name: "name", JSON: "name", Label: "Name", Required: true, Hint: "Such as The Hague Summit."},
			factField{Name: "city", JSON: "city", Label: "City", Required: true, Hint: "The host city."},
			factField{Name: "country", JSON: "country", Label: "Host country", Input: inSelectOr, Choices: "country", Hint: "Optional."},
			factField{Name: "from", JSON: "from", Label: "From", Input: inDate, Required: true, Hint: dateHint},
			factField{Name: "to", JSON: "to", Label: "To", Input: inDate, Hint: dateHint + " Leave it empty for a one-day meeting."},
		)},
	{route: factRouteOf(entente.FactInvitation), Noun: "invitation", Page: "/meetings", PageName: "meetings and invitations",
		Lede: "A country's invitation to a meeting, and whether it attended.",
		Fields: withProvenance(
			factField{Name: "meeting", JSON: "meeting", Label: "Meeting", Input: inSelect, Choices: "meeting", Required: true, Key: true, Hint: "The meeting the country was invited to."},
			factField{Name: "country", JSON: "country", Label: "Country", Input: inSelect, Choices: "country", Required: true, Key: true, Hint: "The invited country."},
			factField{Name: "level", JSON: "level", Label: "Level", Required: true, Hint: "Who was invited, such as head-of-government, foreign-minister or defence-minister."},
			factField{Name: "attended", JSON: "attended", Label: "Attended", Input: inSelect, Choices: "attended", Required: true, Hint: "Whether the country attended."},
			factField{Name: "attendee", JSON: "attendee", Label: "Attendee", Hint: "Optional: who attended, such as the Prime Minister."},
		)},
	{route: factRouteOf(entente.FactDefenceEvent), Noun: "collective-defence event", Page: "/collective-defence", PageName: "consultation and collective defence",
		Lede: "A request for consultations under the treaty's consultation article, or an invocation of its collective-defence article.",
		Fields: withProvenance(
			factField{Name: "id", JSON: "id", Label: "Id", Required: true, Key: true, Hint: "Letters, digits and '-', unique among events, such as A4-2025-09."},
			factField{Name: "alliance", JSON: "alliance", Label: "Alliance", Input: inSelect, Choices: "alliance", Required: true, Hint: "The alliance whose treaty was invoked."},
			factField{Name: "article", JSON: "article", Label: "Article", Required: true, Hint: "The number of the consultation or collective-defence article, such as 4."},
			factField{Name: "date", JSON: "date", Label: "Date", Input: inDate, Required: true, Hint: dateHint},
			factField{Name: "requesters", JSON: "requesters", Label: "Requested by", Input: inList, Required: true, Hint: "The ISO 3166 alpha-3 codes of the members that asked, separated by commas, such as POL, EST."},
			factField{Name: "summary", JSON: "summary", Label: "Summary", Input: inTextarea, Required: true, Hint: "What happened, in a sentence or two."},
			factField{Name: "outcome", JSON: "outcome", Label: "Outcome", Input: inTextarea, Hint: "Optional: what the allies decided."},
		)},
	{route: factRouteOf(entente.FactOperation), Noun: "operation", Page: "/operations", PageName: "operations and contributors",
		Lede: "An operation or mission the alliance led, at sea, on land or in the air.",
		Fields: withProvenance(
			factField{Name: "code", JSON: "code", Label: "Code", Required: true, Key: true, Hint: "Letters, digits and '-', unique among operations, such as KFOR."},
			factField{Name: "alliance", JSON: "alliance", Label: "Alliance", Input: inSelect, Choices: "alliance", Required: true, Hint: "The alliance that led it."},
			factField{Name: "name", JSON: "name", Label: "Name", Required: true, Hint: "Such as Kosovo Force."},
			factField{Name: "kind", JSON: "kind", Label: "Kind", Required: true, Hint: "Such as peace-support, maritime, air-policing or training."},
			factField{Name: "theatre", JSON: "theatre", Label: "Theatre", Required: true, Hint: "Where, such as Kosovo or the Mediterranean Sea."},
			factField{Name: "from", JSON: "from", Label: "From", Input: inDate, Required: true, Hint: dateHint},
			factField{Name: "to", JSON: "to", Label: "To", Input: inDate, Hint: dateHint + " Leave it empty if it goes on."},
			factField{Name: "mandate", JSON: "mandate", Label: "Mandate", Input: inTextarea, Hint: "Optional: what it was mandated to do, and by whom."},
		)},
	{route: factRouteOf(entente.FactFramework), Noun: "partnership framework", Page: "/partners", PageName: "the partners",
		Lede: "A framework in which the alliance works with partners, such as a partnership council or a dialogue.",
		Fields: withProvenance(
			factField{Name: "alliance", JSON: "alliance", Label: "Alliance", Input: inSelect, Choices: "alliance", Required: true, Key: true, Hint: "The alliance whose framework it is."},
			factField{Name: "code", JSON: "code", Label: "Code", Required: true, Key: true, Hint: "Letters, digits and '-', unique in the alliance, such as PFP."},
			factField{Name: "name", JSON: "name", Label: "Name", Required: true, Hint: "Such as Partnership for Peace."},
			factField{Name: "from", JSON: "from", Label: "Started", Input: inDate, Aliases: []string{"started"}, Hint: dateHint},
			factField{Name: "to", JSON: "to", Label: "Ended", Input: inDate, Aliases: []string{"ended"}, Hint: dateHint + " Leave it empty if it goes on."},
		)},
	{route: factRouteOf(entente.FactGroup), Noun: "group of partners", Page: "/partners", PageName: "the partners",
		Lede: "A named group of partners the alliance engages together, such as the Indo-Pacific partners.",
		Fields: withProvenance(
			factField{Name: "alliance", JSON: "alliance", Label: "Alliance", Input: inSelect, Choices: "alliance", Required: true, Key: true, Hint: "The alliance that engages the group."},
			factField{Name: "code", JSON: "code", Label: "Code", Required: true, Key: true, Hint: "Letters, digits and '-', unique in the alliance, such as IP4."},
			factField{Name: "name", JSON: "name", Label: "Name", Required: true, Hint: "Such as Indo-Pacific partners."},
			factField{Name: "members", JSON: "members", Label: "Members", Input: inList, Required: true, Hint: "The ISO 3166 alpha-3 codes of its members, separated by commas, such as AUS, JPN."},
			factField{Name: "since", JSON: "since", Label: "Since", Input: inDate, Hint: dateHint + " When the alliance began engaging them as a group."},
		)},
	{route: factRouteOf(entente.FactSource), Noun: "source", Page: "/sources", PageName: "the sources",
		Lede: "A document the record's facts come from: a web page or a printed document.",
		Fields: []factField{
			{Name: "id", JSON: "id", Label: "Id", Required: true, Key: true, Hint: "Letters, digits and '-', unique among sources, such as mfat-nato-2025. Facts cite the source by it."},
			{Name: "title", JSON: "title", Label: "Title", Required: true, Hint: "The document's title."},
			{Name: "kind", JSON: "kind", Label: "Kind", Input: inSelect, Choices: "source-kind", Required: true,
				Hint: "What kind of document it is. Official texts, the alliance's own site and governments' pages are primary sources; prefer them."},
			{Name: "url", JSON: "url", Label: "Web address", Hint: "Such as https://www.example.org/page. Give a web address or a document."},
			{Name: "document", JSON: "document", Label: "Document", Hint: "For a document without a web address: what it is, such as a printed handbook and its edition."},
			{Name: "publisher", JSON: "publisher", Label: "Publisher", Hint: "Optional: who published it."},
			{Name: "accessed", JSON: "accessed", Label: "Accessed", Input: inDate, Hint: dateHint + " When the web address was read."},
		}},
}

// Capitalised is the noun that starts a sentence.
func (f *factForm) Capitalised() string { return sentence(f.Noun) }

// factFormOf returns the form of the kind whose path is path.
func factFormOf(path string) (*factForm, bool) {
	for i := range factForms {
		if factForms[i].route.path == path {
			return &factForms[i], true
		}
	}
	return nil, false
}

func (s *Server) factFormRoutes() {
	m := s.mux
	m.HandleFunc("GET /facts/{kind}/new", s.pageFactNew)
	m.HandleFunc("GET /facts/{kind}/{key...}", s.pageFactCorrect)
	m.HandleFunc("POST /facts/{kind}", s.postFact)
	pageParams["GET /facts/{kind}/new"] = factPrefill
	pageParams["GET /facts/{kind}/{key...}"] = []string{"saved"}
}

// factPrefill are the query parameters that prefill a new record's form,
// so that a page can link to "add a contribution of NZL to KFOR".
var factPrefill = []string{"alliance", "country", "framework", "operation", "meeting"}

// factHref is the address of a fact's form: kind's correction form for
// key, or its new-record form for key "".
func factHref(kind, key string) string {
	fr := factRouteOf(kind)
	if key == "" {
		return "/facts/" + fr.path + "/new"
	}
	return fr.href("/facts/", key)
}

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// factFieldView is a field as the template shows it.
type factFieldView struct {
	factField
	Value   string
	Err     string
	Options []option
	// Shown is the value in words, for the check and confirmation pages.
	Shown string
}

// Multiline reports whether the field is a textarea.
func (f factFieldView) Multiline() bool { return f.Input == inTextarea }

// Select reports whether the field is a select.
func (f factFieldView) Select() bool { return f.Input == inSelect || f.Input == inSelectOr }

// factPage is the data of fact-form.html.
type factPage struct {
	Form   *factForm
	Path   string // the kind's path segment
	New    bool
	Key    string
	Fields []factFieldView
	// Version is the record's version when the correction was opened.
	Version string
	// A correction's reason and source.
	Reason, Source       string
	ReasonErr, SourceErr string
	Sources              []option
	Errors               formErrors
	// State: "form", "check", "conflict" or "saved".
	State string
	Rows  []conflictRow
	// Saved is "added" or "corrected" on the confirmation.
	Saved   string
	History string
	Href    string
}

// factValues are a form's values by field name.
type factValues map[string]string

// valuesOf reads rec's values for the form's fields.
func (f *factForm) valuesOf(rec any) factValues {
	b, _ := json.Marshal(rec)
	var m map[string]any
	json.Unmarshal(b, &m)
	vals := factValues{}
	for _, fd := range f.Fields {
		var v any = m
		for part := range strings.SplitSeq(fd.JSON, ".") {
			o, _ := v.(map[string]any)
			v = o[part]
		}
		switch x := v.(type) {
		case string:
			vals[fd.Name] = x
		case []any:
			var ss []string
			for _, e := range x {
				if s, ok := e.(string); ok {
					ss = append(ss, s)
				}
			}
			vals[fd.Name] = strings.Join(ss, ", ")
		}
	}
	if vals["release"] == "" && slices.ContainsFunc(f.Fields, func(fd factField) bool { return fd.Name == "release" }) {
		vals["release"] = string(entente.ReleasePublic)
	}
	return vals
}

// record builds a record of the form's kind from vals, checking what the
// form can check: required fields, dates. base is the record corrected, as
// JSON, or nil for a new one: what the form does not show (quotations,
// linked identifiers) is kept from it, and a field the form empties is
// removed.
func (f *factForm) record(vals factValues, base map[string]any) (any, formErrors) {
	var errs formErrors
	m := base
	if m == nil {
		m = map[string]any{}
	}
	for _, fd := range f.Fields {
		v := strings.TrimSpace(vals[fd.Name])
		if v == "" {
			if p, rest, ok := strings.Cut(fd.JSON, "."); ok {
				if sub, _ := m[p].(map[string]any); sub != nil {
					delete(sub, rest)
				}
			} else {
				delete(m, fd.JSON)
			}
			if fd.Required {
				verb := "Enter the "
				if fd.Input == inSelect {
					verb = "Choose the "
				}
				errs = append(errs, fieldError{fd.Name, verb + strings.ToLower(fd.Label[:1]) + fd.Label[1:]})
			}
			continue
		}
		var val any = v
		switch fd.Input {
		case inDate:
			if _, err := entente.ParseDate(v); err != nil {
				errs = append(errs, fieldError{fd.Name, fd.Label + " must be a year (YYYY), a month (YYYY-MM) or a day (YYYY-MM-DD), such as 2004, 2004-12 or 2004-12-07"})
				continue
			}
		case inList:
			var items []string
			for item := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
				items = append(items, item)
			}
			val = items
		}
		parent, name := m, fd.JSON
		if p, rest, ok := strings.Cut(fd.JSON, "."); ok {
			sub, _ := m[p].(map[string]any)
			if sub == nil {
				sub = map[string]any{}
				m[p] = sub
			}
			parent, name = sub, rest
		}
		parent[name] = val
	}
	rec, _ := service.NewFact(f.route.kind)
	b, _ := json.Marshal(m)
	if err := json.Unmarshal(b, rec); err != nil && len(errs) == 0 {
		errs = append(errs, fieldError{f.Fields[0].Name, sentence(err.Error())})
	}
	return rec, errs
}

// fieldFor is the form field a problem of the dataset's rules is about:
// by name, alias or JSON name; the first field when none matches.
func (f *factForm) fieldFor(problem string) *factField {
	for i, fd := range f.Fields {
		top, _, _ := strings.Cut(fd.JSON, ".")
		if fd.Name == problem || fd.JSON == problem || slices.Contains(fd.Aliases, problem) || top == problem && top != "releasability" {
			return &f.Fields[i]
		}
	}
	if strings.HasPrefix(problem, "releasability") {
		return f.fieldFor("release")
	}
	return &f.Fields[0]
}

// problems turns a refusal of the service into errors beside the fields.
func (f *factForm) problems(err error) formErrors {
	var fe service.FieldErrors
	if !errors.As(err, &fe) {
		field := f.Fields[0].Name
		if entente.ErrorCode(err) == entente.ECONFLICT {
			field = f.keyField()
		}
		return formErrors{{field, sentence(refusal(err))}}
	}
	var errs formErrors
	for _, p := range fe {
		if p.Field == "reason" || p.Field == "source" {
			errs = append(errs, fieldError{p.Field, sentence(p.Field + " " + p.Message)})
			continue
		}
		fd := f.fieldFor(p.Field)
		msg := p.Message
		if strings.HasPrefix(msg, "is ") {
			msg = fd.Label + " " + msg
		}
		errs = append(errs, fieldError{fd.Name, sentence(msg)})
	}
	return errs
}

// keyField is the first field of the key.
func (f *factForm) keyField() string {
	for _, fd := range f.Fields {
		if fd.Key {
			return fd.Name
		}
	}
	return f.Fields[0].Name
}

// factAccess checks that the one signed in may change the record's facts
// and finds the kind's form: signed out is sent to sign in (a page) or
// refused (a post); an unknown kind is 404, not allowed 403.
func (s *Server) factAccess(w http.ResponseWriter, r *http.Request) (*factForm, bool) {
	if s.signedInOr(w, r) == nil {
		return nil, false
	}
	w.Header().Set("Cache-Control", "no-store")
	f, ok := factFormOf(r.PathValue("kind"))
	if !ok {
		s.fail(w, r, entente.Errorf(entente.ENOTFOUND, "no form for %q: the record's facts are %s", r.PathValue("kind"), strings.Join(entente.FactKinds, ", ")))
		return nil, false
	}
	if !s.svc.MayEditFacts(r.Context()) {
		s.fail(w, r, entente.Errorf(entente.EFORBIDDEN, "only the alliance's staff and admins change the record's facts"))
		return nil, false
	}
	return f, true
}

// page builds the form's page from vals and errs.
func (s *Server) factPage(r *http.Request, f *factForm, vals factValues, errs formErrors) (*factPage, error) {
	ch, err := s.svc.FactChoices(r.Context())
	if err != nil {
		return nil, err
	}
	d := &factPage{Form: f, Path: f.route.path, Errors: errs, State: "form"}
	for _, fd := range f.Fields {
		v := factFieldView{factField: fd, Value: vals[fd.Name], Err: errs.For(fd.Name)}
		v.Options = choicesFor(ch, fd, v.Value)
		v.Shown = v.Value
		for _, o := range v.Options {
			if o.Selected && o.Value != "" {
				v.Shown = o.Label
			}
		}
		d.Fields = append(d.Fields, v)
	}
	d.Reason, d.Source, d.Version, d.Key = vals["reason"], vals["source"], vals["version"], vals["key"]
	d.ReasonErr, d.SourceErr = errs.For("reason"), errs.For("source")
	d.New = d.Key == ""
	d.Sources = []option{{Value: "", Label: "Choose a source", Selected: d.Source == ""}}
	for _, src := range ch.Sources {
		d.Sources = append(d.Sources, option{Value: src.ID, Label: src.ID + ": " + src.Title, Selected: src.ID == d.Source})
	}
	return d, nil
}

// choicesFor lists a select's options, marking value's.
func choicesFor(ch *service.FactChoices, fd factField, value string) []option {
	var out []option
	add := func(v, label string) { out = append(out, option{Value: v, Label: label, Selected: v == value}) }
	if fd.Input == inSelectOr {
		add("", "None")
	} else if fd.Input == inSelect && fd.Choices != "attended" && fd.Choices != "release" {
		add("", "Choose one")
	}
	switch fd.Choices {
	case "alliance":
		for _, a := range ch.Alliances {
			add(a.Code, a.Name+" ("+a.Code+")")
		}
	case "country":
		cs := slices.Clone(ch.Countries)
		slices.SortFunc(cs, func(a, b entente.Country) int { return strings.Compare(a.Name, b.Name) })
		for _, c := range cs {
			add(c.Code, c.Name+" ("+c.Code+")")
		}
	case "framework":
		for _, f := range ch.Frameworks {
			add(f.Code, f.Name+" ("+f.Code+", "+f.Alliance+")")
		}
	case "operation":
		for _, o := range ch.Operations {
			add(o.Code, o.Name+" ("+o.Code+")")
		}
	case "meeting":
		ms := slices.Clone(ch.Meetings)
		slices.Reverse(ms)
		for _, m := range ms {
			add(m.ID, m.Name+", "+m.From.String()+" ("+m.ID+")")
		}
	case "attended":
		for _, a := range []entente.Attendance{entente.AttendedUnknown, entente.AttendedYes, entente.AttendedNo} {
			add(string(a), map[entente.Attendance]string{entente.AttendedUnknown: "Not known", entente.AttendedYes: "Yes", entente.AttendedNo: "No"}[a])
		}
	case "source-kind":
		for _, k := range entente.SourceKinds {
			add(string(k), k.Label())
		}
	case "release":
		add(string(entente.ReleasePublic), "Public")
		add(string(entente.ReleaseAlliance), "Alliance: staff only")
		add(string(entente.ReleasableTo), "Releasable to the partners named")
	}
	return out
}

func (s *Server) renderFact(w http.ResponseWriter, r *http.Request, status int, d *factPage) {
	title := "Add a " + d.Form.Noun
	switch {
	case d.State == "saved":
		title = "The " + d.Form.Noun + " is " + d.Saved
	case d.State == "conflict":
		title = d.Form.Noun + " " + d.Key + " was changed by someone else"
	case d.State == "check":
		title = "Check your answers"
	case !d.New:
		title = "Correct " + d.Form.Noun + " " + d.Key
	}
	s.renderForm(w, r, status, "fact-form.html", sentence(title), d.Errors, d)
}

func (s *Server) pageFactNew(w http.ResponseWriter, r *http.Request) {
	f, ok := s.factAccess(w, r)
	if !ok {
		return
	}
	vals := factValues{"release": string(entente.ReleasePublic)}
	for _, p := range factPrefill {
		if v := r.URL.Query().Get(p); v != "" {
			vals[p] = v
		}
	}
	d, err := s.factPage(r, f, vals, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderFact(w, r, http.StatusOK, d)
}

func (s *Server) pageFactCorrect(w http.ResponseWriter, r *http.Request) {
	f, ok := s.factAccess(w, r)
	if !ok {
		return
	}
	key := r.PathValue("key")
	rec, err := s.svc.Fact(r.Context(), f.route.kind, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vals := f.valuesOf(rec)
	vals["key"], vals["version"] = key, entente.Version(rec)
	d, err := s.factPage(r, f, vals, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch saved := r.URL.Query().Get("saved"); saved {
	case "added", "corrected":
		d.State, d.Saved = "saved", saved
		d.History, d.Href = historyHref(f.route.kind, key), factHref(f.route.kind, key)
	}
	s.renderFact(w, r, http.StatusOK, d)
}

// readFactForm reads the posted values of f's fields and of a correction.
func readFactForm(r *http.Request, f *factForm) factValues {
	vals := factValues{}
	for _, fd := range f.Fields {
		vals[fd.Name] = strings.TrimSpace(r.PostForm.Get(fd.Name))
	}
	for _, k := range []string{"key", "version", "reason", "source"} {
		vals[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	return vals
}

func (s *Server) postFact(w http.ResponseWriter, r *http.Request) {
	f, ok := s.factAccess(w, r)
	if !ok {
		return
	}
	vals := readFactForm(r, f)
	var base map[string]any
	if vals["key"] != "" {
		// A correction keeps what its form does not show.
		if cur, err := s.svc.Fact(r.Context(), f.route.kind, vals["key"]); err == nil {
			b, _ := json.Marshal(cur)
			json.Unmarshal(b, &base)
		}
	}
	rec, errs := f.record(vals, base)
	var corr *service.FactCorrection
	if vals["key"] != "" {
		corr = &service.FactCorrection{Kind: f.route.kind, Key: vals["key"], Record: rec, Reason: vals["reason"], Source: vals["source"], IfMatch: vals["version"]}
		if corr.Reason == "" {
			errs = append(errs, fieldError{"reason", "Say why the fact is corrected"})
		}
		if corr.Source == "" {
			errs = append(errs, fieldError{"source", "Choose the source of the correction"})
		}
	}
	ctx := service.RequireVersions(r.Context())
	status, state := http.StatusBadRequest, "form"
	if len(errs) == 0 && r.PostForm.Get("change") == "yes" {
		status = http.StatusOK
	} else if len(errs) == 0 {
		var err error
		if r.PostForm.Get("confirm") != "yes" {
			err = s.svc.CheckFact(ctx, f.route.kind, rec, corr)
			status, state = http.StatusOK, "check"
		} else if corr != nil {
			_, err = s.svc.CorrectFact(ctx, *corr)
		} else {
			_, err = s.svc.CreateFact(ctx, f.route.kind, rec)
		}
		switch code := entente.ErrorCode(err); {
		case err == nil && state == "check":
		case err == nil:
			key, _ := service.FactKey(f.route.kind, rec)
			saved := "added"
			if corr != nil {
				saved = "corrected"
			}
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, factHref(f.route.kind, key)+"?saved="+saved, http.StatusSeeOther)
			return
		case code == entente.ESTALE && corr != nil:
			s.factConflict(w, r, f, vals)
			return
		case code == entente.EINVALID || code == entente.EREFUSED || code == entente.ECONFLICT || code == entente.EPRECONDITION:
			errs, status, state = f.problems(err), http.StatusBadRequest, "form"
		default:
			s.fail(w, r, err)
			return
		}
	}
	d, err := s.factPage(r, f, vals, errs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.State = state
	s.renderFact(w, r, status, d)
}

// factConflict renders the conflict page: the record as it is now beside
// the submitted values, nothing written, and the submitted values in a
// form carrying the current version to apply them again on purpose.
func (s *Server) factConflict(w http.ResponseWriter, r *http.Request, f *factForm, vals factValues) {
	cur, err := s.svc.Fact(r.Context(), f.route.kind, vals["key"])
	if err != nil {
		s.fail(w, r, err)
		return
	}
	theirs := f.valuesOf(cur)
	vals["version"] = entente.Version(cur)
	d, err := s.factPage(r, f, vals, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.State = "conflict"
	for _, fd := range f.Fields {
		d.Rows = append(d.Rows, compare(fd.Label, theirs[fd.Name], vals[fd.Name]))
	}
	s.renderFact(w, r, http.StatusConflict, d)
}

// factLinks says, for a page where facts appear, whether to offer the
// forms: only to those who may use them (the forms check again).
func (s *Server) factLinks(r *http.Request) bool {
	return signedInFrom(r) != nil && s.svc.MayEditFacts(r.Context())
}
