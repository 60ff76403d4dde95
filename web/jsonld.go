package web

import (
	"encoding/json"
	"html/template"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// This file builds the schema.org JSON-LD that public pages embed in a
// <script type="application/ld+json"> (issue 12, item 4), so that others can
// link the record to theirs: the alliance as an Organization, a country as a
// Country, operations and meetings as Events, a partner's programme
// memberships. Each is built from the data the page itself shows, read for
// the page's day and filtered by releasability like the rest of it, and
// encoded with encoding/json only.

// ldNode is one node of a page's JSON-LD graph. Fields left empty are left
// out; Member and the like refer to other nodes by @id.
type ldNode struct {
	Type          string    `json:"@type,omitempty"`
	ID            string    `json:"@id,omitempty"`
	Name          string    `json:"name,omitempty"`
	AlternateName string    `json:"alternateName,omitempty"`
	Identifier    string    `json:"identifier,omitempty"`
	URL           string    `json:"url,omitempty"`
	SameAs        string    `json:"sameAs,omitempty"`
	FoundingDate  string    `json:"foundingDate,omitempty"`
	StartDate     string    `json:"startDate,omitempty"`
	EndDate       string    `json:"endDate,omitempty"`
	Location      *ldNode   `json:"location,omitempty"`
	Organizer     *ldNode   `json:"organizer,omitempty"`
	Member        []*ldNode `json:"member,omitempty"`
	ProgramName   string    `json:"programName,omitempty"`
	Hosting       *ldNode   `json:"hostingOrganization,omitempty"`
}

// ldGraph is a page's JSON-LD document: the schema.org context and its
// nodes.
type ldGraph struct {
	Context string    `json:"@context"`
	Graph   []*ldNode `json:"@graph"`
}

func newGraph(nodes ...*ldNode) *ldGraph {
	return &ldGraph{Context: "https://schema.org", Graph: nodes}
}

// jsonLDOf returns the JSON-LD of the page v, or "" for a page with none.
// encoding/json writes <, > and & inside strings as \u003c, \u003e and
// \u0026, so no text of the record can close the script element or open
// another; the result is trusted as JS by html/template for that reason.
func jsonLDOf(v any) (template.JS, error) {
	var ld *ldGraph
	switch p := v.(type) {
	case page:
		ld = p.ld
	case *ProfileView:
		ld = p.ld
	}
	if ld == nil {
		return "", nil
	}
	b, err := json.Marshal(ld)
	if err != nil {
		return "", err
	}
	return template.JS(b), nil // safe: encoding/json escaped <, > and &, see above
}

// ldDate is a date at its precision ("2024", "2024-07", "2024-07-10"), as
// schema.org's ISO 8601 dates allow; "" when unknown.
func ldDate(d entente.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// ldRef is a reference to a node of the same graph.
func ldRef(id string) *ldNode { return &ldNode{ID: id} }

// allianceID is the alliance node's @id, the same on every page.
func allianceID(code string) string { return "/#" + code }

// ldAlliance is the alliance as an Organization: its name, code and Wikidata
// item; founded adds the day its treaty was signed (the home page says it).
func ldAlliance(a *entente.Alliance, founded bool) *ldNode {
	n := &ldNode{Type: "Organization", ID: allianceID(a.Code), Name: a.Name, AlternateName: a.Code, URL: "/",
		SameAs: entente.WikidataURL(a.Wikidata)}
	if founded {
		n.FoundingDate = ldDate(a.Signed)
	}
	return n
}

// countryID is a country node's @id: its page.
func countryID(code string) string { return "/countries/" + code }

func ldCountry(code, name, wikidata string) *ldNode {
	return &ldNode{Type: "Country", ID: countryID(code), Name: name, Identifier: code, URL: countryID(code),
		SameAs: entente.WikidataURL(wikidata)}
}

// ldMembers is the members page: the alliance with the states that were
// its members on the page's day.
func ldMembers(a *entente.Alliance, waves []service.Wave) *ldGraph {
	org := ldAlliance(a, false)
	nodes := []*ldNode{org}
	for _, w := range waves {
		for _, m := range w.Members {
			org.Member = append(org.Member, ldRef(countryID(m.Code)))
			nodes = append(nodes, ldCountry(m.Code, m.Name, m.Wikidata))
		}
	}
	return newGraph(nodes...)
}

// ldCountryPage is a country's page: the country, and the page's alliance
// with the country as a member when it was one on the day.
func ldCountryPage(a *entente.Alliance, v *service.CountryView) *ldGraph {
	c := ldCountry(v.Code, v.Name, v.Wikidata)
	nodes := []*ldNode{c}
	for _, m := range v.Memberships {
		if a != nil && m.Alliance == a.Code && (m.Status == entente.StatusMember || m.Status == entente.StatusNotice) {
			org := ldAlliance(a, false)
			org.Member = []*ldNode{ldRef(c.ID)}
			nodes = append(nodes, org)
		}
	}
	return newGraph(nodes...)
}

// ldProfile is a partner's page: the country, the alliance (with the country
// as a member if it is one) and a ProgramMembership for each partnership
// framework the country belonged to on the day.
func ldProfile(p *service.Profile) *ldGraph {
	c := ldCountry(p.Partner.Code, p.Partner.Name, p.Partner.Wikidata)
	org := ldAlliance(p.Alliance, false)
	if p.Member != nil && p.Member.MemberOn(p.AsOf) {
		org.Member = []*ldNode{ldRef(c.ID)}
	}
	nodes := []*ldNode{c, org}
	for _, pt := range p.Partnerships {
		nodes = append(nodes, &ldNode{Type: "ProgramMembership", ProgramName: pt.FrameworkName,
			Hosting: ldRef(org.ID), Member: []*ldNode{ldRef(c.ID)}})
	}
	return newGraph(nodes...)
}

// ldOperations is the operations page: each operation as an Event the
// alliance organised, in its theatre.
func ldOperations(a *entente.Alliance, ops []service.OperationView) *ldGraph {
	nodes := []*ldNode{ldAlliance(a, false)}
	for _, o := range ops {
		nodes = append(nodes, &ldNode{Type: "Event", ID: "/operations#" + o.Code, URL: "/operations#" + o.Code,
			Name: o.Name, AlternateName: o.Code, StartDate: ldDate(o.From), EndDate: ldDate(o.To),
			Location: &ldNode{Type: "Place", Name: o.Theatre}, Organizer: ldRef(allianceID(a.Code)),
			SameAs: entente.WikidataURL(o.Wikidata)})
	}
	return newGraph(nodes...)
}

// ldMeetings is the meetings page: each meeting as an Event in its city.
func ldMeetings(a *entente.Alliance, ms []service.MeetingView) *ldGraph {
	nodes := []*ldNode{ldAlliance(a, false)}
	for _, m := range ms {
		nodes = append(nodes, &ldNode{Type: "Event", ID: "/meetings#" + m.ID, URL: "/meetings#" + m.ID,
			Name: m.Name, StartDate: ldDate(m.From), EndDate: ldDate(m.To),
			Location: &ldNode{Type: "Place", Name: m.City}, Organizer: ldRef(allianceID(a.Code)),
			SameAs: entente.WikidataURL(m.Wikidata)})
	}
	return newGraph(nodes...)
}
