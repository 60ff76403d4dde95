package main

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/entente/entente"
)

// The JSON the CLI and the API print, read by its names: what a user of
// either sees, independent of the Go types behind it.
type (
	jAlliance struct {
		Code    string `json:"code"`
		Members int    `json:"member_count"`
	}
	jMember struct {
		Code   string       `json:"code"`
		Joined entente.Date `json:"joined"`
	}
	jPartner struct {
		Code       string       `json:"code"`
		Frameworks []jFramework `json:"frameworks"`
		Groups     []string     `json:"groups"`
		Programme  string       `json:"programme"`
	}
	jFramework struct {
		Code  string       `json:"code"`
		Since entente.Date `json:"since"`
	}
	jProgramme struct {
		ID      string       `json:"id"`
		Partner string       `json:"partner"`
		Agreed  entente.Date `json:"agreed"`
		Status  string       `json:"status"`
	}
	jPartnership struct {
		Alliance  string       `json:"alliance"`
		Framework string       `json:"framework"`
		From      entente.Date `json:"from"`
		To        entente.Date `json:"to"`
	}
	jGroup struct {
		Alliance string       `json:"alliance"`
		Code     string       `json:"code"`
		Since    entente.Date `json:"since"`
	}
	jDated struct {
		ID      string       `json:"id"`
		Meeting string       `json:"meeting"`
		From    entente.Date `json:"from"`
		Date    entente.Date `json:"date"`
	}
	jCountry struct {
		Code        string `json:"code"`
		Memberships []struct {
			Alliance string       `json:"alliance"`
			Applied  entente.Date `json:"applied"`
			Invited  entente.Date `json:"invited"`
			Signed   entente.Date `json:"signed"`
			Acceded  entente.Date `json:"acceded"`
			Status   string       `json:"status"`
		} `json:"memberships"`
		Partnerships  []jPartnership `json:"partnerships"`
		Groups        []jGroup       `json:"group_details"`
		Programmes    []jProgramme   `json:"programmes"`
		Contributions []jDated       `json:"contributions"`
		Invitations   []jDated       `json:"invitations"`
		DefenceEvents []jDated       `json:"defence_events"`
	}
	jProfile struct {
		Member       *struct{} `json:"member"`
		Members      int       `json:"members"`
		Partnerships []jPartnership
		Programmes   []jProgramme `json:"programmes"`
		Groups       []jGroup     `json:"groups"`
		Deployments  []jDated     `json:"deployments"`
	}
	jTimeline struct {
		Items []jItem `json:"items"`
	}
	jItem struct {
		Kind string       `json:"kind"`
		Ref  string       `json:"ref"`
		From entente.Date `json:"from"`
	}
)

// The counts and records read off the pages.
type (
	homePage    struct{ members, partners int }
	membersPage struct {
		total int
		codes []string
	}
	partnersPage struct {
		total  int
		codes  []string
		groups []string
	}
	pageProgramme struct{ id, partner, status string }
)

var (
	reHomeMembers   = regexp.MustCompile(`<strong>(\d+) members?</strong>`)
	reHomePartners  = regexp.MustCompile(`<strong>(\d+) partners?</strong>`)
	reWaves         = regexp.MustCompile(`in (\d+) waves?\.`)
	reJoined        = regexp.MustCompile(`(\d+) members? joined in`)
	reWaveSection   = regexp.MustCompile(`(?s)<section aria-labelledby="wave-.*?</section>`)
	reFwSection     = regexp.MustCompile(`(?s)<section aria-labelledby="f-.*?</section>`)
	reGroupSection  = regexp.MustCompile(`aria-labelledby="g-([^"]+)"`)
	rePartnersLede  = regexp.MustCompile(`(\d+) countries work with`)
	reCountryLink   = regexp.MustCompile(`href="/countries/([A-Z]{3})[?#"]`)
	rePartnerLink   = regexp.MustCompile(`href="/partners/([A-Z]{3})[?#"]`)
	reProgrammeLink = regexp.MustCompile(`href="/programmes/([^"?#]+)[?#"]`)
	reCell          = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	reTag           = regexp.MustCompile(`(?s)<[^>]*>`)
)

