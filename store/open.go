// Package store opens the entente store a data source name points at. The
// implementations live in its sub-packages: sqlstore holds the SQL both
// engines share, sqlite and postgres what each adds, and storetest the suite
// both must pass.
package store

import (
	"context"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/store/postgres"
	"github.com/entente/entente/store/sqlite"
	"github.com/entente/entente/store/sqlstore"
)

// Open opens the store dsn names: a postgres:// or postgresql:// URL opens
// PostgreSQL, anything else is the path of an SQLite database file (created
// if missing). One string picks the engine so that each command needs one
// flag, and the zero-setup default is a file name.
func Open(ctx context.Context, dsn string) (entente.Store, error) {
	var s *sqlstore.Store
	var err error
	if IsPostgres(dsn) {
		s, err = postgres.Open(ctx, dsn)
	} else {
		s, err = sqlite.Open(ctx, dsn)
	}
	if err != nil {
		// Not s: a nil *Store in an interface is not a nil interface.
		return nil, err
	}
	return s, nil
}

// IsPostgres reports whether dsn names a PostgreSQL database rather than an
// SQLite file.
func IsPostgres(dsn string) bool {
	lower := strings.ToLower(dsn)
	return strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://")
}
