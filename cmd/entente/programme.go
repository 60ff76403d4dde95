package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/words"
	"github.com/entente/entente/service"
	"github.com/entente/entente/web"
)

// planOptions are the programme commands' own flags, kept in options so that
// every run starts from fresh values.
type planOptions struct {
	note, partner, alliance, ptype, title, to, areas, svg string
	carryOver                                             bool
	objective                                             string
	indicators                                            multiFlag
}

// multiFlag is a flag that may be given more than once.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, "; ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func init() {
	commands = append(commands, &command{
		name:    "programme show",
		uses:    []string{flagServer, flagAsOf, flagJSON},
		summary: "a partner's programmes (or one programme): status, objectives, goals and progress",
		usage:   "ISO3|PROGRAMME [--as-of DATE] [--json]",
		help: `
With a partner's ISO3 code, every programme it has had, oldest first, each
with its status on the day (--as-of, default today): the one in force is
active, earlier ones superseded. With a programme id, that programme.

Examples:
  entente programme show NZL
  entente programme show NZL --as-of 2013-01-01   # the IPCP was in force
  entente programme show NZL-ITPP-2024 --json`,
		run: runProgrammeShow,
	}, &command{
		name:    "programme progress",
		uses:    []string{flagServer, flagAsOf, flagJSON},
		summary: "roll up a programme's indicators and activities; list what is overdue or due for review",
		usage:   "PROGRAMME [--as-of DATE] [--svg FILE] [--json]",
		help: `
How progress is computed: an indicator, from its baseline to its target; a
goal, the mean of its indicators (without indicators, the completion of its
activities: reported of those not cancelled); an objective, the mean of its
measured goals; the activities serving no goal, their completion; the
programme, the mean of its measured objectives and of the activities serving
no goal. What has nothing to measure says "not measured" and counts for
nothing. Activities count as they stood on the --as-of day. --svg writes the
same figures as an SVG bar chart with a title and description.

Examples:
  entente programme progress NZL-ITPP-2024
  entente programme progress NZL-ITPP-2024 --svg progress.svg`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.plan.svg, "svg", "", "also write the chart to FILE as SVG")
		},
		run: runProgrammeProgress,
	}, &command{
		name:    "programme diff",
		uses:    []string{flagServer, flagJSON},
		summary: "what changed between two programmes or two review snapshots",
		usage:   "FROM TO [--json]",
		help: `
FROM and TO are programme ids or review ids. Objectives are matched by code,
then by area; goals by code; indicators by name. Lines start with + (added),
- (removed) or ~ (changed).

Examples:
  entente programme diff NZL-IPCP-2012 NZL-ITPP-2024
  entente programme diff NZL-ITPP-2024-R1 NZL-ITPP-2024-R2 --json`,
		run: runProgrammeDiff,
	}, &command{
		name:    "programme review",
		uses:    []string{flagServer, flagAs, flagJSON},
		summary: "record a review: a dated snapshot of a programme with a note",
		usage:   "PROGRAMME [--date YYYY-MM-DD] [--note TEXT]",
		help: `
Examples:
  entente programme review NZL-ITPP-2024 --note "annual review" --db scratch.db`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.date, "date", "", "the day of the review (default today)")
			fs.StringVar(&o.plan.note, "note", "", "what the review found")
		},
		run: runProgrammeReview,
	}, &command{
		name:    "programme agree",
		uses:    []string{flagServer, flagAs, flagJSON},
		summary: "agree a new programme, superseding the partner's programme in force",
		usage:   "ID --partner ISO3 --type TYPE --title TITLE [--date DATE] [--areas A,B] [--carry-over]",
		help: `
The new programme becomes active and the partner's programme in force is
superseded (IPCP 2012 → ITPP 2024). --areas adds one objective per area;
--carry-over copies the old programme's open goals under the new one.

Examples:
  entente programme agree NZL-ITPP-2028 --partner NZL --type ITPP \
      --title "Individually Tailored Partnership Programme" --date 2028-01-15 \
      --areas cyber-defence,climate-security --carry-over --db scratch.db`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.date, "date", "", "the day it was agreed (default today)")
			fs.StringVar(&o.plan.partner, "partner", "", "the partner (ISO3)")
			fs.StringVar(&o.plan.alliance, "alliance", "", "the alliance (default: the store's only alliance, or the first by code)")
			fs.StringVar(&o.plan.ptype, "type", "", "programme type: ITPP, IPCP, IPAP, ...")
			fs.StringVar(&o.plan.title, "title", "", "the programme's title")
			fs.StringVar(&o.plan.to, "to", "", "the last day of its period, if fixed")
			fs.StringVar(&o.plan.areas, "areas", "", "cooperation areas, comma-separated: one objective each")
			fs.BoolVar(&o.plan.carryOver, "carry-over", false, "carry the superseded programme's open goals over")
		},
		run: runProgrammeAgree,
	}, &command{
		name:    "programme goal",
		uses:    []string{flagServer, flagAs, flagJSON},
		summary: "add or change a partnership goal and its indicators",
		usage:   "PROGRAMME CODE --objective CODE --title TITLE [--indicator 'NAME;UNIT;BASELINE;TARGET;CURRENT;DUE']...",
		help: `
Examples:
  entente programme goal NZL-ITPP-2028 G1 --objective cyber-defence \
      --title "Exercise together" --indicator "joint exercises;exercises;0;4;1;2029-06" --db scratch.db`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.plan.objective, "objective", "", "the objective's code")
			fs.StringVar(&o.plan.title, "title", "", "the goal")
			fs.Var(&o.plan.indicators, "indicator", "an indicator NAME;UNIT;BASELINE;TARGET;CURRENT;DUE (repeatable)")
		},
		run: runProgrammeGoal,
	}, &command{
		name:    "programme area",
		uses:    []string{flagAs, flagJSON},
		summary: "add a cooperation area to the vocabulary objectives and menu offers use",
		usage:   "CODE --name NAME",
		help: `
Examples:
  entente programme area maritime-security --name "Maritime security" --db scratch.db`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.plan.title, "name", "", "the area's name")
		},
		run: runProgrammeArea,
	})
}

