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
		uses:    []string{flagQuiet},
		summary: "write the whole store as one JSON document",
		usage:   "[--out FILE]",
		help: `
The document holds every record with its sources, in a canonical order:
exporting, importing into an empty store and exporting again gives identical
bytes. The audit log is the store's own history and is not exported. The
document is written as the store is read, one activity at a time, from one
snapshot; a file given with --out appears whole or not at all. A progress
bar is drawn when standard error is a terminal (--quiet hides it).

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
		uses:    []string{flagAs, flagQuiet},
		summary: "load a JSON document (from export) into an empty store, all or nothing",
		usage:   "FILE",
		help: `
The store must be empty: import refuses a store holding data. Every problem
in the file is reported as FILE:LINE: field: what is wrong, and nothing is
written unless the whole file is good.

The file is read, checked and written as it goes, so memory does not grow
with its activities; it is one transaction all the same, and an interrupted
import (Ctrl-C) is rolled back. The activities must come after every other
section but the reviews, as export writes them. A progress bar is drawn when
standard error is a terminal (--quiet hides it).

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
	n, err := e.export(ctx)
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
	if _, err := os.Stat(args[0]); err != nil {
		return entente.Errorf(entente.EINVALID, "%v", err)
	}
	if err := e.open(ctx, false); err != nil {
		return err
	}
	n, err := e.importFile(ctx, args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "imported %s from %s\n", n, args[0])
	return nil
}

// importFile imports the JSON document at path into the open store, which
// must be empty.
func (e *env) importFile(ctx context.Context, path string) (counts, error) {
	f, err := os.Open(path)
	if err != nil {
		return counts{}, entente.Errorf(entente.EINVALID, "%v", err)
	}
	defer f.Close()
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return e.importReader(ctx, path, f, size)
}

// importReader imports the JSON document r reads (size bytes, -1 if not
// known; name is how problems name it) into the open store, which must be
// empty. The document is read, checked and written as it goes, in one
// transaction: a problem anywhere rolls back what was written.
func (e *env) importReader(ctx context.Context, name string, r io.Reader, size int64) (counts, error) {
	var n counts
	in := &readMeter{r: r, m: e.meter("importing", "", true), total: size}
	err := e.svc.ImportStream(ctx, "import "+filepath.Base(name), func(ctx context.Context, add func(*entente.Dataset) error) error {
		err := dataset.StreamJSON(ctx, name, in, func(part *entente.Dataset) error {
			n.add(part)
			return add(part)
		})
		if err != nil && !errors.As(err, new(*entente.Error)) && ctx.Err() == nil {
			// The file's problems (a *dataset.ParseError) or a read error.
			return entente.Errorf(entente.EINVALID, "%v", err)
		}
		return err
	})
	in.m.finish(err)
	return n, err
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

// export writes the store as one JSON document to --out or standard
// output, as it is read, one activity at a time, so memory does not grow
// with the activities; a meter counts them (out of their total, for staff,
// who may count them all).
func (e *env) export(ctx context.Context) (counts, error) {
	var n counts
	m := e.meter("exporting", "activities", false)
	total := int64(-1)
	if t, err := e.svc.CountActivities(ctx); err == nil {
		total = int64(t)
	}
	err := e.emitStream(func(w io.Writer) error {
		jw := dataset.NewJSONWriter(w)
		err := e.svc.ExportStream(ctx, func(ds *entente.Dataset) error {
			n.add(ds)
			return jw.Base(ds)
		}, func(a *entente.Activity) error {
			n.activities++
			if n.activities%1024 == 0 {
				m.set(int64(n.activities), max(total, int64(n.activities)))
			}
			return jw.Activity(a)
		})
		if err != nil {
			return err
		}
		return jw.Close()
	})
	if err == nil {
		m.set(int64(n.activities), int64(n.activities))
	}
	m.finish(err)
	return n, err
}

// readMeter reports the bytes read through it to a meter.
type readMeter struct {
	r           io.Reader
	m           *meter
	done, total int64
}

func (r *readMeter) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.done += int64(n)
	r.m.set(r.done, r.total)
	return n, err
}
