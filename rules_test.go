package entente_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente"
)

var d = entente.MustParseDate

// reading is a European reading resting on source s.
func reading(v entente.European, note string) entente.EuropeanReading {
	return entente.EuropeanReading{Value: v, Provenance: entente.Provenance{Sources: []string{"s-" + string(v)}, Note: note}}
}

// fixture: a small alliance founded 1949 with three founders and a later
// member, whose accession clause tests the European reading.
func fixture() (*entente.Alliance, map[string]*entente.Country, []entente.Membership) {
	a := &entente.Alliance{Code: "NATO", Signed: d("1949-04-04"), InForce: d("1949-08-24"), Rule: entente.Rule{
		Eligibility: entente.EligibleByEuropean, EligibilityClause: "only European states may be invited", Unanimity: true,
		WithdrawalAfterYears: 20, WithdrawalNoticeMonths: 12, AccessionArticle: "10", WithdrawalArticle: "13"}}
	europe := reading(entente.EuropeanYes, "UN M49 places it in Europe")
	cs := map[string]*entente.Country{
		"BEL": {Code: "BEL", Name: "Belgium", Region: "Europe", Subregion: "Western Europe", European: europe},
		"USA": {Code: "USA", Name: "United States", Region: "Americas", Subregion: "Northern America", European: reading(entente.EuropeanNo, "")},
		"FRA": {Code: "FRA", Name: "France", Region: "Europe", Subregion: "Western Europe", European: europe},
		"ESP": {Code: "ESP", Name: "Spain", Region: "Europe", Subregion: "Southern Europe", European: europe},
		"UKR": {Code: "UKR", Name: "Ukraine", Region: "Europe", Subregion: "Eastern Europe", European: europe},
		"NZL": {Code: "NZL", Name: "New Zealand", Region: "Oceania", Subregion: "Australia and New Zealand",
			European: reading(entente.EuropeanNo, "UN M49 places it in Oceania")},
		"GEO": {Code: "GEO", Name: "Georgia", Region: "Asia", Subregion: "Western Asia",
			European: reading(entente.EuropeanDebated, "UN M49 places it in Western Asia; the alliance declared in 2008 it will become a member")},
	}
	ms := []entente.Membership{
		{Alliance: "NATO", Country: "BEL", Acceded: d("1949-04-04"), Founding: true},
		{Alliance: "NATO", Country: "FRA", Acceded: d("1949-04-04"), Founding: true},
		{Alliance: "NATO", Country: "USA", Acceded: d("1949-04-04"), Founding: true},
		{Alliance: "NATO", Country: "ESP", Acceded: d("1982-05-30")},
	}
	return a, cs, ms
}

func TestCheckAccession(t *testing.T) {
	a, cs, ms := fixture()
	tests := []struct {
		name     string
		country  string
		on       string
		eligible bool
		debated  bool
		article  string
		text     string
		source   string // a source the reason must cite, if any
	}{
		{"EuropeanNonMember", "UKR", "2025-01-01", true, false, "10", "consent of all 4 current members", ""},
		{"EuropeanYes", "UKR", "2025-01-01", true, false, "10", "only European states may be invited; Ukraine (UKR) reads as a European state. UN M49 places it in Europe", "s-yes"},
		{"EuropeanNo", "NZL", "2025-01-01", false, false, "10", "New Zealand (NZL) does not read as a European state. UN M49 places it in Oceania", "s-no"},
		{"EuropeanDebated", "GEO", "2025-01-01", false, true, "10", "whether Georgia (GEO) is a European state is debated. UN M49 places it in Western Asia; the alliance declared in 2008", "s-debated"},
		{"DebatedSaysNoVerdict", "GEO", "2025-01-01", false, true, "10", "the members of NATO decide", ""},
		{"AlreadyMember", "BEL", "2025-01-01", false, false, "10", "already a member", ""},
		{"NotYetMemberThen", "ESP", "1980-01-01", true, false, "10", "consent of all 3 current members", ""},
		{"MemberAfterAccession", "ESP", "1982-05-30", false, false, "10", "already a member", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := entente.CheckAccession(a, cs[tt.country], ms, d(tt.on))
			if v.Eligible != tt.eligible || v.Debated != tt.debated {
				t.Fatalf("eligible, debated: got %v, %v, want %v, %v (%v)", v.Eligible, v.Debated, tt.eligible, tt.debated, v.Reasons)
			}
			var found bool
			for _, r := range v.Reasons {
				if r.Article == tt.article && strings.Contains(r.Text, tt.text) && (tt.source == "" || slices.Contains(r.Sources, tt.source)) {
					found = true
				}
			}
			if !found {
				t.Errorf("reasons %v: none cites Art. %s with %q and source %q", v.Reasons, tt.article, tt.text, tt.source)
			}
		})
	}
}

