package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
)

// TestRemote runs the commands that can run remotely twice on one store:
// locally with --db, and against `entente serve` on that store with
// --server and a staff token; output, errors and exit statuses are the
// same (issue 11, item 6). Writes sent remotely are made, and audited as
// the token's user; what a remote run may not do is refused with a clear
// message.
func TestRemote(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testRemote(t, filepath.Join(t.TempDir(), "e.db")) })
	t.Run("PostgreSQL", func(t *testing.T) { testRemote(t, pgtest.New(t)) })
}

func testRemote(t *testing.T, db string) {
	if _, stderr, code := run(t, "members", "NATO", "--db", db); code != 0 {
		t.Fatalf("loading the default dataset: %d %s", code, stderr)
	}
	token := staffTokenIn(t, db, "sam")
	base, stop := startServe(t, db)
	defer stop()
	local, remote := "--db="+db, "--server="+base
	t.Setenv("ENTENTE_TOKEN", token)

	same := func(args ...string) string {
		t.Helper()
		lo, le, lc := run(t, append(args, local)...)
		ro, re, rc := run(t, append(args, remote)...)
		if lo != ro || le != re || lc != rc {
			t.Errorf("entente %s: local and remote differ\nlocal (%d):\n%s%s\nremote (%d):\n%s%s", strings.Join(args, " "), lc, lo, le, rc, ro, re)
		}
		return lo
	}
	for _, args := range [][]string{
		{"members", "NATO"},
		{"members", "NATO", "--as-of", "1990-01-01", "--json"},
		{"partners", "NATO"},
		{"partners", "NATO", "--as-of", "2010-01-01", "--json"},
		{"country", "NZL"},
		{"country", "NZL", "--as-of", "2015-06-01", "--json"},
		{"accession", "check", "NATO", "SRB"},
		{"accession", "check", "NATO", "AUS", "--json"},
		{"programme", "show", "NZL"},
		{"programme", "show", "NZL-ITPP-2024", "--as-of", "2025-01-01", "--json"},
		{"programme", "progress", "NZL-ITPP-2024"},
		{"programme", "diff", "NZL-IPCP-2012", "NZL-ITPP-2024"},
		{"activity", "list", "NZL-ITPP-2024"},
		{"menu", "list"},
		{"search", "Bamyan"},
		{"search", "ISAF", "--kind", "contribution", "--json"},
		// Errors: the same message and exit status.
		{"members", "XYZ"},
		{"country", "QQQ"},
		{"programme", "show", "NZL-NONE"},
		{"members", "NATO", "--as-of", "2025-02-30"},
		{"search", `"unclosed`},
	} {
		same(args...)
	}

	// A write sent remotely is made, as the token's user; local and remote
	// then read it alike.
	out, stderr, code := run(t, "activity", "propose", "NZL-ITPP-2024", "--title", "Remote staff talks", "--kind", "staff-talks", "--capacity", "3", remote)
	if code != 0 {
		t.Fatalf("a remote proposal: %d %s", code, stderr)
	}
	id, _, _ := strings.Cut(out, ":")
	if !strings.HasPrefix(id, "NZL-ITPP-2024-A") {
		t.Fatalf("the proposal's output: %q", out)
	}
	if _, stderr, code := run(t, "activity", "approve", id, remote); code != 0 {
		t.Fatalf("a remote approval: %d %s", code, stderr)
	}
	if out := same("activity", "show", id); !strings.Contains(out, "approved") {
		t.Errorf("the activity after a remote approval:\n%s", out)
	}
	same("activity", "list", "NZL-ITPP-2024", "--status", "approved", "--json")
	// A refusal by the workflow: the same words and status both ways.
	same("activity", "report", id, "--outcome", "too early")
	if out, _, _ := run(t, "audit", "--limit", "2", local); !strings.Contains(out, "activity.approve") || !strings.Contains(out, "token:") {
		t.Errorf("the remote approval's audit event does not name the token's user:\n%s", out)
	}
	// A goal added, then changed, remotely: the change names the goal's
	// version, read first.
	for _, title := range []string{"Remote goal", "Remote goal, changed"} {
		if _, stderr, code := run(t, "programme", "goal", "NZL-ITPP-2024", "RG1", "--objective", "cyber-defence", "--title", title, remote); code != 0 {
			t.Fatalf("a remote goal %q: %d %s", title, code, stderr)
		}
	}
	if out := same("programme", "show", "NZL-ITPP-2024"); !strings.Contains(out, "goal RG1: Remote goal, changed") {
		t.Errorf("the programme after the remote goal:\n%s", out)
	}

	// The accession workflow, remotely: each step from the membership's
	// version, read just before; a refusal reads as it does locally.
	for _, step := range [][]string{{"apply"}, {"consent", "--by", "CAN"}} {
		args := append([]string{"accession", step[0], "NATO", "SRB", "--date", "2026-03-02"}, step[1:]...)
		if out, stderr, code := run(t, append(args, remote)...); code != 0 || !strings.Contains(out, "NATO SRB: "+step[0]) {
			t.Fatalf("remote accession %s: %d %s%s", step[0], code, out, stderr)
		}
	}
	same("accession", "invite", "NATO", "SRB", "--date", "2026-03-04")
	same("country", "SRB")

	// What a remote run may not do.
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"user", "list", remote}, exitUsage, "does not take --server"},
		{[]string{"activity", "approve", id, "--as", "sam", remote}, exitUsage, "the token in ENTENTE_TOKEN says who you are"},
		{[]string{"members", "NATO", "--server=ftp://example"}, exitUsage, "want an http:// or https:// address"},
		{[]string{"members", "NATO", "--server=http://127.0.0.1:1"}, exitRefused, "cannot be reached"},
	} {
		if _, stderr, code := run(t, c.args...); code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("entente %s: %d %q, want %d and %q", strings.Join(c.args, " "), code, stderr, c.code, c.want)
		}
	}
	t.Setenv("ENTENTE_TOKEN", "")
	if _, stderr, code := run(t, "activity", "cancel", id, "--reason", "no token", remote); code != exitRefused || !strings.Contains(stderr, "put your API token in ENTENTE_TOKEN") {
		t.Errorf("a remote write without a token: %d %q, want 1 and where the token goes", code, stderr)
	}
}

// staffTokenIn adds a staff account name to the store db and returns an
// API token for it that may write.
func staffTokenIn(t *testing.T, db, name string) string {
	t.Helper()
	ctx := entente.WithPrincipal(context.Background(), entente.Operator("test"))
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := service.New(st)
	if _, err := svc.AddUser(ctx, service.UserRequest{Name: name, Role: entente.RoleStaff, Password: "a test password of some length"}); err != nil {
		t.Fatal(err)
	}
	sec, _, err := svc.CreateToken(ctx, service.TokenRequest{User: name, Scopes: []string{"write"}})
	if err != nil {
		t.Fatal(err)
	}
	return sec
}
