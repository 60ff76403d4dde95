package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/entente/entente"
)

// The record's facts with their sources (issue 10, item 1; issue 11,
// item 1): partnerships, contributions, meetings, invitations,
// collective-defence events and sources, created and corrected one at a
// time by the alliance's staff and admins (never a liaison, reader or the
// public). The six kinds have different fields but one lifecycle, so one
// skeleton (fact.write) runs every write:
//
//   - the principal's right is checked first (StaffWork);
//   - a correction names the record by its key, gives a reason and cites a
//     source (added to the record's sources), and names the version it was
//     made from (IfMatch), checked after the record's row is locked and read
//     in the write's transaction, so of two correctors of one version one
//     wins and the other gets ESTALE;
//   - the record is checked by the rules the dataset loader applies
//     (entente.Dataset.Validate over the record and the records it refers
//     to, as the store holds them), each problem naming its field;
//   - the record and its audit event commit together; the search index and
//     the change feed follow the write (the index by the tables' triggers,
//     the feed from the audit log), so they are in step at commit.
//
// A fact's key is its key fields joined by "/": a partnership's
// ALLIANCE/ISO3/FRAMEWORK, an invitation's MEETING/ISO3, the id of the
// others. Its version is entente.Version of the record as Fact returns it.

// FactCorrection is a change to an existing fact.
type FactCorrection struct {
	// Kind is one of entente.FactKinds; Key names the record corrected.
	Kind string `json:"-"`
	Key  string `json:"-"`
	// Record is the record as corrected: a pointer to the kind's type
	// (NewFact). Its key fields must be Key's.
	Record any `json:"record"`
	// Reason says why the fact was corrected; the audit event carries it.
	Reason string `json:"reason"`
	// Source is the id of an existing source for the correction; a fact
	// that cites sources cites it from then on.
	Source string `json:"source"`
	// IfMatch is the version of the record the correction was made from.
	IfMatch string `json:"-"`
}

// Correction is what an audit event of a correction carries beside the
// record, under "correction": why, and on what source.
type Correction struct {
	Reason string `json:"reason"`
	Source string `json:"source"`
}

// FieldErrors are the problems of a fact a write refused, each naming its
// field as the dataset names it: the cause of the EINVALID error, for a
// surface to show each beside its field.
type FieldErrors []entente.Problem

func (f FieldErrors) Error() string {
	msgs := make([]string, len(f))
	for i, p := range f {
		msgs[i] = p.Field + ": " + p.Message
	}
	return strings.Join(msgs, "; ")
}

// factKind is one kind of fact, behind which fact[T] holds its type.
type factKind interface {
	newRecord() any
	key(rec any) (string, error)
	get(ctx context.Context, r entente.Reader, key string) (any, error)
	write(ctx context.Context, s *Service, rec any, c *FactCorrection) (any, error)
}

// refs are the records a fact refers to, which its check reads.
type refs struct {
	alliance   string
	countries  []string
	operation  string
	meeting    string
	frameworks bool // the alliance's frameworks
	membership bool // the alliance's membership of countries[0]
}

// fact describes one kind of fact of type T: its names, its key, where its
// provenance is, how to find, write and check it.
type fact[T any] struct {
	kind, list string // the audit log's and the dataset's names
	parts      func(*T) []string
	prov       func(*T) *entente.Provenance // nil: the kind has none (sources)
	find       func(ctx context.Context, r entente.Reader, parts []string) ([]T, error)
	create     func(entente.Tx) func(context.Context, *T) error
	update     func(entente.Tx) func(context.Context, *T) error
	into       func(ds *entente.Dataset, x T)
	refs       func(*T) refs
}

