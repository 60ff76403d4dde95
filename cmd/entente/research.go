package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/research"
	"github.com/entente/entente/web"
)

// exportResearch writes one table of one alliance in a research shape
// (format cow or atop) or as entente's member CSV (csv); see export's help.
func (e *env) exportResearch(ctx context.Context, format string) error {
	table := strings.ToLower(e.opts.table)
	switch {
	case table == "", table == "member":
		table = "member"
	case table == "dyad-year" && format == "atop":
	case table == "activities" && format == "csv":
		return e.exportActivitiesCSV(ctx)
	case format == "atop":
		return usagef("--table %q: --format atop has the tables member and dyad-year", e.opts.table)
	case format == "csv":
		return usagef("--table %q: --format csv has the tables member and activities", e.opts.table)
	default:
		return usagef("--table %q: --format %s has only the table member", e.opts.table, format)
	}
	asOf, err := e.asOf()
	if err != nil {
		return err
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	if asOf.IsZero() {
		asOf = e.svc.Today()
	}
	ar, err := e.svc.AllianceRecord(ctx, e.opts.alliance)
	if err != nil {
		return err
	}
	rec := &research.Record{Alliance: *ar.Alliance, Memberships: ar.Memberships, Names: ar.Names, AsOf: asOf}
	what := map[string]string{
		"cow member":     "COW Formal Alliances v4.1 by-member table",
		"atop member":    "ATOP member-level table",
		"atop dyad-year": "ATOP dyad-year table",
		"csv member":     "member list (CSV)",
	}[format+" "+table]
	m := e.meter("exporting "+format+" "+table, "years", false)
	rows := &lineCounter{}
	err = e.emitStream(func(w io.Writer) error {
		w = io.MultiWriter(w, rows)
		switch format + " " + table {
		case "cow member":
			return research.WriteCOWMembers(w, rec)
		case "atop member":
			return research.WriteATOPMembers(w, rec)
		case "atop dyad-year":
			return research.WriteATOPDyadYears(w, rec, func(done, total int) error {
				m.set(int64(done), int64(total))
				return ctx.Err()
			})
		}
		return research.WriteMemberCSV(w, rec)
	})
	m.finish(err)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dest := "standard output"
	if e.opts.out != "" {
		dest = e.opts.out
	}
	fmt.Fprintf(e.stderr, "%s of %s as of %s: %d rows to %s\n", what, rec.Alliance.Code, asOf, max(rows.n-1, 0), dest)
	if from, to, ok := rec.Coverage(); ok {
		fmt.Fprintf(e.stderr, "coverage: the years %d to %d (from the founding to the as-of day); no row for a year outside them\n", from, to)
	} else {
		fmt.Fprintf(e.stderr, "coverage: none: %s was founded on %s, after %s\n", rec.Alliance.Code, rec.Alliance.Signed, asOf)
	}
	if miss := rec.Missing(); len(miss) > 0 {
		fmt.Fprintf(e.stderr, "no COW state code (ccode empty, never 0) for %d members: %s\n", len(miss), strings.Join(miss, ", "))
	}
	return nil
}

// lineCounter counts the lines written through it.
type lineCounter struct{ n int }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.n += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

// exportActivitiesCSV writes every activity of the store as the activities
// CSV table (docs/csv.md), read from one snapshot and written one row at a
// time, so memory does not grow with the activities; a meter counts them.
func (e *env) exportActivitiesCSV(ctx context.Context) error {
	for name, v := range map[string]string{"alliance": e.opts.alliance, flagAsOf: e.opts.asOf} {
		if env, ok := os.LookupEnv(envName(name)); v != "" && (!ok || env != v) {
			return usagef("--%s does not apply to --table activities: it holds every activity of the store, each with its status now", name)
		}
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	m := e.meter("exporting activities", "activities", false)
	total := int64(-1)
	if t, err := e.svc.CountActivities(ctx); err == nil {
		total = int64(t)
	}
	n := 0
	err := e.emitStream(func(w io.Writer) error {
		c := web.NewActivityCSV(w)
		err := e.svc.ExportStream(ctx, func(*entente.Dataset) error { return nil }, func(a *entente.Activity) error {
			c.Row(a)
			n++
			if n%1024 == 0 {
				m.set(int64(n), max(total, int64(n)))
			}
			return nil
		})
		if cerr := c.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if err == nil {
		m.set(int64(n), int64(n))
	}
	m.finish(err)
	if err != nil {
		return err
	}
	dest := "standard output"
	if e.opts.out != "" {
		dest = e.opts.out
	}
	fmt.Fprintf(e.stderr, "activities (CSV): %d rows to %s\n", n, dest)
	return nil
}
