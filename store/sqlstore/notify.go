package sqlstore

import (
	"context"
	"database/sql"
	"sync"

	"github.com/entente/entente"
)

var _ entente.ChangePoller = (*Store)(nil)

// changes is the list of functions to call after a committed change, and of
// functions to call on Close (a PostgreSQL listener's stop).
type changes struct {
	mu      sync.Mutex
	hooks   []func()
	closers []func()
}

// OnChange registers fn to run after every committed change: this process's
// own commits, and, where the engine can tell (PostgreSQL LISTEN/NOTIFY),
// other processes' too.
func (c *changes) OnChange(fn func()) {
	c.mu.Lock()
	c.hooks = append(c.hooks, fn)
	c.mu.Unlock()
}

// Changed runs the change hooks. The store calls it after each commit; a
// listener for other processes' changes calls it when one arrives.
func (c *changes) Changed() {
	c.mu.Lock()
	hooks := append([]func(){}, c.hooks...)
	c.mu.Unlock()
	for _, fn := range hooks {
		fn()
	}
}

// OnClose registers fn to run when the store is closed, before the
// database handle is.
func (c *changes) OnClose(fn func()) {
	c.mu.Lock()
	c.closers = append(c.closers, fn)
	c.mu.Unlock()
}

func (c *changes) close() {
	c.mu.Lock()
	closers := c.closers
	c.closers = nil
	c.mu.Unlock()
	for _, fn := range closers {
		fn()
	}
}

// poller reads the dialect's change counter (Dialect.Changes) and remembers
// the value it last saw.
type poller struct {
	stmt *sql.Stmt // nil when the dialect has no counter
	mu   sync.Mutex
	seen int64
}

// start prepares the counter's query and reads its first value.
func (p *poller) start(ctx context.Context, s *Store) error {
	if s.d.Changes == "" {
		return nil
	}
	stmt, err := s.db.PrepareContext(ctx, s.d.Changes)
	if err != nil {
		return s.d.wrap("prepare the change counter query", err)
	}
	if err := stmt.QueryRowContext(ctx).Scan(&p.seen); err != nil {
		stmt.Close()
		return s.d.wrap("read the change counter", err)
	}
	p.stmt = stmt
	s.OnClose(func() { stmt.Close() })
	return nil
}

// PollChanges reads the change counter and, when it moved since the last
// look, runs the change hooks before returning: a caller that polls before
// serving from its cache never serves a response older than a change
// committed before the poll. Concurrent polls queue on a mutex, so that a
// second poll does not return while the first is still running the hooks.
// Without a counter (PostgreSQL announces changes itself) it does nothing.
func (s *Store) PollChanges(ctx context.Context) error {
	p := &s.poll
	if p.stmt == nil || (s.d.Unchanged != nil && s.d.Unchanged()) {
		return nil
	}
	var n int64
	if err := p.stmt.QueryRowContext(ctx).Scan(&n); err != nil {
		return s.d.wrap("read the change counter", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if n != p.seen {
		p.seen = n
		s.Changed()
	}
	return nil
}