var factKinds = map[string]factKind{
	entente.FactPartnership: &fact[entente.Partnership]{kind: entente.FactPartnership, list: "partnerships",
		parts: func(p *entente.Partnership) []string { return []string{p.Alliance, p.Country, p.Framework} },
		prov:  func(p *entente.Partnership) *entente.Provenance { return &p.Provenance },
		find: func(ctx context.Context, r entente.Reader, k []string) ([]entente.Partnership, error) {
			return r.FindPartnerships(ctx, entente.Filter{Alliance: k[0], Country: k[1], Framework: k[2]})
		},
		create: func(tx entente.Tx) func(context.Context, *entente.Partnership) error { return tx.CreatePartnership },
		update: func(tx entente.Tx) func(context.Context, *entente.Partnership) error { return tx.UpdatePartnership },
		into:   func(ds *entente.Dataset, x entente.Partnership) { ds.Partnerships = []entente.Partnership{x} },
		refs: func(p *entente.Partnership) refs {
			return refs{alliance: p.Alliance, countries: []string{p.Country}, frameworks: true, membership: true}
		},
	},
	entente.FactContribution: &fact[entente.Contribution]{kind: entente.FactContribution, list: "contributions",
		parts: func(c *entente.Contribution) []string { return []string{c.ID} },
		prov:  func(c *entente.Contribution) *entente.Provenance { return &c.Provenance },
		find: func(ctx context.Context, r entente.Reader, k []string) ([]entente.Contribution, error) {
			return r.FindContributions(ctx, entente.Filter{ID: k[0]})
		},
		create: func(tx entente.Tx) func(context.Context, *entente.Contribution) error { return tx.CreateContribution },
		update: func(tx entente.Tx) func(context.Context, *entente.Contribution) error { return tx.UpdateContribution },
		into:   func(ds *entente.Dataset, x entente.Contribution) { ds.Contributions = []entente.Contribution{x} },
		refs: func(c *entente.Contribution) refs {
			return refs{countries: []string{c.Country}, operation: c.Operation}
		},
	},
	entente.FactMeeting: &fact[entente.Meeting]{kind: entente.FactMeeting, list: "meetings",
		parts: func(m *entente.Meeting) []string { return []string{m.ID} },
		prov:  func(m *entente.Meeting) *entente.Provenance { return &m.Provenance },
		find: func(ctx context.Context, r entente.Reader, k []string) ([]entente.Meeting, error) {
			return r.FindMeetings(ctx, entente.Filter{ID: k[0]})
		},
		create: func(tx entente.Tx) func(context.Context, *entente.Meeting) error { return tx.CreateMeeting },
		update: func(tx entente.Tx) func(context.Context, *entente.Meeting) error { return tx.UpdateMeeting },
		into:   func(ds *entente.Dataset, x entente.Meeting) { ds.Meetings = []entente.Meeting{x} },
		refs:   func(m *entente.Meeting) refs { return refs{alliance: m.Alliance, countries: []string{m.Country}} },
	},
	entente.FactInvitation: &fact[entente.Invitation]{kind: entente.FactInvitation, list: "invitations",
		parts: func(in *entente.Invitation) []string { return []string{in.Meeting, in.Country} },
		prov:  func(in *entente.Invitation) *entente.Provenance { return &in.Provenance },
		find: func(ctx context.Context, r entente.Reader, k []string) ([]entente.Invitation, error) {
			return r.FindInvitations(ctx, entente.Filter{Meeting: k[0], Country: k[1]})
		},
		create: func(tx entente.Tx) func(context.Context, *entente.Invitation) error { return tx.CreateInvitation },
		update: func(tx entente.Tx) func(context.Context, *entente.Invitation) error { return tx.UpdateInvitation },
		into:   func(ds *entente.Dataset, x entente.Invitation) { ds.Invitations = []entente.Invitation{x} },
		refs:   func(in *entente.Invitation) refs { return refs{countries: []string{in.Country}, meeting: in.Meeting} },
	},
	entente.FactDefenceEvent: &fact[entente.DefenceEvent]{kind: entente.FactDefenceEvent, list: "defence_events",
		parts: func(e *entente.DefenceEvent) []string { return []string{e.ID} },
		prov:  func(e *entente.DefenceEvent) *entente.Provenance { return &e.Provenance },
		find: func(ctx context.Context, r entente.Reader, k []string) ([]entente.DefenceEvent, error) {
			return r.FindDefenceEvents(ctx, entente.Filter{ID: k[0]})
		},
		create: func(tx entente.Tx) func(context.Context, *entente.DefenceEvent) error { return tx.CreateDefenceEvent },
		update: func(tx entente.Tx) func(context.Context, *entente.DefenceEvent) error { return tx.UpdateDefenceEvent },
		into:   func(ds *entente.Dataset, x entente.DefenceEvent) { ds.DefenceEvents = []entente.DefenceEvent{x} },
		refs:   func(e *entente.DefenceEvent) refs { return refs{alliance: e.Alliance, countries: e.Requesters} },
	},
	entente.FactSource: &fact[entente.Source]{kind: entente.FactSource, list: "sources",
		parts: func(s *entente.Source) []string { return []string{s.ID} },
		prov:  func(*entente.Source) *entente.Provenance { return nil },
		find: func(ctx context.Context, r entente.Reader, k []string) ([]entente.Source, error) {
			return r.FindSources(ctx, k)
		},
		create: func(tx entente.Tx) func(context.Context, *entente.Source) error { return tx.CreateSource },
		update: func(tx entente.Tx) func(context.Context, *entente.Source) error { return tx.UpdateSource },
		into:   func(ds *entente.Dataset, x entente.Source) { ds.Sources = append([]entente.Source{x}, ds.Sources...) },
		refs:   func(*entente.Source) refs { return refs{} },
	},
	entente.FactOperation: &fact[entente.Operation]{kind: entente.FactOperation, list: "operations",
		parts: func(o *entente.Operation) []string { return []string{o.Code} },
		prov:  func(o *entente.Operation) *entente.Provenance { return &o.Provenance },
		find: func(ctx context.Context, r entente.Reader, k []string) ([]entente.Operation, error) {
			return r.FindOperations(ctx, entente.Filter{ID: k[0]})
		},
		create: func(tx entente.Tx) func(context.Context, *entente.Operation) error { return tx.CreateOperation },
		update: func(tx entente.Tx) func(context.Context, *entente.Operation) error { return tx.UpdateOperation },
		into:   func(ds *entente.Dataset, x entente.Operation) { ds.Operations = []entente.Operation{x} },
		refs:   func(o *entente.Operation) refs { return refs{alliance: o.Alliance} },
	},
	entente.FactFramework: &fact[entente.Framework]{kind: entente.FactFramework, list: "frameworks",
		parts: func(f *entente.Framework) []string { return []string{f.Alliance, f.Code} },
		prov:  func(f *entente.Framework) *entente.Provenance { return &f.Provenance },
		find: func(ctx context.Context, r entente.Reader, k []string) ([]entente.Framework, error) {
			return r.FindFrameworks(ctx, entente.Filter{Alliance: k[0]})
		},
		create: func(tx entente.Tx) func(context.Context, *entente.Framework) error { return tx.CreateFramework },
		update: func(tx entente.Tx) func(context.Context, *entente.Framework) error { return tx.UpdateFramework },
		into:   func(ds *entente.Dataset, x entente.Framework) { ds.Frameworks = []entente.Framework{x} },
		refs:   func(f *entente.Framework) refs { return refs{alliance: f.Alliance} },
	},
	entente.FactGroup: &fact[entente.Group]{kind: entente.FactGroup, list: "groups",
		parts: func(g *entente.Group) []string { return []string{g.Alliance, g.Code} },
		prov:  func(g *entente.Group) *entente.Provenance { return &g.Provenance },
		find: func(ctx context.Context, r entente.Reader, k []string) ([]entente.Group, error) {
			return r.FindGroups(ctx, entente.Filter{Alliance: k[0], ID: k[1]})
		},
		create: func(tx entente.Tx) func(context.Context, *entente.Group) error { return tx.CreateGroup },
		update: func(tx entente.Tx) func(context.Context, *entente.Group) error { return tx.UpdateGroup },
		into:   func(ds *entente.Dataset, x entente.Group) { ds.Groups = []entente.Group{x} },
		refs:   func(g *entente.Group) refs { return refs{alliance: g.Alliance, countries: g.Members} },
	},
}

