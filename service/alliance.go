package service

import (
	"context"
	"strings"

	"github.com/entente/entente"
)

// DefaultAlliance is the alliance a caller means when it names none. With a
// code it is that alliance (ENOTFOUND naming the code if the store lacks
// it); without one it is the store's only alliance or, when the store holds
// several, the first in code order (the dataset's canonical order). A store
// with no alliance answers ENOTFOUND.
func (s *Service) DefaultAlliance(ctx context.Context, code string) (*entente.Alliance, error) {
	return view(ctx, s, func(r entente.Reader) (*entente.Alliance, error) { return defaultAlliance(ctx, r, code) })
}

// Alliances lists the alliances the principal in ctx may see, with their
// articles.
func (s *Service) Alliances(ctx context.Context) ([]entente.Alliance, error) {
	return view(ctx, s, func(r entente.Reader) ([]entente.Alliance, error) { return r.FindAlliances(ctx) })
}

func defaultAlliance(ctx context.Context, r entente.Reader, code string) (*entente.Alliance, error) {
	if code = strings.ToUpper(strings.TrimSpace(code)); code != "" {
		return r.FindAlliance(ctx, code)
	}
	as, err := r.FindAlliances(ctx)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, entente.Errorf(entente.ENOTFOUND, "the store holds no alliance: import a dataset or generate one")
	}
	return &as[0], nil
}
