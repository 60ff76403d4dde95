package sqlstore

import (
	"sync"

	"github.com/entente/entente"
)

var _ entente.Notifier = (*Store)(nil)

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
