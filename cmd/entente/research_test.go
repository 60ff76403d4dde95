package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/research"
)

// TestExportResearch: the COW and ATOP exports list every member of the
// alliance with the entry dates the store holds, and a withdrawal where the
// record has one; they read back as written; the dyad-year table is
// undirected and symmetric and has no row outside its coverage; a second,
// synthetic alliance exports too, its states with no COW code left empty.
func TestExportResearch(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testExportResearch(t, scratch(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testExportResearch(t, "--db="+pgtest.New(t)) })
}

// export runs an export of one table to a file and returns the file's text
// and what it said on standard error.
func exportTable(t *testing.T, db string, args ...string) (string, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "table.csv")
	stdout, stderr, code := run(t, append([]string{"export", db, "--out", out}, args...)...)
	if code != 0 || stdout != "" {
		t.Fatalf("export %v: exit %d\n%s%s", args, code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(data), stderr
}

func testExportResearch(t *testing.T, db string) {
	// The store's own list of members, as of a day before and after France
	// gives notice (a withdrawal made for this test: it takes effect a
	// year later, 2025-06-01).
	out, stderr, code := run(t, "members", "NATO", "--json", "--as-of", "2024-06-01", db)
	if code != 0 {
		t.Fatalf("members: %s", stderr)
	}
	var listed []struct{ Code, Joined string }
	if err := json.Unmarshal([]byte(out), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 32 {
		t.Fatalf("the store lists %d members of NATO, want 32", len(listed))
	}
	joined := map[string]string{}
	for _, m := range listed {
		joined[m.Code] = m.Joined
	}
	if _, stderr, code := run(t, "accession", "withdraw", "NATO", "FRA", "--date", "2024-06-01", db); code != 0 {
		t.Fatalf("withdraw: %s", stderr)
	}

	for _, c := range []struct {
		format string
		read   func(string) ([]research.Member, error)
	}{
		{"cow", func(s string) ([]research.Member, error) { return research.ReadCOWMembers(strings.NewReader(s)) }},
		{"atop", func(s string) ([]research.Member, error) { return research.ReadATOPMembers(strings.NewReader(s)) }},
	} {
		for _, asOf := range []string{"2024-06-01", "2026-06-30"} {
			text, stderr := exportTable(t, db, "--format", c.format, "--alliance", "NATO", "--as-of", asOf)
			ms, err := c.read(text)
			if err != nil {
				t.Fatalf("%s as of %s: reading back: %v", c.format, asOf, err)
			}
			if len(ms) != 32 || !strings.Contains(stderr, "32 rows") || strings.Contains(stderr, "no COW state code") {
				t.Errorf("%s as of %s: %d members, want 32; %s", c.format, asOf, len(ms), stderr)
			}
			for _, m := range ms {
				if want, ok := joined[m.ISO3]; !ok || m.Entry.String() != want {
					t.Errorf("%s as of %s: %s entered %s, the store says %q", c.format, asOf, m.ISO3, m.Entry, want)
				}
				if m.CCode == 0 {
					t.Errorf("%s: %s has no COW code", c.format, m.ISO3)
				}
				wantExit := ""
				if m.ISO3 == "FRA" && asOf > "2025-06-01" {
					wantExit = "2025-06-01"
				}
				if m.Exit.String() != wantExit {
					t.Errorf("%s as of %s: %s exit %q, want %q", c.format, asOf, m.ISO3, m.Exit, wantExit)
				}
			}
		}
	}

	// The dyad-year table as of 2026-06-30: 1949 to 2026, France in 2025
	// (until 1 June) and not in 2026.
	text, stderr := exportTable(t, db, "--format", "atop", "--table", "dyad-year", "--as-of", "2026-06-30")
	if !strings.Contains(stderr, "the years 1949 to 2026") {
		t.Errorf("coverage not stated: %s", stderr)
	}
	dys, err := research.ReadATOPDyadYears(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	perYear := map[int]int{}
	withFRA := map[int]int{}
	for _, d := range dys {
		key, rev := fmt.Sprintf("%d %s %s", d.Year, d.ISO1, d.ISO2), fmt.Sprintf("%d %s %s", d.Year, d.ISO2, d.ISO1)
		if seen[key] || seen[rev] || d.ISO1 == d.ISO2 {
			t.Errorf("dyad %s twice, or with itself", key)
		}
		seen[key] = true
		if d.Mem1 == 0 || d.Mem1 >= d.Mem2 {
			t.Errorf("dyad %s: mem1 %d, mem2 %d: want mem1 < mem2", key, d.Mem1, d.Mem2)
		}
		if d.Year < 1949 || d.Year > 2026 {
			t.Errorf("dyad %s outside the coverage", key)
		}
		perYear[d.Year]++
		if d.ISO1 == "FRA" || d.ISO2 == "FRA" {
			withFRA[d.Year]++
		}
	}
	if perYear[1949] != 66 || perYear[2026] != 31*30/2 || perYear[2025] != 32*31/2 || perYear[1948] != 0 || perYear[2027] != 0 {
		t.Errorf("dyads per year: 1949 %d (want 66), 2025 %d (want 496), 2026 %d (want 465)", perYear[1949], perYear[2025], perYear[2026])
	}
	if withFRA[2025] != 31 || withFRA[2026] != 0 {
		t.Errorf("France's dyads: 2025 %d (want 31), 2026 %d (want 0)", withFRA[2025], withFRA[2026])
	}
	// As of 1990, the members of 1990: the years end there.
	text, _ = exportTable(t, db, "--format", "atop", "--table", "dyad-year", "--as-of", "1990-01-01")
	dys, err = research.ReadATOPDyadYears(strings.NewReader(text))
	if err != nil || len(dys) == 0 || dys[len(dys)-1].Year != 1990 {
		t.Errorf("as of 1990: %d rows, %v", len(dys), err)
	}

	// The member list as CSV has its documented header.
	text, _ = exportTable(t, db, "--format", "csv", "--as-of", "2026-06-30")
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if lines[0] != strings.Join(research.MemberCSVColumns, ",") || len(lines) != 33 ||
		!slices.ContainsFunc(lines, func(l string) bool {
			return strings.HasPrefix(l, "NATO,FRA,France,yes,") && strings.Contains(l, ",2024-06-01,2025-06-01,withdrawn,220")
		}) {
		t.Errorf("member CSV:\n%s", text)
	}

	// A second, synthetic alliance: its states have user-assigned codes,
	// so no COW code; the export says so and keeps them, by ISO code.
	if _, stderr, code := run(t, "generate", "--partners", "2", "--activities", "0", "--force", db); code != 0 {
		t.Fatalf("generate: %s", stderr)
	}
	text, stderr = exportTable(t, db, "--format", "cow", "--alliance", "SYNTH")
	ms, err := research.ReadCOWMembers(strings.NewReader(text))
	if err != nil || len(ms) != 12 || !strings.Contains(stderr, "no COW state code (ccode empty, never 0) for 12 members") {
		t.Fatalf("SYNTH: %d members, %v\n%s", len(ms), err, stderr)
	}
	for _, m := range ms {
		if m.CCode != 0 || m.ISO3 == "" || m.Entry.String() != "2000-01-01" {
			t.Errorf("SYNTH member %+v", m)
		}
	}
	text, _ = exportTable(t, db, "--format", "atop", "--table", "dyad-year", "--alliance", "SYNTH")
	if dys, err := research.ReadATOPDyadYears(strings.NewReader(text)); err != nil || len(dys) == 0 || dys[0].Year != 2000 || dys[0].Mem1 != 0 {
		t.Errorf("SYNTH dyad-years: %d, %v", len(dys), err)
	}
}

// TestExportResearchUsage: flags that do not fit the format are bad usage.
func TestExportResearchUsage(t *testing.T) {
	db := scratch(t)
	for _, args := range [][]string{
		{"--format", "xml"},
		{"--format", "json", "--as-of", "2000-01-01"},
		{"--alliance", "NATO"},
		{"--format", "cow", "--table", "dyad-year"},
		{"--format", "csv", "--table", "dyad-year"},
		{"--format", "atop", "--table", "pairs"},
		{"--format", "csv", "--table", "activities", "--as-of", "2020-01-01"},
		{"--format", "csv", "--table", "activities", "--alliance", "NATO"},
		{"--format", "cow", "--table", "activities"},
	} {
		if _, stderr, code := run(t, append([]string{"export", db}, args...)...); code != exitUsage || stderr == "" {
			t.Errorf("export %v: exit %d, %s", args, code, stderr)
		}
	}
	if _, stderr, code := run(t, "export", db, "--format", "cow", "--alliance", "NOPE"); code != exitUsage || !strings.Contains(stderr, "NOPE") {
		t.Errorf("an unknown alliance: exit %d, %s", code, stderr)
	}
	if _, stderr, code := run(t, "export", db, "--format", "cow", "--as-of", "1990-13"); code != exitUsage || !strings.Contains(stderr, "--as-of") {
		t.Errorf("a bad --as-of: exit %d, %s", code, stderr)
	}
}

// TestExportJSONIgnoresEnvironment: the JSON export is the whole store;
// ENTENTE_ALLIANCE or ENTENTE_AS_OF set for other commands (serve, queries)
// does not make it fail, while the same flag given to it does.
func TestExportJSONIgnoresEnvironment(t *testing.T) {
	db := scratch(t)
	t.Setenv("ENTENTE_ALLIANCE", "NATO")
	t.Setenv("ENTENTE_AS_OF", "2000-01-01")
	if out, stderr, code := run(t, "export", db); code != 0 || !strings.HasPrefix(out, "{") {
		t.Errorf("export with ENTENTE_ALLIANCE and ENTENTE_AS_OF set: exit %d, %s", code, stderr)
	}
	if _, stderr, code := run(t, "export", db, "--as-of", "2001-01-01"); code != exitUsage || !strings.Contains(stderr, "--as-of") {
		t.Errorf("export --as-of: exit %d, %s", code, stderr)
	}
	// The research formats read them: 19 members on 2000-01-01 and a header.
	out, stderr, code := run(t, "export", db, "--format", "csv")
	if code != 0 || strings.Count(out, "\n") != 20 || !strings.Contains(stderr, "as of 2000-01-01") {
		t.Errorf("csv as of ENTENTE_AS_OF 2000-01-01: exit %d, %d lines, %s", code, strings.Count(out, "\n"), stderr)
	}
}

// TestExportActivitiesCSV: --format csv --table activities writes every
// activity of the store, one row each in the web's columns, with cells a
// spreadsheet would run as a formula defused.
func TestExportActivitiesCSV(t *testing.T) {
	for _, engine := range []struct {
		name string
		db   func(t *testing.T) string
	}{{"SQLite", scratch}, {"PostgreSQL", func(t *testing.T) string { return "--db=" + pgtest.New(t) }}} {
		t.Run(engine.name, func(t *testing.T) {
			db := engine.db(t)
			for _, title := range []string{"Staff talks", "=HYPERLINK(1)", "Course, with a comma"} {
				if _, stderr, code := run(t, "activity", "propose", "NZL-ITPP-2024", "--title", title, db); code != 0 {
					t.Fatalf("propose: %d %s", code, stderr)
				}
			}
			out, stderr, code := run(t, "export", "--format", "csv", "--table", "activities", db)
			if code != 0 || !strings.Contains(stderr, "3 rows") {
				t.Fatalf("export: %d %s", code, stderr)
			}
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 4 || rows[0][0] != "id" || rows[0][4] != "title" {
				t.Fatalf("the table: %q", rows)
			}
			titles := []string{rows[1][4], rows[2][4], rows[3][4]}
			if !slices.Equal(titles, []string{"Staff talks", "'=HYPERLINK(1)", "Course, with a comma"}) {
				t.Errorf("titles %q", titles)
			}
		})
	}
}
