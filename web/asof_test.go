package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestPartnersBeforeTheyExisted: a partnership with no start of its own is
// not in force before its framework began, a framework before its start, a
// group before its since; the home count, the partners page, the API, the
// country page and the profile agree, on both engines. (Before, NATO had 16
// partners on 1990-01-01 and the IP4 group was listed in 1990.)
func TestPartnersBeforeTheyExisted(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testPartnersBeforeTheyExisted(t, newStack(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testPartnersBeforeTheyExisted(t, progStackPG(t)) })
}

func testPartnersBeforeTheyExisted(t *testing.T, st *stack) {
	partners := func(day string) []service.Partner {
		t.Helper()
		status, body := progDo(t, st, "GET", "/api/v1/alliances/NATO/partners?as_of="+day, "", "")
		var ps []service.Partner
		if err := json.Unmarshal([]byte(body), &ps); status != 200 || err != nil {
			t.Fatalf("partners on %s: %d %v", day, status, err)
		}
		return ps
	}
	starts := map[string]string{"NACC": "1991-12-20", "EAPC": "1997-05-30", "PFP": "1994-01-10", "MD": "1994", "ICI": "2004-06-28", "GLOBAL": "2006", "EOP": "2014-09"}
	for _, day := range []string{"1990-01-01", "1994-01-09", "1994-01-10", "1996-01-01", "2005-12-31", "2006-01-01", "2015-06-01"} {
		ps := partners(day)
		d := entente.MustParseDate(day)
		for _, p := range ps {
			for _, f := range p.Frameworks {
				if !entente.MustParseDate(starts[f.Code]).OnOrBefore(d) {
					t.Errorf("%s: %s listed under %s, which began %s", day, p.Code, f.Code, starts[f.Code])
				}
				if f.Since.IsZero() || !f.Since.OnOrBefore(d) {
					t.Errorf("%s: %s under %s since %q", day, p.Code, f.Code, f.Since)
				}
				if f.Bound != "" && f.Since.String() != starts[f.Code] {
					t.Errorf("%s: %s under %s bounded at %s, want the framework's start %s", day, p.Code, f.Code, f.Since, starts[f.Code])
				}
			}
		}
		_, home := progDo(t, st, "GET", "/?as_of="+day, "", "")
		want := fmt.Sprintf(" %d partner", len(ps))
		if !strings.Contains(pageText(home), want) {
			t.Errorf("home on %s does not say %q (the API lists %d)", day, want, len(ps))
		}
	}
	status, home := progDo(t, st, "GET", "/?as_of=1940-01-01", "", "")
	if text := pageText(home); status != 200 || !strings.Contains(text, "On 1 January 1940 the treaty had not yet been signed") || strings.Contains(text, "it has 0 members") {
		t.Errorf("home on 1940-01-01, before the founding: %q", text)
	}
	if n := len(partners("1990-01-01")); n != 0 {
		t.Errorf("1990-01-01: %d partners, want none (no framework had begun)", n)
	}
	// The EAPC partners whose entry the sources do not date are bounded by
	// the EAPC's start (30 May 1997), not dropped and not listed earlier.
	bounded := 0
	for _, p := range partners("1998-01-01") {
		for _, f := range p.Frameworks {
			if f.Code == "EAPC" && f.Bound != "" {
				bounded++
				if f.Bound != entente.BoundFramework || f.Since.String() != "1997-05-30" {
					t.Errorf("1998-01-01: %s %+v, want EAPC bounded by the framework's start", p.Code, f)
				}
			}
		}
	}
	if bounded == 0 {
		t.Error("1998-01-01: no EAPC partner bounded by the framework's start; those without a recorded start are bounded by 1997-05-30, not dropped")
	}
	for _, p := range partners("1997-05-29") {
		for _, f := range p.Frameworks {
			if f.Code == "EAPC" {
				t.Errorf("1997-05-29: %s listed under the EAPC, which began the next day", p.Code)
			}
		}
	}

	_, page := progDo(t, st, "GET", "/partners?as_of=1990-01-01", "", "")
	for _, absent := range []string{"Indo-Pacific", "Partnership for Peace", "Partners across the globe"} {
		if strings.Contains(page, absent) {
			t.Errorf("/partners on 1990-01-01 shows %q, which did not exist then", absent)
		}
	}
	_, page = progDo(t, st, "GET", "/partners?as_of=2023-01-01", "", "")
	if !strings.Contains(page, "Indo-Pacific") || !strings.Contains(page, "Partners across the globe") {
		t.Errorf("/partners on 2023-01-01 lacks the IP4 group or the global partners")
	}

	var cv service.CountryView
	_, body := progDo(t, st, "GET", "/api/v1/countries/NZL?as_of=2005-06-01", "", "")
	if err := json.Unmarshal([]byte(body), &cv); err != nil {
		t.Fatal(err)
	}
	if len(cv.Partnerships) != 0 || len(cv.Groups) != 0 {
		t.Errorf("NZL on 2005-06-01: partnerships %+v, groups %v; want none (GLOBAL began 2006, IP4 2022)", cv.Partnerships, cv.Groups)
	}
	_, body = progDo(t, st, "GET", "/api/v1/countries/NZL?as_of=2007-01-01", "", "")
	if !strings.Contains(body, `"since": "2006"`) || !strings.Contains(body, `"since_bound": "framework"`) {
		t.Errorf("NZL on 2007-01-01: the partnership's start is not given as bounded by the framework's:\n%s", body)
	}
	_, page = progDo(t, st, "GET", "/partners/NZL?as_of=2005-06-01", "", "")
	if text := pageText(page); strings.Contains(text, "New Zealand is a partner of") || !strings.Contains(text, "New Zealand was not a partner") {
		t.Errorf("profile of NZL on 2005-06-01 calls it a partner, before the global partners began")
	}
	for _, path := range []string{"/countries/NZL?as_of=2007-01-01", "/partners/NZL?as_of=2007-01-01"} {
		_, page := progDo(t, st, "GET", path, "", "")
		if !strings.Contains(pageText(page), "since 2006 at the earliest (the framework's start; the exact date is not recorded)") {
			t.Errorf("%s does not show the start as a bound", path)
		}
	}
}

