package entente

import (
	"slices"
	"strings"
)

// ReleaseLevel says who may read a record.
type ReleaseLevel string

// The release levels. The zero level is PUBLIC.
const (
	// ReleasePublic: anyone, signed in or not.
	ReleasePublic ReleaseLevel = "PUBLIC"
	// ReleaseAlliance: the alliance's staff and admins only.
	ReleaseAlliance ReleaseLevel = "ALLIANCE"
	// ReleasableTo: staff and admins, and the liaisons of the partners
	// Releasability.To lists.
	ReleasableTo ReleaseLevel = "RELEASABLE_TO"
)

// Releasability is the marking every record carries (in its Provenance):
// who may read it. The zero value is PUBLIC, so records and datasets that
// do not mention it are public. In JSON:
//
//	{"level": "RELEASABLE_TO", "to": ["AUS", "NZL"]}
//
// A record a principal may not see (Principal.MaySee) is, to that principal,
// a record that does not exist.
type Releasability struct {
	Level ReleaseLevel `json:"level"`
	// To lists the ISO3 codes of the partners a RELEASABLE_TO record is
	// released to; empty for the other levels.
	To []string `json:"to,omitempty"`
}

// AllianceOnly is the marking of a record for staff and admins only.
func AllianceOnly() Releasability { return Releasability{Level: ReleaseAlliance} }

// ReleasableToCountries is the marking of a record released to the partners
// listed.
func ReleasableToCountries(codes ...string) Releasability {
	return Releasability{Level: ReleasableTo, To: codes}
}

// IsZero reports whether r is PUBLIC, so that JSON leaves it out
// (omitzero) and public records look as they did before markings existed.
func (r Releasability) IsZero() bool {
	return (r.Level == "" || r.Level == ReleasePublic) && len(r.To) == 0
}

// Public reports whether anyone may read a record marked r.
func (r Releasability) Public() bool { return r.IsZero() }

// Check returns a problem with r, naming the field, or nil: a known level;
// for RELEASABLE_TO at least one well-formed ISO3 code, none twice; for
// the other levels no codes.
func (r Releasability) Check() error {
	switch r.Level {
	case "", ReleasePublic, ReleaseAlliance:
		if len(r.To) > 0 {
			return Errorf(EINVALID, "releasability.to: lists countries only for level %s, not %s", ReleasableTo, r.level())
		}
		return nil
	case ReleasableTo:
		if len(r.To) == 0 {
			return Errorf(EINVALID, "releasability.to: level %s needs at least one country (ISO3, e.g. NZL)", ReleasableTo)
		}
		for i, c := range r.To {
			if !ValidCountryCode(c) {
				return Errorf(EINVALID, "releasability.to[%d]: %q is not a country code: want ISO 3166-1 alpha-3, three capital letters such as NZL", i, c)
			}
			if slices.Contains(r.To[:i], c) {
				return Errorf(EINVALID, "releasability.to[%d]: %s is listed twice", i, c)
			}
		}
		return nil
	}
	return Errorf(EINVALID, "releasability.level: %q is not %s, %s or %s", r.Level, ReleasePublic, ReleaseAlliance, ReleasableTo)
}

// level is r's level, PUBLIC when zero.
func (r Releasability) level() ReleaseLevel {
	if r.Level == "" {
		return ReleasePublic
	}
	return r.Level
}

// String is r as the store keeps it: "PUBLIC", "ALLIANCE", or
// "RELEASABLE_TO AUS NZL" (ParseReleasability reads it back).
func (r Releasability) String() string {
	if r.Level == ReleasableTo {
		return string(ReleasableTo) + " " + strings.Join(r.To, " ")
	}
	return string(r.level())
}

