// Package entente models a political-military alliance and its partnerships:
// who belongs, who partners, what each partnership programme aims at, where
// members and partners deployed together, who was invited to which meeting,
// and the treaty rules that govern it all.
//
// The package holds domain types, the rules (each returning a Verdict whose
// reasons cite the article or record that decided it), error codes and the
// Store interface. It does no I/O.
package entente

import "regexp"

// Provenance is what every fact carries: the sources it came from, a free
// note, what about it a source could not confirm, and who may read it.
type Provenance struct {
	Sources     []string `json:"sources"`
	Note        string   `json:"note,omitempty"`
	Unconfirmed string   `json:"unconfirmed,omitempty"`
	// Quotes are the sentences of the sources that state the fact, at
	// most one per cited source (see Quote).
	Quotes []Quote `json:"quotes,omitempty"`
	// Releasability says who may read the record; PUBLIC when left out.
	Releasability Releasability `json:"releasability,omitzero"`
}

// Source is a document a fact comes from.
type Source struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	URL       string `json:"url,omitempty"`
	Document  string `json:"document,omitempty"`
	Publisher string `json:"publisher,omitempty"`
	Accessed  Date   `json:"accessed,omitzero"`
	// Kind says what kind of document it is (see SourceKind); empty for a
	// source not yet classified.
	Kind SourceKind `json:"kind,omitempty"`
}

// Country is a country or territory of ISO 3166-1, keyed by its alpha-3
// code, placed in the UN M49 geographic regions.
type Country struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// Region is the UN M49 region (Africa, Americas, Asia, Europe, Oceania;
	// "World" for Antarctica, which M49 places in no region), Subregion its
	// M49 sub-region ("Western Asia") and IntermediateRegion the M49
	// intermediate region where M49 gives one ("South America").
	Region             string `json:"region"`
	Subregion          string `json:"subregion,omitempty"`
	IntermediateRegion string `json:"intermediate_region,omitempty"`
	// European is whether the country is a "European state" in the sense
	// of an accession clause such as the North Atlantic Treaty's Article 10,
	// with its own sources.
	European EuropeanReading `json:"european"`
	Linked
	Provenance
}

// InRegion reports whether the country lies in the named M49 region,
// sub-region or intermediate region.
func (c *Country) InRegion(name string) bool {
	return name != "" && (name == c.Region || name == c.Subregion || name == c.IntermediateRegion)
}

// Place names the country's M49 sub-region and region, e.g.
// "Western Asia, Asia", or only the region when M49 gives no sub-region.
func (c *Country) Place() string {
	switch {
	case c.Subregion == "":
		return c.Region
	case c.IntermediateRegion != "":
		return c.IntermediateRegion + ", " + c.Region
	}
	return c.Subregion + ", " + c.Region
}

// European is a reading of whether a country is a European state: yes, no,
// or debated when sources disagree.
type European string

const (
	EuropeanYes     European = "yes"
	EuropeanNo      European = "no"
	EuropeanDebated European = "debated"
)

// ValidEuropean reports whether e is yes, no or debated.
func ValidEuropean(e European) bool {
	return e == EuropeanYes || e == EuropeanNo || e == EuropeanDebated
}

// EuropeanReading is a sourced answer to whether a country is a European
// state. Note states the basis of a yes or no (for most, the M49 region) and
// the reasons on each side of a debated reading.
type EuropeanReading struct {
	Value European `json:"value"`
	Provenance
}

var iso3 = regexp.MustCompile(`^[A-Z]{3}$`)

// ValidCountryCode reports whether s has the form of an ISO 3166-1 alpha-3
// code (three capital letters).
func ValidCountryCode(s string) bool { return iso3.MatchString(s) }

// Alliance is a treaty-based alliance with its membership rule.
type Alliance struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Treaty string `json:"treaty"`
	Signed Date   `json:"signed"`
	// SignedAt is where the treaty was signed ("Washington, D.C.").
	SignedAt     string    `json:"signed_at,omitempty"`
	InForce      Date      `json:"in_force"`
	Headquarters string    `json:"headquarters,omitempty"`
	Depositary   string    `json:"depositary,omitempty"` // ISO3 of the government holding the instruments
	Rule         Rule      `json:"rule"`
	Articles     []Article `json:"articles,omitempty"`
	Linked
	Provenance
}

// Eligibility criteria: which attribute of a country an accession clause
// tests.
const (
	// EligibleByRegion admits states in one of the rule's eligible regions.
	EligibleByRegion = "region"
	// EligibleByEuropean admits states whose European reading is yes; a
	// debated reading gets a debated verdict.
	EligibleByEuropean = "european"
)

