package main

import (
	"context"
	"flag"
	"os"

	"github.com/entente/entente"
	"github.com/entente/entente/client"
	"github.com/entente/entente/service"
)

// A command that lists flagServer in its uses runs against a shared
// server's API when given --server URL (or ENTENTE_SERVER), with the API
// token in ENTENTE_TOKEN, instead of opening --db: the same command, the
// same output, the server's records and rules, and the token's user in its
// audit log. It reaches the records through backend, which the service
// (local) and the API client (remote) both are.

// backend is what the commands that can run remotely call.
type backend interface {
	Today() entente.Date
	Members(ctx context.Context, alliance string, asOf entente.Date) ([]service.Member, error)
	Partners(ctx context.Context, alliance string, asOf entente.Date) ([]service.Partner, error)
	Country(ctx context.Context, code string, asOf entente.Date) (*service.CountryView, error)
	CheckAccession(ctx context.Context, alliance, code string, asOf entente.Date) (entente.Verdict, error)
	Accession(ctx context.Context, step service.Step, req service.StepRequest) (*entente.Membership, error)
	ProgrammesOf(ctx context.Context, partnerOrID string, asOf entente.Date) ([]service.ProgrammeView, error)
	Programme(ctx context.Context, id string, asOf entente.Date) (*service.ProgrammeView, error)
	Progress(ctx context.Context, id string, asOf entente.Date) (*entente.ProgrammeProgress, error)
	DiffProgrammes(ctx context.Context, from, to string) (*entente.ProgrammeDiff, error)
	Activities(ctx context.Context, f entente.ActivityFilter) ([]entente.Activity, error)
	Activity(ctx context.Context, id string) (*entente.Activity, error)
	Menu(ctx context.Context) ([]entente.Offer, error)
	Sources(ctx context.Context, ids []string) ([]entente.Source, error)
	Search(ctx context.Context, req service.SearchRequest) (*entente.SearchResult, error)
	ProposeActivity(ctx context.Context, req service.ProposeRequest) (*entente.Activity, error)
	StepActivity(ctx context.Context, step entente.ActivityStep, req service.ActivityRequest) (*entente.Activity, error)
	PutGoal(ctx context.Context, req service.GoalRequest) (*entente.Goal, error)
	ReviewProgramme(ctx context.Context, req service.ReviewRequest) (*entente.Review, error)
	AgreeProgramme(ctx context.Context, req service.AgreeRequest) (*service.AgreeResult, error)
}

var (
	_ backend = (*service.Service)(nil)
	_ backend = (*client.Client)(nil)
)

const flagServer = "server"

func init() {
	sharedFlags = append(sharedFlags, sharedFlag{name: flagServer, define: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.server, flagServer, "", "run against this entente server's API (http://HOST:PORT) instead of --db, with the API token in ENTENTE_TOKEN")
	}})
}

// openRemote makes e's backend the API client of --server.
func (e *env) openRemote() error {
	if e.opts.as != "" {
		return usagef("--as acts as a user of a local store; with --server, the token in ENTENTE_TOKEN says who you are")
	}
	c, err := client.New(e.opts.server, os.Getenv("ENTENTE_TOKEN"), nil)
	if err != nil {
		return err
	}
	e.be = c
	return nil
}
