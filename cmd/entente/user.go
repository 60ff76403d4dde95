package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// stdin is where --password-stdin reads; tests replace it.
var stdin io.Reader = os.Stdin

// accountOptions are the user and token commands' own flags.
type accountOptions struct {
	role          string
	partner       string
	passwordStdin bool
	user          string
	scopes        scopeList
	expires       string
}

// scopeList is a repeatable --scope flag; each value may also be a
// comma-separated list.
type scopeList []string

func (l *scopeList) String() string { return strings.Join(*l, ",") }

func (l *scopeList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

const userHelp = `
Accounts sign in to the web UI and own API tokens. Roles:
  admin    manages users and tokens, and does what staff do
  staff    the alliance's staff: reads and changes every record
  liaison  a partner's liaison, bound to one partner (--partner ISO3):
           proposes, registers, holds and reports activities and updates
           goals within that partner's programmes; cannot approve or agree
  reader   signed in, changes nothing

There is no default password. A password has at least 12 characters (no
other rule: a few words make a good one) and is read from standard input
with --password-stdin, never from a flag, so it stays out of the shell's
history and the process list. Every change to an account is in the audit
log, never the password or its hash.

The CLI acts as the local operator (whoever holds the database), with every
right; --as USER acts as that user instead.

Examples:
  printf '%s\n' "$PASSWORD" | entente user add alice --role admin --password-stdin
  entente user add kiri --role liaison --partner NZL --password-stdin < pw.txt
  entente user list
  entente user role kiri reader
  entente user disable kiri
  entente user passwd alice --password-stdin`

func init() {
	roleFlags := func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.account.partner, "partner", "", "a liaison's partner (ISO3)")
	}
	pwFlag := func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.account.passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	}
	commands = append(commands,
		&command{
			name:    "user add",
			uses:    []string{flagAs, flagJSON},
			summary: "add a user account with a role",
			usage:   "NAME --role admin|staff|liaison|reader [--partner ISO3] --password-stdin",
			help:    userHelp,
			flags: func(fs *flag.FlagSet, o *options) {
				fs.StringVar(&o.account.role, "role", "", "admin, staff, liaison or reader")
				roleFlags(fs, o)
				pwFlag(fs, o)
			},
			run: runUserAdd,
		},
		&command{
			name:    "user list",
			uses:    []string{flagAs, flagJSON},
			summary: "list the user accounts",
			help:    userHelp,
			run:     runUserList,
		},
		&command{
			name:    "user disable",
			uses:    []string{flagAs, flagJSON},
			summary: "disable a user: no sign-in, and its tokens stop working",
			usage:   "NAME",
			help:    userHelp,
			run:     func(ctx context.Context, e *env, args []string) error { return runUserDisabled(ctx, e, args, true) },
		},
		&command{
			name:    "user enable",
			uses:    []string{flagAs, flagJSON},
			summary: "enable a disabled user",
			usage:   "NAME",
			help:    userHelp,
			run:     func(ctx context.Context, e *env, args []string) error { return runUserDisabled(ctx, e, args, false) },
		},
		&command{
			name:    "user passwd",
			uses:    []string{flagAs},
			summary: "set a user's password",
			usage:   "NAME --password-stdin",
			help:    userHelp,
			flags:   pwFlag,
			run:     runUserPasswd,
		},
		&command{
			name:    "user role",
			uses:    []string{flagAs, flagJSON},
			summary: "change a user's role (and a liaison's partner)",
			usage:   "NAME ROLE [--partner ISO3]",
			help:    userHelp,
			flags:   roleFlags,
			run:     runUserRole,
		},
	)
}

// readPassword reads the password from the first line of standard input,
// which --password-stdin must say is where it is.
func readPassword(e *env) (string, error) {
	if !e.opts.account.passwordStdin {
		return "", usagef("give the password on standard input with --password-stdin (there is no default password)")
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func runUserAdd(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("user add takes one user name")
	}
	if e.opts.account.role == "" {
		return usagef("--role is required: admin, staff, liaison or reader")
	}
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	a, err := e.svc.AddUser(ctx, service.UserRequest{Name: args[0], Role: entente.Role(e.opts.account.role),
		Partner: strings.ToUpper(e.opts.account.partner), Password: pw})
	if err != nil {
		return err
	}
	return printAccount(e, a, "added")
}

func printAccount(e *env, a *entente.Account, what string) error {
	if e.opts.json {
		return writeJSON(e.stdout, a)
	}
	fmt.Fprintf(e.stdout, "%s user %s (%s)\n", what, a.Name, describeRole(a))
	return nil
}

func describeRole(a *entente.Account) string {
	s := string(a.Role)
	if a.Partner != "" {
		s += " for " + a.Partner
	}
	if a.Disabled {
		s += ", disabled"
	}
	return s
}

func runUserList(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("user list takes no arguments")
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	as, err := e.svc.Users(ctx)
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, as)
	}
	var rows [][]string
	for _, a := range as {
		status := "active"
		if a.Disabled {
			status = "disabled"
		}
		rows = append(rows, []string{a.Name, string(a.Role), a.Partner, status, a.Created.UTC().Format("2006-01-02 15:04")})
	}
	return table(e.stdout, []string{"NAME", "ROLE", "PARTNER", "STATUS", "CREATED (UTC)"}, rows)
}

