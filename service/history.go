package service

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/entente/entente"
)

// The history of a record (issue 10, item 4): its versions, oldest first,
// read from the audit log, which holds every change made through entente
// with the record before and after it. A record that came with an imported
// dataset has that import as its first version, and its first change's
// before is what the import wrote.

// MaxHistory is how many versions a history shows at most: the newest.
const MaxHistory = 500

// HistoryKinds are the kinds of record that have a history, as the audit
// log names them.
var HistoryKinds = []string{"activity", "programme", "objective", "goal", "membership", "partnership",
	entente.FactContribution, entente.FactMeeting, entente.FactInvitation, entente.FactDefenceEvent, entente.FactSource,
	entente.FactOperation, entente.FactFramework, entente.FactGroup}

// RecordVersion is one version of a record: the change that made it, who
// made it (for those who may read the audit log), when, why and on what
// source, and what changed, field by field.
type RecordVersion struct {
	N int `json:"version"`
	// Event is the audit event that made the version; 0 for the version an
	// imported dataset wrote.
	Event  int64     `json:"event,omitempty"`
	At     time.Time `json:"at"`
	Action string    `json:"action"`
	// Actor is the principal that made the change: empty for a reader who
	// may not read the audit log, and for an imported version.
	Actor string `json:"actor,omitempty"`
	// ActorName is the account's name of a user actor ("user:3"), when
	// the actor is shown and the account is still there.
	ActorName string `json:"actor_name,omitempty"`
	// Why is the reason the change gives: a cancellation's reason, an
	// outcome reported, the record's note, when the change set it.
	Why string `json:"why,omitempty"`
	// Sources are the sources the record cites in this version.
	Sources []string              `json:"sources,omitempty"`
	Changes []entente.AuditChange `json:"changes"`
	// Record is the record as this version left it (null when removed).
	Record json.RawMessage `json:"record"`
}

// RecordHistory is a record's versions, oldest first.
type RecordHistory struct {
	Entity string `json:"entity"`
	Key    string `json:"key"`
	// Actors says whether the versions name who made them.
	Actors   bool            `json:"-"`
	Versions []RecordVersion `json:"versions"`
	// Truncated says older versions were left out (more than MaxHistory).
	Truncated bool `json:"truncated,omitempty"`
}

// Current is the newest version.
func (h *RecordHistory) Current() *RecordVersion {
	if len(h.Versions) == 0 {
		return nil
	}
	return &h.Versions[len(h.Versions)-1]
}

// InForce returns the version in force at the end of day d: the newest made
// on or before it, or nil when the record had no version yet.
func (h *RecordHistory) InForce(d entente.Date) *RecordVersion {
	if d.IsZero() {
		return h.Current()
	}
	end := d.Last().Time().AddDate(0, 0, 1)
	var out *RecordVersion
	for i := range h.Versions {
		if h.Versions[i].At.Before(end) {
			out = &h.Versions[i]
		}
	}
	return out
}

// History returns the versions of the record of kind entity (one of
// HistoryKinds) keyed key, as the principal in ctx may see them: a record it
// may not see is not found, as it is everywhere else; only staff and admins,
// who read the audit log, see who made each change.
func (s *Service) History(ctx context.Context, entity, key string) (*RecordHistory, error) {
	if !slices.Contains(HistoryKinds, entity) {
		return nil, entente.Errorf(entente.ENOTFOUND, "no history of %q records: the kinds with a history are %s", entity, strings.Join(HistoryKinds, ", "))
	}
	if err := s.checkVisible(ctx, entity, key); err != nil {
		return nil, err
	}
	f := entente.AuditFilter{Entity: entity, Key: key, Limit: MaxHistory + 1}
	evs, err := s.Store.FindAuditEvents(ctx, f)
	if err != nil {
		return nil, err
	}
	if entity == "membership" {
		// An accession step taken by a member is keyed "ALLIANCE/ISO3 by
		// MEMBER": the applicant's membership all the same.
		more, err := s.membershipSteps(ctx, key)
		if err != nil {
			return nil, err
		}
		evs = append(evs, more...)
		slices.SortFunc(evs, func(a, b entente.AuditEvent) int { return cmp.Compare(b.ID, a.ID) })
	}
	h := &RecordHistory{Entity: entity, Key: key, Actors: entente.PrincipalFrom(ctx).SeesAll(), Versions: []RecordVersion{}}
	if len(evs) > MaxHistory {
		evs, h.Truncated = evs[:MaxHistory], true
	}
	slices.Reverse(evs) // oldest first
	if len(evs) == 0 || (!h.Truncated && len(evs[0].Before) > 0 && string(evs[0].Before) != "null") {
		// The record was there before its first change: an imported
		// dataset wrote it.
		v, err := s.importedVersion(ctx, entity, key, evs)
		if err != nil {
			return nil, err
		}
		h.Versions = append(h.Versions, v)
	}
	names := map[string]string{}
	for _, e := range evs {
		v := RecordVersion{Event: e.ID, At: e.At, Action: e.Action, Changes: entente.AuditDiff(e.Before, e.After), Record: e.After}
		if h.Actors {
			v.Actor = e.Actor
			if v.ActorName, err = s.actorName(ctx, names, e.Actor); err != nil {
				return nil, err
			}
		}
		v.Why, v.Sources = why(e.After, v.Changes)
		h.Versions = append(h.Versions, v)
	}
	for i := range h.Versions {
		h.Versions[i].N = i + 1
	}
	if h.Truncated {
		// Number the versions shown as the newest of all of them.
		n, err := s.countEvents(ctx, entity, key)
		if err != nil {
			return nil, err
		}
		for i := range h.Versions {
			h.Versions[i].N += n - len(h.Versions)
		}
	}
	return h, nil
}

