package entente

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
)

// Visit is one aggregate count of page views: a page (its path), a day and
// the host of the referring site ("" when none or our own). Nothing else
// about a visitor is kept: no address, no user agent, no identifier.
type Visit struct {
	Day      Date   `json:"day"`
	Page     string `json:"page"`
	Referrer string `json:"referrer,omitempty"`
	Count    int64  `json:"count"`
}

// MaxReferrers is how many referring hosts a day's counts name. Visits from
// further hosts that day are counted under OtherReferrer, so a day has at
// most MaxReferrers+2 referrers (the hosts, OtherReferrer and "" for none)
// whatever sends the Referer headers.
const MaxReferrers = 50

// OtherReferrer is the referrer of visits from hosts past the day's first
// MaxReferrers. It cannot be a host name: host names have no parentheses.
const OtherReferrer = "(other)"

// Counter is a store that keeps aggregate, anonymous visit counts. It is
// separate from the records: counting a visit is not a change to the
// registry, makes no audit event and does not invalidate caches.
type Counter interface {
	// AddVisits adds each visit's Count to the count of its (day, page,
	// referrer), all in one transaction, so that a batch is stored whole
	// or not at all. Counts add up across processes sharing the database.
	// A day keeps at most MaxReferrers named referring hosts: a host not
	// yet stored for the day once the day has that many is counted as
	// OtherReferrer (of a batch's new hosts, those with the higher counts
	// are kept first).
	AddVisits(ctx context.Context, vs []Visit) error
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

// BoundReferrers applies the MaxReferrers rule to vs, visits of one day.
// named holds the referring hosts the day names already, and gains those
// kept: new hosts are kept, most counted first (then by name), while the
// day names fewer than MaxReferrers; the visits from the others are given
// OtherReferrer in place. Two visits may then share a page and referrer.
func BoundReferrers(vs []Visit, named map[string]bool) {
	fresh := map[string]int64{}
	for _, v := range vs {
		if isHost(v.Referrer) && !named[v.Referrer] {
			fresh[v.Referrer] += v.Count
		}
	}
	hosts := slices.SortedFunc(maps.Keys(fresh), func(a, b string) int {
		return cmp.Or(cmp.Compare(fresh[b], fresh[a]), strings.Compare(a, b))
	})
	for _, h := range hosts {
		if len(named) < MaxReferrers {
			named[h] = true
		}
	}
	for i, v := range vs {
		if isHost(v.Referrer) && !named[v.Referrer] {
			vs[i].Referrer = OtherReferrer
		}
	}
}

// isHost reports whether a visit's referrer names a host, rather than none
// or the others.
func isHost(referrer string) bool { return referrer != "" && referrer != OtherReferrer }
