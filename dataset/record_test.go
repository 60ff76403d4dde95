package dataset

import (
	"slices"
	"testing"

	"github.com/entente/entente"
)

// The complete record (issue 14): the default dataset against figures and
// facts its sources state, so that the errors the outside fact-check found
// cannot come back unnoticed.

// inForce returns, for framework code on day, the partners in force and
// those among them whose cooperation was suspended.
func inForce(t *testing.T, ds *entente.Dataset, code, day string) (partners, suspended []string) {
	t.Helper()
	var a *entente.Alliance
	for i := range ds.Alliances {
		if ds.Alliances[i].Code == "NATO" {
			a = &ds.Alliances[i]
		}
	}
	var f *entente.Framework
	for i := range ds.Frameworks {
		if ds.Frameworks[i].Alliance == "NATO" && ds.Frameworks[i].Code == code {
			f = &ds.Frameworks[i]
		}
	}
	if a == nil || f == nil {
		t.Fatalf("no NATO framework %s", code)
	}
	d := entente.MustParseDate(day)
	for i := range ds.Partnerships {
		p := &ds.Partnerships[i]
		if p.Alliance != "NATO" || p.Framework != code {
			continue
		}
		switch entente.PartnershipStatusOn(p, f, a, d) {
		case entente.PartnershipActive:
			partners = append(partners, p.Country)
		case entente.PartnershipSuspended:
			partners = append(partners, p.Country)
			suspended = append(suspended, p.Country)
		}
	}
	slices.Sort(partners)
	slices.Sort(suspended)
	return partners, suspended
}

func defaultDataset(t *testing.T) *entente.Dataset {
	t.Helper()
	ds, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return ds
}

// TestEuroAtlanticPartners: NATO's EAPC page (July 2024) counts 18 partner
// countries, with the partnerships of Russia and Belarus suspended; every
// one of them is a Partnership for Peace partner too.
func TestEuroAtlanticPartners(t *testing.T) {
	ds := defaultDataset(t)
	want := []string{"ARM", "AUT", "AZE", "BIH", "BLR", "CHE", "GEO", "IRL", "KAZ", "KGZ", "MDA", "MLT", "RUS", "SRB", "TJK", "TKM", "UKR", "UZB"}
	for _, code := range []string{"EAPC", "PFP"} {
		got, suspended := inForce(t, ds, code, "2024-07-03")
		if !slices.Equal(got, want) {
			t.Errorf("%s partners on 2024-07-03: got %d %v, want the 18 %v", code, len(got), got, want)
		}
		if !slices.Equal(suspended, []string{"BLR", "RUS"}) {
			t.Errorf("%s partners suspended on 2024-07-03: got %v, want [BLR RUS]", code, suspended)
		}
	}
	// Ten states had joined by 28 February 1994 (White House fact sheet). A
	// partnership dated only to 1994 (Finland: no source read gives its day or
	// month) counts from the year's start, so it is left out of the count.
	var byMonth []string
	got, _ := inForce(t, ds, "PFP", "1994-02-28")
	for _, code := range got {
		i := slices.IndexFunc(ds.Partnerships, func(p entente.Partnership) bool {
			return p.Alliance == "NATO" && p.Framework == "PFP" && p.Country == code
		})
		if ds.Partnerships[i].From.Precision() > entente.PrecisionYear {
			byMonth = append(byMonth, code)
		}
	}
	want10 := []string{"ALB", "BGR", "EST", "HUN", "LTU", "LVA", "POL", "ROU", "SVK", "UKR"}
	if !slices.Equal(byMonth, want10) {
		t.Errorf("PFP partners dated to the month or day on 1994-02-28: got %d %v, want the 10 %v", len(byMonth), byMonth, want10)
	}
	// Russia's practical cooperation was suspended on 1 April 2014, not ended.
	if _, s := inForce(t, ds, "PFP", "2014-03-31"); slices.Contains(s, "RUS") {
		t.Errorf("Russia suspended on 2014-03-31, want active until 1 April 2014")
	}
	if got, s := inForce(t, ds, "PFP", "2014-04-01"); !slices.Contains(got, "RUS") || !slices.Contains(s, "RUS") {
		t.Errorf("Russia on 2014-04-01: in force %v, suspended %v; want in force and suspended", slices.Contains(got, "RUS"), slices.Contains(s, "RUS"))
	}
}

// TestPartnersBeforeAccession: every member admitted since 1999 was a
// Partnership for Peace partner first, and that partnership ends on its
// accession day (a member is never its own alliance's partner).
func TestPartnersBeforeAccession(t *testing.T) {
	ds := defaultDataset(t)
	n := 0
	for _, m := range ds.Memberships {
		if m.Alliance != "NATO" || m.Acceded.Before(entente.MustParseDate("1999-01-01")) {
			continue
		}
		n++
		i := slices.IndexFunc(ds.Partnerships, func(p entente.Partnership) bool {
			return p.Alliance == "NATO" && p.Country == m.Country && p.Framework == "PFP"
		})
		if i < 0 {
			t.Errorf("%s acceded %s but has no Partnership for Peace record", m.Country, m.Acceded)
			continue
		}
		if p := ds.Partnerships[i]; p.To != m.Acceded || p.From.IsZero() {
			t.Errorf("%s's Partnership for Peace runs %s; want a start and an end on its accession day %s", m.Country, p.Period, m.Acceded)
		}
	}
	if n != 16 {
		t.Errorf("members admitted since 1999: got %d, want 16", n)
	}
}

