package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/entente/entente"
)

var _ entente.TokenToucher = (*Store)(nil)

const (
	accountCols = "a.id, a.name, a.role, a.partner, a.disabled, a.password_hash, a.created"
	tokenCols   = "t.id, t.account, a.name, t.scopes, t.partner, t.hash, t.created, t.expires, t.last_used, t.revoked"
	tokenFrom   = " FROM api_tokens t JOIN accounts a ON a.id = t.account"
)

// nullTimeCol reads a nullable timestamp: NULL is the zero time.
type nullTimeCol struct{ p *time.Time }

func (c nullTimeCol) Scan(src any) error {
	if src == nil {
		*c.p = time.Time{}
		return nil
	}
	return timeCol(c).Scan(src)
}

// timeArg is a point in time as a column value: NULL when zero, else UTC
// to the microsecond, the precision PostgreSQL keeps, so it reads back
// the same from either engine.
func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

func scanAccount(rows interface{ Scan(...any) error }, a *entente.Account) error {
	var role string
	err := rows.Scan(&a.ID, &a.Name, &role, &a.Partner, &a.Disabled, &a.PasswordHash, timeCol{&a.Created})
	a.Role = entente.Role(role)
	return err
}

func scanToken(rows interface{ Scan(...any) error }, t *entente.Token) error {
	return rows.Scan(&t.ID, &t.Account, &t.User, listCol{&t.Scopes}, &t.Partner, &t.Hash,
		timeCol{&t.Created}, nullTimeCol{&t.Expires}, nullTimeCol{&t.LastUsed}, nullTimeCol{&t.Revoked})
}

// one runs a query for at most one row and scans it with scan; no row is
// ENOTFOUND naming what.
func (r reader) one(ctx context.Context, op, what, query string, args []any, scan func(*sql.Rows) error) error {
	found := false
	err := r.each(ctx, op, query, args, func(rows *sql.Rows) error {
		found = true
		return scan(rows)
	})
	if err == nil && !found {
		return entente.Errorf(entente.ENOTFOUND, "no %s", what)
	}
	return err
}

