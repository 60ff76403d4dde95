package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestGroupListsSubcommands: "entente accession" named no subcommand and
// answered `unknown command "accession"` (issue 7, defect 9). A group alone,
// or with an unknown subcommand, lists its subcommands; help does too.
func TestGroupListsSubcommands(t *testing.T) {
	for _, group := range []string{"accession", "activity", "programme", "menu"} {
		subs := subcommands(group)
		if len(subs) < 2 {
			t.Fatalf("group %s has %d subcommands", group, len(subs))
		}
		cases := []struct {
			args []string
			code int
			want string
		}{
			{[]string{group}, exitUsage, "name a subcommand"},
			{[]string{group, "frobnicate"}, exitUsage, `no subcommand "frobnicate"`},
			{[]string{"help", group}, exitOK, "usage: entente " + group + " SUBCOMMAND"},
		}
		for _, c := range cases {
			out, stderr, code := run(t, c.args...)
			text := out + stderr
			if code != c.code || !strings.Contains(text, c.want) {
				t.Errorf("entente %s: exit %d, want %d; output should say %q:\n%s", strings.Join(c.args, " "), code, c.code, c.want, text)
			}
			for _, sub := range subs {
				if !strings.Contains(text, sub.name+" ") || !strings.Contains(text, sub.summary) {
					t.Errorf("entente %s does not list %q with its summary", strings.Join(c.args, " "), sub.name)
				}
			}
		}
	}
}

// helpFlags returns the flag names a help page lists.
func helpFlags(help string) []string {
	var names []string
	for _, line := range strings.Split(help, "\n") {
		if rest, ok := strings.CutPrefix(line, "  -"); ok {
			names = append(names, strings.Fields(rest)[0])
		}
	}
	slices.Sort(names)
	return names
}

// TestHelpListsOnlyUsedFlags: every help page listed -actor, -json and
// -as-of, even where they meant nothing (issue 7, defect 9). Each page now
// lists exactly the flags its command takes, a few checked by hand, and
// every command refuses a shared flag it does not read.
func TestHelpListsOnlyUsedFlags(t *testing.T) {
	want := map[string][]string{
		"export":          {"alliance", "as-of", "db", "format", "out", "quiet", "table"},
		"backup":          {"db", "quiet"},
		"restore":         {"db", "quiet", "replace"},
		"serve":           {"addr", "alliance", "cache-mb", "db", "dev", "host", "idle-timeout", "log-level", "max-inflight", "metrics-from", "read-timeout", "shutdown-timeout", "tls-cert", "tls-key", "trust-proxy", "write-timeout"},
		"members":         {"as-of", "db", "json", "server"},
		"audit":           {"db", "json", "limit"},
		"import":          {"as", "db", "quiet"},
		"accession check": {"as-of", "db", "json", "server"},
		"accession apply": {"as", "by", "date", "db", "json", "server"},
		"menu export":     {"db", "format", "out"},
	}
	for name, flags := range want {
		out, _, code := run(t, "help", name)
		if got := helpFlags(out); code != 0 || !slices.Equal(got, flags) {
			t.Errorf("help %s: exit %d, flags %v, want %v", name, code, got, flags)
		}
	}
	for _, c := range commands {
		out, _, code := run(t, append(strings.Fields(c.name), "--help")...)
		listed := helpFlags(out)
		var defined []string
		flagSet(c, &options{}).VisitAll(func(f *flag.Flag) { defined = append(defined, f.Name) })
		slices.Sort(defined)
		if code != 0 || !slices.Equal(listed, defined) {
			t.Errorf("%s --help: exit %d, lists %v, takes %v", c.name, code, listed, defined)
		}
		for _, f := range []string{flagJSON, flagAsOf, flagAs} {
			if slices.Contains(listed, f) {
				continue
			}
			args := append(strings.Fields(c.name), "--"+f+"=1", "--db=/nonexistent/dir/x.db")
			if _, stderr, code := run(t, args...); code != exitUsage || !strings.Contains(stderr, "--"+f) {
				t.Errorf("%s does not take --%s, yet: exit %d, %s", c.name, f, code, stderr)
			}
		}
	}
}

