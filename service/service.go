// Package service holds entente's use cases. Every write goes through it: it
// reads the records a rule needs, runs the rule, and writes the change with
// its audit event in one transaction. Queries answer "as of" a day, from the
// dated records as they stood then.
package service

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/dataset"
)

// Service runs entente's use cases against a store.
type Service struct {
	Store entente.Store
	// Now is the clock; tests set it. It decides "today" for as-of queries
	// and workflow steps without a date.
	Now func() time.Time
}

// New returns a Service over st with the real clock.
func New(st entente.Store) *Service {
	return &Service{Store: st, Now: time.Now}
}

// Today is the current day by the service's clock.
func (s *Service) Today() entente.Date { return entente.Day(s.Now().UTC()) }

// day returns d, or today when d is zero.
func (s *Service) day(d entente.Date) entente.Date {
	if d.IsZero() {
		return s.Today()
	}
	return d
}

// LoadDefault loads the embedded default dataset if the store is empty, as
// the principal in ctx (serve's and the CLI's local operator). It reports
// whether it loaded anything.
func (s *Service) LoadDefault(ctx context.Context) (bool, error) {
	empty, err := s.Store.Empty(ctx)
	if err != nil || !empty {
		return false, err
	}
	ds, err := dataset.Default()
	if err != nil {
		return false, fmt.Errorf("embedded default dataset: %w", err)
	}
	err = s.Import(ctx, ds, "load the embedded default dataset")
	if entente.ErrorCode(err) == entente.ECONFLICT {
		// Another process loaded it first.
		return false, nil
	}
	return err == nil, err
}

// Import validates ds and writes it into an empty store in one transaction.
func (s *Service) Import(ctx context.Context, ds *entente.Dataset, what string) error {
	who, err := authorize(ctx, StaffWork, "", "import a dataset")
	if err != nil {
		return err
	}
	if probs := ds.Validate(); len(probs) > 0 {
		e := entente.Errorf(entente.EINVALID, "%d problem(s) in the dataset; first: %s", len(probs), probs[0])
		return e
	}
	ds.Sort()
	ev := s.audit(who, "import", "dataset", what, nil, nil)
	return s.Store.Import(ctx, ds, ev)
}

// Export reads the whole store, as the principal in ctx may see it: without
// the records hidden from it (releasedDataset).
func (s *Service) Export(ctx context.Context) (*entente.Dataset, error) {
	ds, err := s.Store.Export(ctx)
	if err != nil {
		return nil, err
	}
	return releasedDataset(ctx, entente.PrincipalFrom(ctx), ds)
}

// ExportStream reads the whole store from one snapshot, every record but
// the activities to base and then each activity, in canonical order, to
// activity (see entente.Store.ExportStream), for an export whose memory
// does not grow with the activities.
//
// A principal that does not see everything gets only what it may see: the
// records base is given are filtered as Export filters them (the sources
// only hidden activities cite stay in), and the activities it may not see,
// or whose programme it may not see, are skipped.
func (s *Service) ExportStream(ctx context.Context, base func(*entente.Dataset) error, activity func(*entente.Activity) error) error {
	p := entente.PrincipalFrom(ctx)
	if p.SeesAll() {
		return s.Store.ExportStream(ctx, base, activity)
	}
	hidden := map[string]bool{}
	return s.Store.ExportStream(ctx, func(ds *entente.Dataset) error {
		for _, x := range ds.Programmes {
			hidden[x.ID] = !p.MaySee(x.Releasability)
		}
		out, err := releasedDataset(ctx, p, ds)
		if err != nil {
			return err
		}
		return base(out)
	}, func(a *entente.Activity) error {
		if hidden[a.Programme] || !p.MaySee(a.Releasability) {
			return nil
		}
		return activity(a)
	})
}

// ImportStream writes into an empty store, in one transaction with its
// audit event, the records read hands to add in parts, parents first (as
// dataset.StreamJSON does); read checks them, as Import's Validate does, and
// returns its problems, which roll everything back. Nothing is written
// unless read returns nil.
//
// read runs in a goroutine of its own, so that reading and checking the
// next part (JSON decoding, most of an import's CPU time) overlaps with
// writing the last one on another core; a part is handed over only when
// the one before is written, so memory holds at most two. If writing fails
// or ctx is cancelled, read's add returns the error and read stops.
func (s *Service) ImportStream(ctx context.Context, what string, read func(ctx context.Context, add func(*entente.Dataset) error) error) error {
	who, err := authorize(ctx, StaffWork, "", "import a dataset")
	if err != nil {
		return err
	}
	ev := s.audit(who, "import", "dataset", what, nil, nil)
	return s.Store.ImportStream(ctx, ev, func(add func(*entente.Dataset) error) error {
		ctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		parts := make(chan *entente.Dataset)
		done := make(chan error, 1)
		go func() {
			defer close(parts)
			done <- read(ctx, func(part *entente.Dataset) error {
				select {
				case parts <- part:
					return nil
				case <-ctx.Done():
					return context.Cause(ctx)
				}
			})
		}()
		for part := range parts {
			if err := add(part); err != nil {
				cancel(err) // read stops at its next part or record
				for range parts {
				}
				return err
			}
		}
		if err := <-done; err != nil {
			return err
		}
		return ctx.Err()
	})
}

// audit builds an audit event for a change from before to after, made by
// who: the principal authorize returned, never a name a client gave.
func (s *Service) audit(who *entente.Principal, action, entity, key string, before, after any) *entente.AuditEvent {
	enc := func(v any) json.RawMessage {
		if v == nil {
			return nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil
		}
		return b
	}
	return &entente.AuditEvent{At: s.Now().UTC(), Actor: who.ID, Address: who.Address, Action: action, Entity: entity, Key: key,
		Before: enc(before), After: enc(after)}
}

// view runs read on one snapshot of the store (Store.View) and returns its
// result: a view built from several finds is then consistent, however
// others write meanwhile. Queries read through the Reader read gets, never
// through s.Store, and pass it on to the helpers they call. That Reader
// holds only what the principal in ctx may see (released), so no query
// can show, count or chart a record hidden from it.
func view[T any](ctx context.Context, s *Service, read func(r entente.Reader) (T, error)) (T, error) {
	var out T
	err := s.Store.View(ctx, func(r entente.Reader) (err error) {
		out, err = read(released(r, entente.PrincipalFrom(ctx)))
		return err
	})
	return out, err
}

// countriesByCode indexes every country by its code.
func countriesByCode(ctx context.Context, r entente.Reader) (map[string]entente.Country, error) {
	cs, err := r.FindCountries(ctx)
	if err != nil {
		return nil, err
	}
	idx := make(map[string]entente.Country, len(cs))
	for _, c := range cs {
		idx[c.Code] = c
	}
	return idx, nil
}

// countriesIn indexes the countries with the given codes by code.
func countriesIn(ctx context.Context, r entente.Reader, codes []string) (map[string]entente.Country, error) {
	cs, err := r.FindCountriesIn(ctx, codes)
	if err != nil {
		return nil, err
	}
	idx := make(map[string]entente.Country, len(cs))
	for _, c := range cs {
		idx[c.Code] = c
	}
	return idx, nil
}

// country finds a country, refusing a malformed code with EINVALID.
func country(ctx context.Context, r entente.Reader, code string) (*entente.Country, error) {
	if !entente.ValidCountryCode(code) {
		return nil, entente.Errorf(entente.EINVALID, "%q is not a country code: want ISO 3166-1 alpha-3, three capital letters such as NZL", code)
	}
	return r.FindCountry(ctx, code)
}