// actorName is the account name of a user actor ("user:3"), "" for
// another kind of actor or an account that is gone; names caches them.
func (s *Service) actorName(ctx context.Context, names map[string]string, actor string) (string, error) {
	id, ok := strings.CutPrefix(actor, "user:")
	if !ok {
		return "", nil
	}
	if name, ok := names[actor]; ok {
		return name, nil
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return "", nil
	}
	a, err := s.Store.FindAccountByID(ctx, n)
	switch {
	case entente.ErrorCode(err) == entente.ENOTFOUND:
		names[actor] = ""
		return "", nil
	case err != nil:
		return "", err
	}
	names[actor] = a.Name
	return a.Name, nil
}

// membershipSteps returns the audit events of the accession steps members
// took on key's membership ("ALLIANCE/ISO3 by MEMBER"), newest first.
func (s *Service) membershipSteps(ctx context.Context, key string) ([]entente.AuditEvent, error) {
	m, err := s.memberships(ctx, key)
	if err != nil {
		return nil, err
	}
	var out []entente.AuditEvent
	for _, member := range m {
		evs, err := s.Store.FindAuditEvents(ctx, entente.AuditFilter{Entity: "membership", Key: key + " by " + member, Limit: MaxHistory + 1})
		if err != nil {
			return nil, err
		}
		out = append(out, evs...)
	}
	return out, nil
}

// memberships returns the codes of the alliance's members and former
// members, the states that could have consented to or ratified key's
// accession.
func (s *Service) memberships(ctx context.Context, key string) ([]string, error) {
	alliance, _, _ := strings.Cut(key, "/")
	ms, err := s.reader(ctx).FindMemberships(ctx, entente.Filter{Alliance: alliance})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range ms {
		if !slices.Contains(out, m.Country) {
			out = append(out, m.Country)
		}
	}
	return out, nil
}

// countEvents counts every audit event of the record, for numbering a
// truncated history.
func (s *Service) countEvents(ctx context.Context, entity, key string) (int, error) {
	evs, err := s.Store.FindAuditEvents(ctx, entente.AuditFilter{Entity: entity, Key: key})
	return len(evs), err
}

// importedVersion is the first version of a record that an imported
// dataset wrote: at the time of the newest import or generation before
// the record's first change, with the record as that change found it (or
// as it is now, when it never changed).
func (s *Service) importedVersion(ctx context.Context, entity, key string, evs []entente.AuditEvent) (RecordVersion, error) {
	v := RecordVersion{Action: "import", Changes: []entente.AuditChange{}}
	imports, err := s.Store.FindAuditEvents(ctx, entente.AuditFilter{Entity: "dataset"})
	if err != nil {
		return v, err
	}
	for _, e := range imports { // newest first
		if len(evs) == 0 || e.ID < evs[0].ID {
			v.At, v.Action = e.At, e.Action
			break
		}
	}
	if len(evs) > 0 {
		v.Record = evs[0].Before
	} else if v.Record, err = s.currentRecord(ctx, entity, key); err != nil {
		return v, err
	}
	v.Changes = entente.AuditDiff(nil, v.Record)
	v.Why, v.Sources = why(v.Record, v.Changes)
	return v, nil
}

