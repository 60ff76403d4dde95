package store_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/store"
)

func TestOpen(t *testing.T) {
	tests := []struct {
		name    string
		dsn     string
		code    string // "" for success
		message string // part of the error message
	}{
		{"SQLiteFile", filepath.Join(t.TempDir(), "entente.db"), "", ""},
		{"Postgres", "postgres://127.0.0.1:1/x", entente.EUNAVAILABLE, "PostgreSQL at 127.0.0.1:1"},
		{"PostgreSQL", "postgresql://127.0.0.1:1/x", entente.EUNAVAILABLE, "PostgreSQL at 127.0.0.1:1"},
		{"SQLiteBadPath", filepath.Join(t.TempDir(), "missing", "entente.db"), entente.EUNAVAILABLE, "SQLite"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := store.Open(t.Context(), tt.dsn)
			if got := entente.ErrorCode(err); got != tt.code {
				t.Fatalf("Open(%q): code %q (%v), want %q", tt.dsn, got, err, tt.code)
			}
			if err != nil {
				if s != nil {
					t.Errorf("Open(%q) failed but returned a store %#v, want nil", tt.dsn, s)
				}
				if msg := entente.ErrorMessage(err); !strings.Contains(msg, tt.message) {
					t.Errorf("Open(%q): message %q, want it to contain %q", tt.dsn, msg, tt.message)
				}
				return
			}
			defer s.Close()
			if err := s.Ping(t.Context()); err != nil {
				t.Errorf("Ping: %v", err)
			}
		})
	}
}
