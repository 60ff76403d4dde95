package main

import (
	"context"
	"flag"
	"strconv"

	"github.com/entente/entente"
)

func init() {
	commands = append(commands, &command{
		name:    "audit",
		uses:    []string{flagJSON},
		summary: "show the audit log: who changed what, when, before and after",
		usage:   "[--limit N] [--json]",
		help: `
Every change made through entente (imports, workflow steps) is recorded with
the actor, the time, and the record before and after, in the same
transaction as the change itself.

Examples:
  entente audit --limit 20
  entente audit --json --db scratch.db`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.IntVar(&o.limit, "limit", 50, "show at most N events, newest first (0: all)")
		},
		run: runAudit,
	})
}

func runAudit(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("audit takes no arguments")
	}
	if e.opts.limit < 0 {
		return usagef("--limit must be 0 or more")
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	evs, err := e.st.FindAuditEvents(ctx, entente.AuditFilter{Limit: e.opts.limit})
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, evs)
	}
	var rows [][]string
	for _, ev := range evs {
		rows = append(rows, []string{strconv.FormatInt(ev.ID, 10), ev.At.UTC().Format("2006-01-02 15:04:05"), ev.Actor, ev.Action, ev.Entity + " " + ev.Key})
	}
	return table(e.stdout, []string{"ID", "AT (UTC)", "ACTOR", "ACTION", "RECORD"}, rows)
}
