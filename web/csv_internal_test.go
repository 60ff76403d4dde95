package web

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// csvMarkdown is docs/csv.md: the tables and their columns, from csvTables.
func csvMarkdown() string {
	var b strings.Builder
	b.WriteString(`# CSV tables

<!-- Generated from web/csv.go (csvTables) by
     ENTENTE_UPDATE_DOCS=1 go test ./web -run TestCSVDocs; do not edit by hand. -->

Every list page has a "Download CSV" link: the same page with ` + "`format=csv`" + ` added to its
query, keeping its day and filters (` + "`/members?as_of=1990-01-01&format=csv`" + `,
` + "`/timeline?country=NZL&format=csv`" + `). It answers ` + "`Content-Type: text/csv; charset=utf-8`" + ` and
` + "`Content-Disposition: attachment`" + ` with a file name naming the table, the alliance and the day
(` + "`nato-members-1990-01-01.csv`" + `). The API's list endpoints answer the same tables to a client
whose ` + "`Accept`" + ` header prefers ` + "`text/csv`" + ` to ` + "`application/json`" + ` (JSON on a tie or without the header; 406
with a problem if it accepts neither). The rows are the ones the page or the JSON answer shows,
from the same reads, so the as-of day and what the reader may see apply alike.

- Headers are stable and snake_case; new columns are only ever appended.
- Dates keep their precision: ` + "`YYYY`, `YYYY-MM` or `YYYY-MM-DD`" + `; an empty cell is no date.
- Lists (sources, frameworks, countries...) are joined with ` + "`;`" + `; sources are given by id.
- Formula injection: a cell that begins with ` + "`=`, `+`, `-`, `@`" + `, a tab or a carriage return is
  written with a single quote (` + "`'`" + `) before it, so that a spreadsheet shows it as text rather than
  run it.
- The menu's ` + "`/api/v1/menu?format=csv`" + ` is the import file format (sources separated by spaces, no
  quote added); ` + "`Accept: text/csv`" + ` and the menu page's link give the table below.
`)
	for _, t := range csvTables {
		b.WriteString("\n## " + t.Name + "\n\nOne row: " + t.Row + ". From " + t.Where + ".\n\n| column | holds |\n|---|---|\n")
		for _, c := range t.Columns {
			b.WriteString("| `" + c.Name + "` | " + c.Doc + " |\n")
		}
	}
	return b.String()
}

// TestCSVDocs keeps docs/csv.md in step with the code: the columns the
// tables write are the ones documented.
func TestCSVDocs(t *testing.T) {
	const path = "../docs/csv.md"
	want := csvMarkdown()
	if os.Getenv("ENTENTE_UPDATE_DOCS") != "" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is not what csvTables say: run ENTENTE_UPDATE_DOCS=1 go test ./web -run TestCSVDocs", path)
	}
}

// TestCSVTables checks the tables' headers: snake_case, unique, and a
// table name used once.
func TestCSVTables(t *testing.T) {
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	names := map[string]bool{}
	for _, tb := range csvTables {
		if names[tb.Name] {
			t.Errorf("table %s twice", tb.Name)
		}
		names[tb.Name] = true
		seen := map[string]bool{}
		for _, c := range tb.Columns {
			if !snake.MatchString(c.Name) {
				t.Errorf("%s: column %q is not snake_case", tb.Name, c.Name)
			}
			if seen[c.Name] {
				t.Errorf("%s: column %q twice", tb.Name, c.Name)
			}
			seen[c.Name] = true
		}
	}
}

func TestNegotiate(t *testing.T) {
	for _, c := range []struct {
		accept, want string
		ok           bool
	}{
		{"", mediaJSON, true},
		{"application/json", mediaJSON, true},
		{"text/csv", mediaCSV, true},
		{"text/csv; charset=utf-8", mediaCSV, true},
		{"text/*", mediaCSV, true},
		{"*/*", mediaJSON, true},
		{"text/csv, application/json", mediaJSON, true},
		{"text/csv, application/json;q=0.5", mediaCSV, true},
		{"text/csv;q=0.4, application/json;q=0.5", mediaJSON, true},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", mediaJSON, true},
		{"text/html", "", false},
		{"text/csv;q=0, application/xml", "", false},
		{"*/*, application/json;q=0", mediaCSV, true},
		{"garbage;;", "", false},
	} {
		got, ok := negotiate(c.accept)
		if got != c.want || ok != c.ok {
			t.Errorf("negotiate(%q) = %q, %v; want %q, %v", c.accept, got, ok, c.want, c.ok)
		}
	}
}
