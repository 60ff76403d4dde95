package entente

import (
	"fmt"
	"slices"
	"strings"
)

// Reason is one ground of a verdict. It cites the treaty article or the record
// that decided it, and the sources of the facts it rests on.
type Reason struct {
	Article string   `json:"article,omitempty"` // treaty article number, e.g. "10"
	Record  string   `json:"record,omitempty"`  // a record, e.g. "membership ABC/NZL"
	Text    string   `json:"text"`
	Sources []string `json:"sources,omitempty"` // source ids of the facts the reason states
	// Field names the field of the request the reason concerns (as the
	// API's JSON names it: date, by, countries, country, participants,
	// agreed), when one does, so that a form shows the reason beside it.
	Field string `json:"field,omitempty"`
}

func (r Reason) String() string {
	switch {
	case r.Article != "":
		return fmt.Sprintf("Art. %s: %s", r.Article, r.Text)
	case r.Record != "":
		return fmt.Sprintf("%s: %s", r.Record, r.Text)
	}
	return r.Text
}

// Verdict is a rule's answer. Debated marks a verdict the data cannot settle:
// the rule's criterion is contested for this case (a country whose reading
// as a European state is debated). A debated verdict is not eligible, since
// no invitation may rest on it, and its reasons give both sides and their
// sources.
type Verdict struct {
	Rule     string   `json:"rule"`
	Eligible bool     `json:"eligible"`
	Debated  bool     `json:"debated,omitempty"`
	Reasons  []Reason `json:"reasons"`
}

// Refusal turns a negative verdict into an EREFUSED error naming the rule.
func (v Verdict) Refusal() error {
	if v.Eligible {
		return nil
	}
	msg := v.Rule + " refused"
	if len(v.Reasons) > 0 {
		msg += ": " + v.Reasons[0].String()
	}
	return &Error{Code: EREFUSED, Message: msg, Reasons: v.Reasons}
}

func refuse(rule string, reasons ...Reason) error {
	return Verdict{Rule: rule, Reasons: reasons}.Refusal()
}

// MembersOn returns the sorted codes of the alliance's members on day d.
func MembersOn(ms []Membership, d Date) []string {
	var out []string
	for i := range ms {
		if ms[i].MemberOn(d) {
			out = append(out, ms[i].Country)
		}
	}
	slices.Sort(out)
	return out
}

func findMembership(ms []Membership, country string) *Membership {
	for i := range ms {
		if ms[i].Country == country {
			return &ms[i]
		}
	}
	return nil
}

func (a *Alliance) accessionArticle() string {
	if a.Rule.AccessionArticle != "" {
		return a.Rule.AccessionArticle
	}
	return ""
}

// eligibility is the outcome of an alliance's eligibility clause for one
// country.
type eligibility int

const (
	notEligible eligibility = iota
	eligible
	debated
)

// clause is the eligibility clause as cited in reasons: the alliance's own
// words, or the criterion named.
func (a *Alliance) clause() string {
	switch {
	case a.Rule.EligibilityClause != "":
		return a.Rule.EligibilityClause
	case a.Rule.Eligibility == EligibleByEuropean:
		return "only European states may be invited"
	case len(a.Rule.EligibleRegions) > 0:
		return "only states in " + strings.Join(a.Rule.EligibleRegions, ", ") + " may be invited"
	}
	return "any state may be invited"
}

// regionEligible applies a's eligibility clause to c: by c's European
// reading under EligibleByEuropean, by c's M49 region otherwise. The reason
// cites the accession article and the sources of the reading or region.
func (a *Alliance) regionEligible(c *Country) (eligibility, Reason) {
	why := Reason{Article: a.accessionArticle()}
	who := fmt.Sprintf("%s (%s)", c.Name, c.Code)
	if a.Rule.Eligibility == EligibleByEuropean {
		r := c.European
		why.Sources = r.Sources
		basis := ""
		if r.Note != "" {
			basis = ". " + r.Note
		}
		switch r.Value {
		case EuropeanYes:
			why.Text = fmt.Sprintf("%s; %s reads as a European state%s", a.clause(), who, basis)
			return eligible, why
		case EuropeanDebated:
			why.Text = fmt.Sprintf("%s; whether %s is a European state is debated%s", a.clause(), who, basis)
			return debated, why
		}
		why.Text = fmt.Sprintf("%s; %s does not read as a European state%s", a.clause(), who, basis)
		return notEligible, why
	}
	why.Sources = c.Sources
	if len(a.Rule.EligibleRegions) == 0 {
		why.Text = fmt.Sprintf("%s; %s is in %s", a.clause(), who, c.Place())
		return eligible, why
	}
	for _, r := range a.Rule.EligibleRegions {
		if c.InRegion(r) {
			why.Text = fmt.Sprintf("%s; %s is in %s (%s)", a.clause(), who, r, c.Place())
			return eligible, why
		}
	}
	why.Text = fmt.Sprintf("%s; %s is not: it is in %s", a.clause(), who, c.Place())
	return notEligible, why
}

