package service

import (
	"context"

	"github.com/entente/entente"
)

// AllianceRecord is an alliance with every membership of it, at whatever
// step and on whatever day, and the names of the countries they concern:
// what a research export (the Correlates of War and ATOP shapes) is made
// from.
type AllianceRecord struct {
	Alliance    *entente.Alliance
	Memberships []entente.Membership
	// Names maps a country's ISO 3166-1 alpha-3 code to its name.
	Names map[string]string
}

// AllianceRecord reads the alliance named by code (DefaultAlliance's
// choice when code is empty) and all its memberships from one snapshot.
// An unknown code is ENOTFOUND naming it.
func (s *Service) AllianceRecord(ctx context.Context, code string) (*AllianceRecord, error) {
	return view(ctx, s, func(r entente.Reader) (*AllianceRecord, error) {
		a, err := defaultAlliance(ctx, r, code)
		if err != nil {
			return nil, err
		}
		ms, err := r.FindMemberships(ctx, entente.Filter{Alliance: a.Code})
		if err != nil {
			return nil, err
		}
		countries, err := countriesByCode(ctx, r)
		if err != nil {
			return nil, err
		}
		names := make(map[string]string, len(ms))
		for _, m := range ms {
			names[m.Country] = countries[m.Country].Name
		}
		return &AllianceRecord{Alliance: a, Memberships: ms, Names: names}, nil
	})
}
