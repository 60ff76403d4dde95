package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/entente/entente"
)

// testWriteRules: a write that breaks a domain rule is refused with the rule's
// code and message (entente.CheckPeriod, CheckPartnership) and writes
// nothing; the store calls the rules rather than restating them.
func testWriteRules(t *testing.T, open func(t *testing.T) entente.Store) {
	ds := Fixture()
	tests := []struct {
		name string
		code string
		msg  string
		put  func(ctx context.Context, tx entente.Tx) error
	}{
		{"PartnershipEndBeforeStart", entente.EINVALID, "the end 2011 is before the start 2012", func(ctx context.Context, tx entente.Tx) error {
			p := ds.Partnerships[0]
			p.To = d("2011")
			return tx.UpdatePartnership(ctx, &p)
		}},
		{"PartnershipBeforeFounding", entente.EREFUSED, "1940 is before TESTA was founded", func(ctx context.Context, tx entente.Tx) error {
			p := ds.Partnerships[0]
			p.From = d("1940")
			return tx.UpdatePartnership(ctx, &p)
		}},
		{"MemberAsPartner", entente.EREFUSED, "a member is not its own alliance's partner", func(ctx context.Context, tx entente.Tx) error {
			p := ds.Partnerships[0]
			p.Country, p.From = "BEL", d("2012")
			return tx.UpdatePartnership(ctx, &p)
		}},
		{"ProgrammeEndBeforeStart", entente.EINVALID, "the end 2023 is before the start 2024-07", func(ctx context.Context, tx entente.Tx) error {
			p := ds.Programmes[0]
			p.Period.To = d("2023")
			return tx.UpdateProgramme(ctx, &p)
		}},
		{"ContributionEndBeforeStart", entente.EINVALID, "before the start", func(ctx context.Context, tx entente.Tx) error {
			c := ds.Contributions[0]
			c.To = d("1990")
			return tx.UpdateContribution(ctx, &c)
		}},
	}
	s := imported(t, open)
	want := exportJSON(t, s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Update(t.Context(), func(tx entente.Tx) error { return tt.put(t.Context(), tx) })
			wantCode(t, "Update with a write that breaks a rule", err, tt.code)
			if !strings.Contains(entente.ErrorMessage(err), tt.msg) {
				t.Errorf("message %q, want it to contain %q", entente.ErrorMessage(err), tt.msg)
			}
			sameJSON(t, "Export after refused write", exportJSON(t, s), want)
		})
	}
}