// CheckAccession answers whether c may be invited to join a on day d, given
// the alliance's memberships. It does not change anything.
func CheckAccession(a *Alliance, c *Country, ms []Membership, d Date) Verdict {
	v := Verdict{Rule: "accession eligibility"}
	art := a.accessionArticle()
	if m := findMembership(ms, c.Code); m != nil {
		switch st := m.StatusOn(d); st {
		case StatusMember, StatusNotice:
			v.Reasons = append(v.Reasons, Reason{Article: art, Record: membershipRef(m),
				Text: fmt.Sprintf("%s is already a member of %s (acceded %s); a member cannot be invited again", c.Code, a.Code, m.Acceded)})
			return v
		case "", StatusWithdrawn:
		default:
			v.Reasons = append(v.Reasons, Reason{Record: membershipRef(m),
				Text: fmt.Sprintf("an accession of %s is under way (status %s)", c.Code, st)})
		}
	}
	outcome, why := a.regionEligible(c)
	v.Reasons = append(v.Reasons, why)
	if outcome != eligible {
		v.Reasons = v.Reasons[len(v.Reasons)-1:]
		if outcome == debated {
			v.Debated = true
			v.Reasons = append(v.Reasons, Reason{Article: why.Article, Text: fmt.Sprintf(
				"the reading is contested, so this record gives no verdict of eligibility for %s; the members of %s decide whether to invite it", c.Code, a.Code)})
		}
		return v
	}
	v.Eligible = true
	members := MembersOn(ms, d)
	v.Reasons = append(v.Reasons, Reason{Article: art, Text: fmt.Sprintf(
		"%s is not a member of %s: the treaty's conditions allow an invitation", c.Code, a.Code)})
	if a.Rule.Unanimity {
		v.Reasons = append(v.Reasons, Reason{Article: art, Text: fmt.Sprintf(
			"an invitation needs the consent of all %d current members (unanimous agreement)", len(members))})
	}
	v.Reasons = append(v.Reasons, Reason{Article: art, Text: fmt.Sprintf(
		"accession completes when every member has ratified and %s deposits its instrument of accession", c.Code)})
	return v
}

func membershipRef(m *Membership) string { return "membership " + m.Alliance + "/" + m.Country }

// checkStepDate refuses a step dated before the alliance's founding or before
// the step it follows.
func checkStepDate(a *Alliance, rule string, d, prev Date, prevName string) error {
	if d.IsZero() || d.Precision() != PrecisionDay {
		return Errorf(EINVALID, "%s: the date must be a day (YYYY-MM-DD), got %q", rule, d)
	}
	if err := CheckFounded(a, d); err != nil {
		return err
	}
	if !prev.IsZero() && d.Before(prev) {
		return refuse(rule, Reason{Field: "date", Text: fmt.Sprintf("%s is before the %s (%s)", d, prevName, prev)})
	}
	return nil
}

// Apply starts an accession: country c applies to join a on day d. It
// returns the new membership record.
func Apply(a *Alliance, c *Country, ms []Membership, d Date) (Membership, error) {
	const rule = "accession: apply"
	if err := checkStepDate(a, rule, d, Date{}, ""); err != nil {
		return Membership{}, err
	}
	v := CheckAccession(a, c, ms, d)
	if !v.Eligible {
		v.Rule = rule
		return Membership{}, v.Refusal()
	}
	if m := findMembership(ms, c.Code); m != nil && m.StatusOn(d) != StatusWithdrawn && m.StatusOn(d) != "" {
		return Membership{}, refuse(rule, Reason{Record: membershipRef(m), Text: fmt.Sprintf("%s has already applied (status %s)", c.Code, m.StatusOn(d))})
	}
	return Membership{Alliance: a.Code, Country: c.Code, Applied: d}, nil
}

