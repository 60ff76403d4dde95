package sqlite

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestFull: a write that finds the database full (SQLITE_FULL: a full disk,
// here the file's size limit, PRAGMA max_page_count) answered an internal
// error, "database or disk is full" (issue 8). It is EUNAVAILABLE saying the
// database file is full and nothing was written; every write acknowledged
// before is kept, none after, and the file passes its integrity check. Once
// there is room again, writes succeed.
func TestFull(t *testing.T) {
	ctx := entente.WithPrincipal(t.Context(), entente.Operator("test"))
	path := filepath.Join(t.TempDir(), "e.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := service.New(st).LoadDefault(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var pages int
	if err := raw.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}

	st, err = Open(ctx, path, func(c *config) { c.pragmas = append(c.pragmas, fmt.Sprintf("max_page_count(%d)", pages+2)) })
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(st)
	const prefix = "Talks to fill the file"
	acked := 0
	for i := range 5000 {
		_, err = svc.ProposeActivity(ctx, service.ProposeRequest{Programme: "NZL-ITPP-2024",
			Title: fmt.Sprintf("%s %04d %s", prefix, i, strings.Repeat("x", 200)), Kind: "staff-talks"})
		if err != nil {
			break
		}
		acked++
	}
	if err == nil {
		t.Fatal("5000 proposals fitted: the file never got full")
	}
	if entente.ErrorCode(err) != entente.EUNAVAILABLE || !strings.Contains(entente.ErrorMessage(err), "the database file "+path+" is full") {
		t.Errorf("write to a full database: %v (code %s), want unavailable saying the database file is full", err, entente.ErrorCode(err))
	}
	st.Close()

	var stored int
	if err := raw.QueryRow("SELECT count(*) FROM activities WHERE title LIKE $1", prefix+"%").Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != acked {
		t.Errorf("%d proposals acknowledged, %d stored", acked, stored)
	}
	var check string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check after the full write: %q %v", check, err)
	}

	st, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := service.New(st).ProposeActivity(ctx, service.ProposeRequest{Programme: "NZL-ITPP-2024",
		Title: prefix + " with room again", Kind: "staff-talks"}); err != nil {
		t.Errorf("with room again: %v", err)
	}
}
