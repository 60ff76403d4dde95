package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente"
)

// runStream is the part of the suite for imports and exports too large to
// hold: ImportStream writes parts in one transaction, and ExportStream
// reads activities one at a time in canonical order (issue 8).
func runStream(t *testing.T, open func(t *testing.T) entente.Store) {
	t.Run("ImportStreamParts", func(t *testing.T) {
		s := open(t)
		ds := PlanFixture()
		// Ids in the order Dataset.Sort gives, byte by byte, which a
		// collation by language (a, B, é, Z) would not.
		for _, id := range []string{"Z-1", "a-1", "B-1", "é-1", "_-1"} {
			a := ds.Activities[1]
			a.ID = id
			ds.Activities = append(ds.Activities, a)
		}
		ds.Sort()
		want := toJSON(t, ds)
		acts, reviews := ds.Activities, ds.Reviews
		base := *ds
		base.Activities, base.Reviews = nil, nil
		err := s.ImportStream(t.Context(), importEvent(), func(add func(*entente.Dataset) error) error {
			for _, part := range []*entente.Dataset{&base, {Activities: acts[:3]}, {Activities: acts[3:]}, {Reviews: reviews}} {
				if err := add(part); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("ImportStream: %v", err)
		}
		sameJSON(t, "Export after ImportStream", exportJSON(t, s), want)
		var ids []string
		var got *entente.Dataset
		err = s.ExportStream(t.Context(), func(ds *entente.Dataset) error {
			got = ds
			return nil
		}, func(a *entente.Activity) error {
			ids = append(ids, a.ID)
			return nil
		})
		if err != nil {
			t.Fatalf("ExportStream: %v", err)
		}
		if len(got.Activities) != 0 || len(got.Reviews) != len(reviews) {
			t.Errorf("ExportStream's records: %d activities, %d reviews; want none and %d", len(got.Activities), len(got.Reviews), len(reviews))
		}
		if !slices.IsSorted(ids) || len(ids) != len(acts) {
			t.Errorf("ExportStream's activities %q: want all %d, byte by byte in order", ids, len(acts))
		}
		if n := len(auditEvents(t, s, 0)); n != 1 {
			t.Errorf("audit events after ImportStream = %d, want 1", n)
		}
	})
	// A failure or a cancellation after parts were written undoes them.
	for _, stop := range []string{"error", "cancel"} {
		t.Run("ImportStreamRollsBack/"+stop, func(t *testing.T) {
			s := open(t)
			ds := PlanFixture()
			acts := ds.Activities
			ds.Activities = nil
			refused := errors.New("the file had a problem")
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			err := s.ImportStream(ctx, importEvent(), func(add func(*entente.Dataset) error) error {
				if err := add(ds); err != nil {
					return err
				}
				if err := add(&entente.Dataset{Activities: acts[:1]}); err != nil {
					return err
				}
				if stop == "error" {
					return refused
				}
				cancel()
				return add(&entente.Dataset{Activities: acts[1:]})
			})
			if stop == "error" && err != refused || stop == "cancel" && !errors.Is(err, context.Canceled) {
				t.Fatalf("ImportStream stopped by %s: %v", stop, err)
			}
			empty, err := s.Empty(t.Context())
			if err != nil || !empty {
				t.Errorf("Empty() after a stopped ImportStream = %v, %v; want true, nil", empty, err)
			}
			if n := len(auditEvents(t, s, 0)); n != 0 {
				t.Errorf("audit events after a stopped ImportStream = %d, want 0", n)
			}
		})
	}
	t.Run("ImportStreamNotEmpty", func(t *testing.T) {
		s := imported(t, open)
		called := false
		err := s.ImportStream(t.Context(), importEvent(), func(func(*entente.Dataset) error) error {
			called = true
			return nil
		})
		wantCode(t, "ImportStream into a non-empty store", err, entente.ECONFLICT)
		if called || !strings.Contains(entente.ErrorMessage(err), "not empty") {
			t.Errorf("ImportStream into a non-empty store: read the records first (%v), or said %q", called, entente.ErrorMessage(err))
		}
	})
}