// requireStatus refuses a step unless m is at the given lifecycle step.
func requireStatus(m *Membership, rule string, d Date, want MembershipStatus, next string) error {
	if st := m.StatusOn(d); st != want {
		if st == "" {
			st = "none"
		}
		return refuse(rule, Reason{Record: membershipRef(m), Text: fmt.Sprintf(
			"%s must be %s before it can be %s; its status is %s", m.Country, want, next, st)})
	}
	return nil
}

// assent records a member's consent or ratification on m.
func assent(a *Alliance, m *Membership, ms []Membership, list *[]Assent, by string, d Date, rule, what string) error {
	if !slices.Contains(MembersOn(ms, d), by) {
		return refuse(rule, Reason{Article: a.accessionArticle(), Field: "by", Text: fmt.Sprintf("only a current member of %s may give its %s; %s is not a member on %s", a.Code, what, by, d)})
	}
	for _, x := range *list {
		if x.Country == by {
			return refuse(rule, Reason{Record: membershipRef(m), Field: "by", Text: fmt.Sprintf("%s already gave its %s on %s", by, what, x.Date)})
		}
	}
	*list = append(*list, Assent{Country: by, Date: d})
	slices.SortFunc(*list, func(x, y Assent) int { return strings.Compare(x.Country, y.Country) })
	return nil
}

// Consent records member by's consent to inviting m's country.
func Consent(a *Alliance, m Membership, ms []Membership, by string, d Date) (Membership, error) {
	const rule = "accession: consent"
	if err := checkStepDate(a, rule, d, m.Applied, "application"); err != nil {
		return m, err
	}
	if err := requireStatus(&m, rule, d, StatusApplied, "invited"); err != nil {
		return m, err
	}
	m.Consents = slices.Clone(m.Consents)
	err := assent(a, &m, ms, &m.Consents, by, d, rule, "consent")
	return m, err
}

// missing returns the members in want that are not in got.
func missing(want []string, got []Assent) []string {
	var out []string
	for _, w := range want {
		if !slices.ContainsFunc(got, func(x Assent) bool { return x.Country == w }) {
			out = append(out, w)
		}
	}
	return out
}

func listSome(codes []string) string {
	if len(codes) > 8 {
		return strings.Join(codes[:8], ", ") + fmt.Sprintf(" and %d more", len(codes)-8)
	}
	return strings.Join(codes, ", ")
}

// Invite invites m's country on day d. Under unanimity every current member
// must have consented.
func Invite(a *Alliance, m Membership, ms []Membership, d Date) (Membership, error) {
	const rule = "accession: invite"
	if err := checkStepDate(a, rule, d, m.Applied, "application"); err != nil {
		return m, err
	}
	if err := requireStatus(&m, rule, d, StatusApplied, "invited"); err != nil {
		return m, err
	}
	if a.Rule.Unanimity {
		members := MembersOn(ms, d)
		if miss := missing(members, m.Consents); len(miss) > 0 {
			return m, refuse(rule, Reason{Article: a.accessionArticle(), Text: fmt.Sprintf(
				"an invitation needs the consent of all %d members; %d have not consented: %s", len(members), len(miss), listSome(miss))})
		}
	}
	m.Invited = d
	return m, nil
}

// Sign records the signature of m's accession protocol on day d.
func Sign(a *Alliance, m Membership, d Date) (Membership, error) {
	const rule = "accession: sign"
	if err := checkStepDate(a, rule, d, m.Invited, "invitation"); err != nil {
		return m, err
	}
	if err := requireStatus(&m, rule, d, StatusInvited, "signed"); err != nil {
		return m, err
	}
	m.Signed = d
	return m, nil
}

// Ratify records member by's ratification of m's accession protocol.
func Ratify(a *Alliance, m Membership, ms []Membership, by string, d Date) (Membership, error) {
	const rule = "accession: ratify"
	if err := checkStepDate(a, rule, d, m.Signed, "protocol signature"); err != nil {
		return m, err
	}
	if err := requireStatus(&m, rule, d, StatusSigned, "ratified"); err != nil {
		return m, err
	}
	m.Ratifications = slices.Clone(m.Ratifications)
	err := assent(a, &m, ms, &m.Ratifications, by, d, rule, "ratification")
	return m, err
}

