package main

import (
	"context"
	"flag"
	"io"

	"github.com/entente/entente"
	"github.com/entente/entente/web"
)

func init() {
	commands = append(commands, &command{
		name:    "profile",
		uses:    []string{flagAsOf, flagJSON},
		summary: "a partner's public page about its work with the alliance, rebuilt from the records, as Markdown or HTML",
		usage:   "ISO3 [--alliance CODE] [--format md|html] [--out FILE] [--as-of DATE] [--json]",
		help: `
The page has an introduction, an "On this page" index, then what the alliance
is, how the partner works with it (its partnerships and programmes), its
partner groups with their invitations to the alliance's meetings, its
deployments, and the numbered sources every fact cites. --format html writes
one standalone document with its stylesheet inline; --json the facts the page
is made of. The alliance is the store's only one unless --alliance names
another (with several and none named, the first by code). The web serves the
same page at /partners/ISO3.

Examples:
  entente profile NZL                         # Markdown
  entente profile NZL --format html --out nzl.html
  entente profile AUS --as-of 2023-01-01
  entente profile AUS --alliance {alliance}`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.format, "format", "md", "md (Markdown) or html")
			fs.StringVar(&o.out, "out", "", "write to FILE instead of standard output")
			fs.StringVar(&o.alliance, "alliance", "", "the alliance (default: the store's only alliance, or the first by code)")
		},
		run: runProfile,
	})
}

func runProfile(ctx context.Context, e *env, args []string) error {
	code, err := oneArg(args, "partner's country code (ISO 3166-1 alpha-3, e.g. NZL)")
	if err != nil {
		return err
	}
	write := web.WriteProfileMarkdown
	switch e.opts.format {
	case "md", "markdown", "":
	case "html":
		write = web.WriteProfileHTML
	default:
		return usagef("--format must be md or html, not %q", e.opts.format)
	}
	asOf, err := e.asOf()
	if err != nil {
		return err
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	a, err := e.svc.DefaultAlliance(ctx, e.opts.alliance)
	if err != nil {
		return err
	}
	p, err := e.svc.Profile(ctx, a.Code, code, asOf)
	if err != nil {
		return err
	}
	if p.Member != nil {
		return entente.Errorf(entente.EINVALID, "%s is a member of %s, not a partner: see entente country %s", code, p.Alliance.Code, code)
	}
	return e.emit(func(w io.Writer) error {
		if e.opts.json {
			return writeJSON(w, p)
		}
		return write(w, p)
	})
}
