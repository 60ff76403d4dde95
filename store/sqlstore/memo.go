package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"sync"

	"github.com/entente/entente"
)

// memo keeps the small kinds of record that nearly every page reads whole
// (countries, alliances with their articles, memberships, frameworks,
// partnerships, groups, operations, contributions, meetings, invitations,
// areas, programmes, their objectives and goals, and sources: some
// hundreds of rows each) in memory, as they were at one value
// of the store's change counter. A member list or a partner's page on a
// random day otherwise ran a dozen queries for the same few hundred
// rows, each costing more than the rest of the answer.
//
// It is exact, not eventual: a View reads the change counter in its own
// transaction, and every committed write transaction bumps that counter in
// the same transaction (Dialect.Notify), so a memo taken at the counter's
// value holds what the View's snapshot holds. A View whose counter differs
// reads the database, and refills the memo when its counter is the newer.
// So only dialects with a counter (SQLite) keep one; PostgreSQL announces
// changes without a counter, and reads these kinds from the database.
//
// What a Find returns from the memo is a deep copy (the clone functions
// below), so that a caller that changes what it was given changes nothing
// for the next reader.
type memo struct {
	mu    sync.Mutex
	gen   int64
	kinds map[string]any // a kind's name → its records, canonical order
	// big names the kinds found to hold more than maxMemoRows records:
	// those are read from the database, with their filters, from then on
	// (a store's kinds do not shrink in practice, and reading a whole kind
	// to learn that it is still too big would cost more than it saves).
	big map[string]bool
}

// maxMemoRows bounds the records of one kind the memo keeps: a store
// whose kind holds more (a research dataset of every meeting ever, say) is
// read from the database for that kind, with the caller's filter, and
// memory stays bounded.
const maxMemoRows = 20000

// memoView is a View's access to the memo, at its counter's value.
type memoView struct {
	m   *memo
	gen int64
}

// memoAll returns all records of kind as the View's snapshot holds them,
// shared with other Views: read-only. It returns false when r has no memo
// (outside a View, in a write transaction, or on a dialect without a change
// counter). load reads them from the database through r.
func memoAll[T any](ctx context.Context, r reader, kind string, load func(context.Context, reader) ([]T, error)) ([]T, bool, error) {
	v := r.memo
	if v == nil {
		return nil, false, nil
	}
	v.m.mu.Lock()
	all, ok := v.m.kinds[kind].([]T)
	ok = ok && v.m.gen == v.gen
	big := v.m.big[kind]
	v.m.mu.Unlock()
	if ok {
		return all, true, nil
	}
	if big {
		return nil, false, nil
	}
	bare := r
	bare.memo = nil
	all, err := load(ctx, bare)
	if err != nil {
		return nil, true, err
	}
	v.m.mu.Lock()
	defer v.m.mu.Unlock()
	if len(all) > maxMemoRows {
		if v.m.big == nil {
			v.m.big = map[string]bool{}
		}
		v.m.big[kind] = true
		return all, true, nil // this once: the caller filters them
	}
	if v.gen > v.m.gen || v.m.kinds == nil {
		v.m.gen, v.m.kinds = v.gen, map[string]any{}
	}
	if v.m.gen == v.gen {
		v.m.kinds[kind] = all
	}
	return all, true, nil
}

// memoFind returns copies of the records of kind that keep accepts (all
// when keep is nil), in canonical order, and true; or false when r has no
// memo (see memoAll).
func memoFind[T any](ctx context.Context, r reader, kind string, load func(context.Context, reader) ([]T, error), clone func(T) T, keep func(*T) bool) ([]T, bool, error) {
	all, ok, err := memoAll(ctx, r, kind, load)
	if !ok || err != nil {
		return nil, ok, err
	}
	// Room for all only when all are wanted: most finds keep a few of
	// some hundreds, and clearing room for the rest cost more than the
	// copies.
	out := []T{}
	if keep == nil {
		out = make([]T, 0, len(all))
	}
	for i := range all {
		if keep == nil || keep(&all[i]) {
			out = append(out, clone(all[i]))
		}
	}
	return out, true, nil
}