func runProgrammeArea(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want one area code, got %d arguments", len(args))
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	a, err := e.svc.AddArea(ctx, args[0], e.opts.plan.title)
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, a)
	}
	fmt.Fprintf(e.stdout, "area %s (%s) added\n", a.Code, a.Name)
	return nil
}

func runProgrammeShow(ctx context.Context, e *env, args []string) error {
	ref, err := oneArg(args, "partner code (ISO3) or programme id")
	if err != nil {
		return err
	}
	asOf, err := e.query(ctx)
	if err != nil {
		return err
	}
	vs, err := e.be.ProgrammesOf(ctx, ref, asOf)
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, vs)
	}
	if len(vs) == 0 {
		fmt.Fprintf(e.stdout, "%s has no programmes%s.\n", ref, asOfSuffix(e))
		return nil
	}
	var fn footnotes
	w := e.stdout
	for i, v := range vs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s  %s %s (%s)  %s %s\n", v.ID, v.Partner, v.Type, v.Title, strings.ToUpper(string(v.Status)), fn.cite(v.Provenance))
		fmt.Fprintf(w, "  agreed %s", v.Agreed)
		if p := v.Period.String(); p != "" {
			fmt.Fprintf(w, "; period %s", p)
		}
		if v.Supersedes != "" {
			fmt.Fprintf(w, "; supersedes %s", v.Supersedes)
		}
		if v.SupersededBy != "" {
			fmt.Fprintf(w, "; superseded by %s", v.SupersededBy)
		}
		fmt.Fprintln(w)
		if len(v.Objectives) == 0 {
			fmt.Fprintln(w, "  objectives: none recorded")
		} else {
			fmt.Fprintln(w, "  objectives:")
		}
		for _, o := range v.Objectives {
			fmt.Fprintf(w, "    - %s (area %s) %s\n", o.Title, o.Area, fn.cite(o.Provenance))
			for _, g := range v.Goals {
				if g.Objective != o.Code {
					continue
				}
				fmt.Fprintf(w, "        goal %s: %s\n", g.Code, g.Title)
				for _, in := range g.Indicators {
					fmt.Fprintf(w, "          %s: %g → %g %s (now %g, due %s)\n", in.Name, in.Baseline, in.Target, in.Unit, in.Current, orDash(in.Due.String()))
				}
			}
		}
		fmt.Fprintf(w, "  activities: %d; progress %s", v.Activities, web.ChartRows(v.Progress)[0].Figure())
		if len(v.Reviews) > 0 {
			fmt.Fprintf(w, "; last review %s", v.Reviews[len(v.Reviews)-1].Date)
		}
		fmt.Fprintln(w)
	}
	srcs, err := e.be.Sources(ctx, fn.order)
	if err != nil {
		return err
	}
	fn.print(w, srcs)
	return nil
}