// TestCheckAccessionByRegion: an alliance whose clause names regions gets
// its own reasons, never "a European state" (an ANZUS-like pact printed
// "New Zealand (NZL) is a European state (region Asia-Pacific)").
func TestCheckAccessionByRegion(t *testing.T) {
	_, cs, _ := fixture()
	pact := &entente.Alliance{Code: "PACT", Signed: d("1951-09-01"), Rule: entente.Rule{
		Eligibility: entente.EligibleByRegion, EligibleRegions: []string{"Oceania", "Northern America"}, AccessionArticle: "9"}}
	tests := []struct {
		name     string
		country  string
		clause   string
		eligible bool
		text     string
	}{
		{"InRegion", "NZL", "", true, "only states in Oceania, Northern America may be invited; New Zealand (NZL) is in Oceania (Australia and New Zealand, Oceania)"},
		{"InSubregion", "USA", "", true, "United States (USA) is in Northern America"},
		{"OutsideRegions", "UKR", "", false, "Ukraine (UKR) is not: it is in Eastern Europe, Europe"},
		{"OwnClause", "UKR", "the parties may invite Pacific states", false, "the parties may invite Pacific states; Ukraine (UKR) is not"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pact.Rule.EligibilityClause = tt.clause
			v := entente.CheckAccession(pact, cs[tt.country], nil, d("2025-01-01"))
			if v.Eligible != tt.eligible || v.Debated {
				t.Fatalf("eligible: got %v (debated %v), want %v (%v)", v.Eligible, v.Debated, tt.eligible, v.Reasons)
			}
			var texts []string
			for _, r := range v.Reasons {
				texts = append(texts, r.Text)
			}
			all := strings.Join(texts, "\n")
			if !strings.Contains(all, tt.text) {
				t.Errorf("reasons %q do not contain %q", all, tt.text)
			}
			if strings.Contains(all, "European") || v.Reasons[0].Article != "9" {
				t.Errorf("reasons %q: want the pact's own clause under Art. 9, no European reading", all)
			}
		})
	}
}

// refused checks err is a refusal whose message contains want.
func refused(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want a refusal containing %q", want)
	}
	if code := entente.ErrorCode(err); code != entente.EREFUSED && code != entente.EINVALID {
		t.Fatalf("code: got %s, want %s (%v)", code, entente.EREFUSED, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not contain %q", err, want)
	}
}