// FindAccount returns the account named name.
func (r reader) FindAccount(ctx context.Context, name string) (*entente.Account, error) {
	var a entente.Account
	err := r.one(ctx, "find account", "user named "+name, "SELECT "+accountCols+" FROM accounts a WHERE a.name = $1",
		[]any{name}, func(rows *sql.Rows) error { return scanAccount(rows, &a) })
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// FindAccountByID returns the account with id.
func (r reader) FindAccountByID(ctx context.Context, id int64) (*entente.Account, error) {
	var a entente.Account
	err := r.one(ctx, "find account", "such user", "SELECT "+accountCols+" FROM accounts a WHERE a.id = $1",
		[]any{id}, func(rows *sql.Rows) error { return scanAccount(rows, &a) })
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// FindAccounts returns every account, by name.
func (r reader) FindAccounts(ctx context.Context) ([]entente.Account, error) {
	out := []entente.Account{}
	err := r.each(ctx, "find accounts", "SELECT "+accountCols+" FROM accounts a ORDER BY a.name", nil, func(rows *sql.Rows) error {
		var a entente.Account
		if err := scanAccount(rows, &a); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindToken returns the token with id.
func (r reader) FindToken(ctx context.Context, id int64) (*entente.Token, error) {
	var t entente.Token
	err := r.one(ctx, "find token", "token with id "+strconv.FormatInt(id, 10), "SELECT "+tokenCols+tokenFrom+" WHERE t.id = $1",
		[]any{id}, func(rows *sql.Rows) error { return scanToken(rows, &t) })
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// FindTokenByHash returns the token whose secret hashes to hash.
func (r reader) FindTokenByHash(ctx context.Context, hash string) (*entente.Token, error) {
	var t entente.Token
	err := r.one(ctx, "find token", "such token", "SELECT "+tokenCols+tokenFrom+" WHERE t.hash = $1",
		[]any{hash}, func(rows *sql.Rows) error { return scanToken(rows, &t) })
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// FindTokens returns the tokens of account (0: all), by id.
func (r reader) FindTokens(ctx context.Context, account int64) ([]entente.Token, error) {
	query := "SELECT " + tokenCols + tokenFrom
	var args []any
	if account != 0 {
		query += " WHERE t.account = $1"
		args = append(args, account)
	}
	out := []entente.Token{}
	err := r.each(ctx, "find tokens", query+" ORDER BY t.id", args, func(rows *sql.Rows) error {
		var t entente.Token
		if err := scanToken(rows, &t); err != nil {
			return err
		}
		out = append(out, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateAccount inserts a and sets its ID, and Created to now if zero.
func (t *tx) CreateAccount(ctx context.Context, a *entente.Account) error {
	if a == nil {
		return nothing("account")
	}
	created := a.Created
	if created.IsZero() {
		created = t.now()
	}
	created = created.UTC().Truncate(time.Microsecond)
	var id int64
	err := t.q.QueryRowContext(ctx, `INSERT INTO accounts (name, role, partner, disabled, password_hash, created)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		a.Name, string(a.Role), a.Partner, a.Disabled, a.PasswordHash, created).Scan(&id)
	if err != nil {
		return t.d.wrap("add user "+a.Name, err)
	}
	a.ID, a.Created = id, created
	return nil
}

// UpdateAccount stores a's role, partner, disabled flag and password hash.
func (t *tx) UpdateAccount(ctx context.Context, a *entente.Account) error {
	if a == nil {
		return nothing("account")
	}
	return t.exec1(ctx, "change user "+a.Name, `UPDATE accounts SET role = $2, partner = $3, disabled = $4, password_hash = $5 WHERE id = $1`,
		a.ID, string(a.Role), a.Partner, a.Disabled, a.PasswordHash)
}

// CreateToken inserts tk and sets its ID, and Created to now if zero.
func (t *tx) CreateToken(ctx context.Context, tk *entente.Token) error {
	if tk == nil {
		return nothing("token")
	}
	created := tk.Created
	if created.IsZero() {
		created = t.now()
	}
	created = created.UTC().Truncate(time.Microsecond)
	var id int64
	err := t.q.QueryRowContext(ctx, `INSERT INTO api_tokens (account, hash, scopes, partner, created, expires, last_used, revoked)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		tk.Account, tk.Hash, strings.Join(tk.Scopes, " "), tk.Partner, created,
		timeArg(tk.Expires), timeArg(tk.LastUsed), timeArg(tk.Revoked)).Scan(&id)
	if err != nil {
		return t.d.wrap("add token", err)
	}
	tk.ID, tk.Created = id, created
	tk.Expires, _ = timeArg(tk.Expires).(time.Time)
	return nil
}

// RevokeToken marks the token revoked at at, keeping an earlier revocation.
func (t *tx) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	return t.exec1(ctx, "revoke token", `UPDATE api_tokens SET revoked = COALESCE(revoked, $2) WHERE id = $1`, id, timeArg(at))
}

// exec1 runs a statement that must change one row: none is ENOTFOUND.
func (t *tx) exec1(ctx context.Context, op, query string, args ...any) error {
	res, err := t.q.ExecContext(ctx, query, args...)
	if err != nil {
		return t.d.wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return t.d.wrap(op, err)
	}
	if n == 0 {
		return entente.Errorf(entente.ENOTFOUND, "%s: no such record to change", op)
	}
	return nil
}

// TouchToken sets the token's last-used time to at, unless it is already
// within TouchInterval of at. It runs outside Update: it neither notifies
// other processes nor bumps the change counter, so a request that uses a
// token does not empty every server's page cache.
func (s *Store) TouchToken(ctx context.Context, id int64, at time.Time) error {
	at = at.UTC().Truncate(time.Microsecond)
	_, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used = $2 WHERE id = $1 AND (last_used IS NULL OR last_used < $3)`,
		id, at, at.Add(-entente.TouchInterval))
	return s.d.wrap("record token use", err)
}
