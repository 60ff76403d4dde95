package entente

// What was in force on a day. A record whose start the sources do not give
// is not in force "forever": it began no earlier than what it belongs to. A
// partnership with no start of its own is bounded below by its framework's
// start, a framework or group with none by its alliance's founding. The
// views show such a start as a bound, never as the record's own date.

// Bounds name what bounds an unknown start.
const (
	BoundFramework = "framework" // the partnership's framework started then
	BoundAlliance  = "alliance"  // the alliance was founded then
)

// Start is when a record began: its own date when the sources give one
// (Bound empty), otherwise the earliest day it can have begun, with Bound
// naming the record that sets that day.
type Start struct {
	Since Date   `json:"since,omitzero"`
	Bound string `json:"since_bound,omitempty"`
}

// boundedBy is own when known, otherwise outer's date marked as bounded by
// what outer names (or by outer's own bound, if outer is itself a bound).
func boundedBy(own Date, outer Start, name string) Start {
	if !own.IsZero() {
		return Start{Since: own}
	}
	if outer.Since.IsZero() {
		return Start{}
	}
	if outer.Bound != "" {
		return outer
	}
	return Start{Since: outer.Since, Bound: name}
}

func allianceStart(a *Alliance) Start {
	if a == nil {
		return Start{}
	}
	return Start{Since: a.Signed}
}

// FrameworkStart is when framework f began, its alliance a's founding when
// the sources give no start.
func FrameworkStart(f *Framework, a *Alliance) Start {
	return boundedBy(f.From, allianceStart(a), BoundAlliance)
}

// FrameworkOn reports whether framework f of alliance a existed on day d.
func FrameworkOn(f *Framework, a *Alliance, d Date) bool {
	return Period{From: FrameworkStart(f, a).Since, To: f.To}.Contains(d)
}

// PartnershipStart is when partnership p began: its own start, else its
// framework f's start (f may be nil when unknown; then a's founding).
func PartnershipStart(p *Partnership, f *Framework, a *Alliance) Start {
	if f == nil {
		return boundedBy(p.From, allianceStart(a), BoundAlliance)
	}
	return boundedBy(p.From, FrameworkStart(f, a), BoundFramework)
}

// PartnershipOn reports whether partnership p was in force on day d: from
// its start (or the bound on it) to its end, and while its framework existed.
func PartnershipOn(p *Partnership, f *Framework, a *Alliance, d Date) bool {
	if f != nil && !FrameworkOn(f, a, d) {
		return false
	}
	return Period{From: PartnershipStart(p, f, a).Since, To: p.To}.Contains(d)
}

// Partnership statuses on a day (PartnershipStatusOn).
const (
	PartnershipActive    = "active"
	PartnershipSuspended = "suspended"
)

// PartnershipStatusOn is partnership p's status on day d: "" when it was
// not in force that day (PartnershipOn), PartnershipSuspended while its
// suspension held, otherwise PartnershipActive.
func PartnershipStatusOn(p *Partnership, f *Framework, a *Alliance, d Date) string {
	if !PartnershipOn(p, f, a, d) {
		return ""
	}
	if SuspendedOn(p, d) {
		return PartnershipSuspended
	}
	return PartnershipActive
}

// SuspendedOn reports whether p's suspension held on day d (p need not be
// in force; see PartnershipStatusOn).
func SuspendedOn(p *Partnership, d Date) bool {
	return !p.Suspended.From.IsZero() && p.Suspended.Contains(d)
}

// GroupOn reports whether partner group g of alliance a existed on day d:
// from its Since, or from the alliance's founding when that is unknown.
func GroupOn(g *Group, a *Alliance, d Date) bool {
	since := boundedBy(g.Since, allianceStart(a), BoundAlliance).Since
	return since.IsZero() || since.OnOrBefore(d)
}
