package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/entente/entente"
)

var _ entente.SessionStore = (*Store)(nil)

// Sessions are written straight to the database, outside Update: they are
// not records, so a sign-in neither takes the records' write path nor tells
// the page caches that something changed.

const sessionCols = "s.id, s.account, s.hash, s.created, s.last_seen, s.address, s.user_agent"

// sessionTime is a session's point in time as a column value: UTC to the
// microsecond, the precision PostgreSQL keeps, so that it reads back the
// same from either engine and compares as a time on both.
func sessionTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func scanSession(rows *sql.Rows, s *entente.Session) error {
	return rows.Scan(&s.ID, &s.Account, &s.Hash, timeCol{&s.Created}, timeCol{&s.LastSeen}, &s.Address, &s.UserAgent)
}

// CreateSession adds s and sets its ID; its times are kept to the
// microsecond.
func (s *Store) CreateSession(ctx context.Context, sess *entente.Session) error {
	if sess == nil {
		return nothing("session")
	}
	created, seen := sessionTime(sess.Created), sessionTime(sess.LastSeen)
	var id int64
	err := s.db.QueryRowContext(ctx, `INSERT INTO sessions (account, hash, created, last_seen, address, user_agent)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		sess.Account, sess.Hash, created, seen, sess.Address, sess.UserAgent).Scan(&id)
	if err != nil {
		return s.d.wrap("create session", err)
	}
	sess.ID, sess.Created, sess.LastSeen = id, created, seen
	return nil
}

// FindSessionByHash returns the session whose secret hashes to hash.
func (s *Store) FindSessionByHash(ctx context.Context, hash string) (*entente.Session, error) {
	var out *entente.Session
	err := s.reader.each(ctx, "find session", "SELECT "+sessionCols+" FROM sessions s WHERE s.hash = $1", []any{hash},
		func(rows *sql.Rows) error {
			out = &entente.Session{}
			return scanSession(rows, out)
		})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, entente.Errorf(entente.ENOTFOUND, "no such session")
	}
	return out, nil
}

// FindSessions returns the account's sessions, most recently seen first.
func (s *Store) FindSessions(ctx context.Context, account int64) ([]entente.Session, error) {
	out := []entente.Session{}
	err := s.reader.each(ctx, "find sessions", "SELECT "+sessionCols+" FROM sessions s WHERE s.account = $1 ORDER BY s.last_seen DESC, s.id DESC",
		[]any{account}, func(rows *sql.Rows) error {
			var sess entente.Session
			if err := scanSession(rows, &sess); err != nil {
				return err
			}
			out = append(out, sess)
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TouchSession sets the session's last-seen time. A session that ended
// meanwhile is not an error: there is nothing left to touch.
func (s *Store) TouchSession(ctx context.Context, id int64, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen = $1 WHERE id = $2`, sessionTime(at), id)
	return s.d.wrap("touch session", err)
}

// DeleteSession ends the account's session with id.
func (s *Store) DeleteSession(ctx context.Context, account, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1 AND account = $2`, id, account)
	if err != nil {
		return s.d.wrap("delete session", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.d.wrap("delete session", err)
	} else if n == 0 {
		return entente.Errorf(entente.ENOTFOUND, "no such session")
	}
	return nil
}

// DeleteSessions ends every session of the account.
func (s *Store) DeleteSessions(ctx context.Context, account int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE account = $1`, account)
	return s.d.wrap("delete sessions", err)
}

// DeleteExpiredSessions removes the sessions idle since before idleBefore
// or begun before createdBefore.
func (s *Store) DeleteExpiredSessions(ctx context.Context, idleBefore, createdBefore time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen < $1 OR created < $2`,
		sessionTime(idleBefore), sessionTime(createdBefore))
	if err != nil {
		return 0, s.d.wrap("delete expired sessions", err)
	}
	n, err := res.RowsAffected()
	return n, s.d.wrap("delete expired sessions", err)
}

// ServerKey returns the key named name, storing fresh first if there is
// none. Of two servers making the key at once, the first insert wins and
// both read it back.
func (s *Store) ServerKey(ctx context.Context, name, fresh string) (string, error) {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO server_keys (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, fresh); err != nil {
		return "", s.d.wrap("make server key", err)
	}
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM server_keys WHERE name = $1`, name).Scan(&v)
	return v, s.d.wrap("read server key", err)
}
