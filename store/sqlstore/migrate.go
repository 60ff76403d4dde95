package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"io/fs"
	"path"
	"slices"
	"strings"
	"text/template"

	"github.com/entente/entente"
)

// migrations are the schema's history, one file per step, applied in name
// order. A file is a text/template rendered with the dialect's tokens, so
// both engines share it; a step that cannot be written portably would get
// twin files instead. Applied files must never change: add a new one.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrate applies the migrations not yet recorded in schema_migrations, each
// in its own transaction with its record, so a failed step leaves the schema
// as the previous step left it and the next start retries it.
//
// This is a plain runner rather than a migration library: with templated
// files and one ordered list it is a few dozen lines, and it runs on the same
// *sql.DB, driver and error mapping as everything else.
func (s *Store) migrate(ctx context.Context) error {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return s.d.wrap("list migrations", err)
	}
	slices.Sort(files)
	if s.migrated(ctx, files) {
		return nil
	}
	err = s.locked(ctx, "create schema_migrations", func(sqlTx *sql.Tx) error {
		_, err := sqlTx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			name       TEXT PRIMARY KEY,
			applied_at `+s.d.Timestamp+` NOT NULL
		)`)
		return err
	})
	if err != nil {
		return err
	}
	// A step in Go may write many rows (0025 counts every activity):
	// once they are written the database's statistics are refreshed, as
	// after an import, or the first queries on them are planned blind.
	stepped := false
	for _, file := range files {
		name := path.Base(file)
		text, err := s.render(file)
		if err != nil {
			return s.d.wrap("migration "+name, err)
		}
		// The check runs inside the locked transaction, so two processes
		// opening a new database at once do not both apply a migration.
		err = s.locked(ctx, "migration "+name, func(sqlTx *sql.Tx) error {
			var applied bool
			err := sqlTx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)`, name).Scan(&applied)
			if err != nil || applied {
				return err
			}
			if _, err := sqlTx.ExecContext(ctx, text); err != nil {
				return err
			}
			if step := goSteps[name]; step != nil {
				if err := step(ctx, &tx{reader: reader{q: sqlTx, d: s.d}, now: s.now}); err != nil {
					return err
				}
				stepped = true
			}
			_, err = sqlTx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, name, s.now().UTC())
			return err
		})
		if err != nil {
			return err
		}
	}
	if stepped {
		return s.Analyze(ctx)
	}
	return nil
}

// migrated reports whether every migration in files is recorded as applied,
// read without a lock: a store opened on an up-to-date database (every
// command of the CLI, a backup while a server writes) then takes no write
// lock at all, where each migration's check took it in turn and could wait
// out the busy timeout behind a busy writer. Any doubt (no table yet, an
// error) answers false, and migrate checks again under the lock.
func (s *Store) migrated(ctx context.Context, files []string) bool {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return false
	}
	defer rows.Close()
	applied := map[string]bool{}
	for rows.Next() {
		var name sql.NullString
		if err := rows.Scan(&name); err != nil {
			return false
		}
		applied[name.String] = true
	}
	if rows.Err() != nil {
		return false
	}
	for _, f := range files {
		if !applied[path.Base(f)] {
			return false
		}
	}
	return true
}

// goSteps are migration steps written in Go, each run after the SQL file it
// is named by, in the same transaction: what SQL alone cannot do portably.
var goSteps = map[string]func(context.Context, *tx) error{
	"0009_audit_chain.sql":         func(ctx context.Context, t *tx) error { return sealAuditEvents(ctx, t.q) },
	"0025_activity_tally_rows.sql": fillTally,
}

// locked runs fn in a transaction holding the dialect's exclusive lock and
// commits it if fn returns nil.
func (s *Store) locked(ctx context.Context, op string, fn func(*sql.Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.d.wrap(op, err)
	}
	defer sqlTx.Rollback()
	if s.d.ExclusiveLock != "" {
		if _, err := sqlTx.ExecContext(ctx, s.d.ExclusiveLock); err != nil {
			return s.d.wrap(op, err)
		}
	}
	if err := fn(sqlTx); err != nil {
		return s.d.wrap(op, err)
	}
	return s.d.wrap(op, sqlTx.Commit())
}

// render expands a migration template with the dialect's schema tokens.
func (s *Store) render(file string) (string, error) {
	src, err := migrations.ReadFile(file)
	if err != nil {
		return "", err
	}
	funcs := template.FuncMap{
		"bool":      func() string { return s.d.Bool },
		"autoid":    func() string { return s.d.AutoID },
		"timestamp": func() string { return s.d.Timestamp },
		"engine":    func() string { return s.d.Name },
		"binary":    func() string { return s.d.Binary },
		"zerohash":  func() string { return entente.ZeroHash },
		// dict makes a map of its key, value pairs, for a template
		// called once per table with that table's expressions.
		"dict": func(kv ...string) map[string]string {
			m := map[string]string{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i]] = kv[i+1]
			}
			return m
		},
		// row puts a row's name in an expression written with "@." for
		// it: row "NEW" "@.title" is NEW.title.
		"row": func(name, expr string) string { return strings.ReplaceAll(expr, "@.", name+".") },
	}
	tpl, err := template.New(path.Base(file)).Funcs(funcs).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := tpl.Execute(&b, nil); err != nil {
		return "", err
	}
	return b.String(), nil
}
