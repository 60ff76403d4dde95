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
	if !strings.Contains(out, "GEO   Georgia") || !strings.Contains(out, "PFP (1994-01-10 at the earliest: the framework's start)") {
		t.Errorf("partners as of 2005: Georgia's start should be bounded by the Partnership for Peace's:\n%s", out)
	}
	out, _, _ = run(t, "country", "NZL", "--as-of", "2007-01-01", db)
	if !strings.Contains(out, "Partners across the globe (GLOBAL), since 2006 at the earliest: the framework's start") || strings.Contains(out, "IP4") {
		t.Errorf("country NZL as of 2007:\n%s", out)
	}
}
