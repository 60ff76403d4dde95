package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps the read queries' prepared statements, by their SQL text,
// so that each is prepared once per connection and reused (database/sql
// prepares a *sql.Stmt again on each connection that first runs it, and
// keeps it there). Without it SQLite parsed and planned every query again
// on every run, a good part of a simple read's time. PostgreSQL does not
// use it: pgx keeps a cache of prepared statements on each connection.
//
// The queries are built from a fixed set of filters, so their texts are
// few; past maxStmts (ids listed in an IN clause can make more) a query
// runs unprepared.
type stmtCache struct {
	db      *sql.DB
	mu      sync.Mutex
	stmts   map[string]*sql.Stmt
	pending map[string]bool
	closed  bool
	wg      sync.WaitGroup
}

// maxStmts bounds the statements a store keeps prepared.
const maxStmts = 256

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// stmt returns the prepared statement of query for q (the Store's *sql.DB
// or a transaction), or nil to run query unprepared. Outside a
// transaction a missing statement is prepared at once. Inside one it is
// prepared in the background for the next time, as preparing it on the
// database would need a second connection while this transaction holds
// one, and with every connection held by such a transaction none would
// come.
func (c *stmtCache) stmt(ctx context.Context, q querier, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	st := c.stmts[query]
	if st == nil && (c.closed || c.pending[query] || len(c.stmts)+len(c.pending) >= maxStmts) {
		c.mu.Unlock()
		return nil
	}
	tx, inTx := q.(*sql.Tx)
	if st == nil && inTx {
		c.pending[query] = true
		c.wg.Add(1)
		c.mu.Unlock()
		go func() {
			defer c.wg.Done()
			st, err := c.db.PrepareContext(context.Background(), query)
			c.mu.Lock()
			defer c.mu.Unlock()
			delete(c.pending, query)
			if err == nil && !c.closed {
				c.stmts[query] = st
			} else if err == nil {
				st.Close()
			}
		}()
		return nil
	}
	c.mu.Unlock()
	if st == nil {
		var err error
		if st, err = c.db.PrepareContext(ctx, query); err != nil {
			return nil // run unprepared, which reports the error
		}
		c.mu.Lock()
		if old := c.stmts[query]; old != nil || c.closed {
			st.Close()
			st = old
		} else {
			c.stmts[query] = st
		}
		c.mu.Unlock()
		if st == nil {
			return nil
		}
	}
	if inTx {
		return tx.StmtContext(ctx, st)
	}
	return st
}

// close closes the statements, after waiting for those being prepared.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.stmts {
		st.Close()
		delete(c.stmts, q)
	}
}
