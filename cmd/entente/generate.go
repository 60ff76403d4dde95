package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/entente/entente/service"
)

// generateOptions are the generate command's own flags, kept in options so
// that every run starts from fresh values.
type generateOptions struct {
	partners, activities, batch int
	seed                        uint64
}

func init() {
	commands = append(commands, &command{
		name:    "generate",
		uses:    []string{flagAs, flagJSON, flagQuiet},
		summary: "fill a new database with a synthetic alliance for demos and benchmarks",
		usage:   "--db PATH|URL --partners N --activities M [--seed S] [--batch B] [--force]",
		help: `
Writes a made-up alliance (SYNTH) with 12 members, N partners, one programme
each with objectives, goals and indicators, a cooperation menu of 200 offers,
and M activities at every step of their workflow. Every record is flagged
synthetic: it cites the source "synthetic-data", country codes come from the
ISO 3166 ranges reserved for user assignment (QMA-QZZ, XAA-XZZ, ...), and
every name says synthetic. The same seed always gives the same data.
Activities are made and written in batches of --batch; a progress bar with
the rate and the time left is shown when standard error is a terminal
(--quiet hides it). The whole run is one transaction,
all or nothing: a run that is interrupted or fails leaves the database as it
was, and running the same command again starts afresh (it does not resume).

generate refuses a database that holds real records (such as the default
dataset, {alliance}) unless --force is given; it never loads the default dataset.

Examples:
  entente generate --db demo.db --partners 40 --activities 5000 --seed 1
  entente generate --db bench.db --partners 500 --activities 1000000 --seed 7`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.IntVar(&o.generate.partners, "partners", 40, "how many partners")
			fs.IntVar(&o.generate.activities, "activities", 1000, "how many activities")
			fs.Uint64Var(&o.generate.seed, "seed", 1, "random seed: the same seed gives the same data")
			fs.IntVar(&o.generate.batch, "batch", 10000, "activities made and written at a time (the run is one transaction)")
			fs.BoolVar(&o.force, "force", false, "write even into a database that holds real records")
		},
		run:         runGenerate,
		interrupted: "nothing was written: the run is one transaction, rolled back",
	})
}

func runGenerate(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("generate takes no arguments, only flags")
	}
	if err := e.open(ctx, false); err != nil {
		return err
	}
	start := time.Now()
	req := service.GenerateRequest{Partners: e.opts.generate.partners, Activities: e.opts.generate.activities,
		Seed: e.opts.generate.seed, Batch: e.opts.generate.batch, Force: e.opts.force}
	m := e.meter("generating", "activities", false)
	req.Progress = func(done, total int) { m.set(int64(done), int64(total)) }
	res, err := e.svc.Generate(ctx, req)
	m.finish(err)
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, res)
	}
	el := time.Since(start)
	fmt.Fprintf(e.stdout, "synthetic alliance %s: %d members, %d partners, %d programmes, %d goals, %d offers, %d activities (seed %d) in %s (%.0f activities/s)\n",
		res.Alliance, res.Members, res.Partners, res.Programmes, res.Goals, res.Offers, res.Activities, res.Seed,
		el.Round(time.Millisecond), float64(res.Activities)/el.Seconds())
	return nil
}
