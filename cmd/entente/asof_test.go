package main

import (
	"strings"
	"testing"

	"github.com/entente/entente/internal/pgtest"
)

// TestPartnersAsOf: the CLI lists no partner before its framework began and
// shows a start the sources do not give as bounded by the framework's.
func TestPartnersAsOf(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testPartnersAsOf(t, scratch(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testPartnersAsOf(t, "--db="+pgtest.New(t)) })
}

func testPartnersAsOf(t *testing.T, db string) {
	out, stderr, code := run(t, "partners", "NATO", "--as-of", "1990-01-01", db)
	if code != 0 || !strings.Contains(out, "0 partners of NATO (as of 1990-01-01)") {
		t.Errorf("partners as of 1990: exit %d\n%s%s", code, out, stderr)
	}
	out, _, _ = run(t, "partners", "NATO", "--as-of", "2005-01-01", db)
	for _, absent := range []string{"AUS", "NZL", "GLOBAL"} {
		if strings.Contains(out, absent) {
			t.Errorf("partners as of 2005 list %s, before the global partners began (2006):\n%s", absent, out)
		}
	}
	if !strings.Contains(out, "GEO   Georgia") || !strings.Contains(out, "EAPC (1997-05-30 at the earliest: the framework's start), PFP (1994-03-23)") {
		t.Errorf("partners as of 2005: Georgia's EAPC start should be bounded by the EAPC's, its PfP start its own:\n%s", out)
	}
	out, _, _ = run(t, "country", "NZL", "--as-of", "2007-01-01", db)
	if !strings.Contains(out, "Partners across the globe (GLOBAL), since 2006 at the earliest: the framework's start") || strings.Contains(out, "IP4") {
		t.Errorf("country NZL as of 2007:\n%s", out)
	}
}

// TestProgrammeStatusAsOf: one status per programme and day, the same in the
// text and the JSON; a programme not yet agreed on the day is not listed.
func TestProgrammeStatusAsOf(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testProgrammeStatusAsOf(t, scratch(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testProgrammeStatusAsOf(t, "--db="+pgtest.New(t)) })
}

func testProgrammeStatusAsOf(t *testing.T, db string) {
	out, stderr, code := run(t, "programme", "show", "NZL", "--as-of", "2000-01-01", db)
	if code != 0 || strings.Contains(out, "DRAFT") || !strings.Contains(out, "NZL has no programmes (as of 2000-01-01).") {
		t.Errorf("programme show NZL as of 2000: exit %d\n%s%s", code, out, stderr)
	}
	out, _, _ = run(t, "programme", "show", "NZL", "--as-of", "2000-01-01", "--json", db)
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("programme show NZL as of 2000 --json: %s, want []", out)
	}
	out, _, _ = run(t, "programme", "show", "NZL", "--as-of", "2013-01-01", db)
	if !strings.Contains(out, "NZL-IPCP-2012  NZL IPCP") || !strings.Contains(out, "ACTIVE") || strings.Contains(out, "NZL-ITPP-2024") {
		t.Errorf("programme show NZL as of 2013:\n%s", out)
	}
	out, _, _ = run(t, "programme", "show", "NZL", "--as-of", "2013-01-01", "--json", db)
	if !strings.Contains(out, `"status": "active"`) || strings.Contains(out, "status_on") {
		t.Errorf("programme show NZL as of 2013 --json: one status field, active:\n%s", out)
	}
	_, stderr, code = run(t, "programme", "show", "NZL-ITPP-2024", "--as-of", "2000-01-01", db)
	if code == 0 || !strings.Contains(stderr, "did not exist yet") {
		t.Errorf("programme show NZL-ITPP-2024 as of 2000: exit %d: %s", code, stderr)
	}
}