// TestProgrammeStatusOneAnswer: for a day, the API, the programme list and
// the programme page give one status, the status that day; before a
// programme was agreed it is in no list and its page is 404. (Before, the
// API gave today's status and a separate status_on, the CLI said DRAFT and
// the list said "No programmes.")
func TestProgrammeStatusOneAnswer(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testProgrammeStatusOneAnswer(t, newStack(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testProgrammeStatusOneAnswer(t, progStackPG(t)) })
}

func testProgrammeStatusOneAnswer(t *testing.T, st *stack) {
	for _, tt := range []struct {
		day  string
		want map[string]string // programme id → status that day
	}{
		{"2000-01-01", map[string]string{}},
		{"2013-01-01", map[string]string{"NZL-IPCP-2012": "active"}},
		{"2025-01-01", map[string]string{"NZL-IPCP-2012": "superseded", "NZL-ITPP-2024": "active"}},
	} {
		status, body := progDo(t, st, "GET", "/api/v1/programmes?partner=NZL&as_of="+tt.day, "", "")
		var raw []map[string]any
		if err := json.Unmarshal([]byte(body), &raw); status != 200 || err != nil {
			t.Fatalf("API on %s: %d %v", tt.day, status, err)
		}
		got := map[string]string{}
		for _, p := range raw {
			if _, ok := p["status_on"]; ok {
				t.Errorf("API on %s: a second status field, status_on", tt.day)
			}
			got[p["id"].(string)] = p["status"].(string)
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("API on %s: %v, want %v", tt.day, got, tt.want)
		}
		_, list := progDo(t, st, "GET", "/programmes?as_of="+tt.day, "", "")
		if len(tt.want) == 0 && !strings.Contains(list, "No programmes.") {
			t.Errorf("list on %s shows programmes", tt.day)
		}
		for _, id := range []string{"NZL-IPCP-2012", "NZL-ITPP-2024"} {
			stat, listed := tt.want[id]
			// The link keeps the day (?as_of=), as every link of a page
			// as of a day does.
			i := strings.Index(list, `href="/programmes/`+id+`?as_of=`+tt.day+`"`)
			if (i >= 0) != listed {
				t.Errorf("list on %s: %s listed %v, want %v", tt.day, id, i >= 0, listed)
				continue
			}
			if !listed {
				continue
			}
			row, _, _ := strings.Cut(list[i:], "</tr>")
			if !strings.Contains(row, "<td>"+stat+"</td>") {
				t.Errorf("list on %s: %s row %q, want status %s", tt.day, id, row, stat)
			}
			d := entente.MustParseDate(tt.day)
			_, page := progDo(t, st, "GET", "/programmes/"+id+"?as_of="+tt.day, "", "")
			if want := fmt.Sprintf("Status on %d %s %d: %s ", d.Day, d.Month, d.Year, stat); !strings.Contains(pageText(page), want) {
				t.Errorf("page %s on %s does not say %q", id, tt.day, want)
			}
		}
	}
	status, _ := progDo(t, st, "GET", "/api/v1/programmes/NZL-ITPP-2024?as_of=2000-01-01", "", "")
	if status != 404 {
		t.Errorf("NZL-ITPP-2024 on 2000-01-01: %d, want 404 (not yet agreed)", status)
	}
}