func runUserDisabled(ctx context.Context, e *env, args []string, disabled bool) error {
	if len(args) != 1 {
		return usagef("takes one user name")
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	a, err := e.svc.SetUserDisabled(ctx, args[0], disabled)
	if err != nil {
		return err
	}
	if disabled {
		return printAccount(e, a, "disabled")
	}
	return printAccount(e, a, "enabled")
}

func runUserPasswd(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("user passwd takes one user name")
	}
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	if err := e.svc.SetPassword(ctx, args[0], pw); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "changed the password of %s\n", args[0])
	return nil
}

func runUserRole(ctx context.Context, e *env, args []string) error {
	if len(args) != 2 {
		return usagef("user role takes a user name and a role")
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	a, err := e.svc.SetRole(ctx, args[0], entente.Role(args[1]), strings.ToUpper(e.opts.account.partner))
	if err != nil {
		return err
	}
	return printAccount(e, a, "changed")
}

func init() {
	const tokenHelp = `
An API token acts for its user, within its scopes: read, write (changes
records, as far as the user's role allows), admin (manages users and
tokens; an admin's tokens only) and metrics. A token bound to a partner
(--partner) acts as that partner's liaison at most. Requests send it as
'Authorization: Bearer ent_...'.

token create prints the token alone on its last line, once: entente keeps
only its SHA-256, so it cannot show it again. --expires takes a duration
in days or hours (90d, 12h); without it the token lasts until revoked.

Examples:
  entente token create --user alice --scope write
  entente token create --user kiri --scope read --scope write --expires 90d
  entente token list --user alice
  entente token revoke 7`
	commands = append(commands,
		&command{
			name:    "token create",
			uses:    []string{flagAs},
			summary: "create an API token for a user; prints it once",
			usage:   "--user NAME --scope write [--scope read ...] [--partner ISO3] [--expires 90d]",
			help:    tokenHelp,
			flags: func(fs *flag.FlagSet, o *options) {
				fs.StringVar(&o.account.user, "user", "", "the user the token acts for")
				fs.Var(&o.account.scopes, "scope", "a scope: read, write, admin or metrics (repeat for several)")
				fs.StringVar(&o.account.partner, "partner", "", "bind the token to one partner (ISO3)")
				fs.StringVar(&o.account.expires, "expires", "", "lifetime, such as 90d or 12h (default: until revoked)")
			},
			run: runTokenCreate,
		},
		&command{
			name:    "token list",
			uses:    []string{flagAs, flagJSON},
			summary: "list API tokens (never their secrets)",
			usage:   "[--user NAME]",
			help:    tokenHelp,
			flags: func(fs *flag.FlagSet, o *options) {
				fs.StringVar(&o.account.user, "user", "", "only this user's tokens")
			},
			run: runTokenList,
		},
		&command{
			name:    "token revoke",
			uses:    []string{flagAs, flagJSON},
			summary: "revoke an API token: it stops working at once",
			usage:   "ID",
			help:    tokenHelp,
			run:     runTokenRevoke,
		},
	)
}

// parseLifetime reads --expires: a number of days ("90d") or a Go
// duration ("12h", "30m").
func parseLifetime(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 || days > 3650 {
			return 0, usagef("--expires %q: want a number of days from 1 to 3650, such as 90d", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, usagef("--expires %q: want a lifetime such as 90d or 12h", s)
	}
	return d, nil
}

func runTokenCreate(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("token create takes no arguments: name the user with --user")
	}
	if e.opts.account.user == "" {
		return usagef("--user is required: the user the token acts for")
	}
	if len(e.opts.account.scopes) == 0 {
		return usagef("give at least one --scope: read, write, admin or metrics")
	}
	ttl, err := parseLifetime(e.opts.account.expires)
	if err != nil {
		return err
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	sec, t, err := e.svc.CreateToken(ctx, service.TokenRequest{User: e.opts.account.user, Scopes: e.opts.account.scopes,
		Partner: strings.ToUpper(e.opts.account.partner), TTL: ttl})
	if err != nil {
		return err
	}
	expires := "never expires"
	if !t.Expires.IsZero() {
		expires = "expires " + t.Expires.UTC().Format("2006-01-02 15:04 UTC")
	}
	fmt.Fprintf(e.stdout, "token %d for %s, scopes %s, %s; shown once, keep it now:\n%s\n",
		t.ID, t.User, strings.Join(t.Scopes, " "), expires, sec)
	return nil
}

func runTokenList(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("token list takes no arguments")
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	ts, err := e.svc.Tokens(ctx, e.opts.account.user)
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, ts)
	}
	when := func(t time.Time, zero string) string {
		if t.IsZero() {
			return zero
		}
		return t.UTC().Format("2006-01-02 15:04")
	}
	var rows [][]string
	for _, t := range ts {
		status := "active"
		switch {
		case !t.Revoked.IsZero():
			status = "revoked " + when(t.Revoked, "")
		case !t.Usable(time.Now()):
			status = "expired"
		}
		rows = append(rows, []string{strconv.FormatInt(t.ID, 10), t.User, strings.Join(t.Scopes, ","), t.Partner,
			when(t.Created, ""), when(t.Expires, "never"), when(t.LastUsed, "never"), status})
	}
	return table(e.stdout, []string{"ID", "USER", "SCOPES", "PARTNER", "CREATED (UTC)", "EXPIRES", "LAST USED", "STATUS"}, rows)
}

func runTokenRevoke(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("token revoke takes one token id")
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return usagef("token id %q: want the number token list shows", args[0])
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	t, err := e.svc.RevokeToken(ctx, id)
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, t)
	}
	fmt.Fprintf(e.stdout, "revoked token %d of %s\n", t.ID, t.User)
	return nil
}