func runProgrammeProgress(ctx context.Context, e *env, args []string) error {
	id, err := oneArg(args, "programme id")
	if err != nil {
		return err
	}
	asOf, err := e.query(ctx)
	if err != nil {
		return err
	}
	v, err := e.be.Progress(ctx, id, asOf)
	if err != nil {
		return err
	}
	if e.opts.plan.svg != "" {
		if err := writeFile(e.opts.plan.svg, []byte(web.ProgressSVG(*v))); err != nil {
			return entente.Errorf(entente.EINVALID, "--svg: %v", err)
		}
	}
	if e.opts.json {
		return writeJSON(e.stdout, v)
	}
	w := e.stdout
	fmt.Fprintf(w, "Progress of %s as of %s\n\n", v.Programme, v.AsOf)
	var rows [][]string
	for _, r := range web.ChartRows(*v) {
		label := r.Label
		switch r.Level {
		case "objective", "unassigned":
			label = "  " + label
		case "goal":
			label = "    " + label
		}
		rows = append(rows, []string{label, r.Figure(), strconv.Itoa(r.Activities.Total),
			strconv.Itoa(r.Activities.Reported), strconv.Itoa(r.Activities.Cancelled)})
	}
	if err := table(w, []string{"WHAT", "PROGRESS", "ACTIVITIES", "REPORTED", "CANCELLED"}, rows); err != nil {
		return err
	}
	list := func(title string, items []entente.Attention) {
		fmt.Fprintf(w, "\n%s: ", title)
		if len(items) == 0 {
			fmt.Fprintln(w, "none")
			return
		}
		fmt.Fprintln(w)
		for _, a := range items {
			fmt.Fprintf(w, "  %s %s (due %s): %s\n", a.Kind, a.Key, orDash(a.Due.String()), a.What)
		}
	}
	list("Overdue", v.Overdue)
	list("Due for review", v.DueForReview)
	return nil
}

func runProgrammeDiff(ctx context.Context, e *env, args []string) error {
	if len(args) != 2 {
		return usagef("want two programme or review ids, got %d arguments", len(args))
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	d, err := e.be.DiffProgrammes(ctx, args[0], args[1])
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, d)
	}
	_, err = fmt.Fprint(e.stdout, d.Text())
	return err
}

func (e *env) day() (entente.Date, error) {
	d, err := entente.ParseDate(e.opts.date)
	if err != nil {
		return d, entente.Errorf(entente.EINVALID, "--date: %v", err)
	}
	return d, nil
}

func runProgrammeReview(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want one programme id, got %d arguments", len(args))
	}
	d, err := e.day()
	if err != nil {
		return err
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	r, err := e.be.ReviewProgramme(ctx, service.ReviewRequest{Programme: args[0], Date: d, Note: e.opts.plan.note})
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, r)
	}
	fmt.Fprintf(e.stdout, "review %s of %s recorded on %s (%s, %s)\n", r.ID, r.Programme, r.Date,
		words.Count(int64(len(r.Snapshot.Objectives)), "objective"), words.Count(int64(len(r.Snapshot.Goals)), "goal"))
	return nil
}

