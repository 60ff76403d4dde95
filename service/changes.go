package service

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/entente/entente"
)

// The change feed (issue 11, item 5): every change to the records, in
// commit order, from the audit log, whose event ids are the cursor (each
// append holds the chain's lock until its transaction ends, so ids are
// assigned in commit order and a reader never sees an id before a smaller
// one). A change is in the feed of a principal that may see the record it
// changed, as releasability decides for every read (see released), and
// the version the change left: staff and admins see every change; others
// see a change only if the record is visible to them now (through the
// released reader, so a hidden programme hides its objectives, goals,
// activities and reviews too) and the version's own marking is one they
// may see. Changes to accounts and tokens are not in the feed (they are
// not records; staff read them in the audit log); dataset imports and menu
// imports, whose events name what was imported but not its records, are in
// staff's feed only.

// Change is one change to a record: the audit event that made it (its id
// is the feed's cursor), and the record as the change left it.
type Change struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Action string    `json:"action"`
	Entity string    `json:"entity"`
	Key    string    `json:"key"`
	// Actor and Address are who made the change, for staff and admins
	// only.
	Actor   string `json:"actor,omitempty"`
	Address string `json:"address,omitempty"`
	// Record is the record as the change left it; null for an import.
	Record json.RawMessage `json:"record"`
	// Partner is the ISO3 code of the partner the record concerns, if any
	// (a programme's partner; a membership's, partnership's,
	// contribution's or invitation's country).
	Partner string `json:"partner,omitempty"`
	// Sources are the sources the record cites, so that a mirror holds
	// what its records refer to (sources are not changes of their own).
	Sources []entente.Source `json:"sources,omitempty"`
}

// ChangePage is a page of the change feed.
type ChangePage struct {
	Changes []Change `json:"changes"`
	// Cursor is the id of the last event this page read, shown or not:
	// the next page starts after it.
	Cursor int64 `json:"cursor"`
	// More says the feed has changes after Cursor already; when false, a
	// client polls again later from Cursor.
	More bool `json:"more"`
}

// Change feed page sizes.
const (
	DefaultChanges = 100
	MaxChanges     = 1000
)

// changeScan bounds how many audit events one call reads, so that a page
// of a principal that sees few of them returns (with More set) rather than
// reading the whole log.
const changeScan = 20 * MaxChanges

// Changes returns the changes after the event since that the principal in
// ctx may see, oldest first, at most limit (DefaultChanges when 0).
func (s *Service) Changes(ctx context.Context, since int64, limit int) (*ChangePage, error) {
	if since < 0 {
		return nil, entente.Errorf(entente.EINVALID, "since: want an event id from a change feed's cursor, 0 or more")
	}
	if limit == 0 {
		limit = DefaultChanges
	}
	if limit < 1 || limit > MaxChanges {
		return nil, entente.Errorf(entente.EINVALID, "limit: want 1 to %d", MaxChanges)
	}
	f := newChangeFilter(ctx, s)
	page := &ChangePage{Changes: []Change{}, Cursor: since}
	for scanned := 0; scanned < changeScan; {
		evs, err := s.Store.FindAuditEvents(ctx, entente.AuditFilter{After: page.Cursor, Oldest: true, Limit: limit})
		if err != nil {
			return nil, err
		}
		scanned += len(evs)
		for i := range evs {
			page.Cursor = evs[i].ID
			c, ok, err := f.change(ctx, &evs[i])
			if err != nil {
				return nil, err
			}
			if ok {
				page.Changes = append(page.Changes, c)
			}
			if len(page.Changes) == limit {
				page.More = i < len(evs)-1 || len(evs) == limit
				return page, nil
			}
		}
		if len(evs) < limit {
			return page, nil
		}
	}
	page.More = true
	return page, nil
}

// RecentChanges returns the newest n changes the principal in ctx may see,
// newest first; only those concerning partner, if it is not "".
func (s *Service) RecentChanges(ctx context.Context, partner string, n int) ([]Change, error) {
	f := newChangeFilter(ctx, s)
	out := []Change{}
	var before int64
	for scanned := 0; scanned < changeScan && len(out) < n; {
		evs, err := s.Store.FindAuditEvents(ctx, entente.AuditFilter{Before: before, Limit: 500})
		if err != nil {
			return nil, err
		}
		for i := range evs {
			before = evs[i].ID
			c, ok, err := f.change(ctx, &evs[i])
			if err != nil {
				return nil, err
			}
			if ok && (partner == "" || c.Partner == partner) {
				out = append(out, c)
				if len(out) == n {
					break
				}
			}
		}
		scanned += len(evs)
		if len(evs) < 500 {
			break
		}
	}
	return out, nil
}

