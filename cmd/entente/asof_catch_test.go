package main

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/entente/entente"
)

// TestAsOfPropertyCatches shows that each check of the as-of property test
// can fail: it reads a day's views from the real server and CLI, puts one
// deliberately wrong record, count or rendering into them, and checks that
// the check concerned reports more failures than on the views as read.
func TestAsOfPropertyCatches(t *testing.T) {
	h := newHarness(t, filepath.Join(t.TempDir(), "entente.db"))
	w := h.w
	day := entente.MustParseDate("2015-06-15")
	early := entente.MustParseDate("1990-06-15")
	before := w.alliance.Signed.First().AddYears(-1)

	// Records to misplace, found in the data rather than named, so the
	// test keeps working as the dataset grows.
	lateMember := find(t, "a member that joined after "+day.String(), w.ds.Memberships, func(m entente.Membership) bool {
		return m.Alliance == w.alliance.Code && notBegun(m.Acceded, day)
	}).Country
	member := find(t, "a member on "+day.String(), w.ds.Memberships, func(m entente.Membership) bool {
		return w.certainlyMember(m.Country, day)
	}).Country
	lateFw := find(t, "a framework begun after "+early.String(), w.ds.Frameworks, func(f entente.Framework) bool {
		return f.Alliance == w.alliance.Code && notBegun(f.From, early)
	})
	lateGroup := find(t, "a group formed after "+day.String(), w.ds.Groups, func(g entente.Group) bool {
		return g.Alliance == w.alliance.Code && notBegun(g.Since, day)
	}).Code
	lateProg := find(t, "a programme agreed after "+day.String(), w.ds.Programmes, func(p entente.Programme) bool {
		return notBegun(p.Agreed, day)
	})
	inForce := find(t, "a programme in force on "+day.String(), w.ds.Programmes, func(p entente.Programme) bool {
		st := w.statuses(p.ID, day)
		return !notBegun(p.Agreed, day) && len(st) == 1 && st[0] == string(entente.ProgrammeActive)
	})
	country := inForce.Partner
	if !slices.Contains(w.partnerCodes, country) {
		t.Fatalf("%s has a programme but no partnership", country)
	}
	notHis := find(t, "a framework "+country+" never joined", w.ds.Frameworks, func(f entente.Framework) bool {
		return f.Alliance == w.alliance.Code && !notBegun(f.From, day) &&
			!slices.ContainsFunc(w.partnerships[country], func(p entente.Partnership) bool { return p.Framework == f.Code })
	})
	lateDay := day.AddYears(1)

	for _, tc := range []struct {
		check  string
		day    entente.Date
		mutate func(v *views)
	}{
		{"alliance existed", before, func(v *views) { v.apiMembers = append(v.apiMembers, jMember{Code: member}) }},
		{"member in force", day, func(v *views) { v.apiMembers = append(v.apiMembers, jMember{Code: lateMember}) }},
		{"member count", day, func(v *views) { v.home.members++ }},
		{"members page = API", day, func(v *views) { v.membersPage.codes = v.membersPage.codes[1:] }},
		{"members CLI = API", day, func(v *views) { v.rawCLI["members"] = "[]" }},
		{"partner framework existed", early, func(v *views) {
			v.apiPartners = append(v.apiPartners, jPartner{Code: country, Frameworks: []jFramework{{Code: lateFw.Code}}})
		}},
		{"partnership in force", day, func(v *views) {
			v.apiPartners = append(v.apiPartners, jPartner{Code: country, Frameworks: []jFramework{{Code: notHis.Code}}})
		}},
		{"partner not a member", day, func(v *views) {
			v.apiPartners = append(v.apiPartners, jPartner{Code: member, Frameworks: []jFramework{{Code: notHis.Code}}})
		}},
		{"partner count", day, func(v *views) { v.partnersPage.total++ }},
		{"partners page = API", day, func(v *views) { v.partnersPage.codes = append(v.partnersPage.codes, member) }},
		{"partners CLI = API", day, func(v *views) { v.rawCLI["partners"] = "[]" }},
		{"group existed", day, func(v *views) { v.partnersPage.groups = append(v.partnersPage.groups, lateGroup) }},
		{"programme in force", day, func(v *views) {
			v.apiPartners = append(v.apiPartners, jPartner{Code: lateProg.Partner, Programme: lateProg.ID})
		}},
		{"programme agreed", day, func(v *views) { v.apiProgs = append(v.apiProgs, jProgramme{ID: lateProg.ID, Status: "active"}) }},
		{"programme status on the day", day, func(v *views) {
			v.apiCountry.Programmes = append(v.apiCountry.Programmes, jProgramme{ID: inForce.ID, Status: string(entente.ProgrammeDraft)})
		}},
		{"programmes page = API", day, func(v *views) {
			v.progsPage = slices.DeleteFunc(v.progsPage, func(p pageProgramme) bool { return p.partner == country })
		}},
		{"programmes CLI = API", day, func(v *views) { v.rawCLI["programmes"] = "[]" }},
		{"timeline item begun", day, func(v *views) {
			v.apiTimeline.Items = append(v.apiTimeline.Items, jItem{Kind: "summit", From: lateDay})
		}},
		{"timeline page = API", day, func(v *views) { v.tlPage = v.tlPage[:len(v.tlPage)/2] }},
		{"country record begun", day, func(v *views) {
			v.apiCountry.Contributions = append(v.apiCountry.Contributions, jDated{ID: "late", From: lateDay})
		}},
		{"country page = API", day, func(v *views) { v.countryPage = append(v.countryPage, lateProg.ID) }},
		{"country CLI = API", day, func(v *views) { v.rawCLI["country"] = "{}" }},
		{"profile page = API", day, func(v *views) { v.profilePage = nil }},
		{"profile CLI = API", day, func(v *views) { v.rawCLI["profile"] = "{}" }},
	} {
		t.Run(tc.check, func(t *testing.T) {
			dc := dayCase{tc.day, country}
			base := newResults()
			c := &checker{w: w, day: tc.day, r: base}
			c.all(h.read(c, dc))
			got := newResults()
			c = &checker{w: w, day: tc.day, r: got}
			v := h.read(c, dc)
			tc.mutate(v)
			c.all(v)
			if got.count[tc.check] <= base.count[tc.check] {
				t.Errorf("check %q did not catch the wrong record: %d failures, %d on the views as read", tc.check, got.count[tc.check], base.count[tc.check])
			}
		})
	}
}

// find returns the first element of xs that ok accepts, or stops t.
func find[T any](t *testing.T, what string, xs []T, ok func(T) bool) T {
	t.Helper()
	i := slices.IndexFunc(xs, ok)
	if i < 0 {
		t.Fatalf("the default dataset has no %s", what)
	}
	return xs[i]
}