func runProgrammeAgree(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want the new programme's id, got %d arguments", len(args))
	}
	d, err := e.day()
	if err != nil {
		return err
	}
	to, err := entente.ParseDate(e.opts.plan.to)
	if err != nil {
		return entente.Errorf(entente.EINVALID, "--to: %v", err)
	}
	var areas []string
	for _, a := range strings.Split(e.opts.plan.areas, ",") {
		if a = strings.TrimSpace(a); a != "" {
			areas = append(areas, a)
		}
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	res, err := e.be.AgreeProgramme(ctx, service.AgreeRequest{ID: args[0], Alliance: strings.ToUpper(e.opts.plan.alliance),
		Partner: strings.ToUpper(e.opts.plan.partner), Type: e.opts.plan.ptype, Title: e.opts.plan.title, Agreed: d, To: to, Areas: areas,
		CarryOver: e.opts.plan.carryOver})
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, res)
	}
	fmt.Fprintf(e.stdout, "%s agreed %s for %s: ", res.Programme.ID, res.Programme.Agreed, res.Programme.Partner)
	sup := "supersedes"
	if res.Programme.Status == entente.ProgrammeAgreed {
		fmt.Fprintf(e.stdout, "agreed, takes effect %s", res.TakesEffect)
		sup = "will supersede"
	} else {
		fmt.Fprintf(e.stdout, "%s", res.Programme.Status)
	}
	if len(res.Superseded) > 0 {
		fmt.Fprintf(e.stdout, "; %s %s", sup, strings.Join(res.Superseded, ", "))
	}
	fmt.Fprintf(e.stdout, "; %s, %s carried over\n", words.Count(int64(len(res.Objectives)), "objective"), words.Count(int64(len(res.CarriedOver)), "goal"))
	return nil
}

// parseIndicator reads NAME;UNIT;BASELINE;TARGET;CURRENT;DUE.
func parseIndicator(s string) (entente.Indicator, error) {
	parts := strings.Split(s, ";")
	if len(parts) < 5 || len(parts) > 6 {
		return entente.Indicator{}, entente.Errorf(entente.EINVALID, "--indicator %q: want NAME;UNIT;BASELINE;TARGET;CURRENT[;DUE]", s)
	}
	in := entente.Indicator{Name: strings.TrimSpace(parts[0]), Unit: strings.TrimSpace(parts[1])}
	for i, p := range []*float64{&in.Baseline, &in.Target, &in.Current} {
		v, err := strconv.ParseFloat(strings.TrimSpace(parts[2+i]), 64)
		if err != nil {
			return in, entente.Errorf(entente.EINVALID, "--indicator %q: %q is not a number", s, parts[2+i])
		}
		*p = v
	}
	if len(parts) == 6 {
		d, err := entente.ParseDate(strings.TrimSpace(parts[5]))
		if err != nil {
			return in, entente.Errorf(entente.EINVALID, "--indicator %q: %v", s, err)
		}
		in.Due = d
	}
	return in, nil
}

func runProgrammeGoal(ctx context.Context, e *env, args []string) error {
	if len(args) != 2 {
		return usagef("want PROGRAMME and goal CODE, got %d arguments", len(args))
	}
	var ins []entente.Indicator
	for _, s := range e.opts.plan.indicators {
		in, err := parseIndicator(s)
		if err != nil {
			return err
		}
		ins = append(ins, in)
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	g, err := e.be.PutGoal(ctx, service.GoalRequest{Programme: args[0], Code: args[1],
		Objective: e.opts.plan.objective, Title: e.opts.plan.title, Indicators: ins})
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, g)
	}
	fmt.Fprintf(e.stdout, "goal %s recorded under objective %s with %d indicators\n", g.Key(), g.Objective, len(g.Indicators))
	return nil
}
