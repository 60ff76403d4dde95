package main

import (
	"context"
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
bytes. The audit log is the store's own history and is not exported.

Examples:
  entente export --out nato.json
  entente export --db postgres://localhost/entente > nato.json`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.out, "out", "", "write to FILE instead of standard output")
		},
		run: runExport,
	}, &command{
		name:    "import",
		uses:    []string{flagActor},
		summary: "load a JSON document (from export) into an empty store, all or nothing",
		usage:   "FILE",
		help: `
The store must be empty: import refuses a store holding data. Every problem
in the file is reported as FILE:LINE: field: what is wrong, and nothing is
written unless the whole file is good.

Examples:
  entente import nato.json --db fresh.db
  entente import nato.json --db postgres://localhost/entente`,
		run: runImport,
	})
}

func runExport(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("export takes no arguments; use --out FILE to write a file")
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	ds, err := e.svc.Export(ctx)
	if err != nil {
		return err
	}
	if err := e.emit(func(w io.Writer) error { return dataset.WriteJSON(w, ds) }); err != nil {
		return err
	}
	if e.opts.out == "" {
		return nil
	}
	fmt.Fprintf(e.stderr, "exported %d countries, %d memberships, %d programmes, %d sources to %s\n",
		len(ds.Countries), len(ds.Memberships), len(ds.Programmes), len(ds.Sources), e.opts.out)
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
	ds, err := dataset.ReadJSON(args[0], f)
	if err != nil {
		return entente.Errorf(entente.EINVALID, "%v", err)
	}
	if err := e.open(ctx, false); err != nil {
		return err
	}
	if err := e.svc.Import(ctx, e.opts.actor, ds, "import "+filepath.Base(args[0])); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "imported %d countries, %d memberships, %d programmes, %d sources from %s\n",
		len(ds.Countries), len(ds.Memberships), len(ds.Programmes), len(ds.Sources), args[0])
	return nil
}
