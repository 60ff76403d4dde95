package entente_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/entente/entente"
)

func auditEvent() entente.AuditEvent {
	return entente.AuditEvent{ID: 7, At: time.Date(2026, 12, 2, 1, 2, 3, 456789000, time.UTC), Actor: "user:3",
		Address: "192.0.2.7", Action: "activity.approve", Entity: "activity", Key: "NZL-ITPP-2024-A1",
		Before: json.RawMessage(`{"status":"proposed"}`), After: json.RawMessage(`{"status":"approved"}`), PrevHash: entente.ZeroHash}
}

// TestAuditHash: the hash covers every field, and its encoding does not
// move: a stored chain must verify with every later version of entente.
func TestAuditHash(t *testing.T) {
	e := auditEvent()
	// Computed apart from Go, from the encoding ComputeHash documents
	// (Python's hashlib over the length-prefixed fields).
	const want = "84d0d9618f58c3188ee54d19397a63f43425d510812bb3cded6d8e043494b1f3"
	got := e.ComputeHash()
	if got != want {
		t.Errorf("ComputeHash = %s, want %s: the encoding changed, and stored chains would no longer verify", got, want)
	}
	changes := map[string]func(*entente.AuditEvent){
		"ID":       func(e *entente.AuditEvent) { e.ID++ },
		"At":       func(e *entente.AuditEvent) { e.At = e.At.Add(time.Microsecond) },
		"Actor":    func(e *entente.AuditEvent) { e.Actor = "user:4" },
		"Address":  func(e *entente.AuditEvent) { e.Address = "" },
		"Action":   func(e *entente.AuditEvent) { e.Action = "activity.cancel" },
		"Entity":   func(e *entente.AuditEvent) { e.Entity = "programme" },
		"Key":      func(e *entente.AuditEvent) { e.Key += "x" },
		"Before":   func(e *entente.AuditEvent) { e.Before = nil },
		"After":    func(e *entente.AuditEvent) { e.After = json.RawMessage(`{"status":"cancelled"}`) },
		"PrevHash": func(e *entente.AuditEvent) { e.PrevHash = got },
		// Moving bytes from one field to the next changes the hash too.
		"Boundary": func(e *entente.AuditEvent) { e.Entity, e.Key = "activityN", "ZL-ITPP-2024-A1" },
	}
	for name, change := range changes {
		c := auditEvent()
		change(&c)
		if c.ComputeHash() == got {
			t.Errorf("changing %s leaves the hash as it was", name)
		}
	}
	// A time zone is not a field: the hash reads the instant in UTC.
	c := auditEvent()
	c.At = c.At.In(time.FixedZone("NZDT", 13*3600))
	if c.ComputeHash() != got {
		t.Error("the same instant in another zone hashes differently")
	}
}

func TestAuditCheck(t *testing.T) {
	var evs []entente.AuditEvent
	prev := entente.ZeroHash
	for i := range 3 {
		e := auditEvent()
		e.ID, e.PrevHash = int64(i+1), prev
		e.Hash = e.ComputeHash()
		prev = e.Hash
		evs = append(evs, e)
	}
	check := func(evs []entente.AuditEvent, head entente.AuditHead) *entente.AuditCheck {
		c := &entente.AuditCheck{}
		for i := range evs {
			if !c.Next(&evs[i]) {
				return c
			}
		}
		c.End(head)
		return c
	}
	head := entente.AuditHead{LastID: 3, LastHash: prev}
	if c := check(evs, head); !c.OK() || c.Events != 3 || c.Head != prev {
		t.Errorf("a sound chain: %+v", c)
	}
	if c := check(nil, entente.AuditHead{LastHash: entente.ZeroHash}); !c.OK() || c.Head != entente.ZeroHash {
		t.Errorf("an empty chain: %+v", c)
	}
	forged := append([]entente.AuditEvent(nil), evs...)
	forged[1].Actor = "Secretary General (forged)"
	if c := check(forged, head); c.OK() || c.Broken.ID != 2 || c.Events != 1 {
		t.Errorf("a changed event: %+v", c)
	}
	if c := check(evs[:2], head); c.OK() || c.Broken.ID != 0 {
		t.Errorf("the last event removed: %+v", c)
	}
	if c := check([]entente.AuditEvent{evs[0], evs[2]}, head); c.OK() || c.Broken.ID != 3 {
		t.Errorf("an event removed from the middle: %+v", c)
	}
}

func TestAuditJSON(t *testing.T) {
	for in, want := range map[string]string{
		``:                   ``,
		`null`:               ``,
		` { "a" : [1, 2] } `: `{"a":[1,2]}`,
		`{}`:                 `{}`,
	} {
		got, err := entente.AuditJSON(json.RawMessage(in))
		if err != nil || string(got) != want {
			t.Errorf("AuditJSON(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{`[]`, `"x"`, `1`, `{`, `{"a":1}x`} {
		if _, err := entente.AuditJSON(json.RawMessage(in)); entente.ErrorCode(err) != entente.EINVALID {
			t.Errorf("AuditJSON(%q): %v, want EINVALID", in, err)
		}
	}
}

func TestAuditDiff(t *testing.T) {
	tests := []struct {
		before, after string
		want          string
	}{
		{``, `{"id":"A1","status":"proposed"}`, `[{id  A1 true false} {status  proposed true false}]`},
		{`{"id":"A1"}`, ``, `[{id A1  false true}]`},
		{`{"status":"proposed","period":{"start":"2025"},"n":[1,2]}`, `{"status":"approved","period":{"start":"2025","end":"2026"},"n":[1]}`,
			`[{n[1] 2  false true} {period.end  2026 true false} {status proposed approved false false}]`},
		{`{"a":{"b":1}}`, `{"a":{}}`, `[{a  {} true false} {a.b 1  false true}]`},
		{`{"a":1}`, `{"a":1}`, `[]`},
	}
	for _, tt := range tests {
		got := fmt.Sprint(entente.AuditDiff(json.RawMessage(tt.before), json.RawMessage(tt.after)))
		if got != tt.want {
			t.Errorf("AuditDiff(%s, %s) = %s, want %s", tt.before, tt.after, got, tt.want)
		}
	}
}
