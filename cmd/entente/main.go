// Command entente runs entente: the web UI and JSON API (serve), queries,
// treaty-rule checks and workflow steps, and data import and export.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"os/user"
	"slices"
	"sort"
	"strings"
	"syscall"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
)

func main() {
	ctx, stop := signalContext()
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// signalContext is done on SIGINT or SIGTERM, which shut serve down
// gracefully; stop restores the signals' default action.
func signalContext() (ctx context.Context, stop context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// Exit statuses.
const (
	exitOK          = 0
	exitRefused     = 1   // a rule refused, or the database failed
	exitUsage       = 2   // bad usage or bad input
	exitInterrupted = 130 // stopped by SIGINT (Ctrl-C) or SIGTERM: 128 + SIGINT, as shells report it
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	usage   string // arguments, after the command name
	help    string // longer text with examples
	// uses names the shared flags (sharedFlags) the command reads besides
	// --db, which all take; help and parsing offer it only those.
	uses  []string
	flags func(fs *flag.FlagSet, o *options)
	run   func(ctx context.Context, e *env, args []string) error
	// interrupted says what is left when a run is stopped by a signal
	// (its context cancelled), for the message.
	interrupted string
}

// sharedFlag is a flag several commands read, defined once here.
type sharedFlag struct {
	name string
	// helpDefault is the default as help shows it ($USER, not the user's
	// name), when it differs from the value.
	helpDefault string
	define      func(fs *flag.FlagSet, o *options)
}

// sharedFlags is the one table of flags several commands read. Every
// command takes --db; a command lists the others it reads in its uses.
var sharedFlags = []sharedFlag{
	{name: "db", define: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.db, "db", "entente.db", "database: an SQLite file path or a postgres:// URL")
	}},
	{name: flagJSON, define: func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.json, flagJSON, false, "print JSON instead of text")
	}},
	{name: flagAsOf, define: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.asOf, flagAsOf, "", "answer as the records stood on this day (YYYY-MM-DD; default today)")
	}},
	{name: flagQuiet, define: func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.quiet, flagQuiet, false, "draw no progress bar (none is drawn unless standard error is a terminal)")
	}},
	{name: flagAs, define: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.as, flagAs, "", "act as this user, with its role (default: the local operator, with every right)")
	}},
}

// Shared flag names, for commands' uses.
const (
	flagJSON  = "json"
	flagAsOf  = "as-of"
	flagAs    = "as"
	flagQuiet = "quiet"
)

// flagSet returns the flags c takes, bound to o: --db, the shared flags it
// uses, then its own. Parsing and help both read it, so they cannot differ.
func flagSet(c *command, o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("entente "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, f := range sharedFlags {
		if f.name == "db" || slices.Contains(c.uses, f.name) {
			f.define(fs, o)
		}
	}
	if c.flags != nil {
		c.flags(fs, o)
	}
	return fs
}

// options are the flags every command shares, plus each command's own.
type options struct {
	db     string
	server string
	json   bool
	asOf   string
	as     string
	addr   string
	out    string
	dev    bool
	by     string
	date   string
	format string
	table  string // an export's table: member or dyad-year
	force  bool
	quiet  bool
	limit  int
	// alliance names the alliance for commands that default to the
	// store's (serve, profile).
	alliance string

	activity activityOptions
	account  accountOptions
	plan     planOptions
	generate generateOptions
	search   searchOptions
	serve    serveOptions
}

// env is what a running command has: its options, output and, once opened,
// the service.
type env struct {
	opts   options
	stdout io.Writer
	stderr io.Writer
	svc    *service.Service
	st     entente.Store
	// be is what a command that can run remotely calls: svc, or with
	// --server the API client (remote.go).
	be backend
	// who is the principal the command acts as, which the context of its
	// run carries: the local operator, until open settles --as (which
	// needs the store to look the user up).
	who *entente.Principal
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
	if len(args) == 0 || isHelp(args[0]) {
		return mainHelp(args, stdout, stderr)
	}
	lead, args, err := leadingFlags(args)
	if err != nil {
		fmt.Fprintf(stderr, "entente: %v; run 'entente help' for the list of commands\n", err)
		return exitUsage
	}
	if len(args) == 0 {
		fmt.Fprintln(stderr, "entente: no command; run 'entente help' for the list")
		return exitUsage
	}
	c, rest := resolve(args)
	if c == nil {
		if group := subcommands(args[0]); len(group) > 0 {
			return groupUsage(args, group, stderr)
		}
		fmt.Fprintf(stderr, "entente: unknown command %q; run 'entente help' for the list\n", args[0])
		return exitUsage
	}
	e := &env{stdout: stdout, stderr: stderr, who: entente.Operator(osUser())}
	positional, err := parseFlags(c, &e.opts, append(lead, rest...))
	if errors.Is(err, flag.ErrHelp) {
		printHelp(stdout, c)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "entente %s: %v\nusage: entente %s %s\n", c.name, err, c.name, c.usage)
		return exitUsage
	}
	// The command runs as e.who; open replaces the operator with --as's
	// account in place, before anything reads or writes.
	err = c.run(entente.WithPrincipal(ctx, e.who), e, positional)
	if e.st != nil {
		e.st.Close()
	}
	if err != nil && ctx.Err() != nil {
		// Whatever the error says (a query cancelled, a rollback), the
		// run was stopped by a signal.
		fmt.Fprintf(stderr, "entente %s: interrupted; %s\n", c.name, cmp.Or(c.interrupted, "it stopped before the end"))
		return exitInterrupted
	}
	return report(e, c, err)
}

