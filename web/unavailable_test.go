package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store/sqlite"
	"github.com/entente/entente/web"
)

// TestBusyIs503 checks that a write finding the SQLite database locked by
// another process answers 503 with Retry-After and the unavailable code,
// never a bare "database is locked" nor a 500.
func TestBusyIs503(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "entente.db")
	st, err := sqlite.Open(ctx, path, sqlite.BusyTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := service.New(st)
	if _, err := svc.LoadDefault(operator(t)); err != nil {
		t.Fatal(err)
	}
	srv := serveWith(t, svc, web.Config{})
	token := staffToken(t, svc)

	// Another process holds the write lock.
	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.ExecContext(context.Background(), "ROLLBACK") })

	body := `{"programme": "NZL-ITPP-2024", "title": "Staff talks"}`
	res, err := post(srv.URL+"/api/v1/activities", token, "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("POST while another process writes: status %d, want 503", res.StatusCode)
	}
	if ra := res.Header.Get("Retry-After"); ra == "" || strings.Trim(ra, "0123456789") != "" {
		t.Errorf("Retry-After = %q, want a number of seconds", ra)
	}
	var p web.Problem
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if p.Code != entente.EUNAVAILABLE || !strings.Contains(p.Detail, "locked by another process") {
		t.Errorf("problem %+v, want code %q saying the database is locked by another process", p, entente.EUNAVAILABLE)
	}
}
