package entente

import (
	"context"
	"time"
)

// Session is a signed-in browser: the server-side half of a session cookie.
// The cookie holds a random 256-bit secret; the store keeps only its
// SHA-256 (Hash), so a copy of the database lets nobody sign in as anyone.
type Session struct {
	// ID names the session on its account's page (to revoke it); it is
	// not the secret.
	ID      int64 `json:"id"`
	Account int64 `json:"account"`
	// Hash is the hex SHA-256 of the cookie's secret; never shown.
	Hash     string    `json:"-"`
	Created  time.Time `json:"created"`
	LastSeen time.Time `json:"last_seen"`
	// Address and UserAgent are the client's when the session began.
	Address   string `json:"address"`
	UserAgent string `json:"user_agent"`
}

// Session lifetimes. A session ends SessionIdle after its last request
// (sliding: each request moves it on, recorded at most once every
// SessionTouch) and SessionLifetime after it began, however busy.
const (
	SessionIdle     = 30 * time.Minute
	SessionLifetime = 12 * time.Hour
	SessionTouch    = time.Minute
)

// Expired reports whether s has ended at now, idle or too old.
func (s *Session) Expired(now time.Time) bool {
	return !now.Before(s.LastSeen.Add(SessionIdle)) || !now.Before(s.Created.Add(SessionLifetime))
}

// SessionStore keeps sessions. They are not records of the alliance: they
// are written outside Update (a sign-in does not drop the page cache), and
// neither exported nor imported. Finds of one session return ENOTFOUND
// when none matches.
type SessionStore interface {
	// CreateSession adds s and sets its ID; ECONFLICT if its hash is
	// taken.
	CreateSession(ctx context.Context, s *Session) error
	// FindSessionByHash returns the session whose secret hashes to hash,
	// expired or not (the caller decides).
	FindSessionByHash(ctx context.Context, hash string) (*Session, error)
	// FindSessions returns the sessions of the account with id account,
	// most recently seen first.
	FindSessions(ctx context.Context, account int64) ([]Session, error)
	// TouchSession sets the session's last-seen time to at.
	TouchSession(ctx context.Context, id int64, at time.Time) error
	// DeleteSession ends the session with id if it belongs to account;
	// ENOTFOUND if no session of account has that id.
	DeleteSession(ctx context.Context, account, id int64) error
	// DeleteSessions ends every session of account (a password changed,
	// an account disabled).
	DeleteSessions(ctx context.Context, account int64) error
	// DeleteExpiredSessions removes the sessions last seen before
	// idleBefore or created before createdBefore, and returns how many.
	DeleteExpiredSessions(ctx context.Context, idleBefore, createdBefore time.Time) (int64, error)
	// ServerKey returns the key named name that every server sharing the
	// store signs with, storing fresh as that key first if it has none.
	ServerKey(ctx context.Context, name, fresh string) (string, error)
}