// Rule is an alliance's membership rule.
type Rule struct {
	// Eligibility names the criterion of the accession clause:
	// EligibleByRegion (the default) or EligibleByEuropean.
	Eligibility string `json:"eligibility,omitempty"`
	// EligibilityClause is the clause in our words, cited in verdicts
	// ("only European states may be invited to accede"). Empty, verdicts
	// name the criterion.
	EligibilityClause string `json:"eligibility_clause,omitempty"`
	// EligibleRegions lists the M49 regions, sub-regions or intermediate
	// regions whose states may be invited, under EligibleByRegion.
	EligibleRegions []string `json:"eligible_regions"`
	// Unanimity: an invitation needs the consent of every current member.
	Unanimity bool `json:"unanimity"`
	// WithdrawalAfterYears is how long the treaty must have been in force
	// before a party may give notice; WithdrawalNoticeMonths how long after
	// notice the withdrawal takes effect.
	WithdrawalAfterYears   int `json:"withdrawal_after_years,omitempty"`
	WithdrawalNoticeMonths int `json:"withdrawal_notice_months,omitempty"`
	// Article numbers the rule comes from, cited in verdicts.
	AccessionArticle  string `json:"accession_article,omitempty"`
	WithdrawalArticle string `json:"withdrawal_article,omitempty"`
}

// Article is one article of a treaty, summarised in our words.
type Article struct {
	Alliance string `json:"-"`
	Number   string `json:"number"`
	Title    string `json:"title"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail,omitempty"`
	// Role is the part the article plays that entente knows of (one of
	// ArticleRoles), or "". Code finds an article by its role, never by its
	// number.
	Role string `json:"role,omitempty"`
	Provenance
}

// Article roles. A treaty's accession and withdrawal articles are named by
// its membership rule (Rule.AccessionArticle, Rule.WithdrawalArticle).
const (
	// RoleConsultation: any party may ask the others to consult when it
	// feels threatened.
	RoleConsultation = "consultation"
	// RoleDefence: an armed attack on one party is one on all.
	RoleDefence = "collective-defence"
	// RoleDefenceArea: where an attack counts for the collective-defence
	// article.
	RoleDefenceArea = "defence-area"
)

// ArticleRoles are the roles an article may have, in the order pages
// present them.
var ArticleRoles = []string{RoleConsultation, RoleDefence, RoleDefenceArea}

// ArticleFor returns the alliance's article with the given role.
func (a *Alliance) ArticleFor(role string) (Article, bool) {
	for _, art := range a.Articles {
		if art.Role == role {
			return art, true
		}
	}
	return Article{}, false
}

// ArticleNumbered returns the alliance's article with the given number.
func (a *Alliance) ArticleNumbered(number string) (Article, bool) {
	for _, art := range a.Articles {
		if number != "" && art.Number == number {
			return art, true
		}
	}
	return Article{}, false
}

// DefenceEventArticle reports whether a collective-defence event may cite
// article number: the alliance's consultation or collective-defence article.
func (a *Alliance) DefenceEventArticle(number string) bool {
	for _, role := range []string{RoleConsultation, RoleDefence} {
		if art, ok := a.ArticleFor(role); ok && art.Number == number {
			return true
		}
	}
	return false
}

// DefenceArticles are the alliance's consultation, collective-defence and
// defence-area articles, in that order, those its treaty has.
func (a *Alliance) DefenceArticles() []Article {
	var out []Article
	for _, role := range ArticleRoles {
		if art, ok := a.ArticleFor(role); ok {
			out = append(out, art)
		}
	}
	return out
}

// MembershipStatus is a step of the accession lifecycle.
type MembershipStatus string

const (
	StatusApplied   MembershipStatus = "applied"
	StatusInvited   MembershipStatus = "invited"
	StatusSigned    MembershipStatus = "protocol-signed"
	StatusRatified  MembershipStatus = "ratified"
	StatusMember    MembershipStatus = "member"
	StatusNotice    MembershipStatus = "notice-given"
	StatusWithdrawn MembershipStatus = "withdrawn"
)

// Membership is a country's relation to an alliance through its lifecycle:
// applied, invited (with every member's consent), accession protocol signed,
// ratified by each member, instrument deposited (acceded); and, under the
// withdrawal article, notice of withdrawal and withdrawal. Each step has its
// date.
type Membership struct {
	Alliance      string   `json:"alliance"`
	Country       string   `json:"country"`
	Founding      bool     `json:"founding,omitempty"`
	Applied       Date     `json:"applied,omitzero"`
	Invited       Date     `json:"invited,omitzero"`
	Signed        Date     `json:"signed,omitzero"`
	Acceded       Date     `json:"acceded,omitzero"`
	Notice        Date     `json:"notice,omitzero"`
	Withdrawn     Date     `json:"withdrawn,omitzero"`
	Consents      []Assent `json:"consents,omitempty"`
	Ratifications []Assent `json:"ratifications,omitempty"`
	Provenance
}

// Assent is one member's consent to an invitation or ratification of an
// accession protocol.
type Assent struct {
	Country string `json:"country"`
	Date    Date   `json:"date"`
}

