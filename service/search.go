package service

import (
	"context"
	"slices"
	"strings"

	"github.com/entente/entente"
)

// SearchRequest is a search as a user asks it: the query text and the
// optional facet filters and page.
type SearchRequest struct {
	Q       string `json:"q"`
	Kind    string `json:"kind,omitempty"`
	Country string `json:"country,omitempty"`
	Decade  int    `json:"decade,omitempty"`
	Limit   int    `json:"limit,omitempty"`
	Offset  int    `json:"offset,omitempty"`
}

// MaxSearchOffset bounds how deep a search may page: no further than its
// window (entente.SearchWindow). Past it, narrow the query or filter by a
// facet.
const MaxSearchOffset = entente.SearchWindow - 1

// Search finds the records matching req.Q that the principal in ctx may
// read, ranked, with highlighted snippets and facets by kind, country and
// decade. Hits and counts alike leave out what the principal may not see.
// A query or filter that cannot be read is EINVALID naming its field.
func (s *Service) Search(ctx context.Context, req SearchRequest) (*entente.SearchResult, error) {
	terms, err := entente.ParseSearch(req.Q)
	if err != nil {
		return nil, err
	}
	q := entente.SearchQuery{Terms: terms, Kind: req.Kind, Country: strings.ToUpper(req.Country), Decade: req.Decade,
		Limit: req.Limit, Offset: req.Offset, Viewer: entente.PrincipalFrom(ctx)}
	switch {
	case q.Kind != "" && !slices.Contains(entente.SearchKinds, q.Kind):
		return nil, entente.Errorf(entente.EINVALID, "kind: %q is not a kind of record; one of %s", q.Kind, strings.Join(entente.SearchKinds, ", "))
	case q.Country != "" && !entente.ValidCountryCode(q.Country):
		return nil, entente.Errorf(entente.EINVALID, "country: %q is not an ISO 3166 alpha-3 code", req.Country)
	case q.Decade != 0 && (q.Decade%10 != 0 || q.Decade < 1000 || q.Decade > 2990):
		return nil, entente.Errorf(entente.EINVALID, "decade: %d is not a decade; give its first year, such as 1990", q.Decade)
	case q.Limit < 0 || q.Limit > entente.MaxHits:
		return nil, entente.Errorf(entente.EINVALID, "limit: %d; give 1 to %d (default %d)", q.Limit, entente.MaxHits, entente.DefaultHits)
	case q.Offset < 0 || q.Offset > MaxSearchOffset:
		return nil, entente.Errorf(entente.EINVALID, "offset: %d; give 0 to %d, or narrow the search", q.Offset, MaxSearchOffset)
	}
	se, ok := s.Store.(entente.Searcher)
	if !ok {
		return nil, entente.Errorf(entente.EUNAVAILABLE, "this store cannot search")
	}
	return se.Search(ctx, q)
}
