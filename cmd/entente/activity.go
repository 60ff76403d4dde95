package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// activityOptions are the activity commands' own flags, kept in options so
// that every run starts from fresh values.
type activityOptions struct {
	offer, goal, kind, from, to, location, proposer, id, title string
	countries, country, outcome, feedback, reason, status      string
	capacity, participants                                     int
}

func init() {
	commands = append(commands, &command{
		name:    "activity propose",
		uses:    []string{flagServer, flagAs, flagJSON},
		summary: "propose an activity under a programme: bespoke, or from a cooperation menu offer",
		usage:   "PROGRAMME [--offer CODE] [--title TEXT] [--goal CODE] [--kind KIND] [--capacity N] [--from DATE] [--to DATE]",
		help: `
The activity workflow: propose → approve → invite → register → hold →
report; cancel at any step before it is held. Each step checks its rule; a
refused step says which rule and writes nothing (exit status 1).

Examples:
  entente activity propose NZL-ITPP-2024 --title "Cyber defence staff talks" --kind staff-talks --capacity 12 --db scratch.db
  entente activity approve  NZL-ITPP-2024-A001 --db scratch.db
  entente activity invite   NZL-ITPP-2024-A001 --countries NZL,AUS --db scratch.db   # members and partners only
  entente activity register NZL-ITPP-2024-A001 --country NZL --participants 4 --db scratch.db
  entente activity hold     NZL-ITPP-2024-A001 --db scratch.db
  entente activity report   NZL-ITPP-2024-A001 --outcome "held as planned" --participants 4 --db scratch.db`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.date, "date", "", "the day of the proposal (default today)")
			fs.StringVar(&o.activity.id, "id", "", "the activity's id (default PROGRAMME-A001, -A002, ...)")
			fs.StringVar(&o.activity.offer, "offer", "", "the cooperation menu offer it comes from")
			fs.StringVar(&o.activity.title, "title", "", "what it is (default: the offer's title)")
			fs.StringVar(&o.activity.goal, "goal", "", "the programme goal it serves")
			fs.StringVar(&o.activity.kind, "kind", "", "course, exercise, seminar, training, exchange, staff-talks or event")
			fs.IntVar(&o.activity.capacity, "capacity", 0, "participants it takes (0: no limit; default: the offer's)")
			fs.StringVar(&o.activity.from, "from", "", "first day")
			fs.StringVar(&o.activity.to, "to", "", "last day")
			fs.StringVar(&o.activity.location, "location", "", "where")
			fs.StringVar(&o.activity.proposer, "proposer", "", "who proposes it (ISO3 or organisation)")
		},
		run: runActivityPropose,
	})
	stepHelp := map[entente.ActivityStep]string{
		entente.StepApprove:  "approve a proposed activity",
		entente.StepInvite:   "invite countries to an approved activity: members and partners only",
		entente.StepRegister: "open registration, or register a country's participants: stops at capacity",
		entente.StepHold:     "record that the activity was held",
		entente.StepReport:   "report a held activity: outcome, participants, feedback",
		entente.StepCancel:   "cancel an activity before it is held",
	}
	for _, st := range entente.ActivitySteps {
		commands = append(commands, &command{
			name:    "activity " + string(st),
			uses:    []string{flagServer, flagAs, flagJSON},
			summary: stepHelp[st],
			usage:   "ID [--date YYYY-MM-DD]" + map[entente.ActivityStep]string{entente.StepInvite: " --countries ISO3,ISO3", entente.StepRegister: " [--country ISO3 --participants N]", entente.StepReport: " --outcome TEXT [--participants N] [--feedback TEXT]", entente.StepCancel: " [--reason TEXT]"}[st],
			help:    "See 'entente help activity propose' for the whole workflow.",
			flags: func(fs *flag.FlagSet, o *options) {
				fs.StringVar(&o.date, "date", "", "the day of the step (default today)")
				switch st {
				case entente.StepInvite:
					fs.StringVar(&o.activity.countries, "countries", "", "countries to invite, comma-separated ISO3 codes")
				case entente.StepRegister:
					fs.StringVar(&o.activity.country, "country", "", "the registering country (ISO3)")
					fs.IntVar(&o.activity.participants, "participants", 1, "how many participants it registers")
				case entente.StepReport:
					fs.StringVar(&o.activity.outcome, "outcome", "", "what came of it")
					fs.IntVar(&o.activity.participants, "participants", 0, "how many took part")
					fs.StringVar(&o.activity.feedback, "feedback", "", "participants' feedback")
				case entente.StepCancel:
					fs.StringVar(&o.activity.reason, "reason", "", "why it was cancelled")
				}
			},
			run: func(ctx context.Context, e *env, args []string) error { return runActivityStep(ctx, e, st, args) },
		})
	}
	commands = append(commands, &command{
		name:    "activity show",
		uses:    []string{flagServer, flagJSON},
		summary: "one activity: its status, invitees, registrations, report and step dates",
		usage:   "ID [--json]",
		run:     runActivityShow,
	}, &command{
		name:    "activity list",
		uses:    []string{flagServer, flagJSON},
		summary: "a programme's activities",
		usage:   "PROGRAMME [--status STATUS] [--json]",
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.activity.status, "status", "", "only activities with this status")
		},
		run: runActivityList,
	})
}

