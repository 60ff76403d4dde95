package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente/internal/pgtest"
)

// run runs entente with args and returns stdout, stderr and the exit status.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// scratch returns --db pointing at a fresh SQLite file, or at the PostgreSQL
// database in ENTENTE_TEST_CLI_DB when set.
func scratch(t *testing.T) string {
	t.Helper()
	return "--db=" + filepath.Join(t.TempDir(), "entente.db")
}

func TestMembers(t *testing.T) {
	db := scratch(t)
	out, stderr, code := run(t, "members", "NATO", "--json", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var ms []struct {
		Code, Name, Joined string
	}
	if err := json.Unmarshal([]byte(out), &ms); err != nil {
		t.Fatal(err)
	}
	if len(ms) != 32 {
		t.Fatalf("got %d members, want 32", len(ms))
	}
	joined := map[string]string{}
	for _, m := range ms {
		joined[m.Code] = m.Joined
	}
	for code, want := range map[string]string{"BEL": "1949-04-04", "DEU": "1955-05-06", "ESP": "1982-05-30", "MKD": "2020-03-27", "SWE": "2024-03-07"} {
		if joined[code] != want {
			t.Errorf("%s joined %q, want %q", code, joined[code], want)
		}
	}
	for day, want := range map[string]int{"1990-01-01": 16, "1999-03-12": 19, "1949-04-04": 12, "2024-03-06": 31} {
		out, _, _ := run(t, db, "--as-of", day, "members", "NATO", "--json")
		var ms []any
		json.Unmarshal([]byte(out), &ms)
		if len(ms) != want {
			t.Errorf("as of %s: got %d members, want %d", day, len(ms), want)
		}
	}
	out, _, code = run(t, "members", "NATO", db)
	if code != 0 || !strings.Contains(out, "New Zealand") == true && !strings.Contains(out, "32 members of NATO") {
		t.Errorf("text table: exit %d\n%s", code, out)
	}
}

func TestAccessionCheck(t *testing.T) {
	db := scratch(t)
	out, _, code := run(t, "accession", "check", "NATO", "NZL", "--json", db)
	if code != 1 {
		t.Errorf("NZL: exit %d, want 1 (refused)", code)
	}
	var v struct {
		Eligible bool
		Reasons  []struct{ Article, Text string }
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if v.Eligible || len(v.Reasons) == 0 || v.Reasons[0].Article != "10" {
		t.Errorf("NZL verdict: %+v, want not eligible citing Art. 10", v)
	}
	out, _, code = run(t, "accession", "check", "NATO", "UKR", db)
	if code != 0 || !strings.Contains(out, "may be invited") || !strings.Contains(out, "consent of all 32") {
		t.Errorf("UKR: exit %d\n%s", code, out)
	}
}

func TestCountry(t *testing.T) {
	db := scratch(t)
	out, stderr, code := run(t, "country", "NZL", "--json", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var v struct {
		Programmes []struct {
			ID, Type, Agreed, Status string
			Sources                  []string
		}
		Groups        []string
		Contributions []struct{ Operation, From, To string }
		Invitations   []struct {
			Meeting  string
			Year     int
			Attended string
		}
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, p := range v.Programmes {
		status[p.Type+" "+p.Agreed] = p.Status
		if len(p.Sources) == 0 {
			t.Errorf("programme %s has no source", p.ID)
		}
	}
	if status["IPCP 2012-06-04"] != "superseded" || status["ITPP 2024"] != "active" {
		t.Errorf("programmes: %v, want IPCP 2012-06-04 superseded and ITPP 2024 active", status)
	}
	if strings.Join(v.Groups, ",") != "IP4" {
		t.Errorf("groups: %v, want IP4", v.Groups)
	}
	ops := map[string]bool{}
	for _, c := range v.Contributions {
		ops[c.Operation] = true
	}
	for _, op := range []string{"IFOR", "ISAF", "OCEAN-SHIELD"} {
		if !ops[op] {
			t.Errorf("no contribution to %s in %v", op, v.Contributions)
		}
	}
	years := map[int]bool{}
	for _, in := range v.Invitations {
		years[in.Year] = true
	}
	for _, y := range []int{2022, 2023, 2024, 2025} {
		if !years[y] {
			t.Errorf("no invitation in %d", y)
		}
	}

	out, _, _ = run(t, "country", "NZL", "--as-of", "2013-01-01", "--json", db)
	v.Programmes = nil
	json.Unmarshal([]byte(out), &v)
	if len(v.Programmes) != 1 || v.Programmes[0].Type != "IPCP" || v.Programmes[0].Status != "active" {
		t.Errorf("as of 2013: programmes %+v, want the IPCP active", v.Programmes)
	}

	out, _, code = run(t, "country", "NZL", db)
	if code != 0 {
		t.Errorf("country NZL: exit %d", code)
	}
	for _, want := range []string{"New Zealand (NZL)", "IPCP", "superseded by NZL-ITPP-2024", "Bamyan", "Sources", "[1]"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
}

func TestHelp(t *testing.T) {
	out, _, code := run(t, "help")
	if code != 0 || !strings.Contains(out, "accession check") || !strings.Contains(out, "ENTENTE_DB") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
	out, _, code = run(t, "members", "--help")
	if code != 0 || !strings.Contains(out, "entente members NATO --as-of 1990-01-01") || !strings.Contains(out, "-db") {
		t.Errorf("members --help: exit %d\n%s", code, out)
	}
	out, _, code = run(t, "help", "accession", "deposit")
	if code != 0 || !strings.Contains(out, "usage: entente accession deposit") {
		t.Errorf("help accession deposit: exit %d\n%s", code, out)
	}
	if _, _, code := run(t, "help", "frobnicate"); code != 2 {
		t.Errorf("help for an unknown command: exit %d, want 2", code)
	}
	if _, _, code := run(t); code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
}

func TestBadInput(t *testing.T) {
	db := scratch(t)
	if _, stderr, code := run(t, "members", "NATO", db); code != 0 {
		t.Fatalf("loading the default dataset: %s", stderr)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"UnknownCountry", []string{"country", "XYZ"}, 2, `unknown country "XYZ"`},
		{"MalformedCountry", []string{"country", "NZ"}, 2, "ISO 3166-1 alpha-3"},
		{"UnknownAlliance", []string{"members", "ANZUS"}, 2, `unknown alliance "ANZUS"`},
		{"BadAsOf", []string{"members", "NATO", "--as-of", "1990-13-01"}, 2, "--as-of"},
		{"MissingArg", []string{"members"}, 2, "usage: entente members"},
		{"UnknownCommand", []string{"frobnicate"}, 2, "unknown command"},
		{"UnknownFlag", []string{"members", "NATO", "--colour"}, 2, "members does not take --colour"},
		{"ImportNonEmpty", []string{"import", "testdata/tiny.json"}, 1, "not empty"},
		{"ImportMissingFile", []string{"import", "testdata/none.json"}, 2, "no such file"},
		{"StepWithoutApplying", []string{"accession", "invite", "NATO", "UKR"}, 1, "has not applied"},
		{"ApplyNotEuropean", []string{"accession", "apply", "NATO", "NZL", "--date", "2025-01-01"}, 1, "Art. 10"},
		{"ConsentWithoutBy", []string{"accession", "consent", "NATO", "UKR"}, 2, "--by"},
	}
	t.Run("Unreachable", func(t *testing.T) {
		_, stderr, code := run(t, "members", "NATO", "--db", "postgres://127.0.0.1:1/x")
		if code != 1 || !strings.Contains(stderr, "cannot reach PostgreSQL at 127.0.0.1:1") {
			t.Errorf("exit %d, want 1: %s", code, stderr)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, append(tt.args, db)...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want %d; stderr %q should contain %q", code, tt.code, stderr, tt.want)
			}
		})
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "first.json")
	second := filepath.Join(dir, "second.json")
	if _, stderr, code := run(t, "export", "--out", first, "--db", filepath.Join(dir, "a.db")); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	if _, stderr, code := run(t, "import", first, "--db", filepath.Join(dir, "b.db")); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	if _, stderr, code := run(t, "export", "--out", second, "--db", filepath.Join(dir, "b.db")); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(second)
	if len(a) < 10000 || !bytes.Equal(a, b) {
		t.Errorf("export → import → export: %d and %d bytes, not identical", len(a), len(b))
	}
}

func TestImportBadFile(t *testing.T) {
	dir := t.TempDir()
	db := "--db=" + filepath.Join(dir, "x.db")
	tests := []struct {
		name, body, want string
	}{
		{"Syntax", "{\n  \"sources\": [\n    {\"id\": \"s\",,}\n  ]\n}\n", "bad.json:3:"},
		{"WrongType", "{\n  \"countries\": [\n    {\"code\": 7}\n  ]\n}\n", "bad.json:3: countries: code: want a string, got a number"},
		{"BadDate", "{\n  \"memberships\": [\n    {\"alliance\": \"NATO\", \"country\": \"BEL\",\n     \"acceded\": \"1949-4-4\"}\n  ]\n}\n", `bad.json:4: memberships: acceded: "1949-4-4" is not a date`},
		{"UnknownField", "{\n  \"sources\": [\n    {\"id\": \"s\", \"title\": \"t\", \"url\": \"u\", \"colour\": 1}\n  ]\n}\n", "bad.json:3: sources: colour: unknown field"},
		// encoding/json would store U+FFFD for the lone surrogate.
		{"LoneSurrogate", "{\n  \"sources\": [\n    {\"id\": \"s\",\n     \"title\": \"caf\\ud800\", \"url\": \"u\"}\n  ]\n}\n", `bad.json:4: sources: title: holds a lone surrogate (\ud800)`},
		{"Invalid", "{\n  \"sources\": [],\n  \"countries\": [\n    {\"code\": \"NZL\", \"name\": \"New Zealand\", \"region\": \"Asia-Pacific\", \"sources\": [\"nope\"]}\n  ]\n}\n", `bad.json:4: [country NZL]: sources: unknown source "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "bad.json")
			os.WriteFile(path, []byte(tt.body), 0o644)
			_, stderr, code := run(t, "import", path, db)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want 2; stderr %q should contain %q", code, stderr, tt.want)
			}
			// Nothing was written: the store is still empty, so a good
			// import still succeeds afterwards.
		})
	}
	good := filepath.Join(dir, "good.json")
	run(t, "export", "--out", good, "--db", filepath.Join(dir, "src.db"))
	if _, stderr, code := run(t, "import", good, db); code != 0 {
		t.Errorf("after failed imports the store should still be empty: %s", stderr)
	}
}

func TestAccessionRun(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testAccessionRun(t, scratch(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testAccessionRun(t, "--db="+pgtest.New(t)) })
}

func testAccessionRun(t *testing.T, db string) {
	out, _, _ := run(t, "members", "NATO", "--json", db)
	var ms []struct{ Code string }
	json.Unmarshal([]byte(out), &ms)
	step := func(wantCode int, args ...string) string {
		t.Helper()
		_, stderr, code := run(t, append(append([]string{"accession"}, args...), db)...)
		if code != wantCode {
			t.Fatalf("%v: exit %d, want %d: %s", args, code, wantCode, stderr)
		}
		return stderr
	}
	step(1, "invite", "NATO", "UKR", "--date", "2030-01-02")
	step(0, "apply", "NATO", "UKR", "--date", "2030-01-02")
	if e := step(1, "invite", "NATO", "UKR", "--date", "2030-01-03"); !strings.Contains(e, "consent of all 32") {
		t.Errorf("invite without consent: %s", e)
	}
	step(1, "sign", "NATO", "UKR", "--date", "2030-01-03")
	for _, m := range ms {
		step(0, "consent", "NATO", "UKR", "--by", m.Code, "--date", "2030-01-03")
	}
	step(0, "invite", "NATO", "UKR", "--date", "2030-01-04")
	step(1, "deposit", "NATO", "UKR", "--date", "2030-01-05")
	step(0, "sign", "NATO", "UKR", "--date", "2030-01-05")
	for i, m := range ms {
		if i == len(ms)-1 {
			if e := step(1, "deposit", "NATO", "UKR", "--date", "2030-02-01"); !strings.Contains(e, "every member has ratified") {
				t.Errorf("deposit before the last ratification: %s", e)
			}
		}
		step(0, "ratify", "NATO", "UKR", "--by", m.Code, "--date", "2030-02-01")
	}
	step(0, "deposit", "NATO", "UKR", "--date", "2030-02-02")
	out, _, _ = run(t, "members", "NATO", "--json", "--as-of", "2030-02-02", db)
	json.Unmarshal([]byte(out), &ms)
	// Ukraine's partnerships in force on the day (PFP, EAPC, EOP) end then;
	// its NACC partnership ended with the NACC in 1997 and is left alone.
	out, _, _ = run(t, "audit", "--limit", "4", "--json", db)
	var evs []struct {
		Action, Key   string
		Before, After json.RawMessage
	}
	json.Unmarshal([]byte(out), &evs)
	object := func(m json.RawMessage) bool { return len(m) > 0 && m[0] == '{' }
	if len(evs) != 4 || evs[3].Action != "accession.deposit" || !object(evs[3].Before) || !object(evs[3].After) {
		t.Errorf("audit log: %s, want the deposit and the three partnerships it ended, with before and after as JSON objects", out)
	} else {
		var ended []string
		for _, e := range evs[:3] {
			if e.Action == "partnership.end" {
				ended = append(ended, e.Key)
			}
		}
		slices.Sort(ended)
		if want := []string{"NATO/UKR/EAPC", "NATO/UKR/EOP", "NATO/UKR/PFP"}; !slices.Equal(ended, want) {
			t.Errorf("partnerships ended by the deposit: %v, want %v", ended, want)
		}
	}
	if len(ms) != 33 {
		t.Errorf("after deposit: %d members, want 33", len(ms))
	}
	// The store still exports and imports whole, workflow records included.
	dir := t.TempDir()
	out1 := filepath.Join(dir, "1.json")
	if _, stderr, code := run(t, "export", "--out", out1, db); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	if _, stderr, code := run(t, "import", out1, "--db", filepath.Join(dir, "c.db")); code != 0 {
		t.Fatalf("import after an accession: %s", stderr)
	}
	out, _, _ = run(t, "country", "UKR", "--json", "--as-of", "2030-02-02", db)
	var v struct {
		Memberships  []struct{ Status string }
		Partnerships []any
	}
	json.Unmarshal([]byte(out), &v)
	if len(v.Memberships) != 1 || v.Memberships[0].Status != "member" || len(v.Partnerships) != 0 {
		t.Errorf("UKR after accession: %s", out)
	}
}

// TestExportImportPostgres runs the round trip on PostgreSQL and across
// engines: SQLite → PostgreSQL → SQLite gives identical bytes.
func TestExportImportPostgres(t *testing.T) {
	pg := pgtest.New(t)
	dir := t.TempDir()
	first := filepath.Join(dir, "first.json")
	second := filepath.Join(dir, "second.json")
	third := filepath.Join(dir, "third.json")
	if _, stderr, code := run(t, "export", "--out", first, "--db", pg); code != 0 {
		t.Fatalf("export from PostgreSQL: %s", stderr)
	}
	pg2 := pgtest.New(t)
	if _, stderr, code := run(t, "import", first, "--db", pg2); code != 0 {
		t.Fatalf("import into PostgreSQL: %s", stderr)
	}
	if _, stderr, code := run(t, "export", "--out", second, "--db", pg2); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	if _, stderr, code := run(t, "export", "--out", third, "--db", filepath.Join(dir, "s.db")); code != 0 {
		t.Fatalf("export from SQLite: %s", stderr)
	}
	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(second)
	c, _ := os.ReadFile(third)
	if len(a) < 10000 || !bytes.Equal(a, b) {
		t.Errorf("PostgreSQL export → import → export: %d and %d bytes, not identical", len(a), len(b))
	}
	if !bytes.Equal(a, c) {
		t.Errorf("PostgreSQL and SQLite exports of the default dataset differ (%d and %d bytes)", len(a), len(c))
	}
	if _, stderr, code := run(t, "import", first, "--db", pg2); code != 1 || !strings.Contains(stderr, "not empty") {
		t.Errorf("import into a non-empty PostgreSQL store: exit %d, %s", code, stderr)
	}
}