// kindOf returns the kind named; ENOTFOUND for another name.
func kindOf(kind string) (factKind, error) {
	k, ok := factKinds[kind]
	if !ok {
		return nil, entente.Errorf(entente.ENOTFOUND, "no fact of kind %q: the kinds are %s", kind, strings.Join(entente.FactKinds, ", "))
	}
	return k, nil
}

// NewFact returns a new, empty record of kind, a pointer to decode into:
// *entente.Partnership, *entente.Contribution, ...
func NewFact(kind string) (any, error) {
	k, err := kindOf(kind)
	if err != nil {
		return nil, err
	}
	return k.newRecord(), nil
}

// FactKey returns the key of rec, a record of kind.
func FactKey(kind string, rec any) (string, error) {
	k, err := kindOf(kind)
	if err != nil {
		return "", err
	}
	return k.key(rec)
}

// Fact returns the fact of kind keyed key, as the principal in ctx may see
// it: one hidden from it is not found.
func (s *Service) Fact(ctx context.Context, kind, key string) (any, error) {
	k, err := kindOf(kind)
	if err != nil {
		return nil, err
	}
	return k.get(ctx, s.reader(ctx), key)
}

// MayEditFacts reports whether the principal in ctx may create and correct
// the record's facts, for a surface to offer only the forms it may use
// (the writes check again).
func (s *Service) MayEditFacts(ctx context.Context) bool {
	_, err := authorize(ctx, StaffWork, "", "change the record's facts")
	return err == nil
}

