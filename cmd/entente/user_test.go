package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entente/entente/internal/secret"
)

// runIn runs entente with input on standard input.
func runIn(t *testing.T, input string, args ...string) (string, string, int) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(input)
	defer func() { stdin = old }()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestUserAndToken: accounts and tokens from the CLI, as the crash harness
// and scripts use them.
func TestUserAndToken(t *testing.T) {
	path := filepath.Join(t.TempDir(), "entente.db")
	db := "--db=" + path
	const pw = "correct horse battery staple"
	if out, errOut, code := runIn(t, pw+"\n", "user", "add", "alice", "--role", "staff", "--password-stdin", db); code != 0 || out != "added user alice (staff)\n" {
		t.Fatalf("user add: exit %d, %q %q", code, out, errOut)
	}
	for _, c := range []struct {
		input string
		args  []string
		code  int
		msg   string
	}{
		{pw, []string{"user", "add", "bob", "--role", "staff"}, 2, "--password-stdin"},
		{"", []string{"user", "add", "bob", "--role", "staff", "--password-stdin"}, 2, "no password given"},
		{"short\n", []string{"user", "add", "bob", "--role", "staff", "--password-stdin"}, 2, "at least 12"},
		{pw, []string{"user", "add", "bob", "--role", "liaison", "--password-stdin"}, 2, "--partner"},
		{pw, []string{"user", "add", "alice", "--role", "staff", "--password-stdin"}, 1, "exists already"},
		{"", []string{"token", "create", "--user", "alice"}, 2, "--scope"},
		{"", []string{"token", "create", "--user", "nobody", "--scope", "write"}, 2, "no user named nobody"},
		{"", []string{"token", "create", "--user", "alice", "--scope", "write", "--expires", "3x"}, 2, "--expires"},
	} {
		out, errOut, code := runIn(t, c.input, append(c.args, db)...)
		if code != c.code || !strings.Contains(errOut, c.msg) {
			t.Errorf("%v: exit %d, %q %q; want exit %d naming %q", c.args, code, out, errOut, c.code, c.msg)
		}
	}
	if _, errOut, code := runIn(t, pw+"\n", "user", "add", "kiri", "--role", "liaison", "--partner", "nzl", "--password-stdin", db); code != 0 {
		t.Fatalf("user add liaison: %s", errOut)
	}

	out, errOut, code := run(t, "token", "create", "--user", "alice", "--scope", "write", "--expires", "90d", db)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	tok := lines[len(lines)-1]
	if code != 0 || !strings.HasPrefix(tok, "ent_") || len(tok) != 47 {
		t.Fatalf("token create: exit %d, %q %q; want the token alone on the last line", code, out, errOut)
	}
	// Never shown again, never stored: the database files hold its hash only.
	out, _, _ = run(t, "token", "list", db)
	if strings.Contains(out, tok) || !strings.Contains(out, "alice") || !strings.Contains(out, "write") {
		t.Errorf("token list: %q", out)
	}
	var files []byte
	for _, f := range []string{path, path + "-wal"} {
		b, _ := os.ReadFile(f)
		files = append(files, b...)
	}
	if bytes.Contains(files, []byte(tok)) || bytes.Contains(files, []byte(tok[4:])) || !bytes.Contains(files, []byte(secret.Hash(tok))) {
		t.Errorf("the database files hold the token, or not its hash")
	}

	// --as acts as the account, with its role.
	if _, errOut, code := run(t, "programme", "review", "NZL-ITPP-2024", "--as", "kiri", db); code != 1 || !strings.Contains(errOut, "liaison for NZL may not review") {
		t.Errorf("review --as kiri: exit %d, %q", code, errOut)
	}
	if _, errOut, code := run(t, "accession", "apply", "NATO", "UKR", "--as", "nobody", db); code != 2 || !strings.Contains(errOut, "no such user") {
		t.Errorf("--as nobody: exit %d, %q", code, errOut)
	}
	if _, errOut, code := run(t, "user", "disable", "kiri", db); code != 0 {
		t.Fatal(errOut)
	}
	if _, errOut, code := run(t, "accession", "apply", "NATO", "UKR", "--as", "kiri", db); code != 1 || !strings.Contains(errOut, "disabled") {
		t.Errorf("--as a disabled user: exit %d, %q", code, errOut)
	}
	if _, errOut, code := run(t, "user", "add", "eve", "--role", "admin", "--as", "alice", db); code != 2 {
		t.Errorf("user add without a password: exit %d, %q", code, errOut)
	}
	if _, errOut, code := runIn(t, pw, "user", "add", "eve", "--role", "admin", "--password-stdin", "--as", "alice", db); code != 1 || !strings.Contains(errOut, "a staff may not add users") {
		t.Errorf("user add --as staff: exit %d, %q", code, errOut)
	}
	if _, errOut, code := run(t, "token", "revoke", "1", db); code != 0 {
		t.Fatal(errOut)
	}
	out, _, _ = run(t, "token", "list", "--user", "alice", db)
	if !strings.Contains(out, "revoked") {
		t.Errorf("token list after revoke: %q", out)
	}
	out, _, _ = run(t, "audit", db)
	for _, want := range []string{"operator:", "user.add", "token.create", "token.revoke", "user.disable"} {
		if !strings.Contains(out, want) {
			t.Errorf("audit lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = run(t, "user", "list", db)
	if !strings.Contains(out, "kiri   liaison  NZL      disabled") {
		t.Errorf("user list: %q", out)
	}
}

// writeToken adds a staff account to the store at db (made and loaded with
// the default dataset if need be) and returns an API token for it with the
// write scope, as an operator would with the CLI.
func writeToken(t *testing.T, db string) string {
	t.Helper()
	const pw = "correct horse battery staple"
	if _, errOut, code := runIn(t, pw+"\n", "user", "add", "writer", "--role", "staff", "--password-stdin", "--db", db); code != 0 {
		t.Fatalf("user add: exit %d: %s", code, errOut)
	}
	out, errOut, code := run(t, "token", "create", "--user", "writer", "--scope", "write", "--db", db)
	if code != 0 {
		t.Fatalf("token create: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}