// ParseReleasability reads a marking in String's form; PUBLIC (and "")
// come back as the zero value.
func ParseReleasability(s string) (Releasability, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return Releasability{}, nil
	}
	r := Releasability{Level: ReleaseLevel(f[0]), To: f[1:]}
	if len(r.To) == 0 {
		r.To = nil
	}
	if r.Level == ReleasePublic && r.To == nil {
		r.Level = ""
	}
	if err := r.Check(); err != nil {
		return Releasability{}, err
	}
	return r, nil
}

// SeesAll reports whether p reads every record whatever its marking: the
// alliance's staff and admins (the CLI's local operator is an admin).
func (p *Principal) SeesAll() bool {
	return p != nil && (p.Role == RoleAdmin || p.Role == RoleStaff)
}

// MaySee reports whether p may read a record marked r: anyone a PUBLIC one;
// staff and admins every one; a liaison also those RELEASABLE_TO its
// partner. The public, readers and other liaisons see no other, and an
// unknown level is seen by staff and admins only.
func (p *Principal) MaySee(r Releasability) bool {
	if r.IsZero() || p.SeesAll() {
		return true
	}
	return p != nil && p.Role == RoleLiaison && p.Partner != "" &&
		r.Level == ReleasableTo && slices.Contains(r.To, p.Partner)
}

// Mark returns the marking of a record p creates or changes: given, when
// it names one; else old, the record's marking before the change (nil for
// a new record), or, for a new record, PUBLIC from staff and admins and
// RELEASABLE_TO its own partner from a liaison. A liaison may mark a
// record only RELEASABLE_TO its own partner (EFORBIDDEN otherwise): it
// cannot release beyond it. A malformed marking is EINVALID.
func (p *Principal) Mark(given, old *Releasability) (Releasability, error) {
	var r Releasability
	switch {
	case given != nil:
		r = *given
	case old != nil:
		return *old, nil
	case p != nil && p.Role == RoleLiaison:
		return ReleasableToCountries(p.Partner), nil
	}
	if err := r.Check(); err != nil {
		return Releasability{}, err
	}
	if r.Level == ReleasePublic {
		r.Level = ""
	}
	if p != nil && p.Role == RoleLiaison && !(r.Level == ReleasableTo && len(r.To) == 1 && r.To[0] == p.Partner) {
		return Releasability{}, Errorf(EFORBIDDEN, "releasability: a liaison for %s may release a record only to %s (%s %s), not %s",
			p.Partner, p.Partner, ReleasableTo, p.Partner, r)
	}
	return r, nil
}

// The answers to a single find that matches nothing. The stores answer
// with them, and so does the service for a record its principal may not
// see, so that a hidden record reads, word for word, as a missing one.

// ErrUnknownCountry is ENOTFOUND for country code.
func ErrUnknownCountry(code string) *Error {
	return Errorf(ENOTFOUND, "unknown country %q: countries are named by their ISO 3166-1 alpha-3 code, e.g. NZL", code)
}

// ErrUnknownAlliance is ENOTFOUND for alliance code.
func ErrUnknownAlliance(code string) *Error { return Errorf(ENOTFOUND, "unknown alliance %q", code) }

// ErrUnknownActivity is ENOTFOUND for activity id.
func ErrUnknownActivity(id string) *Error { return Errorf(ENOTFOUND, "unknown activity %q", id) }

// ErrUnknownReview is ENOTFOUND for review id.
func ErrUnknownReview(id string) *Error { return Errorf(ENOTFOUND, "unknown review %q", id) }

// Covers reports whether everyone who may see a record marked o may see one
// marked r: PUBLIC covers every marking; every marking covers ALLIANCE
// (staff and admins see all); RELEASABLE_TO covers RELEASABLE_TO to fewer
// of the same partners.
func (r Releasability) Covers(o Releasability) bool {
	switch {
	case r.IsZero():
		return true
	case o.IsZero():
		return false
	case o.Level == ReleaseAlliance:
		return true
	case r.Level == ReleasableTo && o.Level == ReleasableTo:
		for _, c := range o.To {
			if !slices.Contains(r.To, c) {
				return false
			}
		}
		return true
	}
	return false
}
