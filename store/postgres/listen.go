package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// channel is the NOTIFY channel on which every committed change is announced,
// so that each process sharing the database drops its caches. The payload is
// the schema of the store that changed: a listener ignores other schemas'.
const channel = "entente_changes"

// listen holds a connection of its own that LISTENs on channel and calls
// changed for each notification from its own schema. If the connection drops it reconnects, and
// calls changed once more, since notifications sent meanwhile are lost. It
// returns after the first LISTEN succeeded (or failed), so that a change
// committed after Open returns is seen; stop ends it.
func listen(cfg *pgx.ConnConfig, changed func()) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	ready := make(chan struct{})
	go func() {
		defer close(done)
		first := true
		signal := func() {
			if first {
				first = false
				close(ready)
			}
		}
		defer signal()
		backoff := 100 * time.Millisecond
		for ctx.Err() == nil {
			var schema string
			conn, err := pgx.ConnectConfig(ctx, cfg)
			if err == nil {
				err = conn.QueryRow(ctx, "SELECT coalesce(current_schema(), '')").Scan(&schema)
			}
			if err == nil {
				_, err = conn.Exec(ctx, "LISTEN "+channel)
			}
			if err != nil {
				if conn != nil {
					conn.Close(context.Background())
				}
				signal()
				select {
				case <-ctx.Done():
				case <-time.After(backoff):
				}
				backoff = min(2*backoff, 10*time.Second)
				continue
			}
			if !first {
				changed() // notifications may have been missed while away
			}
			signal()
			backoff = 100 * time.Millisecond
			for {
				n, err := conn.WaitForNotification(ctx)
				if err != nil {
					break
				}
				if n.Payload == schema {
					changed()
				}
			}
			conn.Close(context.Background())
		}
	}()
	select {
	case <-ready:
	case <-time.After(DefaultConnectTimeout):
	}
	return func() {
		cancel()
		<-done
	}
}