func TestAccessionWorkflow(t *testing.T) {
	a, cs, ms := fixture()
	day := d("2025-01-10")
	m, err := entente.Apply(a, cs["UKR"], ms, day)
	if err != nil {
		t.Fatal(err)
	}
	ms = append(ms, m)
	update := func(nm entente.Membership) {
		ms[len(ms)-1] = nm
		m = nm
	}

	// Refusals before consent.
	_, err = entente.Apply(a, cs["UKR"], ms, day)
	refused(t, err, "already applied")
	_, err = entente.Apply(a, cs["NZL"], ms, day)
	refused(t, err, "does not read as a European state")
	_, err = entente.Apply(a, cs["GEO"], ms, day)
	refused(t, err, "whether Georgia (GEO) is a European state is debated")
	_, err = entente.Sign(a, m, day)
	refused(t, err, "must be invited before it can be signed")
	_, err = entente.Ratify(a, m, ms, "BEL", day)
	refused(t, err, "must be protocol-signed")
	_, err = entente.Deposit(a, m, ms, day)
	refused(t, err, "must be protocol-signed")
	_, err = entente.Consent(a, m, ms, "NZL", day)
	refused(t, err, "only a current member")
	_, err = entente.Consent(a, m, ms, "BEL", d("2025-01-09"))
	refused(t, err, "before the application")
	_, err = entente.Consent(a, m, ms, "BEL", d("2025"))
	refused(t, err, "must be a day")

	for i, c := range []string{"BEL", "FRA", "USA"} {
		nm, err := entente.Consent(a, m, ms, c, day)
		if err != nil {
			t.Fatalf("consent %s: %v", c, err)
		}
		update(nm)
		if i < 2 {
			_, err = entente.Invite(a, m, ms, day)
			refused(t, err, "consent of all 4 members")
		}
	}
	_, err = entente.Consent(a, m, ms, "BEL", day)
	refused(t, err, "already gave its consent")
	if rs := entente.ErrorReasons(err); len(rs) != 1 || rs[0].Field != "by" {
		t.Errorf("a second consent's reasons %+v, want one about field by", rs)
	}
	_, err = entente.Consent(a, m, ms, "BEL", d("2025-01-01"))
	if rs := entente.ErrorReasons(err); len(rs) != 1 || rs[0].Field != "date" {
		t.Errorf("a consent before the application: %v, reasons %+v, want one about field date", err, rs)
	}
	nm, err := entente.Consent(a, m, ms, "ESP", day)
	if err != nil {
		t.Fatal(err)
	}
	update(nm)
	if nm, err = entente.Invite(a, m, ms, day); err != nil {
		t.Fatal(err)
	}
	update(nm)
	_, err = entente.Invite(a, m, ms, day)
	refused(t, err, "must be applied")
	if nm, err = entente.Sign(a, m, d("2025-02-01")); err != nil {
		t.Fatal(err)
	}
	update(nm)
	_, err = entente.Ratify(a, m, ms, "BEL", d("2025-01-31"))
	refused(t, err, "before the protocol signature")
	for _, c := range []string{"BEL", "FRA", "USA"} {
		nm, err := entente.Ratify(a, m, ms, c, d("2025-03-01"))
		if err != nil {
			t.Fatalf("ratify %s: %v", c, err)
		}
		update(nm)
	}
	_, err = entente.Ratify(a, m, ms, "USA", d("2025-03-01"))
	refused(t, err, "already gave its ratification")
	_, err = entente.Deposit(a, m, ms, d("2025-03-02"))
	refused(t, err, "1 of 4 have not: ESP")
	if nm, err = entente.Ratify(a, m, ms, "ESP", d("2025-03-05")); err != nil {
		t.Fatal(err)
	}
	update(nm)
	_, err = entente.Deposit(a, m, ms, d("2025-03-04"))
	refused(t, err, "before ESP's ratification")
	if nm, err = entente.Deposit(a, m, ms, d("2025-03-07")); err != nil {
		t.Fatal(err)
	}
	update(nm)
	if got := len(entente.MembersOn(ms, d("2025-03-07"))); got != 5 {
		t.Errorf("members after deposit: got %d, want 5", got)
	}
	if got := len(entente.MembersOn(ms, d("2025-03-06"))); got != 4 {
		t.Errorf("members the day before: got %d, want 4", got)
	}
	_, err = entente.Apply(a, cs["UKR"], ms, d("2025-04-01"))
	refused(t, err, "already a member")
}

