package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

func init() {
	commands = append(commands, &command{
		name:    "country",
		uses:    []string{flagServer, flagAsOf, flagJSON},
		summary: "everything about one country: memberships, partnerships, programmes, deployments, invitations",
		usage:   "ISO3 [--as-of DATE] [--json]",
		help: `
ISO3 is an ISO 3166-1 alpha-3 code. Each fact is followed by its sources,
numbered and listed at the end.

Examples:
  entente country NZL
  entente country NZL --as-of 2013-01-01      # the IPCP was the active programme
  entente country NZL --json`,
		run: runCountry,
	})
}

func runCountry(ctx context.Context, e *env, args []string) error {
	code, err := oneArg(args, "country code (ISO 3166-1 alpha-3, e.g. NZL)")
	if err != nil {
		return err
	}
	asOf, err := e.query(ctx)
	if err != nil {
		return err
	}
	v, err := e.be.Country(ctx, code, asOf)
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, v)
	}
	printCountry(e, v)
	return nil
}

func printCountry(e *env, v *service.CountryView) {
	w := e.stdout
	var fn footnotes
	fmt.Fprintf(w, "%s (%s), %s %s\n", v.Name, v.Code, v.Place(), fn.cite(v.Provenance))
	fmt.Fprintf(w, "European state: %s. %s %s\n", v.European.Value, v.European.Note, fn.cite(v.European.Provenance))
	fmt.Fprintf(w, "as of %s\n", v.AsOf)
	section := func(title string, n int) bool {
		fmt.Fprintf(w, "\n%s\n", title)
		if n == 0 {
			fmt.Fprintln(w, "  none")
		}
		return n > 0
	}
	if section("Memberships", len(v.Memberships)) {
		for _, m := range v.Memberships {
			fmt.Fprintf(w, "  %s: %s, acceded %s %s\n", m.Alliance, m.Status, orDash(m.Acceded.String()), fn.cite(m.Provenance))
		}
	}
	if section("Partnerships", len(v.Partnerships)) {
		for _, p := range v.Partnerships {
			suspended := ""
			if p.Status == entente.PartnershipSuspended {
				suspended = ", cooperation suspended since " + p.Suspended.From.String()
			}
			fmt.Fprintf(w, "  %s %s (%s)%s%s %s\n", p.Alliance, p.FrameworkName, p.Framework, sinceStart(p.Start, p.To), suspended, fn.cite(p.Provenance))
		}
	}
	if section("Partner groups", len(v.GroupDetails)) {
		for _, g := range v.GroupDetails {
			fmt.Fprintf(w, "  %s: %s (%s) %s\n", g.Code, g.Name, strings.Join(g.Members, ", "), fn.cite(g.Provenance))
		}
	}
	if section("Programmes", len(v.Programmes)) {
		for _, p := range v.Programmes {
			extra := ""
			if p.SupersededBy != "" {
				extra = ", superseded by " + p.SupersededBy
			}
			fmt.Fprintf(w, "  %s %s, agreed %s: %s%s %s\n", p.Type, p.ID, p.Agreed, p.Status, extra, fn.cite(p.Provenance))
			if len(p.Areas) > 0 {
				fmt.Fprintf(w, "      areas: %s\n", strings.Join(p.Areas, ", "))
			}
		}
	}
	if section("Contributions alongside the alliance", len(v.Contributions)) {
		for _, c := range v.Contributions {
			op := c.Operation
			if c.OperationName != "" {
				op = c.OperationName + " (" + c.Operation + ")"
			}
			if op == "" {
				op = "operation not named by the source"
			}
			fmt.Fprintf(w, "  %s  %s, %s: %s %s\n", c.Period, op, c.Theatre, c.What, fn.cite(c.Provenance))
		}
	}
	if section("Invitations", len(v.Invitations)) {
		for _, in := range v.Invitations {
			who := ""
			if in.Attendee != "" {
				who = " (" + in.Attendee + ")"
			}
			fmt.Fprintf(w, "  %d %s, %s: attended %s%s %s\n", in.Year, in.MeetingName, in.Level, in.Attended, who, fn.cite(in.Provenance))
		}
	}
	if len(v.DefenceEvents) > 0 {
		section("Collective-defence events", len(v.DefenceEvents))
		for _, d := range v.DefenceEvents {
			fmt.Fprintf(w, "  %s Art. %s: %s %s\n", d.Date, d.Article, d.Summary, fn.cite(d.Provenance))
		}
	}
	fn.print(w, v.Sources)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
