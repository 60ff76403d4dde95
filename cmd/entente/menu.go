package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

func init() {
	commands = append(commands, &command{
		name:    "menu list",
		uses:    []string{flagServer, flagJSON},
		summary: "the cooperation menu: the offers partners build activities from",
		usage:   "[--json]",
		run:     runMenuList,
	}, &command{
		name:    "menu import",
		uses:    []string{flagAs},
		summary: "add or replace cooperation menu offers from a CSV or JSON file, all or nothing",
		usage:   "FILE [--format csv|json]",
		help: `
CSV: a header naming the columns (code, title, area, kind, provider,
capacity, location, from, to, recurrence, synthetic, sources; code, title,
kind and provider required), then one offer a line. JSON: an array of offers
as 'menu export --format json' writes them. Every problem is reported as
FILE:LINE: COLUMN: what is wrong, and nothing is imported unless every line
is good. The format defaults to the file's extension.

Examples:
  entente menu import menu.csv --db scratch.db
  entente menu export --format csv --out menu.csv`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.format, "format", "", "csv or json (default: from the file name)")
		},
		run: runMenuImport,
	}, &command{
		name:    "menu export",
		summary: "write the cooperation menu as CSV or JSON",
		usage:   "[--format csv|json] [--out FILE]",
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.format, "format", "csv", "csv or json")
			fs.StringVar(&o.out, "out", "", "write to FILE instead of standard output")
		},
		run: runMenuExport,
	})
}

func runMenuList(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("menu list takes no arguments")
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	offers, err := e.be.Menu(ctx)
	if err != nil {
		return err
	}
	if e.opts.json {
		if offers == nil {
			offers = []entente.Offer{}
		}
		return writeJSON(e.stdout, offers)
	}
	if len(offers) == 0 {
		fmt.Fprintln(e.stdout, "The cooperation menu is empty; add offers with 'entente menu import FILE'.")
		return nil
	}
	var rows [][]string
	for _, o := range offers {
		when := o.Period.String()
		if when == "" {
			when = o.Recurrence
		}
		rows = append(rows, []string{o.Code, o.Kind, o.Title, orDash(o.Area), o.Provider, capacityText(o.Capacity), orDash(when)})
	}
	if err := table(e.stdout, []string{"CODE", "KIND", "TITLE", "AREA", "PROVIDER", "CAPACITY", "WHEN"}, rows); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\n%s offers\n", strconv.Itoa(len(offers)))
	return nil
}

func runMenuImport(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want one file, got %d arguments", len(args))
	}
	name := args[0]
	format := strings.ToLower(e.opts.format)
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(filepath.Ext(name)), ".")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return entente.Errorf(entente.EINVALID, "%v", err)
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	n, err := e.svc.ImportMenu(ctx, name, format, bytes.NewReader(data))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %d offers from %s\n", n, name)
	return nil
}

func runMenuExport(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("menu export takes no arguments; use --out FILE")
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	offers, err := e.svc.Menu(ctx)
	if err != nil {
		return err
	}
	write := service.WriteMenuCSV
	switch strings.ToLower(e.opts.format) {
	case "csv", "":
	case "json":
		write = service.WriteMenuJSON
	default:
		return entente.Errorf(entente.EINVALID, "--format %q: want csv or json", e.opts.format)
	}
	return e.emit(func(w io.Writer) error { return write(w, offers) })
}
