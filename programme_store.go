package entente

import "context"

// ActivityFilter narrows FindActivities; empty fields do not filter.
type ActivityFilter struct {
	ID        string
	Programme string
	Goal      string
	Status    ActivityStatus
	Offer     string
	// Limit caps the number returned (0: all); Offset skips that many, in
	// id order.
	Limit, Offset int
	// After keeps only the activities whose id comes after it (byte
	// order): the page after the one that ended there.
	After string
	// Viewer, when set, keeps only the activities whose own marking it
	// may read (Principal.MaySee), in the store's query, so that a page
	// of a long list is read as a page. Their parents' markings are the
	// services' to check.
	Viewer *Principal
	// ProgrammeViewed, with Viewer, keeps only the activities whose
	// programme's marking Viewer may read as well (an activity whose
	// programme names no record keeps its own check only), in the same
	// query: one activity read for a principal is one read, not the
	// activity's and then its programme's.
	ProgrammeViewed bool
	// OverdueOn, when set, keeps only the activities overdue on that day
	// (Activity.OverdueOn), and orders them by the day they were due
	// (Date.Compare), then by id: those due longest ago first.
	OverdueOn Date
}

// ActivityCount is how many of the activities a tally counted serve one
// goal ("" for none) and stood at one status on its day
// (Activity.StatusOn); Due says whether they were due to be held before
// that day (Activity.DueBefore).
type ActivityCount struct {
	Goal   string
	Status ActivityStatus
	Due    bool
	N      int
}

// ProgrammeReader is the read side of programme structure, the cooperation
// menu, activities and reviews. Lists come in canonical order (see
// Dataset.Sort); single finds return ENOTFOUND.
type ProgrammeReader interface {
	// FindObjectives returns the objectives of a programme (all when
	// programme is "").
	FindObjectives(ctx context.Context, programme string) ([]Objective, error)
	// FindGoals returns the goals of a programme (all when "").
	FindGoals(ctx context.Context, programme string) ([]Goal, error)
	// FindOffers returns the menu offers, or the one with code when given.
	FindOffers(ctx context.Context, code string) ([]Offer, error)
	// FindActivities returns the activities matching f.
	FindActivities(ctx context.Context, f ActivityFilter) ([]Activity, error)
	// FindActivity returns one activity by id.
	FindActivity(ctx context.Context, id string) (*Activity, error)
	// TallyActivities counts the activities f selects (its ID, Programme,
	// Goal, Offer and Viewer) by goal, by their status on day, and by
	// whether they were due before it, leaving out those not yet proposed
	// on day: what CountOn computes from the activities themselves.
	TallyActivities(ctx context.Context, f ActivityFilter, day Date) ([]ActivityCount, error)
	// CountActivities counts a programme's activities (all when "").
	CountActivities(ctx context.Context, programme string) (int, error)
	// FindReviews returns a programme's reviews (all when ""), by id.
	FindReviews(ctx context.Context, programme string) ([]Review, error)
	// FindReview returns one review by id.
	FindReview(ctx context.Context, id string) (*Review, error)
}

// ProgrammeTx writes programme structure, menu offers, activities and
// reviews; Create and Update behave as on Tx.
type ProgrammeTx interface {
	CreateObjective(ctx context.Context, o *Objective) error
	UpdateObjective(ctx context.Context, o *Objective) error
	CreateGoal(ctx context.Context, g *Goal) error
	UpdateGoal(ctx context.Context, g *Goal) error
	CreateOffer(ctx context.Context, o *Offer) error
	UpdateOffer(ctx context.Context, o *Offer) error
	CreateActivity(ctx context.Context, a *Activity) error
	UpdateActivity(ctx context.Context, a *Activity) error
	// CreateReview adds r; a review is never changed.
	CreateReview(ctx context.Context, r *Review) error
	// AddRecords inserts every record of ds, none of which may exist yet,
	// in batches: the bulk path for generated data. A record that exists
	// already fails it with ECONFLICT.
	AddRecords(ctx context.Context, ds *Dataset) error
}