func isHelp(a string) bool { return a == "help" || a == "-h" || a == "--help" || a == "-help" }

// mainHelp answers "entente", "entente help", "entente help COMMAND" and
// "entente help GROUP".
func mainHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) <= 1 {
		printOverview(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if c, rest := resolve(args[1:]); c != nil && len(rest) == 0 {
		printHelp(stdout, c)
		return exitOK
	}
	if group := subcommands(args[1]); len(group) > 0 && len(args) == 2 {
		printGroup(stdout, args[1], group)
		return exitOK
	}
	fmt.Fprintf(stderr, "entente: no command %q; run 'entente help' for the list\n", strings.Join(args[1:], " "))
	return exitUsage
}

// resolve finds the command args start with, two words ("accession
// check") or one ("members"), and returns it with the arguments after its
// name.
func resolve(args []string) (*command, []string) {
	if len(args) > 1 {
		if c := lookup(args[0] + " " + args[1]); c != nil {
			return c, args[2:]
		}
	}
	if c := lookup(args[0]); c != nil {
		return c, args[1:]
	}
	return nil, nil
}

// subcommands lists the two-word commands of a group ("accession").
func subcommands(group string) []*command {
	var out []*command
	for _, c := range commands {
		if strings.HasPrefix(c.name, group+" ") {
			out = append(out, c)
		}
	}
	return out
}

// groupUsage answers a group named without a subcommand, or with an
// unknown one: the list of its subcommands, exit status 2.
func groupUsage(args []string, group []*command, stderr io.Writer) int {
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		fmt.Fprintf(stderr, "entente %s: no subcommand %q\n", args[0], args[1])
	} else {
		fmt.Fprintf(stderr, "entente %s: name a subcommand\n", args[0])
	}
	printGroup(stderr, args[0], group)
	return exitUsage
}

func printGroup(w io.Writer, name string, group []*command) {
	fmt.Fprintf(w, "usage: entente %s SUBCOMMAND [ARGS] [FLAGS]\n\nsubcommands:\n", name)
	for _, c := range group {
		fmt.Fprintf(w, "  %-20s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'entente help %s SUBCOMMAND' for its flags and examples.\n", name)
}

// leadingFlags splits off flags given before the command name ("entente
// --db x.db --limit 5 audit"), to be parsed with the command's own. Whether
// a flag takes a value is read from the flags the commands define, so
// "--limit 5" keeps its value; a flag no command defines is an error here,
// since where its value would end cannot be known.
func leadingFlags(args []string) (flags, rest []string, err error) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" && args[0] != "--" {
		a := args[0]
		flags, args = append(flags, a), args[1:]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		takes, known := takesValue(name)
		if !known {
			return nil, nil, fmt.Errorf("no command takes the flag %s", a)
		}
		if takes && !hasValue {
			if len(args) == 0 {
				return nil, nil, fmt.Errorf("flag %s needs a value", a)
			}
			flags, args = append(flags, args[0]), args[1:]
		}
	}
	return flags, args, nil
}

// takesValue reports whether some command defines the flag name, and if so
// whether it takes a value (every flag but a boolean one does).
func takesValue(name string) (takes, known bool) {
	for _, c := range commands {
		if f := flagSet(c, &options{}).Lookup(name); f != nil {
			b, ok := f.Value.(interface{ IsBoolFlag() bool })
			return !ok || !b.IsBoolFlag(), true
		}
	}
	return false, false
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
	if code == entente.EUNAUTHORIZED && e.opts.server != "" && os.Getenv("ENTENTE_TOKEN") == "" {
		msg += "; with --server, put your API token in ENTENTE_TOKEN"
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
func parseFlags(c *command, o *options, args []string) ([]string, error) {
	fs := flagSet(c, o)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, flagError(c, fs, err)
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
	if err != nil {
		return nil, err
	}
	return positional, checkText(fs, positional)
}

// checkText refuses flag values and arguments that are not valid UTF-8 or
// hold a NUL: what the store keeps is the same on both engines.
func checkText(fs *flag.FlagSet, positional []string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if msg := entente.TextProblem(f.Value.String()); msg != "" && err == nil {
			err = usagef("--%s: %s", f.Name, msg)
		}
	})
	for i, a := range positional {
		if msg := entente.TextProblem(a); msg != "" && err == nil {
			err = usagef("argument %d %q: %s", i+1, a, msg)
		}
	}
	return err
}

