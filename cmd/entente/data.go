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
)

func init() {
	commands = append(commands, &command{
		name:    "export",
		summary: "write the whole store as one JSON document",
		usage:   "[--out FILE]",
		help: `
The document holds every record with its sources, in a canonical order:
exporting, importing into an empty store and exporting again gives identical
bytes. The audit log is the store's own history and is not exported. The
document is written as the store is read, one activity at a time, from one
snapshot; a file given with --out appears whole or not at all.

Examples:
  entente export --out nato.json
  entente export --db postgres://localhost/entente > nato.json`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.out, "out", "", "write to FILE instead of standard output")
		},
		run:         runExport,
		interrupted: "no --out file was written (a document on standard output is incomplete)",
	}, &command{
		name:    "import",
		uses:    []string{flagAs},
		summary: "load a JSON document (from export) into an empty store, all or nothing",
		usage:   "FILE",
		help: `
The store must be empty: import refuses a store holding data. Every problem
in the file is reported as FILE:LINE: field: what is wrong, and nothing is
written unless the whole file is good.

The file is read, checked and written as it goes, so memory does not grow
with its activities; it is one transaction all the same, and an interrupted
import (Ctrl-C) is rolled back. The activities must come after every other
section but the reviews, as export writes them.

Examples:
  entente import nato.json --db fresh.db
  entente import nato.json --db postgres://localhost/entente`,
		run:         runImport,
		interrupted: "nothing was imported: the import is one transaction, rolled back",
	})
}

func runExport(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("export takes no arguments; use --out FILE to write a file")
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	// The document is written as the store is read, one activity at a
	// time, so memory does not grow with the activities.
	var n counts
	err := e.emitStream(func(w io.Writer) error {
		jw := dataset.NewJSONWriter(w)
		err := e.svc.ExportStream(ctx, func(ds *entente.Dataset) error {
			n.add(ds)
			return jw.Base(ds)
		}, func(a *entente.Activity) error {
			n.activities++
			return jw.Activity(a)
		})
		if err != nil {
			return err
		}
		return jw.Close()
	})
	if err != nil {
		return err
	}
	if e.opts.out != "" {
		fmt.Fprintf(e.stderr, "exported %s to %s\n", n, e.opts.out)
	}
	return nil
}

func runImport(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want one FILE, got %d arguments", len(args))
	}
	f, err := os.Open(args[0])
	if err != nil {
		return entente.Errorf(entente.EINVALID, "%v", err)
	}
	defer f.Close()
	if err := e.open(ctx, false); err != nil {
		return err
	}
	// The file is read, checked and written as it goes, in one
	// transaction: a problem anywhere rolls back what was written.
	var n counts
	err = e.svc.ImportStream(ctx, "import "+filepath.Base(args[0]), func(ctx context.Context, add func(*entente.Dataset) error) error {
		err := dataset.StreamJSON(ctx, args[0], f, func(part *entente.Dataset) error {
			n.add(part)
			return add(part)
		})
		if err != nil && !errors.As(err, new(*entente.Error)) && ctx.Err() == nil {
			// The file's problems (a *dataset.ParseError) or a read error.
			return entente.Errorf(entente.EINVALID, "%v", err)
		}
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "imported %s from %s\n", n, args[0])
	return nil
}

// counts are what an import or export reports having moved.
type counts struct {
	countries, memberships, programmes, sources, activities int
}

func (n *counts) add(ds *entente.Dataset) {
	n.countries += len(ds.Countries)
	n.memberships += len(ds.Memberships)
	n.programmes += len(ds.Programmes)
	n.sources += len(ds.Sources)
	n.activities += len(ds.Activities)
}

func (n counts) String() string {
	return fmt.Sprintf("%d countries, %d memberships, %d programmes, %d activities, %d sources",
		n.countries, n.memberships, n.programmes, n.activities, n.sources)
}