// Deposit records the deposit of m's instrument of accession on day d, which
// completes the accession once every member has ratified.
func Deposit(a *Alliance, m Membership, ms []Membership, d Date) (Membership, error) {
	const rule = "accession: deposit"
	if err := checkStepDate(a, rule, d, m.Signed, "protocol signature"); err != nil {
		return m, err
	}
	if err := requireStatus(&m, rule, d, StatusSigned, "deposited"); err != nil {
		return m, err
	}
	members := slices.DeleteFunc(MembersOn(ms, d), func(c string) bool { return c == m.Country })
	if miss := missing(members, m.Ratifications); len(miss) > 0 {
		return m, refuse(rule, Reason{Article: a.accessionArticle(), Text: fmt.Sprintf(
			"accession completes only after every member has ratified; %d of %d have not: %s", len(miss), len(members), listSome(miss))})
	}
	for _, r := range m.Ratifications {
		if d.Before(r.Date) {
			return m, refuse(rule, Reason{Field: "date", Text: fmt.Sprintf("%s is before %s's ratification (%s)", d, r.Country, r.Date)})
		}
	}
	m.Acceded = d
	return m, nil
}

// Withdraw records m's country's notice of denunciation on day d. The
// withdrawal takes effect after the notice period (Art. 13: one year), and
// notice may be given only once the treaty has been in force long enough.
func Withdraw(a *Alliance, m Membership, d Date) (Membership, error) {
	const rule = "withdrawal"
	if err := checkStepDate(a, rule, d, m.Acceded, "accession"); err != nil {
		return m, err
	}
	art := a.Rule.WithdrawalArticle
	if m.StatusOn(d) == StatusNotice {
		return m, refuse(rule, Reason{Article: art, Record: membershipRef(&m), Text: fmt.Sprintf(
			"%s gave notice of withdrawal from %s on %s; it takes effect %s", m.Country, a.Code, m.Notice, m.Withdrawn)})
	}
	if !m.MemberOn(d) {
		return m, refuse(rule, Reason{Article: art, Text: fmt.Sprintf(
			"%s is not a member of %s on %s: only a member may give notice of withdrawal", m.Country, a.Code, d)})
	}
	if y := a.Rule.WithdrawalAfterYears; y > 0 {
		earliest := a.InForce.AddYears(y)
		if d.Before(earliest) {
			return m, refuse(rule, Reason{Article: art, Text: fmt.Sprintf("notice may be given only after the treaty has been in force %d years (from %s)", y, earliest)})
		}
	}
	m.Notice = d
	m.Withdrawn = d.AddMonths(a.Rule.WithdrawalNoticeMonths)
	return m, nil
}

// The three rules below hold for every record, whoever writes it: the
// dataset validator, the services and the import call them, and nothing else
// states them.

// CheckOrder refuses a period whose end is before its start (EINVALID).
func CheckOrder(p Period) error {
	if !p.To.IsZero() && !p.From.IsZero() && p.To.Before(p.From) {
		return Errorf(EINVALID, "the end %s is before the start %s", p.To, p.From)
	}
	return nil
}

// CheckFounded refuses (EREFUSED) a date before alliance a was founded:
// nothing of an alliance happens before its treaty is signed. A nil
// alliance or a zero date passes.
func CheckFounded(a *Alliance, d Date) error {
	if a != nil && !d.IsZero() && d.Before(a.Signed) {
		why := Reason{Record: "alliance " + a.Code, Field: "date", Text: fmt.Sprintf("%s is before %s was founded (%s)", d, a.Code, a.Signed)}
		return &Error{Code: EREFUSED, Message: why.Text, Reasons: []Reason{why}}
	}
	return nil
}

// CheckPeriod refuses an end before its start (EINVALID) and a start before
// the alliance's founding (EREFUSED).
func CheckPeriod(a *Alliance, p Period) error {
	if err := CheckOrder(p); err != nil {
		return err
	}
	return CheckFounded(a, p.From)
}

// CheckNotMember refuses (EREFUSED) a partner record of m's country over
// period p when the country is a member of m's alliance during p: a member
// is not its own alliance's partner. A nil membership passes.
func CheckNotMember(m *Membership, p Period) error {
	if m == nil || m.Acceded.IsZero() {
		return nil
	}
	if p.Overlaps(Period{From: m.Acceded, To: m.Withdrawn}) {
		return refuse("partnership", Reason{Record: membershipRef(m), Text: fmt.Sprintf(
			"%s is a member of %s from %s; a member is not its own alliance's partner", m.Country, m.Alliance, m.Acceded)})
	}
	return nil
}