// The clone functions copy every slice a record holds, so that a copy
// shares no memory with its original (TestClones checks each field by
// reflection, so a slice added to a record later cannot be forgotten).

func cloneProvenance(p entente.Provenance) entente.Provenance {
	p.Sources = slices.Clone(p.Sources)
	p.Quotes = slices.Clone(p.Quotes)
	p.Releasability.To = slices.Clone(p.Releasability.To)
	return p
}

func cloneLinked(l entente.Linked) entente.Linked {
	l.WikidataSources = slices.Clone(l.WikidataSources)
	return l
}

func cloneCountry(c entente.Country) entente.Country {
	c.European.Provenance = cloneProvenance(c.European.Provenance)
	c.Linked = cloneLinked(c.Linked)
	c.Provenance = cloneProvenance(c.Provenance)
	return c
}

func cloneAlliance(a entente.Alliance) entente.Alliance {
	a.Rule.EligibleRegions = slices.Clone(a.Rule.EligibleRegions)
	a.Articles = slices.Clone(a.Articles)
	for i := range a.Articles {
		a.Articles[i].Provenance = cloneProvenance(a.Articles[i].Provenance)
	}
	a.Linked = cloneLinked(a.Linked)
	a.Provenance = cloneProvenance(a.Provenance)
	return a
}

func cloneMembership(m entente.Membership) entente.Membership {
	m.Consents = slices.Clone(m.Consents)
	m.Ratifications = slices.Clone(m.Ratifications)
	m.Provenance = cloneProvenance(m.Provenance)
	return m
}

func cloneFramework(f entente.Framework) entente.Framework {
	f.Linked = cloneLinked(f.Linked)
	f.Provenance = cloneProvenance(f.Provenance)
	return f
}

func clonePartnership(p entente.Partnership) entente.Partnership {
	p.Provenance = cloneProvenance(p.Provenance)
	return p
}

func cloneOperation(o entente.Operation) entente.Operation {
	o.Linked = cloneLinked(o.Linked)
	o.Provenance = cloneProvenance(o.Provenance)
	return o
}

func cloneContribution(c entente.Contribution) entente.Contribution {
	c.Provenance = cloneProvenance(c.Provenance)
	return c
}

func cloneMeeting(m entente.Meeting) entente.Meeting {
	m.Linked = cloneLinked(m.Linked)
	m.Provenance = cloneProvenance(m.Provenance)
	return m
}

func cloneInvitation(in entente.Invitation) entente.Invitation {
	in.Provenance = cloneProvenance(in.Provenance)
	return in
}

func cloneGroup(g entente.Group) entente.Group {
	g.Members = slices.Clone(g.Members)
	g.Provenance = cloneProvenance(g.Provenance)
	return g
}

func cloneArea(a entente.Area) entente.Area {
	a.Provenance = cloneProvenance(a.Provenance)
	return a
}

func cloneProgramme(p entente.Programme) entente.Programme {
	p.Areas = slices.Clone(p.Areas)
	p.Provenance = cloneProvenance(p.Provenance)
	return p
}

func cloneObjective(o entente.Objective) entente.Objective {
	o.Provenance = cloneProvenance(o.Provenance)
	return o
}

func cloneGoal(g entente.Goal) entente.Goal {
	g.Indicators = slices.Clone(g.Indicators)
	g.Provenance = cloneProvenance(g.Provenance)
	return g
}

// cloneSource copies a source, which holds no slice.
func cloneSource(s entente.Source) entente.Source { return s }

// scanOne runs a query of one row and one column, prepared once when the
// dialect keeps prepared statements, and scans its value into dest.
func (r reader) scanOne(ctx context.Context, op, query string, dest any) error {
	if r.slot != nil {
		defer r.slot(ctx)()
	}
	var row *sql.Row
	if st := r.stmts.stmt(ctx, r.q, query); st != nil {
		row = st.QueryRowContext(ctx)
	} else {
		row = r.q.QueryRowContext(ctx, query)
	}
	return r.d.wrap(op, row.Scan(dest))
}
