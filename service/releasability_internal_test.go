package service

import (
	"slices"
	"testing"

	"github.com/entente/entente"
)

// TestVisible: visible leaves the slice it is given as it was; keepVisible
// filters its own slice in place, keeping the order; both keep an empty
// list a list and nil nil.
func TestVisible(t *testing.T) {
	marking := func(a *entente.Area) entente.Releasability { return a.Releasability }
	areas := func() []entente.Area {
		return []entente.Area{{Code: "a"}, {Code: "b", Provenance: entente.Provenance{Releasability: entente.AllianceOnly()}},
			{Code: "c"}, {Code: "d", Provenance: entente.Provenance{Releasability: entente.AllianceOnly()}}, {Code: "e"}}
	}
	codes := func(xs []entente.Area) []string {
		var out []string
		for _, x := range xs {
			out = append(out, x.Code)
		}
		return out
	}
	xs := areas()
	if got := codes(visible(entente.Anonymous, xs, marking)); !slices.Equal(got, []string{"a", "c", "e"}) {
		t.Errorf("visible to the public: %v", got)
	}
	if got := codes(xs); !slices.Equal(got, []string{"a", "b", "c", "d", "e"}) {
		t.Errorf("visible changed its argument: %v", got)
	}
	if got := codes(keepVisible(entente.Anonymous, areas(), marking)); !slices.Equal(got, []string{"a", "c", "e"}) {
		t.Errorf("keepVisible to the public: %v", got)
	}
	all := areas()
	if got := keepVisible(entente.Operator("t"), all, marking); len(got) != 5 || &got[0] != &all[0] {
		t.Errorf("keepVisible to an operator: %v, want all five in place", codes(got))
	}
	for _, f := range []func(*entente.Principal, []entente.Area, func(*entente.Area) entente.Releasability) []entente.Area{visible[entente.Area], keepVisible[entente.Area]} {
		if got := f(entente.Anonymous, nil, marking); got != nil {
			t.Errorf("nil in: %v out", got)
		}
		if got := f(entente.Anonymous, []entente.Area{}, marking); got == nil {
			t.Error("an empty list in: nil out")
		}
		if got := f(entente.Anonymous, areas()[1:2], marking); got == nil || len(got) != 0 {
			t.Errorf("nothing visible: %v, want an empty list", got)
		}
	}
}
