package entente

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Dataset is a whole store's content: what the embedded default loads, what
// export writes and import reads. Its slices are kept in a canonical order
// (see Sort) so that the same content always serialises to the same bytes.
type Dataset struct {
	Sources       []Source       `json:"sources"`
	Countries     []Country      `json:"countries"`
	Alliances     []Alliance     `json:"alliances"`
	Memberships   []Membership   `json:"memberships"`
	Frameworks    []Framework    `json:"frameworks"`
	Partnerships  []Partnership  `json:"partnerships"`
	Groups        []Group        `json:"groups"`
	Areas         []Area         `json:"areas"`
	Programmes    []Programme    `json:"programmes"`
	Operations    []Operation    `json:"operations"`
	Contributions []Contribution `json:"contributions"`
	Meetings      []Meeting      `json:"meetings"`
	Invitations   []Invitation   `json:"invitations"`
	DefenceEvents []DefenceEvent `json:"defence_events"`
	// Programme structure, the cooperation menu, activities and reviews
	// (programme_plan.go); left out of the JSON when empty.
	Objectives []Objective `json:"objectives,omitempty"`
	Goals      []Goal      `json:"goals,omitempty"`
	Offers     []Offer     `json:"menu,omitempty"`
	Activities []Activity  `json:"activities,omitempty"`
	Reviews    []Review    `json:"reviews,omitempty"`
}

// Ref names a record for error messages: its kind and key, as in the
// dataset text format ("country NZL", "membership ABC BEL").
type Ref struct {
	Kind string
	Key  string
}

func (r Ref) String() string { return r.Kind + " " + r.Key }

// Problem is one thing wrong with a dataset: the record, the field and what
// is wrong.
type Problem struct {
	Ref     Ref
	Field   string
	Message string
}

func (p Problem) String() string {
	if p.Field == "" {
		return fmt.Sprintf("[%s]: %s", p.Ref, p.Message)
	}
	return fmt.Sprintf("[%s]: %s: %s", p.Ref, p.Field, p.Message)
}

