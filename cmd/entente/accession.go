package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

func init() {
	commands = append(commands, &command{
		name:    "accession check",
		uses:    []string{flagServer, flagAsOf, flagJSON},
		summary: "may a state be invited to join? the verdict, with the articles that decide it",
		usage:   "ALLIANCE ISO3 [--as-of DATE] [--json]",
		help: `
Exit status 0 when the treaty's conditions allow an invitation, 1 when they
do not or when the country's reading under the eligibility clause is debated
(the first line says "Debated", and the reasons give each side and their
sources; --json has "debated": true).

Examples:
  entente accession check {alliance} NZL      # not eligible: only European states may be invited
  entente accession check {alliance} UKR      # eligible; needs the consent of all members
  entente accession check {alliance} CYP      # debated: M49 places Cyprus in Asia, yet it is in the EU`,
		run: runAccessionCheck,
	})
	for _, st := range service.Steps {
		help := map[service.Step]string{
			service.StepApply:    "a state applies to join",
			service.StepConsent:  "a member consents to inviting the applicant (needs --by)",
			service.StepInvite:   "invite the applicant: refused until every member has consented",
			service.StepSign:     "the accession protocol is signed",
			service.StepRatify:   "a member ratifies the accession protocol (needs --by)",
			service.StepDeposit:  "the applicant deposits its instrument: refused until every member has ratified",
			service.StepWithdraw: "a member gives notice of withdrawal; it takes effect after the treaty's notice period",
		}[st]
		commands = append(commands, &command{
			name:    "accession " + string(st),
			uses:    []string{flagServer, flagAs, flagJSON},
			summary: help,
			usage:   "ALLIANCE ISO3 [--by ISO3] [--date YYYY-MM-DD]",
			help: `
The accession workflow, each step checked against the treaty's rules; a
refused step names the rule and article and writes nothing.

  entente accession apply   {alliance} UKR --db scratch.db
  entente accession consent {alliance} UKR --by BEL --db scratch.db   # once per member
  entente accession invite  {alliance} UKR --db scratch.db
  entente accession sign    {alliance} UKR --db scratch.db
  entente accession ratify  {alliance} UKR --by BEL --db scratch.db   # once per member
  entente accession deposit {alliance} UKR --db scratch.db`,
			flags: func(fs *flag.FlagSet, o *options) {
				fs.StringVar(&o.by, "by", "", "the member consenting or ratifying (ISO3)")
				fs.StringVar(&o.date, "date", "", "the day of the step (YYYY-MM-DD; default today)")
			},
			run: func(ctx context.Context, e *env, args []string) error { return runAccessionStep(ctx, e, st, args) },
		})
	}
}

func twoArgs(args []string) (string, string, error) {
	if len(args) != 2 {
		return "", "", usagef("want ALLIANCE and ISO3 (e.g. %s NZL), got %d arguments", exampleAlliance(), len(args))
	}
	return strings.ToUpper(args[0]), strings.ToUpper(args[1]), nil
}

func runAccessionCheck(ctx context.Context, e *env, args []string) error {
	alliance, code, err := twoArgs(args)
	if err != nil {
		return err
	}
	asOf, err := e.query(ctx)
	if err != nil {
		return err
	}
	v, err := e.be.CheckAccession(ctx, alliance, code, asOf)
	if err != nil {
		return err
	}
	if e.opts.json {
		if err := writeJSON(e.stdout, v); err != nil {
			return err
		}
	} else {
		switch {
		case v.Eligible:
			fmt.Fprintf(e.stdout, "%s may be invited to join %s.\n", code, alliance)
		case v.Debated:
			fmt.Fprintf(e.stdout, "Debated: whether %s may be invited to join %s is contested; no verdict of eligibility.\n", code, alliance)
		default:
			fmt.Fprintf(e.stdout, "%s is not eligible to join %s.\n", code, alliance)
		}
		for _, r := range v.Reasons {
			fmt.Fprintf(e.stdout, "  - %s", r)
			if len(r.Sources) > 0 {
				fmt.Fprintf(e.stdout, " [sources: %s]", strings.Join(r.Sources, ", "))
			}
			fmt.Fprintln(e.stdout)
		}
	}
	if !v.Eligible {
		return silentRefusal{}
	}
	return nil
}

// silentRefusal exits with status 1 after the verdict was printed.
type silentRefusal struct{}

func (silentRefusal) Error() string { return "" }

func runAccessionStep(ctx context.Context, e *env, step service.Step, args []string) error {
	alliance, code, err := twoArgs(args)
	if err != nil {
		return err
	}
	d, err := entente.ParseDate(e.opts.date)
	if err != nil {
		return entente.Errorf(entente.EINVALID, "--date: %v", err)
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	m, err := e.be.Accession(ctx, step, service.StepRequest{Alliance: alliance,
		Country: code, By: strings.ToUpper(e.opts.by), Date: d})
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, m)
	}
	day := d
	if day.IsZero() {
		day = e.be.Today()
	}
	fmt.Fprintf(e.stdout, "%s %s: %s on %s; status %s", alliance, code, step, day, m.StatusOn(day))
	switch step {
	case service.StepConsent:
		fmt.Fprintf(e.stdout, " (%d consents)", len(m.Consents))
	case service.StepRatify:
		fmt.Fprintf(e.stdout, " (%d ratifications)", len(m.Ratifications))
	case service.StepWithdraw:
		fmt.Fprintf(e.stdout, "; withdrawal takes effect %s", m.Withdrawn)
	}
	fmt.Fprintln(e.stdout)
	return nil
}