// page fetches a page and returns the part between from and to (its main
// content), or an error unless it answered 200.
func (h *harness) page(path, from, to string) (string, error) {
	status, body, err := h.get(path)
	if err != nil {
		return "", err
	}
	if status != http.StatusOK {
		return "", fmt.Errorf("GET %s: status %d", path, status)
	}
	s := string(body)
	i := strings.Index(s, from)
	if i < 0 {
		return "", fmt.Errorf("GET %s: no %q in the page", path, from)
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		s = s[:j]
	}
	return s, nil
}

func atoi(re *regexp.Regexp, s, what string) (int, error) {
	m := re.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("no %s in the page (%s)", what, re)
	}
	return strconv.Atoi(m[1])
}

// all returns the first group of every match of re in s, in order, once.
func all(re *regexp.Regexp, s string) []string {
	out := []string{}
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

func (h *harness) homePage(q string) (homePage, error) {
	s, err := h.page("/"+q, "<main", "</main>")
	if err != nil {
		return homePage{}, err
	}
	var p homePage
	if strings.Contains(s, "had no members and no partners") {
		return p, nil // a day before the founding
	}
	if p.members, err = atoi(reHomeMembers, s, "member count"); err != nil {
		return p, err
	}
	p.partners, err = atoi(reHomePartners, s, "partner count")
	return p, err
}

func (h *harness) membersPage(q string) (membersPage, error) {
	s, err := h.page("/members"+q, "<main", "</main>")
	if err != nil {
		return membersPage{}, err
	}
	var p membersPage
	waves, err := atoi(reWaves, s, "wave count")
	if err != nil {
		return p, err
	}
	if waves > 0 {
		if p.total, err = atoi(reJoined, s, "member count"); err != nil {
			return p, err
		}
	}
	p.codes = all(reCountryLink, strings.Join(reWaveSection.FindAllString(s, -1), ""))
	return p, nil
}

func (h *harness) partnersPage(q string) (partnersPage, error) {
	s, err := h.page("/partners"+q, "<main", "</main>")
	if err != nil {
		return partnersPage{}, err
	}
	var p partnersPage
	if p.total, err = atoi(rePartnersLede, s, "partner count"); err != nil {
		return p, err
	}
	p.codes = all(rePartnerLink, strings.Join(reFwSection.FindAllString(s, -1), ""))
	p.groups = all(reGroupSection, s)
	return p, nil
}

func (h *harness) programmesPage(q string) ([]pageProgramme, error) {
	s, err := h.page("/programmes"+q, "<tbody", "</tbody>")
	if err != nil {
		return nil, err
	}
	var out []pageProgramme
	for _, row := range strings.Split(s, "<tr")[1:] {
		id := reProgrammeLink.FindStringSubmatch(row)
		if id == nil {
			continue // "No programmes."
		}
		p := pageProgramme{id: id[1]}
		if m := rePartnerLink.FindStringSubmatch(row); m != nil {
			p.partner = m[1]
		}
		if cells := reCell.FindAllStringSubmatch(row, -1); len(cells) > 0 {
			p.status = strings.TrimSpace(html.UnescapeString(reTag.ReplaceAllString(cells[len(cells)-1][1], "")))
		}
		out = append(out, p)
	}
	return out, nil
}

// links returns the first group of re's matches in the part of a page
// between from and to.
func (h *harness) links(path, from, to, re string) ([]string, error) {
	s, err := h.page(path, from, to)
	if err != nil {
		return nil, err
	}
	return all(regexp.MustCompile(re), s), nil
}

// results are the failures of every check, gathered from the days checked
// concurrently.
type results struct {
	mu    sync.Mutex
	found map[string][]string // check → the first few failures
	count map[string]int      // check → how many failures
}

func newResults() *results { return &results{found: map[string][]string{}, count: map[string]int{}} }

// checker runs the checks for one day.
type checker struct {
	w   *world
	day entente.Date
	r   *results
}

func (c *checker) fail(check, format string, args ...any) {
	c.r.mu.Lock()
	defer c.r.mu.Unlock()
	c.r.count[check]++
	if len(c.r.found[check]) < 3 {
		c.r.found[check] = append(c.r.found[check], fmt.Sprintf("as of %s: ", c.day)+fmt.Sprintf(format, args...))
	}
}

// verdict reports the failures: known ones are logged, others fail t; a
// known failure that no longer happens fails t too, so that it is taken off
// the list.
func (c *results) verdict(t *testing.T, seed uint64, days int) {
	t.Helper()
	var checks []string
	for k := range c.found {
		checks = append(checks, k)
	}
	sort.Strings(checks)
	for _, k := range checks {
		msg := fmt.Sprintf("check %q failed %d times (seed %d), e.g.\n  %s", k, c.count[k], seed, strings.Join(c.found[k], "\n  "))
		if why, ok := knownFailing[k]; ok {
			t.Logf("known failure (%s): %s", why, msg)
			continue
		}
		t.Error(msg)
	}
	if days < 1000 {
		return // too few days to be sure that a rare failure would have shown
	}
	for k, why := range knownFailing {
		if c.count[k] == 0 {
			t.Errorf("check %q (%s) passed on all %d days: remove it from knownFailing", k, why, days)
		}
	}
}

// notBegun reports whether a record from from had certainly not begun on
// day: from is known and its first possible day is after day.
func notBegun(from, day entente.Date) bool {
	return !from.IsZero() && from.First().Compare(day) > 0
}

// ended reports whether a record until to had certainly ended by day. A to
// known to the day is the first day it no longer holds; one known to a
// month or year holds, possibly, to its last day.
func ended(to, day entente.Date) bool {
	if to.IsZero() {
		return false
	}
	if to.Precision() == entente.PrecisionDay {
		return to.Compare(day) <= 0
	}
	return to.Last().Compare(day) < 0
}

// certainlyMember reports whether country was without doubt a member of
// the alliance on day.
func (w *world) certainlyMember(country string, day entente.Date) bool {
	m, ok := w.memberships[country]
	return ok && !m.Acceded.IsZero() && m.Acceded.Last().Compare(day) <= 0 && (m.Withdrawn.IsZero() || m.Withdrawn.Last().Compare(day) > 0)
}

// all runs every check on one day's views.
func (c *checker) all(v *views) {
	c.alliance(v)
	c.members(v)
	c.partners(v)
	c.groups(v)
	c.programmes(v)
	c.timeline(v)
	c.country(v)
	c.profile(v)
	c.agree(v)
}

// alliance: before the alliance was founded there is nothing to show.
func (c *checker) alliance(v *views) {
	if !notBegun(c.w.alliance.Signed, v.day) {
		return
	}
	for view, n := range map[string]int{"members": len(v.apiMembers), "partners": len(v.apiPartners), "timeline": len(v.apiTimeline.Items),
		"programmes page": len(v.progsPage), "partner groups": len(v.partnersPage.groups)} {
		if n > 0 {
			c.fail("alliance existed", "%s: %d records shown before %s was founded (%s)", view, n, c.w.alliance.Code, c.w.alliance.Signed)
		}
	}
}

func (c *checker) members(v *views) {
	for _, m := range v.apiMembers {
		ms, ok := c.w.memberships[m.Code]
		switch {
		case !ok || ms.Acceded.IsZero():
			c.fail("member in force", "%s shown as a member, but it never acceded", m.Code)
		case notBegun(ms.Acceded, v.day) || ended(ms.Withdrawn, v.day):
			c.fail("member in force", "%s shown as a member; it acceded %s, withdrew %s", m.Code, ms.Acceded, ms.Withdrawn)
		}
	}
	if v.failed["api members"] {
		return
	}
	n := len(v.apiMembers)
	c.counts(v, "member", n, []count{
		{"api alliance", "the API's member_count", v.apiAlliance.Members},
		{"home page", "the home page", v.home.members},
		{"members page", "the members page's total", v.membersPage.total},
		{"members page", "the members page's list", len(v.membersPage.codes)},
		{"api profile", "the profile's member count", v.apiProfile.Members},
	})
	if !v.failed["members page"] && !sameSet(v.membersPage.codes, codesOf(v.apiMembers, func(m jMember) string { return m.Code })) {
		c.fail("members page = API", "the page lists %v, the API %d members", v.membersPage.codes, n)
	}
}

// count is a number of records a view gives, read from view.
type count struct {
	view, what string
	got        int
}

// counts checks that each count a view gives, unless that view could not
// be read, is n, the length of the API's list of noun records.
func (c *checker) counts(v *views, noun string, n int, cs []count) {
	for _, x := range cs {
		if !v.failed[x.view] && x.got != n {
			c.fail(noun+" count", "%s says %d, the API lists %d %ss", x.what, x.got, n, noun)
		}
	}
}

// partnershipInForce checks one partnership shown for a partner on the day,
// and its framework.
func (c *checker) partnershipInForce(view, country, framework string, day entente.Date) {
	fw, ok := c.w.frameworks[framework]
	if !ok {
		c.fail("partner framework existed", "%s: %s shown under framework %q, which %s does not have", view, country, framework, c.w.alliance.Code)
		return
	}
	if notBegun(fw.From, day) || ended(fw.To, day) {
		c.fail("partner framework existed", "%s: %s shown under %s, which ran from %s to %s", view, country, framework, fw.From, fw.To)
	}
	var in bool
	for _, p := range c.w.partnerships[country] {
		if p.Framework == framework && !notBegun(p.From, day) && !ended(p.To, day) {
			in = true
		}
	}
	if !in {
		c.fail("partnership in force", "%s: %s shown under %s, but no such partnership was in force", view, country, framework)
	}
	if c.w.certainlyMember(country, day) {
		c.fail("partner not a member", "%s: %s shown as a partner while a member", view, country)
	}
}

func (c *checker) partners(v *views) {
	for _, p := range v.apiPartners {
		if len(p.Frameworks) == 0 {
			c.fail("partnership in force", "partners: %s shown with no framework", p.Code)
		}
		for _, f := range p.Frameworks {
			c.partnershipInForce("partners", p.Code, f.Code, v.day)
		}
		for _, g := range p.Groups {
			c.groupExisted("partners", g, v)
		}
		if p.Programme != "" {
			c.programmeInForce("partners", p.Code, p.Programme, v.day)
		}
	}
	if v.failed["api partners"] {
		return
	}
	n := len(v.apiPartners)
	c.counts(v, "partner", n, []count{
		{"home page", "the home page", v.home.partners},
		{"partners page", "the partners page's total", v.partnersPage.total},
		{"partners page", "the partners page's list", len(v.partnersPage.codes)},
	})
	if !v.failed["partners page"] && !sameSet(v.partnersPage.codes, codesOf(v.apiPartners, func(p jPartner) string { return p.Code })) {
		c.fail("partners page = API", "the page lists %v, the API %d partners", v.partnersPage.codes, n)
	}
}

// groupExisted checks a partner group shown on the day: it was formed by
// then, or, its start unknown, one of its members was a partner then.
func (c *checker) groupExisted(view, code string, v *views) {
	g, ok := c.w.groups[code]
	if !ok {
		c.fail("group existed", "%s: group %q shown, which %s does not have", view, code, c.w.alliance.Code)
		return
	}
	if notBegun(g.Since, v.day) || notBegun(c.w.alliance.Signed, v.day) {
		c.fail("group existed", "%s: group %s shown; it was formed %s", view, code, g.Since)
		return
	}
	if g.Since.IsZero() && !slices.ContainsFunc(v.apiPartners, func(p jPartner) bool { return slices.Contains(g.Members, p.Code) }) {
		c.fail("group existed", "%s: group %s (formed on an unknown day) shown, though none of its members %v was a partner", view, code, g.Members)
	}
}

func (c *checker) groups(v *views) {
	for _, g := range v.partnersPage.groups {
		c.groupExisted("partners page", g, v)
	}
	if v.failed["partners page"] || v.failed["api partners"] {
		return
	}
	for _, p := range v.apiPartners {
		for _, g := range p.Groups {
			if !slices.Contains(v.partnersPage.groups, g) {
				c.fail("partners page = API", "the API puts %s in group %s, the page does not show the group", p.Code, g)
			}
		}
	}
}

// programmeInForce checks a programme named as a partner's programme on the
// day: agreed by then and not yet superseded.
func (c *checker) programmeInForce(view, partner, id string, day entente.Date) {
	p, ok := c.w.programmes[id]
	if !ok || p.Partner != partner {
		c.fail("programme in force", "%s: %s's programme %q is not one of its programmes", view, partner, id)
		return
	}
	if notBegun(p.Agreed, day) || slices.ContainsFunc(c.w.successors(id), func(q entente.Programme) bool { return q.Agreed.Last().Compare(day) <= 0 }) {
		c.fail("programme in force", "%s: %s's programme %s (agreed %s) was not in force", view, partner, id, p.Agreed)
	}
}

func (w *world) successors(id string) []entente.Programme {
	var out []entente.Programme
	for _, q := range w.ds.Programmes {
		if q.Supersedes == id {
			out = append(out, q)
		}
	}
	return out
}

// statuses are the statuses programme id may have on day: superseded once
// its successor has been agreed, active before; both on a day its
// successor's date, known only to a month or year, may or may not cover.
// Nil means the check does not apply (ended with no successor).
func (w *world) statuses(id string, day entente.Date) []string {
	p := w.programmes[id]
	var may, must bool
	for _, q := range w.successors(id) {
		may = may || !notBegun(q.Agreed, day)
		must = must || q.Agreed.Last().Compare(day) <= 0
	}
	switch {
	case must:
		return []string{string(entente.ProgrammeSuperseded)}
	case may:
		return []string{string(entente.ProgrammeSuperseded), string(entente.ProgrammeActive)}
	case ended(p.Period.To, day):
		return nil
	case p.Status == entente.ProgrammeSuperseded:
		return []string{string(entente.ProgrammeActive)}
	}
	return []string{string(p.Status)}
}

// programmeShown checks a programme a view shows for the day: agreed by
// then, with its status on that day.
func (c *checker) programmeShown(view string, id, status string, day entente.Date) {
	p, ok := c.w.programmes[id]
	if !ok {
		c.fail("programme agreed", "%s: unknown programme %q", view, id)
		return
	}
	if notBegun(p.Agreed, day) {
		c.fail("programme agreed", "%s: %s shown, agreed only %s", view, id, p.Agreed)
		return
	}
	if want := c.w.statuses(id, day); want != nil && !slices.Contains(want, status) {
		c.fail("programme status on the day", "%s: %s has status %q, want %s", view, id, status, strings.Join(want, " or "))
	}
}

func (c *checker) programmes(v *views) {
	for _, p := range v.progsPage {
		c.programmeShown("programmes page", p.id, p.status, v.day)
	}
	for _, p := range v.apiProgs {
		c.programmeShown("API programmes", p.ID, p.Status, v.day)
	}
	var page, api []string
	for _, p := range v.progsPage {
		if p.partner == v.country {
			page = append(page, p.id)
		}
	}
	for _, p := range v.apiProgs {
		if !notBegun(p.Agreed, v.day) {
			api = append(api, p.ID)
		}
	}
	if !v.failed["programmes page"] && !v.failed["api programmes"] && !sameSet(page, api) {
		c.fail("programmes page = API", "for %s the page lists %v, the API %v", v.country, page, api)
	}
}

func (c *checker) timeline(v *views) {
	var refs []string
	for _, it := range v.apiTimeline.Items {
		if notBegun(it.From, v.day) {
			c.fail("timeline item begun", "%s %s from %s", it.Kind, it.Ref, it.From)
		}
		if it.Kind == "programme" {
			if p, ok := c.w.programmes[it.Ref]; !ok || notBegun(p.Agreed, v.day) {
				c.fail("timeline item begun", "programme %s, agreed %s", it.Ref, p.Agreed)
			}
		}
		if it.Kind != "membership" && it.Ref != "" {
			refs = append(refs, it.Ref)
		}
	}
	// The page links each item to its record: /programmes/ID,
	// /operations#CODE, /meetings#ID; same-day accessions share a row.
	var page []string
	for _, l := range v.tlPage {
		l = html.UnescapeString(l)
		if strings.HasPrefix(l, "/countries/") {
			continue
		}
		if _, frag, ok := strings.Cut(l, "#"); ok {
			page = append(page, frag)
		} else {
			l = withoutQuery(l)
			page = append(page, l[strings.LastIndex(l, "/")+1:])
		}
	}
	if !v.failed["timeline page"] && !v.failed["api timeline"] && !sameSet(page, refs) {
		c.fail("timeline page = API", "the page links %d items, the API %d", len(slices.Compact(slices.Sorted(slices.Values(page)))), len(slices.Compact(slices.Sorted(slices.Values(refs)))))
	}
}

func (c *checker) country(v *views) {
	cv := v.apiCountry
	for _, m := range cv.Memberships {
		if m.Alliance == c.w.alliance.Code && notBegun(c.w.alliance.Signed, v.day) {
			c.fail("alliance existed", "country %s: a membership of %s shown", v.country, m.Alliance)
		}
		// The record begins at its first step: an application, or an
		// invitation or protocol where no application is recorded.
		var first entente.Date
		for _, d := range []entente.Date{m.Applied, m.Invited, m.Signed, m.Acceded} {
			if !d.IsZero() && (first.IsZero() || d.Compare(first) < 0) {
				first = d
			}
		}
		if notBegun(first, v.day) {
			c.fail("country record begun", "country %s: membership of %s shown, begun %s", v.country, m.Alliance, first)
		}
	}
	for _, p := range cv.Partnerships {
		if p.Alliance == c.w.alliance.Code {
			c.partnershipInForce("country", v.country, p.Framework, v.day)
		}
	}
	for _, g := range cv.Groups {
		if g.Alliance == c.w.alliance.Code {
			c.groupExisted("country", g.Code, v)
		}
	}
	for _, p := range cv.Programmes {
		c.programmeShown("country", p.ID, p.Status, v.day)
	}
	for what, recs := range map[string][]jDated{"contribution": cv.Contributions, "defence event": cv.DefenceEvents} {
		for _, r := range recs {
			if notBegun(r.From, v.day) || notBegun(r.Date, v.day) {
				c.fail("country record begun", "country %s: %s %s shown, dated %s%s", v.country, what, r.ID, r.From, r.Date)
			}
		}
	}
	for _, in := range cv.Invitations {
		if m, ok := c.w.meetings[in.Meeting]; !ok || notBegun(m.From, v.day) {
			c.fail("country record begun", "country %s: invitation to %s shown, held %s", v.country, in.Meeting, m.From)
		}
	}
	if !v.failed["country page"] && !v.failed["api country"] && !sameSet(v.countryPage, codesOf(cv.Programmes, func(p jProgramme) string { return p.ID })) {
		c.fail("country page = API", "country %s: the page links programmes %v, the API has %d", v.country, v.countryPage, len(cv.Programmes))
	}
}

func (c *checker) profile(v *views) {
	p := v.apiProfile
	for _, pt := range p.Partnerships {
		c.partnershipInForce("profile", v.country, pt.Framework, v.day)
	}
	for _, g := range p.Groups {
		c.groupExisted("profile", g.Code, v)
	}
	for _, pr := range p.Programmes {
		c.programmeShown("profile", pr.ID, pr.Status, v.day)
	}
	for _, d := range p.Deployments {
		if notBegun(d.From, v.day) {
			c.fail("country record begun", "profile %s: deployment %s shown, from %s", v.country, d.ID, d.From)
		}
	}
	if p.Member == nil && !v.failed["profile page"] && !v.failed["api profile"] && !sameSet(v.profilePage, codesOf(p.Programmes, func(p jProgramme) string { return p.ID })) {
		c.fail("profile page = API", "profile %s: the page links programmes %v, the API has %d", v.country, v.profilePage, len(p.Programmes))
	}
}

// agree checks that the CLI prints the JSON the API serves.
func (c *checker) agree(v *views) {
	for _, name := range []string{"members", "partners", "country", "programmes", "profile"} {
		cli, ok := v.rawCLI[name]
		api, ok2 := v.rawAPI[name]
		if !ok || !ok2 {
			continue // one of them could not be read, and that was checked
		}
		if !sameJSON(cli, api) {
			c.fail(name+" CLI = API", "the CLI's JSON differs from the API's (%d and %d bytes)", len(cli), len(api))
		}
	}
}

func codesOf[T any](xs []T, code func(T) string) []string {
	out := []string{}
	for _, x := range xs {
		out = append(out, code(x))
	}
	return out
}

// sameSet reports whether a and b hold the same strings, ignoring order and
// repeats.
func sameSet(a, b []string) bool {
	return slices.Equal(slices.Compact(slices.Sorted(slices.Values(a))), slices.Compact(slices.Sorted(slices.Values(b))))
}

// withoutQuery is a link without its query string (pages carry ?as_of=),
// keeping its fragment.
func withoutQuery(link string) string {
	path, rest, ok := strings.Cut(link, "?")
	if !ok {
		return link
	}
	if _, frag, ok := strings.Cut(rest, "#"); ok {
		return path + "#" + frag
	}
	return path
}
