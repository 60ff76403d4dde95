package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entente/entente/dataset"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/store/storetest"
)

// TestCoverageCLI: `entente coverage` over the store fixture, imported on
// each engine, prints the figures counted by hand from its records (see
// service's TestCoverage), as a table and as JSON; --as-of leaves later
// facts out.
func TestCoverageCLI(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "fixture.json")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := dataset.WriteJSON(f, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for name, db := range map[string]string{"SQLite": filepath.Join(dir, "entente.db"), "PostgreSQL": pgtest.New(t)} {
		t.Run(name, func(t *testing.T) {
			if _, stderr, code := run(t, "import", file, "--db", db); code != 0 {
				t.Fatalf("import: exit %d: %s", code, stderr)
			}
			out, stderr, code := run(t, "coverage", "--db", db)
			if code != 0 {
				t.Fatalf("coverage: exit %d: %s", code, stderr)
			}
			for _, want := range []string{
				"Memberships 4 4 0",
				"Partnerships 3 0 1",
				"Sources 4\n",
				"24 facts; 7 (29%) cite a primary source",
				"1990s 5",
				"1960s 0",
				"day 14",
				"Official text 1",
				"3 records marked unconfirmed:",
				"contribution nzl-adriatic the exact dates",
			} {
				if !strings.Contains(squeeze(out), want) {
					t.Errorf("coverage output lacks %q:\n%s", want, out)
				}
			}
			out, stderr, code = run(t, "coverage", "--json", "--as-of", "2000-01-01", "--db", db)
			var c struct {
				Facts   int
				Decades []struct{ Decade string }
			}
			if code != 0 || json.Unmarshal([]byte(out), &c) != nil {
				t.Fatalf("coverage --json: exit %d: %s %s", code, out, stderr)
			}
			if c.Facts != 8 || len(c.Decades) != 6 {
				t.Errorf("as of 2000: %d facts in %d decades, want 8 in the six from the 1940s to the 1990s", c.Facts, len(c.Decades))
			}
			if _, _, code := run(t, "coverage", "extra", "--db", db); code != 2 {
				t.Errorf("coverage with an argument: exit %d, want 2", code)
			}
		})
	}
}

// squeeze collapses the runs of spaces that align a table's columns, so a
// test need not know their widths.
func squeeze(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}
