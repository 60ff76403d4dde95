package main

import (
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/entente/entente"
)

// TestReadOnlyFile: an SQLite file the process may not write. A command
// that writes exits 1 with a message naming the read-only file, one that
// reads works; serve starts, warns that it serves read-only, answers reads
// and answers a write 503 naming the read-only file; the file passes its
// integrity check after. As root, where no file is read-only, the commands
// run as the user nobody.
func TestReadOnlyFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "e.db")
	if _, stderr, code := run(t, "members", "NATO", "--db", db); code != 0 {
		t.Fatalf("loading the default dataset: %s", stderr)
	}
	token := writeToken(t, db)
	bin := os.Args[0]
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		// nobody needs to reach the file and to run the test binary.
		for _, d := range []string{filepath.Dir(dir), dir} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		b, err := os.ReadFile(os.Args[0])
		if err != nil {
			t.Fatal(err)
		}
		bin = filepath.Join(dir, "entente.test")
		if err := os.WriteFile(bin, b, 0o755); err != nil {
			t.Fatal(err)
		}
		cred = &syscall.Credential{Uid: 65534, Gid: 65534}
	}
	// The directory stays writable (SQLite keeps its -wal and -shm files
	// there); the database file is read-only.
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	command := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "ENTENTE_TEST_RUN_MAIN=1")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		return cmd
	}
	const readOnly = "the database file " // ... is read-only
	out, err := command("accession", "apply", "NATO", "UKR", "--db", db).CombinedOutput()
	if code := exitCode(err); code != exitRefused || !strings.Contains(string(out), readOnly+db+" is read-only") {
		t.Errorf("accession apply on a read-only file: exit %d, %s; want 1 naming the read-only file", code, out)
	}
	out, err = command("members", "NATO", "--db", db).CombinedOutput()
	if code := exitCode(err); code != 0 || !strings.Contains(string(out), "32 members") {
		t.Errorf("members on a read-only file: exit %d, %s; want the members", code, out)
	}

	c := startCmd(t, command("serve", "--addr", "127.0.0.1:0", "--db", db))
	base := "http://" + c.addr
	if !strings.Contains(c.stderr.String(), "serving read-only") {
		t.Errorf("serve on a read-only file does not warn:\n%s", c.stderr)
	}
	req, err := http.NewRequest("POST", base+"/api/v1/activities",
		strings.NewReader(`{"programme": "NZL-ITPP-2024", "title": "Talks", "kind": "staff-talks"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var p struct{ Code, Detail string }
	json.NewDecoder(res.Body).Decode(&p)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || p.Code != entente.EUNAVAILABLE || !strings.Contains(p.Detail, "is read-only") {
		t.Errorf("POST to a read-only file: %d %+v, want 503 naming the read-only file", res.StatusCode, p)
	}
	res, err = http.Get(base + "/api/v1/alliances/NATO/members")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET from a read-only file: %d, want 200", res.StatusCode)
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	if code := c.exit(t); code != 0 {
		t.Errorf("serve exit status %d, want 0:\n%s", code, c.stderr)
	}

	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var check string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q %v", check, err)
	}
}

// exitCode is the exit status err (from exec.Cmd) reports; 0 for nil.
func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