func TestWithdraw(t *testing.T) {
	a, _, ms := fixture()
	_, err := entente.Withdraw(a, ms[0], d("1960-01-01"))
	refused(t, err, "in force 20 years")
	m, err := entente.Withdraw(a, ms[0], d("2030-06-15"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Withdrawn, d("2031-06-15"); got != want {
		t.Errorf("withdrawn: got %s, want %s (Art. 13: one year after notice)", got, want)
	}
	if !m.MemberOn(d("2031-06-14")) || m.MemberOn(d("2031-06-15")) {
		t.Errorf("membership should last until 2031-06-15")
	}
	if got := m.StatusOn(d("2030-12-01")); got != entente.StatusNotice {
		t.Errorf("status under notice: got %s", got)
	}
	_, err = entente.Withdraw(a, m, d("2030-07-01"))
	refused(t, err, "gave notice of withdrawal from NATO on 2030-06-15; it takes effect 2031-06-15")
	_, err = entente.Withdraw(a, m, d("2031-07-01"))
	refused(t, err, "not a member of NATO on 2031-07-01: only a member may give notice")
	_, err = entente.Withdraw(a, entente.Membership{Alliance: "NATO", Country: "UKR"}, d("2030-07-01"))
	refused(t, err, "UKR is not a member of NATO on 2030-07-01: only a member may give notice")
	_, err = entente.Withdraw(a, ms[0], d("1940-01-01"))
	refused(t, err, "1940-01-01 is before NATO was founded (1949-04-04)")
}

func TestCheckPartnership(t *testing.T) {
	fin := &entente.Membership{Alliance: "NATO", Country: "FIN", Acceded: d("2023-04-04")}
	tests := []struct {
		name string
		p    entente.Period
		ok   bool
	}{
		{"EndsOnAccession", entente.Period{From: d("2014"), To: d("2023-04-04")}, true},
		{"EndsBefore", entente.Period{From: d("2014"), To: d("2020")}, true},
		{"Open", entente.Period{From: d("2014")}, false},
		{"EndsAfter", entente.Period{From: d("2014"), To: d("2024")}, false},
		{"StartsAfter", entente.Period{From: d("2024-01-01")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := entente.CheckPartnership(&entente.Partnership{Alliance: "NATO", Country: "FIN", Period: tt.p}, fin)
			if tt.ok && err != nil {
				t.Fatalf("got %v, want no error", err)
			}
			if !tt.ok {
				refused(t, err, "a member is not its own alliance's partner")
			}
		})
	}
}

func TestProgrammes(t *testing.T) {
	a, cs, ms := fixture()
	ipcp := entente.Programme{ID: "NZL-IPCP-2012", Partner: "NZL", Agreed: d("2012-06-04"), Status: entente.ProgrammeSuperseded}
	itpp := entente.Programme{ID: "NZL-ITPP-2024", Partner: "NZL", Agreed: d("2024"), Status: entente.ProgrammeActive, Supersedes: "NZL-IPCP-2012"}
	all := []entente.Programme{ipcp, itpp}
	tests := []struct {
		on        string
		active    string
		ipcpState entente.ProgrammeStatus
	}{
		// Before it was agreed the IPCP did not exist: no status, not "draft".
		{"2012-06-03", "", ""},
		{"2013-01-01", "NZL-IPCP-2012", entente.ProgrammeActive},
		{"2024-01-01", "NZL-ITPP-2024", entente.ProgrammeSuperseded},
		{"2025-01-01", "NZL-ITPP-2024", entente.ProgrammeSuperseded},
	}
	for _, tt := range tests {
		t.Run(tt.on, func(t *testing.T) {
			got := entente.ActiveProgrammeOn(all, d(tt.on))
			if (got == nil && tt.active != "") || (got != nil && got.ID != tt.active) {
				t.Errorf("active: got %v, want %q", got, tt.active)
			}
			if st := entente.ProgrammeStatusOn(&all[0], all, d(tt.on)); st != tt.ipcpState {
				t.Errorf("IPCP status: got %s, want %s", st, tt.ipcpState)
			}
		})
	}

	cur := []entente.Programme{{ID: "P1", Partner: "NZL", Agreed: d("2012-06-04"), Status: entente.ProgrammeActive}}
	out, err := entente.AgreeProgramme(a, cs["NZL"], ms, cur, entente.Programme{ID: "P2", Partner: "NZL", Agreed: d("2024")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].Status != entente.ProgrammeSuperseded || out[1].Supersedes != "P1" || out[1].Status != entente.ProgrammeActive {
		t.Errorf("agree: got %+v, want P1 superseded by active P2", out)
	}
	_, err = entente.AgreeProgramme(a, cs["NZL"], ms, cur, entente.Programme{ID: "P0", Partner: "NZL", Agreed: d("2010")})
	refused(t, err, "before the active programme")
	_, err = entente.AgreeProgramme(a, cs["BEL"], ms, nil, entente.Programme{ID: "P3", Partner: "BEL", Agreed: d("2024")})
	refused(t, err, "a member is not its own alliance's partner")
	_, err = entente.AgreeProgramme(a, cs["NZL"], ms, nil, entente.Programme{ID: "P4", Partner: "NZL", Agreed: d("1930")})
	refused(t, err, "before NATO was founded")
	_, err = entente.AgreeProgramme(a, cs["NZL"], ms, nil, entente.Programme{ID: "P5", Partner: "NZL", Agreed: d("2024"),
		Period: entente.Period{From: d("2024"), To: d("2023")}})
	refused(t, err, "before the start")
}

func TestValidateRules(t *testing.T) {
	base := func() *entente.Dataset {
		src := entente.Provenance{Sources: []string{"s"}}
		return &entente.Dataset{
			Sources: []entente.Source{{ID: "s", Title: "S", URL: "https://example.org"}},
			Countries: []entente.Country{{Code: "BEL", Name: "Belgium", Region: "Europe", European: entente.EuropeanReading{Value: entente.EuropeanYes, Provenance: src}, Provenance: src},
				{Code: "NZL", Name: "New Zealand", Region: "Oceania", European: entente.EuropeanReading{Value: entente.EuropeanNo, Provenance: src}, Provenance: src}},
			Alliances: []entente.Alliance{{Code: "NATO", Name: "N", Treaty: "T", Signed: d("1949-04-04"),
				Rule: entente.Rule{EligibleRegions: []string{"Europe"}}, Provenance: src}},
			Memberships: []entente.Membership{{Alliance: "NATO", Country: "BEL", Acceded: d("1949-04-04"), Provenance: src}},
			Frameworks:  []entente.Framework{{Alliance: "NATO", Code: "GLOBAL", Name: "G", Provenance: src}},
			Operations:  []entente.Operation{{Code: "OP", Alliance: "NATO", Name: "Op", Kind: "k", Theatre: "t", Period: entente.Period{From: d("2003"), To: d("2013")}, Provenance: src}},
		}
	}
	if probs := base().Validate(); len(probs) > 0 {
		t.Fatalf("base: %v", probs)
	}
	src := entente.Provenance{Sources: []string{"s"}}
	tests := []struct {
		name   string
		change func(*entente.Dataset)
		want   string
	}{
		{"MemberAsPartner", func(ds *entente.Dataset) {
			ds.Partnerships = append(ds.Partnerships, entente.Partnership{Alliance: "NATO", Country: "BEL", Framework: "GLOBAL", Provenance: src})
		}, "a member is not its own alliance's partner"},
		{"TwoActive", func(ds *entente.Dataset) {
			for _, id := range []string{"A", "B"} {
				ds.Programmes = append(ds.Programmes, entente.Programme{ID: id, Alliance: "NATO", Partner: "NZL", Type: "IPCP", Title: "x", Agreed: d("2012"), Status: entente.ProgrammeActive, Provenance: src})
			}
		}, "at most one"},
		{"ContributionOutsideOperation", func(ds *entente.Dataset) {
			ds.Contributions = append(ds.Contributions, entente.Contribution{ID: "C", Country: "NZL", Operation: "OP", Theatre: "t", What: "w", Period: entente.Period{From: d("2001"), To: d("2005")}, Provenance: src})
		}, "not within OP's period"},
		{"BeforeFounding", func(ds *entente.Dataset) {
			ds.Operations[0].From = d("1948")
		}, "before NATO was founded"},
		{"EndBeforeStart", func(ds *entente.Dataset) {
			ds.Operations[0].To = d("2002")
		}, "before the start"},
		{"NoSource", func(ds *entente.Dataset) { ds.Countries[0].Sources = nil }, "every fact needs at least one source"},
		{"UnknownCountry", func(ds *entente.Dataset) { ds.Memberships[0].Country = "XYZ" }, `unknown country "XYZ"`},
		{"NoRegion", func(ds *entente.Dataset) { ds.Countries[0].Region = "" }, "region: is required"},
		{"NoEuropeanReading", func(ds *entente.Dataset) { ds.Countries[0].European = entente.EuropeanReading{} }, "european: is required (yes, no or debated)"},
		{"ReadingWithoutSource", func(ds *entente.Dataset) { ds.Countries[0].European.Sources = nil }, "european-sources: is required"},
		{"DebatedWithoutReasons", func(ds *entente.Dataset) { ds.Countries[1].European.Value = entente.EuropeanDebated }, "european-note: is required for a debated reading"},
		{"NoRegionsForRegionClause", func(ds *entente.Dataset) { ds.Alliances[0].Rule.EligibleRegions = nil }, "eligible-regions: is required when eligibility is by region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := base()
			tt.change(ds)
			probs := ds.Validate()
			var all []string
			for _, p := range probs {
				all = append(all, p.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), tt.want) {
				t.Errorf("problems %q do not mention %q", all, tt.want)
			}
		})
	}
}