// Sort puts every slice in canonical order.
func (ds *Dataset) Sort() {
	slices.SortFunc(ds.Sources, func(a, b Source) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(ds.Countries, func(a, b Country) int { return cmp.Compare(a.Code, b.Code) })
	slices.SortFunc(ds.Alliances, func(a, b Alliance) int { return cmp.Compare(a.Code, b.Code) })
	for i := range ds.Alliances {
		slices.SortFunc(ds.Alliances[i].Articles, func(a, b Article) int { return compareNumbers(a.Number, b.Number) })
	}
	slices.SortFunc(ds.Memberships, func(a, b Membership) int {
		return cmp.Or(cmp.Compare(a.Alliance, b.Alliance), cmp.Compare(a.Country, b.Country))
	})
	slices.SortFunc(ds.Frameworks, func(a, b Framework) int {
		return cmp.Or(cmp.Compare(a.Alliance, b.Alliance), cmp.Compare(a.Code, b.Code))
	})
	slices.SortFunc(ds.Partnerships, func(a, b Partnership) int {
		return cmp.Or(cmp.Compare(a.Alliance, b.Alliance), cmp.Compare(a.Country, b.Country), cmp.Compare(a.Framework, b.Framework))
	})
	slices.SortFunc(ds.Groups, func(a, b Group) int {
		return cmp.Or(cmp.Compare(a.Alliance, b.Alliance), cmp.Compare(a.Code, b.Code))
	})
	slices.SortFunc(ds.Areas, func(a, b Area) int { return cmp.Compare(a.Code, b.Code) })
	slices.SortFunc(ds.Programmes, func(a, b Programme) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(ds.Operations, func(a, b Operation) int { return cmp.Compare(a.Code, b.Code) })
	slices.SortFunc(ds.Contributions, func(a, b Contribution) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(ds.Meetings, func(a, b Meeting) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(ds.Invitations, func(a, b Invitation) int {
		return cmp.Or(cmp.Compare(a.Meeting, b.Meeting), cmp.Compare(a.Country, b.Country))
	})
	slices.SortFunc(ds.DefenceEvents, func(a, b DefenceEvent) int { return cmp.Compare(a.ID, b.ID) })
	ds.sortPlan()
}

// compareNumbers orders article numbers numerically where they are numbers.
func compareNumbers(a, b string) int {
	if len(a) != len(b) {
		return cmp.Compare(len(a), len(b))
	}
	return cmp.Compare(a, b)
}

// Empty reports whether the dataset holds no records.
func (ds *Dataset) Empty() bool {
	return len(ds.Sources)+len(ds.Countries)+len(ds.Alliances)+len(ds.Memberships)+len(ds.Frameworks)+
		len(ds.Partnerships)+len(ds.Groups)+len(ds.Areas)+len(ds.Programmes)+len(ds.Operations)+
		len(ds.Contributions)+len(ds.Meetings)+len(ds.Invitations)+len(ds.DefenceEvents)+
		len(ds.Objectives)+len(ds.Goals)+len(ds.Offers)+len(ds.Activities)+len(ds.Reviews) == 0
}

// validator collects problems while checking a dataset.
type validator struct {
	ds       *Dataset
	problems []Problem
	sources  map[string]bool
	country  map[string]*Country
	alliance map[string]*Alliance
}

func (v *validator) addf(ref Ref, field, format string, args ...any) {
	v.problems = append(v.problems, Problem{Ref: ref, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) required(ref Ref, field, value string) {
	if strings.TrimSpace(value) == "" {
		v.addf(ref, field, "is required")
	}
}

func (v *validator) provenance(ref Ref, p Provenance) {
	v.sourceList(ref, "sources", p.Sources, "every fact needs at least one source")
	v.quotes(ref, p)
	v.releasability(ref, p.Releasability)
}

// releasability checks a record's marking (Releasability.Check).
func (v *validator) releasability(ref Ref, r Releasability) {
	if err := r.Check(); err != nil {
		field, msg, _ := strings.Cut(ErrorMessage(err), ": ")
		v.addf(ref, field, "%s", msg)
	}
}

// sourceList checks a field listing source ids: at least one, each known;
// why says why one is needed.
func (v *validator) sourceList(ref Ref, field string, ids []string, why string) {
	if len(ids) == 0 {
		v.addf(ref, field, "is required: %s", why)
	}
	for _, s := range ids {
		if !v.sources[s] {
			v.addf(ref, field, "unknown source %q", s)
		}
	}
}

// european checks a country's European reading: a known value with its own
// sources, and reasons for a debated one.
func (v *validator) european(ref Ref, r EuropeanReading) {
	if !ValidEuropean(r.Value) {
		if r.Value == "" {
			v.addf(ref, "european", "is required (yes, no or debated)")
		} else {
			v.addf(ref, "european", "%q is not yes, no or debated", r.Value)
		}
	}
	if r.Value == EuropeanDebated && strings.TrimSpace(r.Note) == "" {
		v.addf(ref, "european-note", "is required for a debated reading: give the reasons on each side")
	}
	v.sourceList(ref, "european-sources", r.Sources, "the reading needs a source that states its basis")
}

// eligibility checks an alliance's eligibility clause: a known criterion,
// and the regions a region criterion needs.
func (v *validator) eligibility(ref Ref, r Rule) {
	switch r.Eligibility {
	case "", EligibleByRegion:
		if len(r.EligibleRegions) == 0 {
			v.addf(ref, "eligible-regions", "is required when eligibility is by region")
		}
	case EligibleByEuropean:
	default:
		v.addf(ref, "eligibility", "%q is not %s or %s", r.Eligibility, EligibleByRegion, EligibleByEuropean)
	}
}

func (v *validator) countryRef(ref Ref, field, code string) {
	if code == "" {
		return
	}
	if !ValidCountryCode(code) {
		v.addf(ref, field, "%q is not an ISO 3166-1 alpha-3 code (three capital letters, e.g. NZL)", code)
	} else if v.country[code] == nil {
		v.addf(ref, field, "unknown country %q", code)
	}
}

func (v *validator) allianceRef(ref Ref, field, code string) *Alliance {
	a := v.alliance[code]
	if a == nil {
		v.addf(ref, field, "unknown alliance %q", code)
	}
	return a
}

// period checks p with the domain's rules (CheckOrder, CheckFounded),
// naming the field at fault.
func (v *validator) period(ref Ref, a *Alliance, p Period, fromField, toField string) {
	v.rule(ref, toField, CheckOrder(p))
	v.rule(ref, fromField, CheckFounded(a, p.From))
}

// suspension checks a partnership's suspension: a resumption needs a
// suspension, in order, and both lie within the partnership's period.
func (v *validator) suspension(ref Ref, p Partnership) {
	s := p.Suspended
	if s.From.IsZero() {
		if !s.To.IsZero() {
			v.addf(ref, "resumed", "a resumption needs a suspended: date")
		}
		return
	}
	v.rule(ref, "resumed", CheckOrder(s))
	if !p.Period.Contains(s.From) {
		v.addf(ref, "suspended", "%s is outside the partnership's period %s", s.From, p.Period)
	}
	if !s.To.IsZero() && !p.To.IsZero() && p.To.Before(s.To) {
		v.addf(ref, "resumed", "%s is after the partnership ended (%s)", s.To, p.To)
	}
}

// rule records err, if any, as a problem of field.
func (v *validator) rule(ref Ref, field string, err error) {
	if err != nil {
		v.addf(ref, field, "%s", ErrorMessage(err))
	}
}

func (v *validator) dup(seen map[string]bool, ref Ref) {
	if seen[ref.Key] {
		v.addf(ref, "", "defined more than once")
	}
	seen[ref.Key] = true
}

// Validate checks the dataset as a whole: required fields, references
// between records, and the rules that hold for stored data (dates, a member
// is not a partner, one active programme per partner, contributions within
// their operation), and text that is valid UTF-8 with no NUL. It returns
// every problem found, in record order, text last.
func (ds *Dataset) Validate() []Problem {
	v := &validator{ds: ds, sources: map[string]bool{}, country: map[string]*Country{}, alliance: map[string]*Alliance{}}
	seen := map[string]bool{}
	for _, s := range ds.Sources {
		ref := Ref{"source", s.ID}
		v.dup(seen, ref)
		v.sources[s.ID] = true
		v.required(ref, "title", s.Title)
		v.sourceKind(ref, s.Kind)
		if s.URL == "" && s.Document == "" {
			v.addf(ref, "url", "a source needs a url or a document")
		}
	}
	clear(seen)
	for i, c := range ds.Countries {
		ref := Ref{"country", c.Code}
		v.dup(seen, ref)
		if !ValidCountryCode(c.Code) {
			v.addf(ref, "", "%q is not an ISO 3166-1 alpha-3 code (three capital letters, e.g. NZL)", c.Code)
		}
		v.country[c.Code] = &ds.Countries[i]
		v.required(ref, "name", c.Name)
		v.required(ref, "region", c.Region)
		v.provenance(ref, c.Provenance)
		v.european(ref, c.European)
		v.linked(ref, c.Linked)
	}
	clear(seen)
	for i, a := range ds.Alliances {
		ref := Ref{"alliance", a.Code}
		v.dup(seen, ref)
		v.alliance[a.Code] = &ds.Alliances[i]
		v.required(ref, "name", a.Name)
		v.required(ref, "treaty", a.Treaty)
		if a.Signed.IsZero() {
			v.addf(ref, "signed", "is required")
		}
		if !a.InForce.IsZero() && a.InForce.Before(a.Signed) {
			v.addf(ref, "in-force", "%s is before the treaty was signed (%s)", a.InForce, a.Signed)
		}
		v.countryRef(ref, "depositary", a.Depositary)
		v.eligibility(ref, a.Rule)
		v.provenance(ref, a.Provenance)
		v.linked(ref, a.Linked)
		arts, roles := map[string]bool{}, map[string]string{}
		for _, art := range a.Articles {
			aref := Ref{"article", a.Code + " " + art.Number}
			if arts[art.Number] {
				v.addf(aref, "", "defined more than once")
			}
			arts[art.Number] = true
			if art.Role != "" && !slices.Contains(ArticleRoles, art.Role) {
				v.addf(aref, "role", "%q is not one of %s", art.Role, strings.Join(ArticleRoles, ", "))
			} else if other, dup := roles[art.Role]; dup {
				v.addf(aref, "role", "article %s already has the role %s", other, art.Role)
			} else if art.Role != "" {
				roles[art.Role] = art.Number
			}
			v.required(aref, "title", art.Title)
			v.required(aref, "summary", art.Summary)
			v.provenance(aref, art.Provenance)
		}
		for _, n := range []string{a.Rule.AccessionArticle, a.Rule.WithdrawalArticle} {
			if n != "" && !arts[n] {
				v.addf(ref, "", "the membership rule cites article %s, which is not defined", n)
			}
		}
	}
	clear(seen)
	members := map[string]*Membership{}
	for i, m := range ds.Memberships {
		ref := Ref{"membership", m.Alliance + " " + m.Country}
		v.dup(seen, ref)
		members[m.Alliance+" "+m.Country] = &ds.Memberships[i]
		a := v.allianceRef(ref, "alliance", m.Alliance)
		v.countryRef(ref, "country", m.Country)
		if m.Applied.IsZero() && m.Acceded.IsZero() {
			v.addf(ref, "acceded", "is required")
		}
		steps := []struct {
			name string
			d    Date
		}{{"applied", m.Applied}, {"invited", m.Invited}, {"signed", m.Signed}, {"acceded", m.Acceded}, {"notice", m.Notice}, {"withdrawn", m.Withdrawn}}
		var prev Date
		var prevName string
		for _, st := range steps {
			if st.d.IsZero() {
				continue
			}
			v.rule(ref, st.name, CheckFounded(a, st.d))
			if !prev.IsZero() && st.d.Before(prev) {
				v.addf(ref, st.name, "%s is before %s (%s)", st.d, prevName, prev)
			}
			prev, prevName = st.d, st.name
		}
		for _, x := range append(slices.Clone(m.Consents), m.Ratifications...) {
			v.countryRef(ref, "consents", x.Country)
		}
		v.provenance(ref, m.Provenance)
	}
	clear(seen)
	frameworks := map[string]bool{}
	fwOf := map[string]*Framework{}
	for i, f := range ds.Frameworks {
		ref := Ref{"framework", f.Alliance + " " + f.Code}
		v.dup(seen, ref)
		frameworks[f.Alliance+" "+f.Code] = true
		fwOf[f.Alliance+" "+f.Code] = &ds.Frameworks[i]
		a := v.allianceRef(ref, "alliance", f.Alliance)
		v.required(ref, "name", f.Name)
		v.period(ref, a, f.Period, "started", "ended")
		v.provenance(ref, f.Provenance)
		v.linked(ref, f.Linked)
	}
	clear(seen)
	for _, p := range ds.Partnerships {
		ref := Ref{"partnership", p.Alliance + " " + p.Country + " " + p.Framework}
		v.dup(seen, ref)
		a := v.allianceRef(ref, "alliance", p.Alliance)
		v.countryRef(ref, "country", p.Country)
		if !frameworks[p.Alliance+" "+p.Framework] {
			v.addf(ref, "framework", "unknown framework %q of %s", p.Framework, p.Alliance)
		}
		v.period(ref, a, p.Period, "since", "until")
		v.rule(ref, "until", CheckPartnership(&p, members[p.Alliance+" "+p.Country]))
		if f := fwOf[p.Alliance+" "+p.Framework]; f != nil && !p.Period.Within(f.Period) {
			v.addf(ref, "since", "the period %s is not within the %s framework's period %s", p.Period, p.Framework, f.Period)
		}
		v.suspension(ref, p)
		v.provenance(ref, p.Provenance)
	}
	clear(seen)
	for _, g := range ds.Groups {
		ref := Ref{"group", g.Alliance + " " + g.Code}
		v.dup(seen, ref)
		v.allianceRef(ref, "alliance", g.Alliance)
		v.required(ref, "name", g.Name)
		if len(g.Members) == 0 {
			v.addf(ref, "members", "is required")
		}
		for _, c := range g.Members {
			v.countryRef(ref, "members", c)
		}
		v.provenance(ref, g.Provenance)
	}
	clear(seen)
	areas := map[string]bool{}
	for _, ar := range ds.Areas {
		ref := Ref{"area", ar.Code}
		v.dup(seen, ref)
		areas[ar.Code] = true
		v.required(ref, "name", ar.Name)
		v.provenance(ref, ar.Provenance)
	}
	clear(seen)
	programmes := map[string]*Programme{}
	active := map[string]string{}
	for i, p := range ds.Programmes {
		programmes[p.ID] = &ds.Programmes[i]
		ref := Ref{"programme", p.ID}
		v.dup(seen, ref)
		a := v.allianceRef(ref, "alliance", p.Alliance)
		v.countryRef(ref, "partner", p.Partner)
		v.required(ref, "type", p.Type)
		v.required(ref, "title", p.Title)
		if p.Agreed.IsZero() && p.Status != ProgrammeDraft {
			v.addf(ref, "agreed", "is required")
		}
		v.rule(ref, "agreed", CheckFounded(a, p.Agreed))
		v.period(ref, a, p.Period, "from", "to")
		if !ValidProgrammeStatus(p.Status) {
			v.addf(ref, "status", "%q is not a programme status (draft, agreed, active, under-review, superseded)", p.Status)
		}
		if !p.Agreed.IsZero() {
			v.rule(ref, "partner", CheckNotMember(members[p.Alliance+" "+p.Partner], DayPeriod(p.Agreed)))
		}
		if p.Status == ProgrammeActive {
			k := p.Alliance + " " + p.Partner
			if other, ok := active[k]; ok {
				v.addf(ref, "status", "%s already has an active programme with %s (%s); a partner has at most one", p.Partner, p.Alliance, other)
			}
			active[k] = p.ID
		}
		for _, ar := range p.Areas {
			if !areas[ar] {
				v.addf(ref, "areas", "unknown area %q", ar)
			}
		}
		v.provenance(ref, p.Provenance)
	}
	for _, p := range ds.Programmes {
		if p.Supersedes == "" {
			continue
		}
		old := programmes[p.Supersedes]
		ref := Ref{"programme", p.ID}
		switch {
		case old == nil:
			v.addf(ref, "supersedes", "unknown programme %q", p.Supersedes)
		case old.Partner != p.Partner || old.Alliance != p.Alliance:
			v.addf(ref, "supersedes", "%s is another partner's programme", p.Supersedes)
		case p.Agreed.Before(old.Agreed):
			v.addf(ref, "agreed", "%s is before the programme it supersedes was agreed (%s)", p.Agreed, old.Agreed)
		}
	}
	clear(seen)
	operations := map[string]*Operation{}
	for i, o := range ds.Operations {
		ref := Ref{"operation", o.Code}
		v.dup(seen, ref)
		operations[o.Code] = &ds.Operations[i]
		a := v.allianceRef(ref, "alliance", o.Alliance)
		v.required(ref, "name", o.Name)
		v.required(ref, "kind", o.Kind)
		v.required(ref, "theatre", o.Theatre)
		if o.From.IsZero() {
			v.addf(ref, "from", "is required")
		}
		v.period(ref, a, o.Period, "from", "to")
		v.provenance(ref, o.Provenance)
		v.linked(ref, o.Linked)
	}
	clear(seen)
	for _, c := range ds.Contributions {
		ref := Ref{"contribution", c.ID}
		v.dup(seen, ref)
		v.countryRef(ref, "country", c.Country)
		v.required(ref, "theatre", c.Theatre)
		v.required(ref, "what", c.What)
		if c.From.IsZero() {
			v.addf(ref, "from", "is required")
		}
		var a *Alliance
		if c.Operation != "" {
			o := operations[c.Operation]
			if o == nil {
				v.addf(ref, "operation", "unknown operation %q", c.Operation)
			} else {
				a = v.alliance[o.Alliance]
				if !c.Period.Within(o.Period) {
					v.addf(ref, "from", "the period %s is not within %s's period %s", c.Period, o.Code, o.Period)
				}
			}
		}
		v.period(ref, a, c.Period, "from", "to")
		v.provenance(ref, c.Provenance)
	}
	clear(seen)
	meetings := map[string]bool{}
	for _, m := range ds.Meetings {
		ref := Ref{"meeting", m.ID}
		v.dup(seen, ref)
		meetings[m.ID] = true
		a := v.allianceRef(ref, "alliance", m.Alliance)
		v.required(ref, "kind", m.Kind)
		v.required(ref, "name", m.Name)
		v.required(ref, "city", m.City)
		v.countryRef(ref, "country", m.Country)
		if m.From.IsZero() {
			v.addf(ref, "from", "is required")
		}
		v.period(ref, a, m.Period, "from", "to")
		v.provenance(ref, m.Provenance)
		v.linked(ref, m.Linked)
	}
	clear(seen)
	for _, in := range ds.Invitations {
		ref := Ref{"invitation", in.Meeting + " " + in.Country}
		v.dup(seen, ref)
		if !meetings[in.Meeting] {
			v.addf(ref, "meeting", "unknown meeting %q", in.Meeting)
		}
		v.countryRef(ref, "country", in.Country)
		v.required(ref, "level", in.Level)
		switch in.Attended {
		case AttendedYes, AttendedNo, AttendedUnknown:
		default:
			v.addf(ref, "attended", "%q is not yes, no or unknown", in.Attended)
		}
		v.provenance(ref, in.Provenance)
	}
	clear(seen)
	for _, e := range ds.DefenceEvents {
		ref := Ref{"defence-event", e.ID}
		v.dup(seen, ref)
		a := v.allianceRef(ref, "alliance", e.Alliance)
		if a != nil && !a.DefenceEventArticle(e.Article) {
			v.addf(ref, "article", "%q is not %s's consultation or collective-defence article", e.Article, a.Code)
		}
		if e.Date.IsZero() {
			v.addf(ref, "date", "is required")
		} else {
			v.rule(ref, "date", CheckFounded(a, e.Date))
		}
		if len(e.Requesters) == 0 {
			v.addf(ref, "requesters", "is required")
		}
		for _, c := range e.Requesters {
			v.countryRef(ref, "requesters", c)
		}
		v.required(ref, "summary", e.Summary)
		v.provenance(ref, e.Provenance)
	}
	v.validatePlan(programmes, areas)
	return append(v.problems, ds.textProblems()...)
}
