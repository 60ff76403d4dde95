package main

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// child is `entente serve` running as a process of its own (the test
// binary, see TestMain), with its log lines as they come.
type child struct {
	cmd  *exec.Cmd
	addr string
	log  chan string
	done chan error
	// stderr is everything the child wrote so far.
	stderr *lockedBuf
}

// lockedBuf is a strings.Builder safe for one writer and other readers.
type lockedBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuf) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s + "\n")
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startChild runs `entente serve --db db args...` as a child process on a
// random port and returns once it listens.
func startChild(t *testing.T, db string, args ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, args...)...)
	return startCmd(t, cmd)
}

// startCmd starts cmd, a serve command of the test binary, and returns once
// it listens.
func startCmd(t *testing.T, cmd *exec.Cmd) *child {
	t.Helper()
	cmd.Env = append(os.Environ(), "ENTENTE_TEST_RUN_MAIN=1")
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, log: make(chan string, 100), done: make(chan error, 1), stderr: &lockedBuf{}}
	t.Cleanup(func() { cmd.Process.Kill() })
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			c.stderr.add(sc.Text())
			select {
			case c.log <- sc.Text():
			default:
			}
		}
		c.done <- cmd.Wait()
	}()
	if line := c.await(t, "listening"); line != "" {
		var rec struct{ Addr string }
		json.Unmarshal([]byte(line), &rec)
		c.addr = rec.Addr
	}
	return c
}

// await waits for a log line whose message is msg, and returns it.
func (c *child) await(t *testing.T, msg string) string {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case line := <-c.log:
			var rec struct{ Msg string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == msg {
				return line
			}
		case err := <-c.done:
			c.done <- err
			t.Fatalf("serve exited (%v) before logging %q:\n%s", err, msg, c.stderr)
			return ""
		case <-timeout:
			t.Fatalf("serve did not log %q", msg)
			return ""
		}
	}
}

// exit waits for the child to exit and returns its status.
func (c *child) exit(t *testing.T) int {
	t.Helper()
	select {
	case <-c.done:
		return c.cmd.ProcessState.ExitCode()
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not exit")
		return -1
	}
}

// slowPost sends a POST of body to c's address, all but its last byte, and
// returns the connection and the last byte still to send.
func slowPost(t *testing.T, addr, path, token, body string) (net.Conn, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		path, addr, token, len(body), body[:len(body)-1])
	return conn, body[len(body)-1:]
}

// TestShutdownLetsRequestsFinish: SIGTERM while a request is in progress
// (its body still arriving). New connections are refused at once; the
// request then completes and is answered 201, the process exits 0, and
// the write it acknowledged is in the database.
func TestShutdownLetsRequestsFinish(t *testing.T) {
	db := filepath.Join(t.TempDir(), "e.db")
	token := writeToken(t, db)
	c := startChild(t, db, "--shutdown-timeout", "30s")
	const title = "Talks proposed while shutting down"
	conn, last := slowPost(t, c.addr, "/api/v1/activities", token,
		`{"programme": "NZL-ITPP-2024", "title": "`+title+`", "kind": "staff-talks", "date": "2025-01-10"}`)
	time.Sleep(200 * time.Millisecond) // the server has read the headers: the request is in progress
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	c.await(t, "shutting down")
	refused := false
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		other, err := net.DialTimeout("tcp", c.addr, time.Second)
		if err != nil {
			refused = true
			break
		}
		other.Close()
	}
	if !refused {
		t.Error("new connections are still accepted after SIGTERM")
	}
	if _, err := io.WriteString(conn, last); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in progress got no answer: %v\n%s", err, c.stderr)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Errorf("the request in progress: %d %s, want 201", res.StatusCode, b)
	}
	if code := c.exit(t); code != 0 {
		t.Errorf("exit status %d, want 0:\n%s", code, c.stderr)
	}
	sdb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	var n int
	if err := sdb.QueryRow(`SELECT count(*) FROM activities WHERE title = $1`, title).Scan(&n); err != nil || n != 1 {
		t.Errorf("the acknowledged activity after shutdown: %d stored (%v), want 1", n, err)
	}
}

// TestShutdownTimeout: a request still in progress when --shutdown-timeout
// runs out is cut off, and serve exits 130 (interrupted) saying so.
func TestShutdownTimeout(t *testing.T) {
	db := filepath.Join(t.TempDir(), "e.db")
	token := writeToken(t, db)
	c := startChild(t, db, "--shutdown-timeout", "500ms")
	slowPost(t, c.addr, "/api/v1/activities", token, `{"programme": "NZL-ITPP-2024", "title": "Never finished"}`)
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code := c.exit(t)
	if took := time.Since(start); code != exitInterrupted || !strings.Contains(c.stderr.String(), "cut off") || took > 10*time.Second {
		t.Errorf("exit %d after %v, want 130 after about 500ms, saying requests were cut off:\n%s", code, took, c.stderr)
	}
}