func runActivityPropose(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want one programme id, got %d arguments", len(args))
	}
	d, err := e.day()
	if err != nil {
		return err
	}
	from, err := entente.ParseDate(e.opts.activity.from)
	if err != nil {
		return entente.Errorf(entente.EINVALID, "--from: %v", err)
	}
	to, err := entente.ParseDate(e.opts.activity.to)
	if err != nil {
		return entente.Errorf(entente.EINVALID, "--to: %v", err)
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	a, err := e.be.ProposeActivity(ctx, service.ProposeRequest{ID: e.opts.activity.id, Programme: args[0],
		Goal: e.opts.activity.goal, Offer: e.opts.activity.offer, Title: e.opts.activity.title, Kind: e.opts.activity.kind,
		Proposer: strings.ToUpper(e.opts.activity.proposer), Location: e.opts.activity.location, From: from, To: to,
		Capacity: e.opts.activity.capacity, Date: d})
	if err != nil {
		return err
	}
	return printActivityResult(e, a)
}

func printActivityResult(e *env, a *entente.Activity) error {
	if e.opts.json {
		return writeJSON(e.stdout, a)
	}
	fmt.Fprintf(e.stdout, "%s: %s (%s)\n", a.ID, a.Status, a.Title)
	return nil
}

func runActivityStep(ctx context.Context, e *env, step entente.ActivityStep, args []string) error {
	if len(args) < 1 {
		return usagef("want an activity id")
	}
	countries := e.opts.activity.countries
	if step == entente.StepInvite && len(args) > 1 {
		countries = strings.Join(append([]string{countries}, args[1:]...), ",")
	} else if len(args) != 1 {
		return usagef("want one activity id, got %d arguments", len(args))
	}
	d, err := e.day()
	if err != nil {
		return err
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	req := service.ActivityRequest{ID: args[0], Date: d, Country: e.opts.activity.country,
		Participants: e.opts.activity.participants, Outcome: e.opts.activity.outcome, Feedback: e.opts.activity.feedback, Reason: e.opts.activity.reason}
	if countries != "" {
		req.Countries = []string{countries}
	}
	if step == entente.StepRegister && req.Country == "" {
		req.Participants = 0
	}
	a, err := e.be.StepActivity(ctx, step, req)
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, a)
	}
	fmt.Fprintf(e.stdout, "%s: %s (%s)", a.ID, a.Status, a.Title)
	switch step {
	case entente.StepInvite:
		fmt.Fprintf(e.stdout, "; invited %s", strings.Join(a.Invited, ", "))
	case entente.StepRegister:
		if a.Capacity > 0 {
			fmt.Fprintf(e.stdout, "; %d of %d places taken", a.Registered(), a.Capacity)
		} else {
			fmt.Fprintf(e.stdout, "; %d registered", a.Registered())
		}
	}
	fmt.Fprintln(e.stdout)
	return nil
}

func runActivityShow(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want one activity id, got %d arguments", len(args))
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	a, err := e.be.Activity(ctx, args[0])
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, a)
	}
	w := e.stdout
	fmt.Fprintf(w, "%s  %s  %s\n", a.ID, a.Status, a.Title)
	fmt.Fprintf(w, "  programme %s; kind %s; capacity %s\n", a.Programme, a.Kind, capacityText(a.Capacity))
	if a.Offer != "" {
		fmt.Fprintf(w, "  from menu offer %s\n", a.Offer)
	}
	if a.Goal != "" {
		fmt.Fprintf(w, "  serves goal %s\n", a.Goal)
	}
	fmt.Fprintf(w, "  invited: %s\n", orDash(strings.Join(a.Invited, ", ")))
	for _, r := range a.Registrations {
		fmt.Fprintf(w, "  registered: %s, %d on %s\n", r.Country, r.Participants, r.Date)
	}
	if a.Outcome != "" {
		fmt.Fprintf(w, "  report: %s; %d participants; feedback: %s\n", a.Outcome, a.Participants, orDash(a.Feedback))
	}
	if a.CancelReason != "" {
		fmt.Fprintf(w, "  cancelled: %s\n", a.CancelReason)
	}
	d := a.Dates
	fmt.Fprintf(w, "  proposed %s, approved %s, invitations %s, registration %s, held %s, reported %s, cancelled %s\n",
		orDash(d.Proposed.String()), orDash(d.Approved.String()), orDash(d.InvitationsSent.String()),
		orDash(d.RegistrationOpened.String()), orDash(d.Held.String()), orDash(d.Reported.String()), orDash(d.Cancelled.String()))
	return nil
}

func capacityText(n int) string {
	if n == 0 {
		return "no limit"
	}
	return strconv.Itoa(n)
}

func runActivityList(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want one programme id, got %d arguments", len(args))
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	as, err := e.be.Activities(ctx, entente.ActivityFilter{Programme: args[0], Status: entente.ActivityStatus(e.opts.activity.status)})
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, as)
	}
	var rows [][]string
	for _, a := range as {
		rows = append(rows, []string{a.ID, string(a.Status), a.Kind, a.Title, orDash(a.Period.String())})
	}
	return table(e.stdout, []string{"ID", "STATUS", "KIND", "TITLE", "DATES"}, rows)
}