// why reads the reason and the sources of a version from the record it
// left: the reason only when the change set it.
func why(record json.RawMessage, changes []entente.AuditChange) (string, []string) {
	var r struct {
		Sources      []string `json:"sources"`
		Note         string   `json:"note"`
		CancelReason string   `json:"cancel_reason"`
		Outcome      string   `json:"outcome"`
		// Correction is a corrected fact's reason and source (facts.go).
		Correction *Correction `json:"correction"`
	}
	if len(record) == 0 || json.Unmarshal(record, &r) != nil {
		return "", nil
	}
	if c := r.Correction; c != nil {
		if !slices.Contains(r.Sources, c.Source) {
			r.Sources = append(r.Sources, c.Source)
		}
		return c.Reason, r.Sources
	}
	changed := func(field string) bool {
		return slices.ContainsFunc(changes, func(c entente.AuditChange) bool { return c.Field == field })
	}
	switch {
	case r.CancelReason != "" && changed("cancel_reason"):
		return r.CancelReason, r.Sources
	case r.Outcome != "" && changed("outcome"):
		return r.Outcome, r.Sources
	case r.Note != "" && changed("note"):
		return r.Note, r.Sources
	}
	return "", r.Sources
}

// checkVisible answers the store's not-found for a record the principal in
// ctx may not see, or that does not exist.
func (s *Service) checkVisible(ctx context.Context, entity, key string) error {
	_, err := s.currentRecord(ctx, entity, key)
	return err
}

// currentRecord reads the record as it is, as the principal in ctx may see
// it, encoded as the audit log encodes it.
func (s *Service) currentRecord(ctx context.Context, entity, key string) (json.RawMessage, error) {
	return s.currentRecordIn(ctx, s.reader(ctx), entity, key)
}

// currentRecordIn is currentRecord read through r.
func (s *Service) currentRecordIn(ctx context.Context, r entente.Reader, entity, key string) (json.RawMessage, error) {
	var rec any
	switch entity {
	case "activity":
		a, err := r.FindActivity(ctx, key)
		if err != nil {
			return nil, err
		}
		rec = a
	case "programme":
		p, err := programme(ctx, r, key)
		if err != nil {
			return nil, err
		}
		rec = p
	case "objective", "goal":
		prog, code, ok := strings.Cut(key, "/")
		if !ok {
			return nil, entente.Errorf(entente.ENOTFOUND, "unknown %s %q: a %s is named PROGRAMME/CODE, e.g. NZL-ITPP-2024/G1", entity, key, entity)
		}
		if _, err := programme(ctx, r, prog); err != nil {
			return nil, err
		}
		if entity == "objective" {
			os, err := r.FindObjectives(ctx, prog)
			if err != nil {
				return nil, err
			}
			if i := slices.IndexFunc(os, func(o entente.Objective) bool { return o.Code == code }); i >= 0 {
				rec = os[i]
			}
		} else {
			gs, err := r.FindGoals(ctx, prog)
			if err != nil {
				return nil, err
			}
			if i := slices.IndexFunc(gs, func(g entente.Goal) bool { return g.Code == code }); i >= 0 {
				rec = gs[i]
			}
		}
		if rec == nil {
			return nil, entente.Errorf(entente.ENOTFOUND, "unknown %s %q in programme %s", entity, code, prog)
		}
	case "membership":
		alliance, country, ok := strings.Cut(key, "/")
		if ok {
			ms, err := r.FindMemberships(ctx, entente.Filter{Alliance: alliance, Country: country})
			if err != nil {
				return nil, err
			}
			if len(ms) > 0 {
				rec = ms[len(ms)-1]
			}
		}
		if rec == nil {
			return nil, entente.Errorf(entente.ENOTFOUND, "unknown membership %q: a membership is named ALLIANCE/ISO3, e.g. the alliance code, a slash and FIN", key)
		}
	case "partnership":
		parts := strings.Split(key, "/")
		if len(parts) == 3 {
			ps, err := r.FindPartnerships(ctx, entente.Filter{Alliance: parts[0], Country: parts[1]})
			if err != nil {
				return nil, err
			}
			if i := slices.IndexFunc(ps, func(p entente.Partnership) bool { return p.Framework == parts[2] }); i >= 0 {
				rec = ps[i]
			}
		}
		if rec == nil {
			return nil, entente.Errorf(entente.ENOTFOUND, "unknown partnership %q: a partnership is named ALLIANCE/ISO3/FRAMEWORK, its framework last", key)
		}
	default:
		if k, ok := factKinds[entity]; ok {
			x, err := k.get(ctx, r, key)
			if err != nil {
				return nil, err
			}
			rec = x
		}
	}
	b, err := json.Marshal(rec)
	return b, err
}