// TestUkraine: a Partnership for Peace and EAPC partner since the 1990s and
// an Enhanced Opportunities Partner from 12 June 2020, not from 2014.
func TestUkraine(t *testing.T) {
	ds := defaultDataset(t)
	for _, tt := range []struct {
		code, day string
		want      bool
	}{
		{"PFP", "1994-02-08", true}, {"PFP", "1994-02-07", false}, {"EAPC", "2025-01-01", true},
		{"EOP", "2020-06-11", false}, {"EOP", "2020-06-12", true}, {"EOP", "2016-01-01", false},
	} {
		got, _ := inForce(t, ds, tt.code, tt.day)
		if slices.Contains(got, "UKR") != tt.want {
			t.Errorf("Ukraine a %s partner on %s: got %v, want %v", tt.code, tt.day, !tt.want, tt.want)
		}
	}
}

// TestIstanbulInitiativeDates: the sources give the months (and the UAE's
// day) the Gulf states joined, not only a year.
func TestIstanbulInitiativeDates(t *testing.T) {
	ds := defaultDataset(t)
	want := map[string]string{"KWT": "2004-12", "BHR": "2005-02", "QAT": "2005-02", "ARE": "2005-06-22"}
	for _, p := range ds.Partnerships {
		if p.Framework != "ICI" {
			continue
		}
		if got := p.From.String(); got != want[p.Country] {
			t.Errorf("%s joined the ICI: got %q, want %q", p.Country, got, want[p.Country])
		}
		delete(want, p.Country)
	}
	if len(want) != 0 {
		t.Errorf("ICI partners missing: %v", want)
	}
}

// TestSummits: every summit and extraordinary summit since the first (Paris,
// 1957) is recorded to the day, and the Indo-Pacific partners' attendance
// at the summits of 2022 to 2024 is known, not "unknown".
func TestSummits(t *testing.T) {
	ds := defaultDataset(t)
	years := map[int]int{}
	for _, m := range ds.Meetings {
		if m.Kind != "summit" && m.Kind != "extraordinary-summit" {
			continue
		}
		years[m.From.Year]++
		if m.From.Precision() != entente.PrecisionDay {
			t.Errorf("%s: from %s, want a day", m.ID, m.From)
		}
	}
	n := 0
	for _, c := range years {
		n += c
	}
	if n != 38 {
		t.Errorf("summits: got %d, want 38 (1957 to 2025)", n)
	}
	for _, y := range []int{1957, 1974, 1991, 1994, 1999, 2004, 2009, 2019} {
		if years[y] == 0 {
			t.Errorf("no summit in %d", y)
		}
	}
	for _, in := range ds.Invitations {
		if in.Attended == entente.Attendance("unknown") && in.Meeting < "SUMMIT-2025" {
			t.Errorf("invitation %s %s: attendance unknown, but it is public", in.Meeting, in.Country)
		}
	}
}

// TestArticle4Dates: each consultation is dated by the request, and the
// Council's meeting is named apart (the 2015 request was announced on
// 26 July, the Council met on 28 July).
func TestArticle4Dates(t *testing.T) {
	ds := defaultDataset(t)
	want := map[string]string{"NATO-A4-2015-07": "2015-07-26", "NATO-A4-2012-06": "2012-06-24"}
	for _, e := range ds.DefenceEvents {
		if w, ok := want[e.ID]; ok && e.Date.String() != w {
			t.Errorf("%s: date %s, want the request's %s", e.ID, e.Date, w)
		}
	}
}

// TestNewZealandInBosnia: IFOR and SFOR are two records, each with its own
// operation, and New Zealand's SFOR service is on record.
func TestNewZealandInBosnia(t *testing.T) {
	ds := defaultDataset(t)
	ops := map[string]bool{}
	for _, c := range ds.Contributions {
		if c.Country == "NZL" {
			ops[c.Operation] = true
		}
	}
	for _, op := range []string{"IFOR", "SFOR"} {
		if !ops[op] {
			t.Errorf("no New Zealand contribution to %s", op)
		}
	}
}

// TestOperationsSince1992: the operations from the first (Maritime Monitor,
// July 1992) on, each with a start no earlier than 1992.
func TestOperationsSince1992(t *testing.T) {
	ds := defaultDataset(t)
	codes := map[string]bool{}
	for _, o := range ds.Operations {
		codes[o.Code] = true
		if o.From.Year < 1992 {
			t.Errorf("%s starts %s, before 1992", o.Code, o.From)
		}
	}
	for _, c := range []string{"MARITIME-MONITOR", "SHARP-GUARD", "DENY-FLIGHT", "DELIBERATE-FORCE", "IFOR", "SFOR", "ALLIED-FORCE", "KFOR",
		"ESSENTIAL-HARVEST", "AMBER-FOX", "ALLIED-HARMONY", "ACTIVE-ENDEAVOUR", "EAGLE-ASSIST", "ISAF", "NTM-I", "PAKISTAN-RELIEF",
		"ALLIED-PROVIDER", "ALLIED-PROTECTOR", "OCEAN-SHIELD", "UNIFIED-PROTECTOR", "RSM", "SEA-GUARDIAN", "NMI"} {
		if !codes[c] {
			t.Errorf("operation %s missing", c)
		}
	}
}
