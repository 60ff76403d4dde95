// Command entente runs entente: the web UI and JSON API (serve), queries,
// treaty-rule checks and workflow steps, and data import and export.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK      = 0
	exitRefused = 1 // a rule refused, or the database failed
	exitUsage   = 2 // bad usage or bad input
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	usage   string // arguments, after the command name
	help    string // longer text with examples
	flags   func(fs *flag.FlagSet, o *options)
	run     func(ctx context.Context, e *env, args []string) error
}

// options are the flags every command shares, plus each command's own.
type options struct {
	db     string
	json   bool
	asOf   string
	actor  string
	addr   string
	out    string
	dev    bool
	by     string
	date   string
	format string
	force  bool
	limit  int

	activity activityOptions
	plan     planOptions
	generate generateOptions
}

// env is what a running command has: its options, output and, once opened,
// the service.
type env struct {
	opts   options
	stdout io.Writer
	stderr io.Writer
	svc    *service.Service
	st     entente.Store
}

func (e *env) asOf() (entente.Date, error) {
	d, err := entente.ParseDate(e.opts.asOf)
	if err != nil {
		return d, entente.Errorf(entente.EINVALID, "--as-of: %v", err)
	}
	return d, nil
}

var commands []*command

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// usageError is bad usage: exit status 2 with the command's usage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// Main runs entente with args (without the program name) and returns the
// exit status. Tests call it directly.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			c := lookup(strings.Join(args[1:min(3, len(args))], " "))
			if c == nil {
				c = lookup(args[1])
			}
			if c != nil {
				printHelp(stdout, c)
				return exitOK
			}
			fmt.Fprintf(stderr, "entente: no command %q\n", strings.Join(args[1:], " "))
			return exitUsage
		}
		printOverview(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	lead, args := leadingFlags(args)
	if len(args) == 0 {
		fmt.Fprintln(stderr, "entente: no command; run 'entente help' for the list")
		return exitUsage
	}
	name, rest := args[0], append(args[1:], lead...)
	// Two-word commands: "accession check", "programme show", ...
	if c := lookup(name); c == nil && len(rest) > 0 {
		if c2 := lookup(name + " " + rest[0]); c2 != nil {
			name, rest = name+" "+rest[0], rest[1:]
		}
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(stderr, "entente: unknown command %q; run 'entente help' for the list\n", strings.Join(args[:min(2, len(args))], " "))
		return exitUsage
	}
	e := &env{stdout: stdout, stderr: stderr}
	positional, err := parseFlags(c, &e.opts, rest, stderr)
	if errors.Is(err, flag.ErrHelp) {
		printHelp(stdout, c)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "entente %s: %v\nusage: entente %s %s\n", c.name, err, c.name, c.usage)
		return exitUsage
	}
	err = c.run(ctx, e, positional)
	if e.st != nil {
		e.st.Close()
	}
	return report(e, c, err)
}

// valueFlags take a value, as "--flag value" or "--flag=value".
var valueFlags = map[string]bool{"db": true, "as-of": true, "actor": true, "addr": true, "out": true,
	"by": true, "date": true, "format": true}

// leadingFlags splits off flags given before the command name
// ("entente --db x.db members NATO"), so they can be parsed with the
// command's own.
func leadingFlags(args []string) (flags, rest []string) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		a := args[0]
		flags, args = append(flags, a), args[1:]
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && valueFlags[name] && len(args) > 0 {
			flags, args = append(flags, args[0]), args[1:]
		}
	}
	return flags, args
}

// report prints err and returns the exit status for it.
func report(e *env, c *command, err error) int {
	if err == nil {
		return exitOK
	}
	if errors.As(err, new(silentRefusal)) {
		return exitRefused
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(e.stderr, "entente %s: %s\nusage: entente %s %s\n", c.name, ue.msg, c.name, c.usage)
		return exitUsage
	}
	code := entente.ErrorCode(err)
	msg := entente.ErrorMessage(err)
	if code == entente.EINTERNAL {
		msg = err.Error()
	}
	fmt.Fprintf(e.stderr, "entente %s: %s\n", c.name, msg)
	if reasons := entente.ErrorReasons(err); len(reasons) > 1 {
		for _, r := range reasons[1:] {
			fmt.Fprintf(e.stderr, "  - %s\n", r)
		}
	}
	switch code {
	case entente.EINVALID, entente.ENOTFOUND:
		return exitUsage
	}
	return exitRefused
}

// parseFlags parses flags placed before, between or after the positional
// arguments (the flag package alone stops at the first argument), then fills
// every flag not given from its environment twin ENTENTE_<NAME>.
func parseFlags(c *command, o *options, args []string, stderr io.Writer) ([]string, error) {
	fs := flag.NewFlagSet("entente "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.db, "db", "entente.db", "database: an SQLite file path or a postgres:// URL")
	fs.BoolVar(&o.json, "json", false, "print JSON instead of a table")
	fs.StringVar(&o.asOf, "as-of", "", "answer as the records stood on this day (YYYY-MM-DD; default today)")
	fs.StringVar(&o.actor, "actor", defaultActor(), "who is making the change, for the audit log")
	if c.flags != nil {
		c.flags(fs, o)
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		if v, ok := os.LookupEnv(envName(f.Name)); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %v", envName(f.Name), v, e)
			}
		}
	})
	return positional, err
}

func envName(flagName string) string {
	return "ENTENTE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func defaultActor() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "cli"
}

// query prepares a query command: it reads --as-of and opens the store,
// loading the default dataset into an empty one.
func (e *env) query(ctx context.Context) (entente.Date, error) {
	asOf, err := e.asOf()
	if err != nil {
		return asOf, err
	}
	return asOf, e.open(ctx, true)
}

// open opens the store named by --db and, unless loadDefault is false, loads
// the embedded default dataset into it if it is empty.
func (e *env) open(ctx context.Context, loadDefault bool) error {
	st, err := store.Open(ctx, e.opts.db)
	if err != nil {
		return err
	}
	e.st = st
	e.svc = service.New(st)
	if loadDefault {
		if _, err := e.svc.LoadDefault(ctx, e.opts.actor); err != nil {
			return err
		}
	}
	return nil
}

func printOverview(w io.Writer) {
	fmt.Fprint(w, `entente: an alliance's members, partners, programmes and treaty rules.

usage: entente COMMAND [ARGS] [FLAGS]

commands:
`)
	cs := append([]*command{}, commands...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-20s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Every flag may come before or after the arguments and has an environment
twin: --db is ENTENTE_DB, --as-of is ENTENTE_AS_OF, --addr is ENTENTE_ADDR.

  --db PATH|URL   an SQLite file (default ./entente.db) or a postgres:// URL;
                  a store with no data gets the embedded NATO dataset first
  --json          JSON instead of text tables
  --as-of DATE    answer as the records stood on that day

Run 'entente help COMMAND' for a command's examples.
`)
}

func printHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "usage: entente %s %s\n\n%s\n", c.name, c.usage, c.summary)
	if c.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.help))
	}
	fmt.Fprint(w, "\nflags (each also read from ENTENTE_<FLAG>):\n")
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	var o options
	fs.String("db", "entente.db", "database: an SQLite file path or a postgres:// URL")
	fs.Bool("json", false, "print JSON instead of a table")
	fs.String("as-of", "", "answer as the records stood on this day (YYYY-MM-DD; default today)")
	fs.String("actor", "$USER", "who is making the change, for the audit log")
	if c.flags != nil {
		c.flags(fs, &o)
	}
	fs.SetOutput(w)
	fs.PrintDefaults()
}
