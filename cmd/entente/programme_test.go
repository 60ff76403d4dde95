package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/entente/entente/internal/pgtest"
)

// exportOf returns the store's export, to check a refused step wrote
// nothing.
func exportOf(t *testing.T, db string) string {
	t.Helper()
	out, stderr, code := run(t, "export", db)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	return out
}

func TestProgrammeShowNZL(t *testing.T) {
	db := scratch(t)
	out, stderr, code := run(t, "programme", "show", "NZL", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	ipcp, itpp, _ := strings.Cut(out, "\nNZL-ITPP-2024")
	for _, want := range []string{"NZL-IPCP-2012", "SUPERSEDED", "Cyber defence", "Disaster relief", "Crisis management", "Education and training", "superseded by NZL-ITPP-2024"} {
		if !strings.Contains(ipcp, want) {
			t.Errorf("IPCP part lacks %q:\n%s", want, ipcp)
		}
	}
	for _, want := range []string{"ACTIVE", "Upholding the rules-based international order", "Climate change and security", "Cyber defence", "supersedes NZL-IPCP-2012"} {
		if !strings.Contains(itpp, want) {
			t.Errorf("ITPP part lacks %q:\n%s", want, itpp)
		}
	}
	if !strings.Contains(out, "nato.int/cps/en/natohq/news_88122") {
		t.Errorf("sources not listed:\n%s", out)
	}
	// As of 2013 the IPCP was in force.
	out, _, _ = run(t, "programme", "show", "NZL-IPCP-2012", "--as-of", "2013-01-01", "--json", db)
	var vs []struct {
		Status     string `json:"status"`
		Objectives []struct{ Area string }
	}
	if err := json.Unmarshal([]byte(out), &vs); err != nil || len(vs) != 1 {
		t.Fatalf("as of 2013: %v %s", err, out)
	}
	if vs[0].Status != "active" || len(vs[0].Objectives) != 4 {
		t.Errorf("as of 2013: %+v, want the IPCP active with 4 objectives", vs[0])
	}
}

func TestProgrammeDiffNZL(t *testing.T) {
	db := scratch(t)
	out, stderr, code := run(t, "programme", "diff", "NZL-IPCP-2012", "NZL-ITPP-2024", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"NZL-IPCP-2012 → NZL-ITPP-2024: 2 added, 3 removed, 1 changed", `type: "IPCP" → "ITPP"`,
		"- objective disaster-relief: Disaster relief", "+ objective climate-security: Climate change and security",
		"+ objective rules-based-order"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "objective cyber-defence") {
		t.Errorf("cyber defence is in both programmes, yet the diff lists it:\n%s", out)
	}
	_, stderr, code = run(t, "programme", "diff", "NZL-IPCP-2012", "NOPE", db)
	if code != 2 || !strings.Contains(stderr, `"NOPE" names no programme and no review`) {
		t.Errorf("unknown programme: exit %d: %s", code, stderr)
	}
}

// TestActivityWorkflowCLI walks one activity from proposed to reported with
// the CLI, with a refused step at each stage that must leave the store
// unchanged and exit 1 (2 for bad input).
func TestActivityWorkflowCLI(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testActivityWorkflowCLI(t, scratch(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testActivityWorkflowCLI(t, "--db="+pgtest.New(t)) })
}

func testActivityWorkflowCLI(t *testing.T, db string) {
	const id = "NZL-ITPP-2024-A001"
	steps := []struct {
		args []string
		code int
		want string // fragment of stdout (success) or stderr (failure)
	}{
		{[]string{"activity", "propose", "NZL-ITPP-2024", "--title", "Cyber defence staff talks", "--kind", "staff-talks", "--capacity", "4", "--from", "2025-02-01", "--date", "2025-01-10"}, 0, id + ": proposed"},
		{[]string{"activity", "invite", id, "--countries", "NZL", "--date", "2025-01-11"}, 1, "activity: invite refused"},
		{[]string{"activity", "approve", id, "--date", "2025-01-12"}, 0, "approved"},
		{[]string{"activity", "approve", id, "--date", "2025-01-12"}, 1, "activity: approve refused"},
		{[]string{"activity", "invite", id, "--countries", "CHN", "--date", "2025-01-13"}, 1, "only members and partners of NATO may be invited; CHN is neither"},
		{[]string{"activity", "invite", id, "NZL", "AUS", "--date", "2025-01-13"}, 0, "invited NZL, AUS"},
		{[]string{"activity", "register", id, "--date", "2025-01-14"}, 0, "registration-open"},
		{[]string{"activity", "register", id, "--country", "NZL", "--participants", "3", "--date", "2025-01-14"}, 0, "3 of 4 places taken"},
		{[]string{"activity", "register", id, "--country", "AUS", "--participants", "2", "--date", "2025-01-15"}, 1, "registration stops at capacity"},
		{[]string{"activity", "register", id, "--country", "KOR", "--date", "2025-01-15"}, 1, "KOR was not invited"},
		{[]string{"activity", "hold", id, "--date", "2025"}, 2, "must be a day"},
		{[]string{"activity", "hold", id, "--date", "2025-01-20"}, 1, "2025-01-20 is before the activity's scheduled start (2025-02-01)"},
		{[]string{"activity", "hold", id, "--date", "2025-02-01"}, 0, "held"},
		{[]string{"activity", "report", id, "--date", "2025-01-31", "--outcome", "early"}, 1, "before the activity (2025-02-01)"},
		{[]string{"activity", "cancel", id, "--date", "2025-02-02"}, 1, "only before it is held"},
		{[]string{"activity", "report", id, "--date", "2025-02-03"}, 2, "needs an outcome"},
		{[]string{"activity", "report", id, "--date", "2025-02-03", "--outcome", "Agreed an exercise plan", "--participants", "4", "--feedback", "useful"}, 0, "reported"},
		{[]string{"activity", "report", id, "--date", "2025-02-04", "--outcome", "again"}, 1, "activity: report refused"},
	}
	for _, s := range steps {
		before := exportOf(t, db)
		out, stderr, code := run(t, append(s.args, db)...)
		got := out
		if s.code != 0 {
			got = stderr
		}
		if code != s.code || !strings.Contains(got, s.want) {
			t.Fatalf("%s: exit %d (want %d), want %q:\nstdout: %s\nstderr: %s", strings.Join(s.args, " "), code, s.code, s.want, out, stderr)
		}
		after := exportOf(t, db)
		if code != 0 && after != before {
			t.Fatalf("%s: refused, yet the store changed", strings.Join(s.args, " "))
		}
		if code == 0 && after == before {
			t.Fatalf("%s: succeeded, yet the store did not change", strings.Join(s.args, " "))
		}
	}
	out, _, code := run(t, "activity", "show", id, db)
	if code != 0 || !strings.Contains(out, "reported") || !strings.Contains(out, "Agreed an exercise plan") || !strings.Contains(out, "invited: NZL, AUS") {
		t.Errorf("activity show: exit %d\n%s", code, out)
	}
	out, _, _ = run(t, "activity", "list", "NZL-ITPP-2024", db)
	if !strings.Contains(out, id) {
		t.Errorf("activity list:\n%s", out)
	}
	out, _, _ = run(t, "programme", "progress", "NZL-ITPP-2024", "--as-of", "2025-03-01", "--svg", filepath.Join(t.TempDir(), "p.svg"), db)
	if !strings.Contains(out, "Programme NZL-ITPP-2024") || !strings.Contains(out, "Due for review") {
		t.Errorf("progress:\n%s", out)
	}
	// The reported activity serves no goal: it counts, and the objectives,
	// with no goals, are not measured (it said 0% everywhere).
	if !regexp.MustCompile(`Programme NZL-ITPP-2024 +100% +1 +1 +0`).MatchString(out) ||
		!regexp.MustCompile(`Activities serving no goal +100% +1 +1 +0`).MatchString(out) ||
		!regexp.MustCompile(`Cyber defence +not measured +0`).MatchString(out) {
		t.Errorf("progress as of 2025-03-01:\n%s", out)
	}
}

// TestAgreeReviewDiff agrees a successor to the ITPP carrying its open goals
// over, reviews it twice and diffs the reviews.
func TestAgreeReviewDiff(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testAgreeReviewDiff(t, scratch(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testAgreeReviewDiff(t, "--db="+pgtest.New(t)) })
}

func testAgreeReviewDiff(t *testing.T, db string) {
	mustRun := func(args ...string) string {
		t.Helper()
		out, stderr, code := run(t, append(args, db)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
		return out
	}
	mustRun("programme", "goal", "NZL-ITPP-2024", "G1", "--objective", "cyber-defence", "--title", "Exercise together",
		"--indicator", "joint exercises;exercises;0;4;1;2027-06")
	mustRun("programme", "goal", "NZL-ITPP-2024", "G2", "--objective", "climate-security", "--title", "Met goal",
		"--indicator", "studies;studies;0;1;1")
	out := mustRun("programme", "agree", "NZL-ITPP-2028", "--partner", "NZL", "--type", "ITPP", "--title", "Next programme",
		"--date", "2028-01-15", "--areas", "cyber-defence", "--carry-over")
	// Today (before 2028-01-15) the new programme is agreed, not active.
	if !strings.Contains(out, "NZL-ITPP-2028 agreed 2028-01-15 for NZL: agreed, takes effect 2028-01-15; will supersede NZL-ITPP-2024") ||
		!strings.Contains(out, "1 goal carried over") || strings.Contains(out, "active") {
		t.Fatalf("agree:\n%s", out)
	}
	out = mustRun("programme", "show", "NZL", "--as-of", "2028-02-01")
	if !strings.Contains(out, "NZL-ITPP-2024  NZL ITPP (Individually Tailored Partnership Programme)  SUPERSEDED") ||
		!strings.Contains(out, "NZL-ITPP-2028  NZL ITPP (Next programme)  ACTIVE") {
		t.Fatalf("show after agree:\n%s", out)
	}
	before := exportOf(t, db)
	if _, stderr, code := run(t, "programme", "review", "NZL-ITPP-2024", "--date", "2028-03-01", db); code != 1 || !strings.Contains(stderr, "programme: review refused") {
		t.Fatalf("review of a superseded programme: exit %d: %s", code, stderr)
	}
	if exportOf(t, db) != before {
		t.Fatal("a refused review changed the store")
	}
	mustRun("programme", "review", "NZL-ITPP-2028", "--date", "2028-03-01", "--note", "first")
	mustRun("programme", "goal", "NZL-ITPP-2028", "G1", "--objective", "cyber-defence", "--title", "Exercise together",
		"--indicator", "joint exercises;exercises;0;4;3;2027-06")
	mustRun("programme", "review", "NZL-ITPP-2028", "--date", "2028-09-01", "--note", "second")
	out = mustRun("programme", "diff", "NZL-ITPP-2028-R1", "NZL-ITPP-2028-R2")
	if !strings.Contains(out, "~ indicator G1/joint exercises") || !strings.Contains(out, `current: "1" → "3"`) {
		t.Errorf("review diff:\n%s", out)
	}
	if _, stderr, code := run(t, "programme", "agree", "NZL-X", "--partner", "BEL", "--type", "ITPP", "--title", "x", "--date", "2028-01-16", db); code != 1 || !strings.Contains(stderr, "a member is not its own alliance's partner") {
		t.Errorf("agree with a member: exit %d: %s", code, stderr)
	}
}

func TestMenuCLI(t *testing.T) {
	db := scratch(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("code,title,kind,provider,capacity\nPCM-1,Course,course,School,10\nPCM-2,,exercise,School,-3\n"), 0o644)
	before := exportOf(t, db)
	_, stderr, code := run(t, "menu", "import", bad, db)
	if code != 2 || !strings.Contains(stderr, bad+":3: title: is required") || !strings.Contains(stderr, bad+":3: capacity: -3 is negative") {
		t.Fatalf("bad menu: exit %d: %s", code, stderr)
	}
	if exportOf(t, db) != before {
		t.Fatal("a refused menu import changed the store")
	}
	good := filepath.Join(dir, "menu.json")
	os.WriteFile(good, []byte(`[
  {"code": "PCM-1", "title": "Cyber course", "area": "cyber-defence", "kind": "course", "provider": "School", "capacity": 10, "sources": []},
  {"code": "PCM-2", "title": "Exercise", "kind": "exercise", "provider": "School", "capacity": 30, "recurrence": "annual", "sources": []}
]`), 0o644)
	out, stderr, code := run(t, "menu", "import", good, db)
	if code != 0 || !strings.Contains(out, "imported 2 offers") {
		t.Fatalf("good menu: exit %d: %s %s", code, out, stderr)
	}
	out, _, _ = run(t, "menu", "export", "--format", "csv", db)
	csvFile := filepath.Join(dir, "again.csv")
	os.WriteFile(csvFile, []byte(out), 0o644)
	if _, stderr, code := run(t, "menu", "import", csvFile, db); code != 0 {
		t.Fatalf("re-import of the export: %s", stderr)
	}
	out2, _, _ := run(t, "menu", "export", "--format", "csv", db)
	if out2 != out {
		t.Errorf("export → import → export differs:\n%s\n%s", out, out2)
	}
	out, _, _ = run(t, "menu", "list", db)
	if !strings.Contains(out, "PCM-2") || !strings.Contains(out, "annual") {
		t.Errorf("menu list:\n%s", out)
	}
	badJSON := filepath.Join(dir, "bad.json")
	os.WriteFile(badJSON, []byte("[\n  {\"code\": \"X\", \"title\": \"t\", \"kind\": \"course\", \"provider\": \"p\"},\n  {\"code\": \"Y\", \"title\": \"t\", \"kind\": \"course\", \"provider\": \"p\", \"capacity\": \"many\"}\n]"), 0o644)
	_, stderr, code = run(t, "menu", "import", badJSON, db)
	if code != 2 || !strings.Contains(stderr, badJSON+":3: capacity: want a whole number, got a string") {
		t.Errorf("bad JSON menu: exit %d: %s", code, stderr)
	}
}

func TestGenerateCLI(t *testing.T) {
	db := scratch(t)
	// The default dataset is real data: generate refuses it.
	if _, stderr, code := run(t, "members", "NATO", db); code != 0 {
		t.Fatal(stderr)
	}
	_, stderr, code := run(t, "generate", "--partners", "3", "--activities", "20", db)
	if code != 1 || !strings.Contains(stderr, "holds real records") {
		t.Fatalf("generate into the default dataset: exit %d: %s", code, stderr)
	}
	fresh := scratch(t)
	out, stderr, code := run(t, "generate", "--partners", "3", "--activities", "250", "--seed", "9", "--batch", "100", fresh)
	if code != 0 || !strings.Contains(out, "250 activities (seed 9)") {
		t.Fatalf("generate: exit %d: %s %s", code, out, stderr)
	}
	if strings.Contains(stderr, "[") {
		t.Errorf("a progress bar was drawn on a non-terminal: %q", stderr)
	}
	out, _, _ = run(t, "programme", "show", "QMM", fresh)
	if !strings.Contains(out, "SYN-QMM-ITPP") || !strings.Contains(out, "synthetic") {
		t.Errorf("synthetic programme:\n%s", out)
	}
}

func TestProgrammeArea(t *testing.T) {
	db := scratch(t)
	out, stderr, code := run(t, "programme", "area", "maritime-security", "--name", "Maritime security", db)
	if code != 0 || !strings.Contains(out, "area maritime-security (Maritime security) added") {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	if _, stderr, code := run(t, "programme", "area", "maritime-security", "--name", "Again", db); code != 1 || !strings.Contains(stderr, "exists already") {
		t.Errorf("second add: exit %d: %s", code, stderr)
	}
	_, stderr, code = run(t, "programme", "agree", "NZL-ITPP-2028", "--partner", "NZL", "--type", "ITPP", "--title", "Next",
		"--date", "2028-01-15", "--areas", "maritime-security", db)
	if code != 0 {
		t.Fatalf("agree with the new area: %s", stderr)
	}
}