// CheckPartnership refuses a partnership of a country with an alliance it is
// a member of during the partnership's period.
func CheckPartnership(p *Partnership, m *Membership) error { return CheckNotMember(m, p.Period) }

// DayPeriod is the period of the one day d (to its last possible day).
func DayPeriod(d Date) Period {
	last := d.Last()
	return Period{From: last, To: Day(last.Time().AddDate(0, 0, 1))}
}

// ProgrammeStatusOn is p's status on day d, the one status every view
// shows for that day. all holds the partner's programmes (p's successors
// among them). It is "" before p was agreed: on d the programme does not
// exist yet. Once agreed it is superseded from the day a successor takes
// effect, agreed until it takes effect itself, under review while stored
// so, and otherwise active. A draft, never agreed, is a draft.
func ProgrammeStatusOn(p *Programme, all []Programme, d Date) ProgrammeStatus {
	if p.Status == ProgrammeDraft || p.Agreed.IsZero() {
		return ProgrammeDraft
	}
	if !p.Agreed.OnOrBefore(d) {
		return ""
	}
	if SuccessorOn(p, all, d) != nil {
		return ProgrammeSuperseded
	}
	if !p.TakesEffect().OnOrBefore(d) {
		return ProgrammeAgreed
	}
	if p.Status == ProgrammeUnderReview {
		return ProgrammeUnderReview
	}
	return ProgrammeActive
}

// TakesEffect is the day p takes effect: the start of its period when that
// is after its agreement, otherwise its agreement.
func (p *Programme) TakesEffect() Date {
	if !p.Period.From.IsZero() && p.Agreed.Before(p.Period.From) {
		return p.Period.From
	}
	return p.Agreed
}

// SuccessorOn returns the programme in all that supersedes p and has taken
// effect by day d, or nil: until its successor takes effect, p stays in
// force.
func SuccessorOn(p *Programme, all []Programme, d Date) *Programme {
	for i := range all {
		q := &all[i]
		if q.Supersedes == p.ID && !q.Agreed.IsZero() && q.TakesEffect().OnOrBefore(d) {
			return q
		}
	}
	return nil
}

// ProgrammeInForce reports whether a status on a day means the programme
// was in force that day.
func ProgrammeInForce(st ProgrammeStatus) bool {
	return st == ProgrammeActive || st == ProgrammeUnderReview
}

// ActiveProgrammeOn returns the partner's programme in force on day d (the
// latest agreed whose status that day is in force), or nil. ps holds one
// partner's programmes.
func ActiveProgrammeOn(ps []Programme, d Date) *Programme {
	var best *Programme
	for i := range ps {
		p := &ps[i]
		if !ProgrammeInForce(ProgrammeStatusOn(p, ps, d)) {
			continue
		}
		if best == nil || best.Agreed.Compare(p.Agreed) < 0 {
			best = p
		}
	}
	return best
}

// AgreeProgramme agrees p for its partner and supersedes the partner's
// active programme, if any. It returns the programmes to write.
func AgreeProgramme(a *Alliance, partner *Country, ms []Membership, existing []Programme, p Programme) ([]Programme, error) {
	const rule = "programme: agree"
	if err := CheckPeriod(a, p.Period); err != nil {
		return nil, err
	}
	if err := CheckFounded(a, p.Agreed); err != nil {
		return nil, err
	}
	if err := CheckNotMember(findMembership(ms, partner.Code), DayPeriod(p.Agreed)); err != nil {
		return nil, err
	}
	var out []Programme
	for _, old := range existing {
		if old.ID == p.ID {
			return nil, Errorf(ECONFLICT, "programme %s already exists", p.ID)
		}
		if old.Status == ProgrammeActive || old.Status == ProgrammeAgreed || old.Status == ProgrammeUnderReview {
			if p.Agreed.Before(old.Agreed) {
				return nil, refuse(rule, Reason{Record: "programme " + old.ID, Field: "agreed", Text: fmt.Sprintf("%s is before the active programme %s was agreed (%s)", p.Agreed, old.ID, old.Agreed)})
			}
			old.Status = ProgrammeSuperseded
			p.Supersedes = old.ID
			out = append(out, old)
		}
	}
	p.Status = ProgrammeActive
	return append(out, p), nil
}