// TestLeadingFlags: "entente --limit 5 audit" failed with `unknown command
// "5 audit"`, because whether a flag takes a value was listed by hand
// (issue 7, defect 9). Flags before the command are read from the commands'
// own definitions.
func TestLeadingFlags(t *testing.T) {
	db := scratch(t)
	if _, stderr, code := run(t, "members", "NATO", db); code != 0 {
		t.Fatalf("loading the default dataset: %s", stderr)
	}
	if _, stderr, code := run(t, "accession", "apply", "NATO", "UKR", db); code != 0 {
		t.Fatalf("apply: %s", stderr)
	}
	out, stderr, code := run(t, db, "--limit", "1", "--json", "audit")
	var evs []any
	if code != 0 || json.Unmarshal([]byte(out), &evs) != nil || len(evs) != 1 {
		t.Errorf("--limit 1 --json audit: exit %d, %d events, want 1: %s%s", code, len(evs), out, stderr)
	}
	out, _, code = run(t, "--limit", "5", db, "audit")
	if lines := strings.Count(out, "\n"); code != 0 || lines != 3 { // header and two events
		t.Errorf("--limit 5 audit: exit %d, %d lines, want 3:\n%s", code, lines, out)
	}
	out, _, code = run(t, "--as-of", "1990-01-01", "--json", db, "members", "NATO")
	var ms []any
	if code != 0 || json.Unmarshal([]byte(out), &ms) != nil || len(ms) != 16 {
		t.Errorf("--as-of 1990-01-01 --json members NATO: exit %d, %d members, want 16", code, len(ms))
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--colour", "red", "members", "NATO", db}, "no command takes the flag --colour"},
		{[]string{db, "--limit"}, "--limit needs a value"},
		{[]string{"--limit", "5", "members", "NATO", db}, "members does not take --limit"},
		{[]string{"audit", "--limit", "many", db}, `--limit "many": want a whole number`},
		{[]string{"members", "NATO", "--json=maybe", db}, `--json="maybe": want true or false`},
		{[]string{"audit", db, "--limit"}, "--limit needs a value"},
	} {
		if _, stderr, code := run(t, tt.args...); code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, want 2 saying %q: %s", tt.args, code, tt.want, stderr)
		}
	}
}

// TestWithdrawNotMember: "accession withdraw NATO NZL" answered "apply
// first" (issue 7, defect 9). A state that is not a member is told so,
// citing the withdrawal article; the store is unchanged.
func TestWithdrawNotMember(t *testing.T) {
	db := scratch(t)
	_, stderr, code := run(t, "accession", "withdraw", "NATO", "NZL", "--date", "2025-01-01", db)
	if code != exitRefused || !strings.Contains(stderr, "Art. 13") ||
		!strings.Contains(stderr, "NZL is not a member of NATO on 2025-01-01: only a member may give notice of withdrawal") ||
		strings.Contains(stderr, "apply") {
		t.Errorf("exit %d, want 1 citing Art. 13 and saying NZL is not a member: %s", code, stderr)
	}
	out, _, _ := run(t, "audit", "--json", db)
	if strings.Contains(out, "accession.withdraw") {
		t.Errorf("a refused withdrawal was written to the audit log: %s", out)
	}
}

// TestImportReportsEveryProblem: an import stopped at the first bad date
// (issue 7, defect 9), and said "cannot unmarshal string into Go struct
// field" where a type was wrong. Every problem is reported, each as
// FILE:LINE: section: field: what, in words; nothing is written.
func TestImportReportsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	db := "--db=" + filepath.Join(dir, "x.db")
	body := `{
  "memberships": [
    {"alliance": "NATO", "country": "BEL",
     "acceded": "1949-4-4"},
    {"alliance": "NATO", "country": "NLD", "applied": "1948-13-01",
     "acceded": "+949",
     "consents": [{"country": "BEL", "date": "1949-02-30"}]}
  ],
  "countries": [
    {"code": 7, "name": ["New Zealand"]}
  ],
  "programmes": [
    {"id": "P", "colour": "red"}
  ]
}
`
	path := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := run(t, "import", path, db)
	for _, want := range []string{
		`bad.json:4: memberships: acceded: "1949-4-4" is not a date`,
		`bad.json:5: memberships: applied: "1948-13-01" is not a date`,
		`bad.json:6: memberships: acceded: "+949" is not a date`,
		`bad.json:7: memberships: consents.date: "1949-02-30" is not a date`,
		`bad.json:10: countries: code: want a string, got a number`,
		`bad.json:10: countries: name: want a string, got a list`,
		`bad.json:13: programmes: colour: unknown field`,
		"7 problems",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr should say %q:\n%s", want, stderr)
		}
	}
	if code != exitUsage || strings.Contains(stderr, "Go struct") || strings.Contains(stderr, "entente.") {
		t.Errorf("exit %d, want 2 with no Go names: %s", code, stderr)
	}
	// Nothing was written: a good import into the same store succeeds.
	good := filepath.Join(dir, "good.json")
	if _, stderr, code := run(t, "export", "--out", good, "--db", filepath.Join(dir, "src.db")); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := run(t, "import", good, db); code != 0 {
		t.Errorf("after the refused import the store should still be empty: %s", stderr)
	}
}