// CreateFact adds rec, a new record of kind (a pointer, as NewFact
// returns), and returns it as stored. ECONFLICT if one with its key exists.
func (s *Service) CreateFact(ctx context.Context, kind string, rec any) (any, error) {
	k, err := kindOf(kind)
	if err != nil {
		return nil, err
	}
	return k.write(ctx, s, rec, nil)
}

// CorrectFact changes an existing fact and returns it as stored.
func (s *Service) CorrectFact(ctx context.Context, c FactCorrection) (any, error) {
	k, err := kindOf(c.Kind)
	if err != nil {
		return nil, err
	}
	return k.write(ctx, s, c.Record, &c)
}

func (f *fact[T]) newRecord() any { return new(T) }

func (f *fact[T]) record(rec any) (*T, error) {
	x, ok := rec.(*T)
	if !ok || x == nil {
		return nil, entente.Errorf(entente.EINVALID, "a %s needs a record", f.kind)
	}
	return x, nil
}

func (f *fact[T]) key(rec any) (string, error) {
	x, err := f.record(rec)
	if err != nil {
		return "", err
	}
	return strings.Join(f.parts(x), "/"), nil
}

// split splits a key into its parts; ENOTFOUND for a key of another shape.
func (f *fact[T]) split(key string) ([]string, error) {
	parts := strings.Split(key, "/")
	var zero T
	if want := len(f.parts(&zero)); len(parts) != want || slices.Contains(parts, "") {
		return nil, entente.Errorf(entente.ENOTFOUND, "unknown %s %q: %s", f.kind, key, f.keyHint(want))
	}
	return parts, nil
}

func (f *fact[T]) keyHint(n int) string {
	switch n {
	case 3:
		return "a " + f.kind + " is named ALLIANCE/ISO3/FRAMEWORK"
	case 2:
		return "an " + f.kind + " is named MEETING/ISO3"
	}
	return "a " + f.kind + " is named by its id"
}

// one finds the record with key parts through r; nil if there is none.
func (f *fact[T]) one(ctx context.Context, r entente.Reader, parts []string) (*T, error) {
	xs, err := f.find(ctx, r, parts)
	if err != nil {
		return nil, err
	}
	for i := range xs {
		if slices.Equal(f.parts(&xs[i]), parts) {
			return &xs[i], nil
		}
	}
	return nil, nil
}