// changeFilter decides which events are changes a principal may see,
// remembering what it read for one call.
type changeFilter struct {
	s       *Service
	p       *entente.Principal
	r       entente.Reader
	visible map[string]bool   // entity+" "+key: the record is visible now
	partner map[string]string // programme id: its partner
	sources map[string]*entente.Source
}

func newChangeFilter(ctx context.Context, s *Service) *changeFilter {
	p := entente.PrincipalFrom(ctx)
	return &changeFilter{s: s, p: p, r: released(s.Store, p), visible: map[string]bool{}, partner: map[string]string{},
		sources: map[string]*entente.Source{}}
}

// change returns e as a change, and whether the principal may see it.
func (f *changeFilter) change(ctx context.Context, e *entente.AuditEvent) (Change, bool, error) {
	c := Change{ID: e.ID, At: e.At, Action: e.Action, Entity: e.Entity, Key: e.Key, Record: e.After}
	switch e.Entity {
	case "account", "token":
		return c, false, nil
	case "dataset", "menu":
		if !f.p.SeesAll() {
			return c, false, nil
		}
		c.Record = nil
	}
	var rec struct {
		Releasability entente.Releasability `json:"releasability"`
		Programme     string                `json:"programme"`
		Partner       string                `json:"partner"`
		Country       string                `json:"country"`
		Sources       []string              `json:"sources"`
	}
	if len(e.After) > 0 {
		if err := json.Unmarshal(e.After, &rec); err != nil {
			return c, false, entente.Errorf(entente.EINTERNAL, "audit event %d: its record does not read: %v", e.ID, err)
		}
	}
	if !f.p.SeesAll() {
		if !f.p.MaySee(rec.Releasability) {
			return c, false, nil
		}
		ok, err := f.current(ctx, e.Entity, e.Key, rec.Programme)
		if err != nil || !ok {
			return c, false, err
		}
		c.Record = withoutActor(c.Record)
	} else {
		c.Actor, c.Address = e.Actor, e.Address
	}
	switch {
	case rec.Partner != "":
		c.Partner = rec.Partner
	case e.Entity == "membership" || e.Entity == "partnership" || e.Entity == entente.FactContribution || e.Entity == entente.FactInvitation:
		c.Partner = rec.Country
	case rec.Programme != "":
		p, err := f.partnerOf(ctx, rec.Programme)
		if err != nil {
			return c, false, err
		}
		c.Partner = p
	}
	var err error
	c.Sources, err = f.cited(ctx, rec.Sources)
	return c, true, err
}

// cited returns the sources with ids, in order, skipping unknown ones.
func (f *changeFilter) cited(ctx context.Context, ids []string) ([]entente.Source, error) {
	var missing []string
	for _, id := range ids {
		if _, ok := f.sources[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		found, err := f.s.Store.FindSources(ctx, missing)
		if err != nil {
			return nil, err
		}
		for _, id := range missing {
			f.sources[id] = nil
		}
		for i := range found {
			f.sources[found[i].ID] = &found[i]
		}
	}
	var out []entente.Source
	for _, id := range ids {
		if src := f.sources[id]; src != nil {
			out = append(out, *src)
		}
	}
	return out, nil
}

// current reports whether the record entity/key is visible to the
// principal now, as every read decides it.
func (f *changeFilter) current(ctx context.Context, entity, key, programme string) (bool, error) {
	id := entity + " " + key
	if v, ok := f.visible[id]; ok {
		return v, nil
	}
	var err error
	switch entity {
	case "review":
		_, err = f.r.FindReview(ctx, key)
	case "area":
		err = nil // its own marking decides, already checked
	default:
		if entity == "membership" {
			key, _, _ = strings.Cut(key, " by ")
		}
		_, err = f.s.currentRecordIn(ctx, f.r, entity, key)
	}
	if entente.ErrorCode(err) == entente.ENOTFOUND || entente.ErrorCode(err) == entente.EINVALID {
		f.visible[id] = false
		return false, nil
	}
	if err != nil {
		return false, err
	}
	f.visible[id] = true
	return true, nil
}

// partnerOf returns the partner of the programme id.
func (f *changeFilter) partnerOf(ctx context.Context, id string) (string, error) {
	if p, ok := f.partner[id]; ok {
		return p, nil
	}
	ps, err := f.r.FindProgrammes(ctx, entente.Filter{ID: id})
	if err != nil {
		return "", err
	}
	p := ""
	if len(ps) > 0 {
		p = ps[0].Partner
	}
	f.partner[id] = p
	return p, nil
}

// withoutActor removes a record's own actor and address fields (a review
// names who made it), which only staff see.
func withoutActor(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || !strings.Contains(string(raw), `"actor"`) && !strings.Contains(string(raw), `"address"`) {
		return raw
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	delete(m, "actor")
	delete(m, "address")
	b, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return b
}