// flagError says what the flag package's err means, in the words of the
// command line rather than the flag package's.
func flagError(c *command, fs *flag.FlagSet, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return fmt.Errorf("%s does not take --%s; 'entente help %s' lists the flags it takes",
			c.name, strings.TrimLeft(name, "-"), c.name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Errorf("--%s needs a value", strings.TrimLeft(name, "-"))
	}
	var value, name string
	if _, e := fmt.Sscanf(msg, "invalid boolean value %q for %s", &value, &name); e == nil {
		return fmt.Errorf("--%s=%q: want true or false", strings.TrimSuffix(strings.TrimLeft(name, "-"), ":"), value)
	}
	if _, e := fmt.Sscanf(msg, "invalid value %q for flag %s", &value, &name); e == nil {
		name = strings.TrimSuffix(strings.TrimLeft(name, "-"), ":")
		want := "a valid value"
		if f := fs.Lookup(name); f != nil {
			if g, ok := f.Value.(flag.Getter); ok {
				switch g.Get().(type) {
				case int, int64, uint, uint64:
					want = "a whole number"
				case bool:
					want = "true or false"
				}
			}
		}
		return fmt.Errorf("--%s %q: want %s", name, value, want)
	}
	return err
}

func envName(flagName string) string {
	return "ENTENTE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// osUser names the local operator: whoever runs the CLI holds the database
// file or DSN, so could change it directly; the audit names them.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
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

// openStore opens the store named by --db. It is a variable so that a test
// running thousands of commands (asof_property_test.go) can hand them all
// one open store, and still go through each command's own code path.
var openStore = store.Open

// open opens the store named by --db and, unless loadDefault is false, loads
// the embedded default dataset into it if it is empty.
func (e *env) open(ctx context.Context, loadDefault bool) error {
	if e.opts.server != "" {
		return e.openRemote()
	}
	st, err := openStore(ctx, e.opts.db)
	if err != nil {
		return err
	}
	e.st = st
	e.svc = service.New(st)
	e.be = e.svc
	// The default dataset is loaded by the local operator, whoever the
	// command then acts as.
	if loadDefault {
		if _, err := e.svc.LoadDefault(ctx); err != nil {
			return err
		}
	}
	if e.opts.as != "" {
		p, err := e.svc.ActAs(ctx, e.opts.as)
		if err != nil {
			return err
		}
		*e.who = *p
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
	fmt.Fprint(w, withExamples(`
A flag may come before the command or anywhere after it, and has an
environment twin: --db is ENTENTE_DB, --as-of is ENTENTE_AS_OF. Each command
takes only the flags its help lists; these are common:

  --db PATH|URL   every command: an SQLite file (default ./entente.db) or a
                  postgres:// URL; a store with no data gets the embedded
                  default dataset ({alliance}) first
  --json          commands that print records: JSON instead of text
  --as-of DATE    queries: answer as the records stood on that day
  --as USER       commands that write: act as that user, with its role
                  (default: the local operator, named in the audit log as
                  operator:$USER)
  --server URL    commands that read the record or take workflow steps:
                  send them to that entente server's API instead of opening
                  --db, with the API token in ENTENTE_TOKEN

Exit status: 0 done, 1 refused by a rule or the database, 2 bad usage or
input, 130 interrupted (Ctrl-C or SIGTERM).

Run 'entente help COMMAND' for a command's examples.
`))
}

func printHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "usage: entente %s %s\n\n%s\n", c.name, c.usage, c.summary)
	if c.help != "" {
		fmt.Fprintf(w, "\n%s\n", withExamples(strings.TrimSpace(c.help)))
	}
	fmt.Fprint(w, "\nflags (each also read from ENTENTE_<FLAG>):\n")
	fs := flagSet(c, &options{})
	for _, f := range sharedFlags {
		if g := fs.Lookup(f.name); g != nil && f.helpDefault != "" {
			g.DefValue = f.helpDefault
		}
	}
	fs.SetOutput(w)
	fs.PrintDefaults()
}
