package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/entente/entente"
	"github.com/entente/entente/dataset"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
	"github.com/entente/entente/store/sqlite"
)

func init() {
	commands = append(commands, &command{
		name:    "backup",
		uses:    []string{flagQuiet},
		summary: "copy the whole store into a new file while it is in use",
		usage:   "FILE",
		help: `
Makes a consistent copy of the store as it stood at one moment, without
stopping a server that is using it: writes made meanwhile are not in the
copy, and none is held up for long.

On SQLite the copy is an SQLite database (VACUUM INTO), complete: records,
accounts, API tokens and the audit trail. On PostgreSQL it is a snapshot
export, the JSON document 'entente export' writes, read in one transaction:
every record with its sources, but not the accounts or the audit trail (copy
those with PostgreSQL's own tools, such as pg_dump). Either kind is brought
back with 'entente restore'.

FILE must not exist: a backup never overwrites one. It appears whole or not
at all. A progress bar is drawn when standard error is a terminal (--quiet
hides it).

Examples:
  entente backup backups/entente-2026-12-06.db
  entente backup nato.json --db postgres://localhost/entente`,
		run:         runBackup,
		interrupted: "no backup was written",
	}, &command{
		name:    "restore",
		uses:    []string{flagQuiet},
		summary: "bring a store back from a backup",
		usage:   "FILE [--replace]",
		help: `
Restores the store named by --db from FILE, a backup (an SQLite database
from 'entente backup') or an export (a JSON document from 'entente backup'
on PostgreSQL or 'entente export').

Into an SQLite file: the backup is copied beside it, brought up to this
version's schema and checked (SQLite's integrity check and the audit
chain) before it takes the file's place, so a bad backup or an interrupted
restore leaves the database as it was. A database that exists is replaced
only with --replace; stop any server using it first (one left running
answers 503 until it is restarted, as its file was replaced).

Into PostgreSQL: the database must be empty (make a new one); entente never
clears a PostgreSQL database, whose audit trail is append-only. An SQLite
backup's records are copied in; its accounts and audit trail stay in the
backup file.

Examples:
  entente restore backups/entente-2026-12-06.db --db entente.db --replace
  entente restore nato.json --db postgres://localhost/entente_restored`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.BoolVar(&o.force, "replace", false, "replace an SQLite database that exists")
		},
		run:         runRestore,
		interrupted: "nothing was restored: the database is as it was",
	})
}

func runBackup(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want one FILE to write the backup to, got %d arguments", len(args))
	}
	path := args[0]
	if _, err := os.Lstat(path); err == nil {
		return entente.Errorf(entente.EINVALID, "backup file %s already exists: name a new file (a backup never overwrites one)", path)
	}
	if err := e.open(ctx, false); err != nil {
		return err
	}
	m := e.meter("backing up", "", true)
	err := e.svc.BackupFile(ctx, path, m.set)
	m.finish(err)
	if errors.Is(err, entente.ErrNoFileBackup) {
		e.opts.out = path
		n, err := e.export(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "backed up %s to %s as a snapshot export (no accounts or audit trail)\n", n, path)
		return nil
	}
	if err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return entente.Errorf(entente.EINTERNAL, "backup %s: %v", path, err)
	}
	fmt.Fprintf(e.stderr, "backed up the whole database to %s (%d bytes, an SQLite database)\n", path, fi.Size())
	return nil
}

func runRestore(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want one backup FILE, got %d arguments", len(args))
	}
	from, to, replace := args[0], e.opts.db, e.opts.force
	isDB, err := sqlite.IsDatabase(from)
	if err != nil {
		return entente.Errorf(entente.EINVALID, "cannot read the backup: %v", err)
	}
	if store.IsPostgres(to) {
		if replace {
			return usagef("--replace is for an SQLite database file: restore into an empty PostgreSQL database (entente never clears one, as its audit trail is append-only)")
		}
		n, err := e.restoreRecords(ctx, from, isDB)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "restored %s from %s\n", n, from)
		return nil
	}
	if isDB {
		m := e.meter("restoring", "", true)
		res, err := sqlite.Restore(ctx, from, to, replace, m.set)
		m.finish(err)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "restored %s from %s (%d bytes; the audit chain of %d events holds)\n", to, from, res.Bytes, res.AuditEvents)
		return nil
	}
	// An export into an SQLite file: imported into a new file beside it,
	// which then takes its place as a backup would.
	if _, err := os.Lstat(to); err == nil && !replace {
		return entente.Errorf(entente.ECONFLICT, "database %s already exists: restore into a new path, or give --replace to replace it (stop any server using it first)", to)
	}
	dir, err := os.MkdirTemp(filepath.Dir(to), ".restore-")
	if err != nil {
		return entente.Errorf(entente.EINVALID, "database %s: %v", to, err)
	}
	defer os.RemoveAll(dir)
	e.opts.db = filepath.Join(dir, "restore.db")
	n, err := e.restoreRecords(ctx, from, false)
	if err != nil {
		return err
	}
	e.st.Close()
	e.st = nil
	if _, err := sqlite.Restore(ctx, e.opts.db, to, replace, nil); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "restored %s from %s into %s\n", n, from, to)
	return nil
}

// restoreRecords opens the store --db names, which must be empty, and
// imports the records of the backup at from into it: an export read as
// import reads one, or, if isDB, an SQLite backup's records, exported from a
// copy of it (opening the backup itself would change it) and imported as
// they are read.
func (e *env) restoreRecords(ctx context.Context, from string, isDB bool) (counts, error) {
	if err := e.open(ctx, false); err != nil {
		return counts{}, err
	}
	if !isDB {
		return e.importFile(ctx, from)
	}
	dir, err := os.MkdirTemp("", "entente-restore-")
	if err != nil {
		return counts{}, entente.Errorf(entente.EUNAVAILABLE, "restore: %v", err)
	}
	defer os.RemoveAll(dir)
	// Restored into a file of its own first: a copy, checked as any
	// restore is.
	copyPath := filepath.Join(dir, "backup.db")
	m := e.meter("checking the backup", "", true)
	_, err = sqlite.Restore(ctx, from, copyPath, false, m.set)
	m.finish(err)
	if err != nil {
		return counts{}, err
	}
	src, err := sqlite.Open(ctx, copyPath)
	if err != nil {
		return counts{}, err
	}
	defer src.Close()
	// The backup's records go through the export's JSON, read back as an
	// import reads a file: checked the same way, and each record the
	// import holds is its own, not one the export reuses.
	pr, pw := io.Pipe()
	go func() {
		jw := dataset.NewJSONWriter(pw)
		err := service.New(src).ExportStream(ctx, jw.Base, jw.Activity)
		if err == nil {
			err = jw.Close()
		}
		pw.CloseWithError(err)
	}()
	defer pr.Close()
	return e.importReader(ctx, from, pr, -1)
}
