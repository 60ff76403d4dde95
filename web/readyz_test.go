package web_test

import (
	"database/sql"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
	"github.com/entente/entente/web"
)

// checkReady GETs /readyz and checks that it answers 200, or, if !ready,
// 503 with Retry-After and the unavailable problem whose detail holds want.
func checkReady(t *testing.T, base string, ready bool, want string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/readyz", nil)
	req.Header.Set("Accept", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if ready {
		if res.StatusCode != http.StatusOK {
			t.Errorf("/readyz: %d %s, want 200", res.StatusCode, b)
		}
		return
	}
	var p web.Problem
	json.Unmarshal(b, &p)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
		p.Code != entente.EUNAVAILABLE || !strings.Contains(p.Detail, want) {
		t.Errorf("/readyz: %d, Retry-After %q, %s; want 503 with Retry-After, code unavailable, saying %q",
			res.StatusCode, res.Header.Get("Retry-After"), b, want)
	}
}

// TestReadyzSQLite: /readyz answered 200 while the SQLite database could
// not be used: the store closed (a 500, "sql: database is closed"), or
// its file removed with its directory (200: the open connections still read
// the unlinked file, where every write would be lost). Both are a 503 now.
func TestReadyzSQLite(t *testing.T) {
	t.Run("closed", func(t *testing.T) {
		st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "e.db"))
		if err != nil {
			t.Fatal(err)
		}
		srv := serveWith(t, service.New(st), web.Config{})
		checkReady(t, srv.URL, true, "")
		st.Close()
		checkReady(t, srv.URL, false, "closed")
	})
	t.Run("removed", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data")
		os.Mkdir(dir, 0o755)
		svc := openService(t, filepath.Join(dir, "e.db"))
		srv := serveWith(t, svc, web.Config{})
		checkReady(t, srv.URL, true, "")
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		checkReady(t, srv.URL, false, "was removed")
	})
	t.Run("replaced", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "e.db")
		svc := openService(t, path)
		srv := serveWith(t, svc, web.Config{})
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+".new", b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(path+".new", path); err != nil {
			t.Fatal(err)
		}
		checkReady(t, srv.URL, false, "replaced")
	})
}

// proxy forwards TCP connections to a server until closed, so a test can
// make the server unreachable and reachable again on the same address.
type proxy struct {
	t        *testing.T
	addr, to string
	mu       sync.Mutex
	ln       net.Listener
	conns    []net.Conn
}

func newProxy(t *testing.T, to string) *proxy {
	p := &proxy{t: t, addr: "127.0.0.1:0", to: to}
	p.open()
	p.addr = p.ln.Addr().String()
	t.Cleanup(p.close)
	return p
}

// open listens on p.addr and forwards what it accepts.
func (p *proxy) open() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.to)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

// close stops listening and cuts every connection: the server is gone.
func (p *proxy) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestReadyzPostgreSQL: /readyz answers 503 with Retry-After, naming the
// server, while PostgreSQL cannot be reached (its port closed and every
// connection cut), and 200 again, with pages served, once it can: the
// store reconnects by itself.
func TestReadyzPostgreSQL(t *testing.T) {
	u, err := url.Parse(pgtest.New(t))
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	u.Host = p.addr
	q := u.Query()
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()
	svc := openService(t, u.String())
	srv := serveWith(t, svc, web.Config{NoCache: true})
	checkReady(t, srv.URL, true, "")
	p.close()
	checkReady(t, srv.URL, false, "PostgreSQL at "+p.addr)
	p.open()
	checkReady(t, srv.URL, true, "")
	if code, _ := getBody(t, srv.URL+"/api/v1/alliances/NATO"); code != http.StatusOK {
		t.Errorf("GET after PostgreSQL came back: %d, want 200", code)
	}
}

// TestPostgresReconnect: PostgreSQL ends the store's connections
// (pg_terminate_backend, as a restart or an administrator does); requests
// go on being served without a restart of entente: none answers other than
// 200 or 503 with Retry-After, and after that wait they answer 200.
func TestPostgresReconnect(t *testing.T) {
	base := pgtest.New(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	app := "entente_reconnect_" + strings.TrimPrefix(u.Query().Get("search_path"), "t_")
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	svc := openService(t, u.String())
	srv := serveWith(t, svc, web.Config{NoCache: true})
	for range 3 {
		if code, body := getBody(t, srv.URL+"/api/v1/alliances/NATO"); code != http.StatusOK {
			t.Fatalf("before: %d %s", code, body)
		}
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var n int
	err = admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&n)
	if err != nil || n == 0 {
		t.Fatalf("terminated %d backends (%v), want some", n, err)
	}
	failed := 0
	for i := range 5 {
		code, body := getBody(t, srv.URL+"/api/v1/alliances/NATO")
		switch code {
		case http.StatusOK:
		case http.StatusServiceUnavailable:
			failed++
		default:
			t.Errorf("request %d after the backends were terminated: %d %s", i, code, body)
		}
	}
	t.Logf("%d of 5 requests right after pg_terminate_backend answered 503", failed)
	time.Sleep(2 * time.Second) // Retry-After
	for i := range 3 {
		if code, body := getBody(t, srv.URL+"/api/v1/alliances/NATO"); code != http.StatusOK {
			t.Errorf("request %d after Retry-After: %d %s, want 200", i, code, body)
		}
	}
	checkReady(t, srv.URL, true, "")
}

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
