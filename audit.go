package entente

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AuditEvent records one change: who made it (the authenticated principal's
// ID, see Principal, and the network address it came from), when, what,
// and the record before and after as JSON objects (null when there was
// none: before a creation, after a removal).
//
// The audit log is append-only and hash-chained. A store assigns an event
// its ID, the next after the newest event's, its PrevHash, the newest
// event's Hash (ZeroHash for the first), and its Hash, computed over its
// fields and PrevHash (ComputeHash); it never changes or removes an event.
// An event changed, removed or inserted behind the application's back then
// breaks the chain where it happened, which VerifyAudit finds.
type AuditEvent struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	Actor    string          `json:"actor"`
	Address  string          `json:"address"`
	Action   string          `json:"action"`
	Entity   string          `json:"entity"`
	Key      string          `json:"key"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// AuditFilter narrows FindAuditEvents; empty fields do not filter.
type AuditFilter struct {
	Entity string // the kind of record: "activity", "programme", ...
	Key    string // the record's key, as the event names it
	Actor  string // the principal's ID: "user:3", "operator:ann"
	// Before, if not zero, keeps the events older than the event with
	// this ID: the next page of a list, newest first.
	Before int64
	// After, if not zero, keeps the events newer than the event with this
	// ID: a change feed's next page.
	After int64
	// Oldest lists the events oldest first (the change feed's order, which
	// is commit order: each append holds the chain's lock until its
	// transaction ends), and Limit keeps the oldest.
	Oldest bool
	Limit  int // at most this many, newest first (0: all)
}

// ZeroHash is the PrevHash of the first event of a chain.
var ZeroHash = strings.Repeat("0", sha256.Size*2)

// auditTime is how an event's time enters its hash: UTC, to the
// microsecond, the precision both engines store.
const auditTime = "2006-01-02T15:04:05.000000Z"

// ComputeHash returns the hash e should carry: SHA-256, in hex, over a
// version tag and each of e's fields (ID, At, Actor, Address, Action,
// Entity, Key, Before, After, PrevHash) in that order, each written as its
// length (uvarint) and its bytes, so that no two events encode alike. Before
// and After enter as stored: nil as the empty string.
func (e *AuditEvent) ComputeHash() string {
	h := sha256.New()
	field := func(s string) {
		var n [binary.MaxVarintLen64]byte
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
	field("entente audit event v1")
	field(strconv.FormatInt(e.ID, 10))
	field(e.At.UTC().Format(auditTime))
	for _, s := range []string{e.Actor, e.Address, e.Action, e.Entity, e.Key, string(e.Before), string(e.After), e.PrevHash} {
		field(s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AuditJSON returns raw as an audit event stores it: nil for nothing (no
// bytes, or null), else a JSON object with insignificant space removed, so
// that the bytes hashed are the bytes both engines give back. Anything else
// is EINVALID.
func AuditJSON(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] != '{' || !json.Valid(raw) {
		return nil, Errorf(EINVALID, "an audit event's before and after must be JSON objects, not %.40q", raw)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, Errorf(EINVALID, "audit event JSON: %v", err)
	}
	return b.Bytes(), nil
}

// AuditHead is what a store records of its audit chain's newest event, so
// that events removed from the end of the chain are missed too.
type AuditHead struct {
	LastID   int64  `json:"last_id"`
	LastHash string `json:"last_hash"`
}

// AuditCheck is what verifying the audit chain found: how many events
// held, oldest first, and the first broken link, if any.
type AuditCheck struct {
	// Events is how many events were verified before the first break (all
	// of them when there is none).
	Events int64 `json:"events"`
	// Head is the hash of the last event verified; ZeroHash when none.
	Head string `json:"head"`
	// Broken is the first broken link; nil when the chain holds.
	Broken *AuditBreak `json:"broken,omitempty"`
	lastID int64
}

// AuditBreak is where and how the audit chain breaks.
type AuditBreak struct {
	// ID is the event at which the chain breaks; 0 when what breaks is
	// the store's record of the chain's head.
	ID int64 `json:"id"`
	// Problem says what differs.
	Problem string `json:"problem"`
}

// OK reports whether the chain held.
func (c *AuditCheck) OK() bool { return c.Broken == nil }

// Next checks e, the event after the ones checked so far (oldest first),
// and reports whether the chain still holds.
func (c *AuditCheck) Next(e *AuditEvent) bool {
	if c.Broken != nil {
		return false
	}
	prev, before := ZeroHash, "none: it is the first event"
	if c.Events > 0 {
		prev, before = c.Head, fmt.Sprintf("event %d", c.lastID)
	}
	switch got := e.ComputeHash(); {
	case e.ID <= c.lastID:
		c.Broken = &AuditBreak{ID: e.ID, Problem: fmt.Sprintf("its id is not after the event before's (%d)", c.lastID)}
	case e.PrevHash != prev:
		c.Broken = &AuditBreak{ID: e.ID, Problem: fmt.Sprintf(
			"its previous hash is %s, but the event before it (%s) has hash %s: an event was removed, inserted or changed before it", e.PrevHash, before, prev)}
	case e.Hash != got:
		c.Broken = &AuditBreak{ID: e.ID, Problem: fmt.Sprintf(
			"its fields do not match its hash: stored %s, computed %s: the event was changed after it was written", e.Hash, got)}
	default:
		c.Events++
		c.Head, c.lastID = e.Hash, e.ID
		return true
	}
	return false
}

// End checks the chain's recorded head against the last event checked: a
// head that names a later event means events were removed from the end.
func (c *AuditCheck) End(head AuditHead) {
	if c.Broken != nil {
		return
	}
	if c.Events == 0 {
		c.Head = ZeroHash
	}
	if head.LastID != c.lastID || head.LastHash != c.Head {
		c.Broken = &AuditBreak{Problem: fmt.Sprintf(
			"the chain's head names event %d with hash %s, but the newest event is %d with hash %s: events were removed from the end, or the head was changed",
			head.LastID, head.LastHash, c.lastID, c.Head)}
	}
}

// AuditReader is what verifying the audit chain reads.
type AuditReader interface {
	// WalkAuditEvents calls fn with each audit event, oldest first, until
	// fn returns false. fn must not use the store.
	WalkAuditEvents(ctx context.Context, fn func(*AuditEvent) bool) error
	// FindAuditHead returns the store's record of the chain's newest event.
	FindAuditHead(ctx context.Context) (AuditHead, error)
}

// VerifyAudit walks the audit chain of r, oldest first, and returns what it
// found: the events verified and the first broken link. Read it from one
// snapshot (Store.View) so that writers meanwhile do not move the head.
func VerifyAudit(ctx context.Context, r AuditReader) (*AuditCheck, error) {
	c := &AuditCheck{}
	if err := r.WalkAuditEvents(ctx, c.Next); err != nil {
		return nil, err
	}
	if c.Broken != nil {
		return c, nil
	}
	head, err := r.FindAuditHead(ctx)
	if err != nil {
		return nil, err
	}
	c.End(head)
	return c, nil
}

// AuditChange is one field an audit event changed: its path in the record
// ("status", "period.end", "consents[2]") and its value before and after as
// text (strings as they are, other values as JSON; "" when absent).
type AuditChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
	// Added and Removed say the field was absent before, or after.
	Added   bool `json:"added,omitempty"`
	Removed bool `json:"removed,omitempty"`
}

// AuditDiff lists the fields that differ between before and after, two
// JSON objects (nil when there was no record), in path order: nested objects
// and arrays are walked down to the values that changed, so that a status
// step reads as one line rather than two copies of the activity. JSON that
// does not decode compares as one value, its text.
func AuditDiff(before, after json.RawMessage) []AuditChange {
	b, a := flatJSON(before), flatJSON(after)
	var out []AuditChange
	for field := range b {
		if _, ok := a[field]; !ok {
			out = append(out, AuditChange{Field: field, Before: b[field], Removed: true})
		}
	}
	for field, av := range a {
		bv, ok := b[field]
		switch {
		case !ok:
			out = append(out, AuditChange{Field: field, After: av, Added: true})
		case bv != av:
			out = append(out, AuditChange{Field: field, Before: bv, After: av})
		}
	}
	slices.SortFunc(out, func(x, y AuditChange) int { return strings.Compare(x.Field, y.Field) })
	return out
}

// flatJSON maps each leaf of a JSON document to its text, by path. Empty
// objects and arrays are leaves ("{}", "[]"), so that one becoming empty
// shows.
func flatJSON(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	if len(raw) == 0 || string(raw) == "null" {
		return out
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		out[""] = string(raw)
		return out
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if len(v) == 0 && path != "" {
				out[path] = "{}"
			}
			for k, x := range v {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, x)
			}
		case []any:
			if len(v) == 0 {
				out[path] = "[]"
			}
			for i, x := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), x)
			}
		case string:
			out[path] = v
		default:
			b, _ := json.Marshal(v)
			out[path] = string(b)
		}
	}
	walk("", v)
	return out
}
