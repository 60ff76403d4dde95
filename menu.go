package entente

import (
	"fmt"
	"slices"
	"strings"
)

// OfferKinds are the kinds of cooperation menu offers and activities.
var OfferKinds = []string{"course", "exercise", "seminar", "training", "exchange", "staff-talks", "event"}

// ValidOfferKind reports whether k is one of OfferKinds.
func ValidOfferKind(k string) bool { return slices.Contains(OfferKinds, k) }

// Offer is an entry of the cooperation menu: a course, exercise, seminar,
// training, exchange, staff talks or event that an alliance or a nation
// offers to partners, who pick activities for their programmes from it (a
// Partnership Cooperation Menu).
type Offer struct {
	Code     string `json:"code"`
	Title    string `json:"title"`
	Area     string `json:"area,omitempty"`
	Kind     string `json:"kind"`
	Provider string `json:"provider"`
	// Capacity is how many participants one run takes; 0 is no limit.
	Capacity int    `json:"capacity"`
	Location string `json:"location,omitempty"`
	Period
	// Recurrence says how often it runs ("annual", "twice a year"), for
	// offers without fixed dates.
	Recurrence string `json:"recurrence,omitempty"`
	Synthetic  bool   `json:"synthetic,omitempty"`
	Provenance
}

// OfferProblem is one thing wrong with an offer: the field (as named in the
// CSV header) and what is wrong.
type OfferProblem struct {
	Field   string
	Message string
}

// Problems checks one offer on its own (references to areas are checked
// against the store or dataset by the caller).
func (o *Offer) Problems() []OfferProblem {
	var out []OfferProblem
	add := func(field, format string, args ...any) {
		out = append(out, OfferProblem{field, fmt.Sprintf(format, args...)})
	}
	for _, f := range []struct{ name, v string }{{"code", o.Code}, {"title", o.Title}, {"area", o.Area}, {"kind", o.Kind},
		{"provider", o.Provider}, {"location", o.Location}, {"recurrence", o.Recurrence}} {
		if msg := TextProblem(f.v); msg != "" {
			add(f.name, "%s", msg)
		}
	}
	if !ValidCode(o.Code) {
		add("code", "%q is not a code (letters, digits, '-', '_', '.')", o.Code)
	}
	if strings.TrimSpace(o.Title) == "" {
		add("title", "is required")
	}
	if !ValidOfferKind(o.Kind) {
		add("kind", "%q is not a kind (%s)", o.Kind, strings.Join(OfferKinds, ", "))
	}
	if strings.TrimSpace(o.Provider) == "" {
		add("provider", "is required")
	}
	if o.Capacity < 0 {
		add("capacity", "%d is negative", o.Capacity)
	}
	if err := CheckOrder(o.Period); err != nil {
		add("to", "%s", ErrorMessage(err))
	}
	return out
}
