package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/words"
)

func init() {
	commands = append(commands, &command{
		name:    "audit",
		uses:    []string{flagJSON},
		summary: "show the audit log: who changed what, when, before and after",
		usage:   "[--limit N] [--json]",
		help: `
Every change made through entente (imports, workflow steps) is recorded with
the principal who made it, their address, the time, and the record before
and after, in the same transaction as the change itself. The log is
append-only and hash-chained: 'entente audit verify' checks it.

Examples:
  entente audit --limit 20
  entente audit --json --db scratch.db`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.IntVar(&o.limit, "limit", 50, "show at most N events, newest first (0: all)")
		},
		run: runAudit,
	}, &command{
		name:    "audit verify",
		uses:    []string{flagJSON},
		summary: "check the audit log's hash chain: report the first broken link",
		help: `
Each audit event carries the hash of the one before it and its own, over
its fields. verify walks the log from the oldest event, recomputing each
hash, and checks the chain's recorded head against the newest event. An
event changed, removed or inserted behind entente's back (the database
refuses UPDATE and DELETE on the log, so only someone who drops its
triggers can) breaks the chain there: verify names the event and what
differs, and exits with status 1. When the chain holds it prints how many
events it verified, and exits 0.

Examples:
  entente audit verify
  entente audit verify --json --db 'postgres://entente@localhost/entente'`,
		run: runAuditVerify,
	})
}

func runAuditVerify(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("audit verify takes no arguments")
	}
	if err := e.open(ctx, false); err != nil {
		return err
	}
	// The CLI's operator holds the database itself, so it reads the chain
	// from the store; the web and the API ask the service, which lets
	// staff only.
	var c *entente.AuditCheck
	err := e.st.View(ctx, func(r entente.Reader) (err error) {
		c, err = entente.VerifyAudit(ctx, r)
		return err
	})
	if err != nil {
		return err
	}
	if e.opts.json {
		if err := writeJSON(e.stdout, c); err != nil {
			return err
		}
		if !c.OK() {
			return silentRefusal{}
		}
		return nil
	}
	if !c.OK() {
		at := fmt.Sprintf("at event %d", c.Broken.ID)
		if c.Broken.ID == 0 {
			at = "at its head"
		}
		return entente.Errorf(entente.ECONFLICT, "the audit log is broken %s: %s (%s before it verified)",
			at, c.Broken.Problem, words.Count(c.Events, "event"))
	}
	_, err = fmt.Fprintf(e.stdout, "audit log verified: %s, each chained to the one before; head %s\n",
		words.Count(c.Events, "event"), c.Head)
	return err
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