func (f *fact[T]) get(ctx context.Context, r entente.Reader, key string) (any, error) {
	parts, err := f.split(key)
	if err != nil {
		return nil, err
	}
	x, err := f.one(ctx, r, parts)
	if err != nil {
		return nil, err
	}
	if x == nil {
		return nil, entente.Errorf(entente.ENOTFOUND, "unknown %s %q", f.kind, key)
	}
	return x, nil
}

// write is the skeleton of every fact's write: c is nil for a create.
func (f *fact[T]) write(ctx context.Context, s *Service, rec any, c *FactCorrection) (any, error) {
	doing := "change the record's facts"
	who, err := authorize(ctx, StaffWork, "", doing)
	if err != nil {
		return nil, err
	}
	x, err := f.record(rec)
	if err != nil {
		return nil, err
	}
	parts := f.parts(x)
	key := strings.Join(parts, "/")
	if err := f.checkRequest(parts, key, c); err != nil {
		return nil, err
	}
	var out *T
	err = s.Store.Update(ctx, func(tx entente.Tx) error {
		w := *x // fn may run again: start from the request each time
		if p := f.prov(&w); p != nil {
			p.Sources = slices.Clone(p.Sources)
		}
		if f.kind == entente.FactPartnership {
			// The partnership rule reads the alliance's memberships,
			// which accession steps change under the alliance's lock.
			if err := tx.LockAlliance(ctx, parts[0]); err != nil {
				return err
			}
		}
		if c != nil {
			if err := tx.LockFact(ctx, f.kind, parts...); err != nil {
				return err
			}
		}
		cur, err := f.one(ctx, tx, parts)
		if err != nil {
			return err
		}
		if err := f.checkExisting(ctx, tx, &w, cur, c, key); err != nil {
			return err
		}
		if probs, err := f.problems(ctx, tx, &w); err != nil {
			return err
		} else if len(probs) > 0 {
			return invalidFact(f.kind, key, probs)
		}
		write, action, before := f.create(tx), f.kind+".add", any(nil)
		if c != nil {
			write, action, before = f.update(tx), f.kind+".correct", *cur
		}
		if err := write(ctx, &w); err != nil {
			return err
		}
		if out, err = f.one(ctx, tx, parts); err != nil {
			return err
		}
		after, err := auditRecord(out, c)
		if err != nil {
			return err
		}
		if err := tx.AddAuditEvent(ctx, s.audit(who, action, f.kind, key, before, after)); err != nil {
			return err
		}
		if isDryRun(ctx) {
			return errDryRun
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkRequest checks what a write's request can be checked for before
// its transaction: key fields that make a key, and a correction's reason
// and source and its key unchanged.
func (f *fact[T]) checkRequest(parts []string, key string, c *FactCorrection) error {
	if c == nil {
		for _, p := range parts {
			if !entente.ValidCode(p) {
				return invalidFact(f.kind, key, []entente.Problem{{Ref: entente.Ref{Kind: f.kind, Key: key}, Field: f.keyField(),
					Message: fmt.Sprintf("%q is not a code: letters, digits and '-', at most 80", p)}})
			}
		}
		return nil
	}
	var probs []entente.Problem
	ref := entente.Ref{Kind: f.kind, Key: c.Key}
	if key != c.Key {
		probs = append(probs, entente.Problem{Ref: ref, Field: f.keyField(),
			Message: fmt.Sprintf("a correction cannot change the record's key (%s to %s): add the record under its new key instead", c.Key, key)})
	}
	if strings.TrimSpace(c.Reason) == "" {
		probs = append(probs, entente.Problem{Ref: ref, Field: "reason", Message: "is required: say why the fact is corrected"})
	}
	if strings.TrimSpace(c.Source) == "" {
		probs = append(probs, entente.Problem{Ref: ref, Field: "source", Message: "is required: cite the source of the correction"})
	}
	if len(probs) > 0 {
		return invalidFact(f.kind, c.Key, probs)
	}
	return nil
}

// keyField is the field a problem with a key is about.
func (f *fact[T]) keyField() string {
	var zero T
	if len(f.parts(&zero)) == 1 {
		return "id"
	}
	return "country"
}

// checkExisting checks w against the record stored with its key (cur, nil
// if none), read after its lock: a create needs none, a correction the
// record at the version it names, its source known. It cites the
// correction's source and marks w's releasability.
func (f *fact[T]) checkExisting(ctx context.Context, tx entente.Tx, w, cur *T, c *FactCorrection, key string) error {
	what := f.kind + " " + key
	var old *entente.Releasability
	switch {
	case c == nil && cur != nil:
		return entente.Errorf(entente.ECONFLICT, "%s exists already: correct it, or add the record under another key", what)
	case c != nil && cur == nil:
		return entente.Errorf(entente.ENOTFOUND, "unknown %s %q", f.kind, key)
	case c != nil:
		if err := checkVersion(ctx, what, *cur, c.IfMatch); err != nil {
			return err
		}
		if found, err := tx.FindSources(ctx, []string{c.Source}); err != nil {
			return err
		} else if len(found) == 0 {
			return invalidFact(f.kind, key, []entente.Problem{{Ref: entente.Ref{Kind: f.kind, Key: key}, Field: "source",
				Message: fmt.Sprintf("unknown source %q: add the source first", c.Source)}})
		}
		if p := f.prov(cur); p != nil {
			old = &p.Releasability
		}
	}
	p := f.prov(w)
	if p == nil {
		return nil
	}
	if c != nil && !slices.Contains(p.Sources, c.Source) {
		p.Sources = append(p.Sources, c.Source)
	}
	var given *entente.Releasability
	if p.Releasability.Level != "" {
		given = &p.Releasability
	}
	r, err := entente.PrincipalFrom(ctx).Mark(given, old)
	p.Releasability = r
	return err
}

// problems checks x with the rules the dataset loader applies: it runs
// entente.Dataset.Validate over x and the records x refers to, as r holds
// them, and keeps the problems of x.
func (f *fact[T]) problems(ctx context.Context, r entente.Reader, x *T) ([]entente.Problem, error) {
	ds := &entente.Dataset{}
	rf := f.refs(x)
	if ids := cited(x); len(ids) > 0 {
		srcs, err := r.FindSources(ctx, ids)
		if err != nil {
			return nil, err
		}
		ds.Sources = srcs
	}
	if rf.operation != "" {
		ops, err := r.FindOperations(ctx, entente.Filter{ID: rf.operation})
		if err != nil {
			return nil, err
		}
		if len(ops) > 0 {
			ds.Operations, rf.alliance = ops[:1], ops[0].Alliance
		}
	}
	if rf.meeting != "" {
		ms, err := r.FindMeetings(ctx, entente.Filter{ID: rf.meeting})
		if err != nil {
			return nil, err
		}
		ds.Meetings = ms
	}
	if rf.alliance != "" {
		a, err := r.FindAlliance(ctx, rf.alliance)
		switch {
		case err == nil:
			ds.Alliances = []entente.Alliance{*a}
		case entente.ErrorCode(err) != entente.ENOTFOUND:
			return nil, err
		}
	}
	var err error
	if rf.frameworks {
		if ds.Frameworks, err = r.FindFrameworks(ctx, entente.Filter{Alliance: rf.alliance}); err != nil {
			return nil, err
		}
	}
	var codes []string
	for _, c := range rf.countries {
		if entente.ValidCountryCode(c) {
			codes = append(codes, c)
		}
	}
	if len(codes) > 0 {
		if ds.Countries, err = r.FindCountriesIn(ctx, codes); err != nil {
			return nil, err
		}
		if rf.membership {
			if ds.Memberships, err = r.FindMemberships(ctx, entente.Filter{Alliance: rf.alliance, Country: codes[0]}); err != nil {
				return nil, err
			}
		}
	}
	f.into(ds, *x)
	var out []entente.Problem
	for _, p := range ds.Validate() {
		if p.Ref.Kind == f.kind || p.Ref.Kind == f.list {
			out = append(out, p)
		}
	}
	if src, ok := any(x).(*entente.Source); ok && src.Kind == "" {
		// An old export's sources may have no kind; one written now says
		// what it is, as the dataset's files do.
		out = append(out, entente.Problem{Ref: entente.Ref{Kind: f.kind, Key: src.ID}, Field: "kind",
			Message: "is required: one of " + kindNames()})
	}
	return out, nil
}

// invalidFact is the EINVALID error of a fact's problems, which it carries
// as FieldErrors.
func invalidFact(kind, key string, probs []entente.Problem) error {
	msgs := make([]string, len(probs))
	for i, p := range probs {
		msgs[i] = p.Message
		if p.Field != "" {
			msgs[i] = p.Field + ": " + p.Message
		}
	}
	e := entente.Errorf(entente.EINVALID, "%s %s: %s", kind, key, strings.Join(msgs, "; "))
	e.Err = FieldErrors(probs)
	return e
}

// auditRecord is what an audit event's after holds for a fact: the record,
// and for a correction its reason and source under "correction".
func auditRecord(rec any, c *FactCorrection) (json.RawMessage, error) {
	b, err := json.Marshal(rec)
	if err != nil || c == nil {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if m["correction"], err = json.Marshal(Correction{Reason: c.Reason, Source: c.Source}); err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

// cited returns the ids of the sources rec cites: its provenance's and its
// Wikidata link's.
func cited(rec any) []string {
	var r struct {
		Sources         []string `json:"sources"`
		WikidataSources []string `json:"wikidata_sources"`
	}
	b, err := json.Marshal(rec)
	if err != nil || json.Unmarshal(b, &r) != nil {
		return nil
	}
	return append(r.Sources, r.WikidataSources...)
}

// FactChoices are the records a fact's form offers to refer to, as the
// principal in ctx may see them.
type FactChoices struct {
	Alliances  []entente.Alliance
	Countries  []entente.Country
	Frameworks []entente.Framework
	Operations []entente.Operation
	Meetings   []entente.Meeting
	Sources    []entente.Source
}

// FactChoices reads the choices of the facts' forms from one snapshot.
func (s *Service) FactChoices(ctx context.Context) (*FactChoices, error) {
	return view(ctx, s, func(r entente.Reader) (*FactChoices, error) {
		var c FactChoices
		var err error
		if c.Alliances, err = r.FindAlliances(ctx); err != nil {
			return nil, err
		}
		if c.Countries, err = r.FindCountries(ctx); err != nil {
			return nil, err
		}
		if c.Frameworks, err = r.FindFrameworks(ctx, entente.Filter{}); err != nil {
			return nil, err
		}
		if c.Operations, err = r.FindOperations(ctx, entente.Filter{}); err != nil {
			return nil, err
		}
		if c.Meetings, err = r.FindMeetings(ctx, entente.Filter{}); err != nil {
			return nil, err
		}
		c.Sources, err = r.FindSources(ctx, nil)
		return &c, err
	})
}

// CheckFact runs a fact's write, create (c nil) or correction, as far as
// its commit and rolls it back: every rule and the version are checked,
// nothing is written. A form's "check your answers" page shows its
// refusal, or the answers to confirm.
func (s *Service) CheckFact(ctx context.Context, kind string, rec any, c *FactCorrection) error {
	k, err := kindOf(kind)
	if err != nil {
		return err
	}
	_, err = k.write(withDryRun(ctx), s, rec, c)
	if errors.Is(err, errDryRun) {
		return nil
	}
	return err
}

type dryRunKey struct{}

func withDryRun(ctx context.Context) context.Context {
	return context.WithValue(ctx, dryRunKey{}, true)
}

func isDryRun(ctx context.Context) bool { v, _ := ctx.Value(dryRunKey{}).(bool); return v }

// kindNames lists the source kinds, for a message.
func kindNames() string {
	names := make([]string, len(entente.SourceKinds))
	for i, k := range entente.SourceKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}
