// Package pgtest gives tests a PostgreSQL database of their own: a fresh
// schema in the server named by ENTENTE_TEST_POSTGRES, dropped when the test
// ends. Without that variable the tests skip, naming it.
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Var is the environment variable holding the test server's URL.
const Var = "ENTENTE_TEST_POSTGRES"

// URL returns the PostgreSQL URL to test against, or skips t.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(Var)
	if u == "" {
		t.Skip("set " + Var + "=postgres://... to run the PostgreSQL tests (.ci/run does)")
	}
	return u
}

// Schema creates a schema of its own for t in the server at base, dropped
// when t ends, and returns base with search_path set to it, so tests neither
// see each other's data nor leave any behind.
func Schema(t testing.TB, base string) string {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("sql.Open(%s): %v", base, err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 8)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("CREATE SCHEMA: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("DROP SCHEMA %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("url.Parse(%s): %v", base, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// New returns a fresh schema's URL, or skips t.
func New(t testing.TB) string {
	t.Helper()
	return Schema(t, URL(t))
}
