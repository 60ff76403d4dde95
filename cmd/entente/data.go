package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/dataset"
)

func init() {
	commands = append(commands, &command{
		name:    "export",
		uses:    []string{flagAsOf, flagQuiet},
		summary: "write the whole store as one JSON document, or an alliance in a research shape (COW, ATOP) or as CSV",
		usage:   "[--format json|cow|atop|csv] [--alliance CODE] [--as-of DATE] [--table member|dyad-year|activities] [--out FILE]",
		help: `
--format json (the default) writes the whole store as one JSON document, with
every record and its sources, in a canonical order: exporting, importing into
an empty store and exporting again gives identical bytes. The audit log is
the store's own history and is not exported. The document is written as the
store is read, one activity at a time, from one snapshot. It takes neither
--alliance, --as-of nor --table.

The other formats write one table of one alliance (--alliance CODE; default
the store's only alliance, or the first by code) as the record stood on the
--as-of day (default today), as CSV:

cow    the Correlates of War Formal Alliances v4.1 "by member" table
       (alliance_v4.1_by_member.csv's columns), one row a member; its only
       table is member
atop   ATOP's member-level table (--table member, the default: atopid,
       member, yrent, moent, dayent, yrexit, moexit, dayexit, defense, ...,
       consul) or its non-directed dyad-year table (--table dyad-year:
       dyad, mem1, mem2, year, atopally, defense, ..., consul; each pair
       once a year, mem1 the lower COW code, as ATOP writes it)
csv    entente's member list: alliance, country, name, founding, applied,
       invited, signed, acceded, notice, withdrawn, status, ccode (stable
       headers; new ones are only ever appended); or, with --table
       activities, every activity of the store (not only one alliance's,
       each with its status now, so without --alliance or --as-of), in
       the columns of the web's activities CSV (docs/csv.md), written one
       row at a time as the store is read

States are named by their Correlates of War state code, from the ISO 3166-1
alpha-3 to COW crosswalk built into entente (COW State System Membership
v2016, matched to ISO codes by the countrycode R package's codelist). Only
what the record holds is written: a column entente has no counterpart for
is empty, never 0, as is a state's code when it has none (the member tables
name every state by ISO code in a last column, iso3; the dyad-year table in
iso3_1 and iso3_2), and a date keeps its precision (a month leaves the day
empty). defense is 1 when the alliance has a collective-defence article,
entente (COW) and consul (ATOP) 1 when it has a consultation article; the
other obligations are empty. The years covered run from the alliance's
founding (its treaty's signature) to the as-of day: a year outside them
has no row. What was written, its coverage and the members with no COW code
are reported on standard error.

A file given with --out appears whole or not at all. A progress bar is drawn
when standard error is a terminal (--quiet hides it).

Examples:
  entente export --out nato.json
  entente export --db postgres://localhost/entente > nato.json
  entente export --format cow --alliance {alliance} --out cow-members.csv
  entente export --format atop --table dyad-year --as-of 1990-01-01 --out dyad-years-1990.csv
  entente export --format csv --alliance {alliance}
  entente export --format csv --table activities --out activities.csv`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.out, "out", "", "write to FILE instead of standard output")
			fs.StringVar(&o.format, "format", "json", "json (the whole store), cow, atop or csv (one alliance's table)")
			fs.StringVar(&o.alliance, "alliance", "", "the alliance of a cow, atop or csv export (default: the store's only alliance, or the first by code)")
			fs.StringVar(&o.table, "table", "", "the table of a cow, atop or csv export: member (the default), dyad-year (atop) or activities (csv)")
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
	format := strings.ToLower(e.opts.format)
	switch format {
	case "json":
		for name, v := range map[string]string{"alliance": e.opts.alliance, flagAsOf: e.opts.asOf, "table": e.opts.table} {
			// A value its environment twin gave (serve's ENTENTE_ALLIANCE,
			// a session's ENTENTE_AS_OF) is no request of this export.
			if env, ok := os.LookupEnv(envName(name)); v != "" && (!ok || env != v) {
				return usagef("--%s applies to --format cow, atop or csv; the JSON document is the whole store", name)
			}
		}
	case "cow", "atop", "csv":
		return e.exportResearch(ctx, format)
	default:
		return usagef("--format %q: want json, cow, atop or csv", e.opts.format)
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
