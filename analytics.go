package entente

import "context"

// Visit is one aggregate count of page views: a page (its path), a day and
// the host of the referring site ("" when none or our own). Nothing else
// about a visitor is kept: no address, no user agent, no identifier.
type Visit struct {
	Day      Date   `json:"day"`
	Page     string `json:"page"`
	Referrer string `json:"referrer,omitempty"`
	Count    int64  `json:"count"`
}

// Counter is a store that keeps aggregate, anonymous visit counts. It is
// separate from the records: counting a visit is not a change to the
// registry, makes no audit event and does not invalidate caches.
type Counter interface {
	// CountVisit adds one to the count of (day, page, referrer).
	CountVisit(ctx context.Context, day Date, page, referrer string) error
	// Visits returns the counts from day from on (all when zero), by day,
	// page and referrer.
	Visits(ctx context.Context, from Date) ([]Visit, error)
}

// Notifier is a store that reports committed changes to its records,
// including those made by other processes sharing the database (PostgreSQL
// LISTEN/NOTIFY), so that caches of rendered pages can be dropped.
type Notifier interface {
	// OnChange registers fn to run after every committed change. fn must
	// not block.
	OnChange(fn func())
}

// ChangePoller is a Notifier whose engine cannot announce other processes'
// changes (SQLite: several processes share a file, with no channel between
// them). PollChanges looks, cheaply, whether a change was committed since it
// last looked, by this process or another, and if so runs the OnChange
// functions before it returns. A cache polls before it serves a response.
type ChangePoller interface {
	Notifier
	PollChanges(ctx context.Context) error
}