// StatusOn returns the membership's lifecycle step on day d, or "" if the
// country had not yet applied.
func (m *Membership) StatusOn(d Date) MembershipStatus {
	switch {
	case m.Withdrawn.OnOrBefore(d):
		return StatusWithdrawn
	case m.Notice.OnOrBefore(d):
		return StatusNotice
	case m.Acceded.OnOrBefore(d):
		return StatusMember
	case m.Signed.OnOrBefore(d) && len(m.Ratifications) > 0 && m.Ratifications[len(m.Ratifications)-1].Date.OnOrBefore(d):
		return StatusSigned
	case m.Signed.OnOrBefore(d):
		return StatusSigned
	case m.Invited.OnOrBefore(d):
		return StatusInvited
	case m.Applied.OnOrBefore(d):
		return StatusApplied
	}
	return ""
}

// MemberOn reports whether the country was a member on day d (a member under
// notice is still a member until its withdrawal takes effect).
func (m *Membership) MemberOn(d Date) bool {
	return m.Acceded.OnOrBefore(d) && !m.Withdrawn.OnOrBefore(d)
}

// Framework is a partnership framework of an alliance (Partnership for
// Peace, Mediterranean Dialogue, ...).
type Framework struct {
	Alliance string `json:"alliance"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	Period
	Linked
	Provenance
}

// Partnership is a partner country's place in one of an alliance's
// frameworks over a period. Suspended is when cooperation under it was
// suspended (From) and, if it resumed, the day it did (To): a suspended
// partnership is still in force, with the status "suspended" (see
// PartnershipStatusOn), not deleted or ended.
type Partnership struct {
	Alliance  string `json:"alliance"`
	Country   string `json:"country"`
	Framework string `json:"framework"`
	Period
	Suspended Period `json:"suspended,omitzero"`
	Provenance
}

// Group is a named set of partners, such as the Indo-Pacific partners (IP4).
type Group struct {
	Alliance string   `json:"alliance"`
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Members  []string `json:"members"`
	Since    Date     `json:"since,omitzero"`
	Provenance
}

// ProgrammeStatus is a programme's state.
type ProgrammeStatus string

const (
	ProgrammeDraft       ProgrammeStatus = "draft"
	ProgrammeAgreed      ProgrammeStatus = "agreed"
	ProgrammeActive      ProgrammeStatus = "active"
	ProgrammeUnderReview ProgrammeStatus = "under-review"
	ProgrammeSuperseded  ProgrammeStatus = "superseded"
)

// ValidProgrammeStatus reports whether s is a known programme status.
func ValidProgrammeStatus(s ProgrammeStatus) bool {
	switch s {
	case ProgrammeDraft, ProgrammeAgreed, ProgrammeActive, ProgrammeUnderReview, ProgrammeSuperseded:
		return true
	}
	return false
}

// Programme is a partner's bilateral programme with an alliance (IPCP, IPAP,
// ITPP, ...).
type Programme struct {
	ID         string          `json:"id"`
	Alliance   string          `json:"alliance"`
	Partner    string          `json:"partner"`
	Type       string          `json:"type"`
	Title      string          `json:"title"`
	Agreed     Date            `json:"agreed"`
	Period     Period          `json:"period"`
	Status     ProgrammeStatus `json:"status"`
	Supersedes string          `json:"supersedes,omitempty"`
	Areas      []string        `json:"areas,omitempty"`
	Provenance
}

// Area is a cooperation area (cyber defence, maritime security, ...).
type Area struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Provenance
}

// Operation is an alliance operation or mission.
type Operation struct {
	Code     string `json:"code"`
	Alliance string `json:"alliance"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Theatre  string `json:"theatre"`
	Period
	Mandate string `json:"mandate,omitempty"`
	Linked
	Provenance
}

// Contribution is what a country contributed alongside an alliance, in an
// operation when the source names one, or in a theatre when it does not.
type Contribution struct {
	ID        string `json:"id"`
	Country   string `json:"country"`
	Operation string `json:"operation,omitempty"`
	Theatre   string `json:"theatre"`
	Period
	What string `json:"what"`
	Provenance
}

// Meeting is a summit or ministerial meeting of an alliance.
type Meeting struct {
	ID       string `json:"id"`
	Alliance string `json:"alliance"`
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	City     string `json:"city"`
	Country  string `json:"country,omitempty"`
	Period
	Linked
	Provenance
}

// Attendance is whether an invitee attended: yes, no or unknown.
type Attendance string

const (
	AttendedYes     Attendance = "yes"
	AttendedNo      Attendance = "no"
	AttendedUnknown Attendance = "unknown"
)

// Invitation is a country's invitation to a meeting.
type Invitation struct {
	Meeting  string     `json:"meeting"`
	Country  string     `json:"country"`
	Level    string     `json:"level"`
	Attended Attendance `json:"attended"`
	Attendee string     `json:"attendee,omitempty"`
	Provenance
}

// DefenceEvent is a collective-defence event: a request for consultations
// under the treaty's consultation article or an invocation of its
// collective-defence article.
type DefenceEvent struct {
	ID         string   `json:"id"`
	Alliance   string   `json:"alliance"`
	Article    string   `json:"article"`
	Date       Date     `json:"date"`
	Requesters []string `json:"requesters"`
	Summary    string   `json:"summary"`
	Outcome    string   `json:"outcome,omitempty"`
	Provenance
}
