package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/entente/entente/internal/words"
)

func init() {
	commands = append(commands, &command{
		name:    "coverage",
		uses:    []string{flagAsOf, flagJSON},
		summary: "say what the record holds: facts per kind, decade and date precision, primary sources, what is unconfirmed",
		usage:   "[--as-of DATE] [--json]",
		help: `
The share of facts with a primary source counts those citing at least one
official text, official site or government source. With --as-of, facts
dated after that day are left out.

Examples:
  entente coverage
  entente coverage --as-of 2000-01-01
  entente coverage --json`,
		run: runCoverage,
	})
}

func runCoverage(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("coverage takes no arguments, got %d", len(args))
	}
	asOf, err := e.query(ctx)
	if err != nil {
		return err
	}
	c, err := e.svc.Coverage(ctx, asOf)
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, c)
	}
	w := e.stdout
	var rows [][]string
	for _, k := range c.Kinds {
		if k.Kind == "source" {
			rows = append(rows, []string{k.Label, strconv.Itoa(k.Count), "", ""})
			continue
		}
		rows = append(rows, []string{k.Label, strconv.Itoa(k.Count), strconv.Itoa(k.Primary), strconv.Itoa(k.Unconfirmed)})
	}
	if err := table(w, []string{"KIND", "COUNT", "PRIMARY SOURCE", "UNCONFIRMED"}, rows); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s; %d (%.0f%%) cite a primary source (official text, official site or government).\n",
		words.Count(int64(c.Facts), "fact"), c.Primary, 100*c.PrimaryShare())

	fmt.Fprintln(w)
	rows = nil
	for _, d := range c.Decades {
		rows = append(rows, []string{d.Decade, strconv.Itoa(d.Count)})
	}
	rows = append(rows, []string{"undated", strconv.Itoa(c.Precision.Undated)})
	if err := table(w, []string{"DECADE", "FACTS"}, rows); err != nil {
		return err
	}

	fmt.Fprintln(w)
	p := c.Precision
	rows = [][]string{{"day", strconv.Itoa(p.Day)}, {"month", strconv.Itoa(p.Month)}, {"year", strconv.Itoa(p.Year)}, {"undated", strconv.Itoa(p.Undated)}}
	if err := table(w, []string{"DATED TO", "FACTS"}, rows); err != nil {
		return err
	}

	fmt.Fprintln(w)
	rows = nil
	for _, s := range c.Sources {
		rows = append(rows, []string{s.Label, strconv.Itoa(s.Count)})
	}
	if err := table(w, []string{"SOURCE KIND", "SOURCES"}, rows); err != nil {
		return err
	}

	fmt.Fprintf(w, "\n%s marked unconfirmed:\n", words.Count(int64(len(c.Unconfirmed)), "record"))
	rows = nil
	for _, u := range c.Unconfirmed {
		rows = append(rows, []string{u.Kind, u.Key, u.What})
	}
	if len(rows) > 0 {
		if err := table(w, []string{"KIND", "RECORD", "UNCONFIRMED"}, rows); err != nil {
			return err
		}
	}
	if !asOf.IsZero() {
		fmt.Fprintf(w, "\nAs of %s: facts dated later are left out.\n", asOf)
	}
	return nil
}
