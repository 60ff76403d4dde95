package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/words"
)

func init() {
	commands = append(commands, &command{
		name:    "members",
		uses:    []string{flagServer, flagAsOf, flagJSON},
		summary: "list an alliance's members on a day",
		usage:   "ALLIANCE [--as-of DATE] [--json]",
		help: `
Examples:
  entente members {alliance}
  entente members {alliance} --as-of 1990-01-01     # the 16 members of that day
  entente members {alliance} --json`,
		run: runMembers,
	}, &command{
		name:    "partners",
		uses:    []string{flagServer, flagAsOf, flagJSON},
		summary: "list an alliance's partners and their frameworks on a day",
		usage:   "ALLIANCE [--as-of DATE] [--json]",
		help: `
Examples:
  entente partners {alliance}
  entente partners {alliance} --as-of 2010-01-01 --json`,
		run: runPartners,
	})
}

func oneArg(args []string, what string) (string, error) {
	if len(args) != 1 {
		return "", usagef("want one %s, got %d arguments", what, len(args))
	}
	return strings.ToUpper(args[0]), nil
}

func runMembers(ctx context.Context, e *env, args []string) error {
	alliance, err := oneArg(args, "alliance code (e.g. "+exampleAlliance()+")")
	if err != nil {
		return err
	}
	asOf, err := e.query(ctx)
	if err != nil {
		return err
	}
	ms, err := e.be.Members(ctx, alliance, asOf)
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, ms)
	}
	header := []string{"CODE", "NAME", "REGION", "JOINED"}
	var rows [][]string
	for _, m := range ms {
		row := []string{m.Code, m.Name, m.Region, m.Joined.String()}
		if !m.Leaves.IsZero() {
			row = append(row, "notice given: leaves "+m.Leaves.String())
		}
		rows = append(rows, row)
	}
	if err := table(e.stdout, header, rows); err != nil {
		return err
	}
	day := asOf
	if day.IsZero() {
		day = e.be.Today()
	}
	fmt.Fprintf(e.stdout, "\n%s of %s on %s\n", words.Count(int64(len(ms)), "member"), alliance, day)
	return nil
}

// asOfSuffix explains which day the answer is for when --as-of was given.
func asOfSuffix(e *env) string {
	if e.opts.asOf == "" {
		return ""
	}
	return " (as of " + e.opts.asOf + ")"
}

func runPartners(ctx context.Context, e *env, args []string) error {
	alliance, err := oneArg(args, "alliance code (e.g. "+exampleAlliance()+")")
	if err != nil {
		return err
	}
	asOf, err := e.query(ctx)
	if err != nil {
		return err
	}
	ps, err := e.be.Partners(ctx, alliance, asOf)
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, ps)
	}
	var rows [][]string
	for _, p := range ps {
		var fws []string
		for _, f := range p.Frameworks {
			s := f.Code
			if !f.Since.IsZero() {
				s += " (" + startText(f.Start) + ")"
			}
			if f.Status == entente.PartnershipSuspended {
				s += " [suspended since " + f.Suspended.From.String() + "]"
			}
			fws = append(fws, s)
		}
		rows = append(rows, []string{p.Code, p.Name, strings.Join(fws, ", "), strings.Join(p.Groups, ", "), p.Programme})
	}
	if err := table(e.stdout, []string{"CODE", "NAME", "FRAMEWORKS", "GROUPS", "PROGRAMME"}, rows); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\n%s of %s%s\n", words.Count(int64(len(ps)), "partner"), alliance, asOfSuffix(e))
	return nil
}

// startText is a start for the CLI: "1995-02", or "2006 at the earliest"
// when the sources give no start and its framework's (or alliance's) bounds it.
func startText(st entente.Start) string {
	switch st.Bound {
	case "":
		return st.Since.String()
	case entente.BoundFramework:
		return st.Since.String() + " at the earliest: the framework's start"
	}
	return st.Since.String() + " at the earliest: the alliance's founding"
}

// sinceStart is ", since START" and ", until END" for a record's period, as
// much as is known.
func sinceStart(st entente.Start, to entente.Date) string {
	s := ""
	if !st.Since.IsZero() {
		s += ", since " + startText(st)
	}
	if !to.IsZero() {
		s += ", until " + to.String()
	}
	return s
}
