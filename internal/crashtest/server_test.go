package crashtest

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/entente/entente/internal/pgtest"
)

// buildEntente builds ./cmd/entente into a directory of t's and returns the
// binary's path. `go test` puts its own go command first on PATH.
func buildEntente(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the harness builds the entente binary and needs the go command: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "entente")
	start := time.Now()
	out, err := exec.Command(gobin, "build", "-o", bin, "github.com/entente/entente/cmd/entente").CombinedOutput()
	if err != nil {
		t.Fatalf("go build ./cmd/entente: %v\n%s", err, out)
	}
	t.Logf("built %s in %v", bin, time.Since(start).Round(time.Millisecond))
	return bin
}

// apiToken makes a staff account in the database at dsn with the CLI and
// returns an API token for it with the write scope: every API write needs
// one.
func apiToken(t *testing.T, bin, dsn string) string {
	t.Helper()
	add := exec.Command(bin, "user", "add", "crash", "--role", "staff", "--password-stdin", "--db", dsn)
	add.Stdin = strings.NewReader("the crash harness's password\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("entente user add: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "token", "create", "--user", "crash", "--scope", "write", "--db", dsn).Output()
	if err != nil {
		t.Fatalf("entente token create: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}

// server is `entente serve` running as a child process.
type server struct {
	cmd  *exec.Cmd
	base string        // http://127.0.0.1:PORT
	done chan struct{} // closed when the process has exited
	err  error         // Wait's error, once done is closed
	logs *lockedBuffer // what it wrote to stderr and stdout
}

// lockedBuffer collects a child's output from a goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) WriteLine(line []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(line)
	b.buf.WriteByte('\n')
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// childEnv is this process's environment without ENTENTE_ variables, so
// that a developer's ENTENTE_DB or ENTENTE_ADDR cannot redirect the child:
// it gets its database and address as flags.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ENTENTE_") {
			env = append(env, kv)
		}
	}
	return env
}

// startServer runs `entente serve --db dsn` on a free port of 127.0.0.1 and
// waits for the line it logs once listening, which names the address. The
// process is killed when t ends, if it still runs.
func startServer(t *testing.T, bin, dsn string) *server {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	cmd.Env = childEnv()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		t.Fatalf("start entente serve: %v", err)
	}
	pw.Close()
	s := &server{cmd: cmd, done: make(chan struct{}), logs: &lockedBuffer{}}
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			cmd.Process.Kill()
			<-s.done
		}
	})
	addr := make(chan string, 1)
	go func() {
		defer pr.Close()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			s.logs.WriteLine(sc.Bytes())
			var rec struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "listening" && rec.Addr != "" {
				select {
				case addr <- rec.Addr:
				default:
				}
			}
		}
	}()
	select {
	case a := <-addr:
		s.base = "http://" + a
		return s
	case <-s.done:
		t.Fatalf("entente serve exited before listening (%v):\n%s", s.err, s.logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("entente serve did not log \"listening\" within 30 s:\n%s", s.logs)
	}
	return nil
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("SIGKILL: %v", err)
	}
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the server outlived SIGKILL by 10 s")
	}
}

// stop sends SIGTERM and checks the server shuts down in time with status 0.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-s.done:
		if s.err != nil {
			t.Errorf("entente serve after SIGTERM: %v, want exit status 0\n%s", s.err, s.logs)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("entente serve did not shut down within 20 s of SIGTERM")
	}
}

// engine is a database engine the trials run on. prepare readies it for
// the trials of t and returns fresh, which makes an empty database for one
// trial and returns the data source name `entente serve --db` takes.
type engine struct {
	name    string
	prepare func(t *testing.T) (fresh func(t *testing.T) string)
}

var engines = []engine{
	{"SQLite", func(*testing.T) func(*testing.T) string {
		return func(t *testing.T) string { return filepath.Join(t.TempDir(), "crash.db") }
	}},
	{"PostgreSQL", preparePostgres},
}

// preparePostgres creates a database of its own on the server
// ENTENTE_TEST_POSTGRES names, dropped when t ends, so that the trials'
// integrity checks (and the amcheck extension they install) touch nothing
// else; each trial gets a fresh schema in it. A role that may not create
// databases makes its schemas in the server's database.
func preparePostgres(t *testing.T) func(t *testing.T) string {
	t.Helper()
	base := pgtest.URL(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("sql.Open(%s): %v", base, err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 6)
	rand.Read(b)
	name := "entente_crash_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Logf("CREATE DATABASE refused (%v): the trials run in schemas of the database of %s", err, pgtest.Var)
		return func(t *testing.T) string { return pgtest.Schema(t, base) }
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("DROP DATABASE %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	db := u.String()
	return func(t *testing.T) string { return pgtest.Schema(t, db) }
}
