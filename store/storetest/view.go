package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/entente/entente"
)

// runView checks Store.View: its reads come from one snapshot, whatever is
// committed between them.
func runView(t *testing.T, open func(t *testing.T) entente.Store) {
	t.Run("Reads", func(t *testing.T) { testViewReads(t, open) })
	t.Run("Error", func(t *testing.T) { testViewError(t, open) })
	t.Run("Snapshot", func(t *testing.T) { testViewSnapshot(t, open) })
	t.Run("ConcurrentWriters", func(t *testing.T) { testViewConcurrent(t, open) })
}

// snapshotCounts are what the View tests count: the invitations to one
// meeting and every source.
type snapshotCounts struct{ invitations, sources int }

func countSnapshot(ctx context.Context, r entente.Reader) (snapshotCounts, error) {
	ins, err := r.FindInvitations(ctx, entente.Filter{Meeting: "m-2024-brussels"})
	if err != nil {
		return snapshotCounts{}, err
	}
	srcs, err := r.FindSources(ctx, nil)
	if err != nil {
		return snapshotCounts{}, err
	}
	return snapshotCounts{len(ins), len(srcs)}, nil
}

// addInvitation commits, in its own Update, an invitation of SWE to the
// 2024 meeting at level and a new source with id.
func addInvitation(ctx context.Context, s entente.Store, level, id string) error {
	return s.Update(ctx, func(tx entente.Tx) error {
		if err := tx.EnsureSource(ctx, &entente.Source{ID: id, Title: "Written during a view", URL: "https://example.org/" + id}); err != nil {
			return err
		}
		in := entente.Invitation{Meeting: "m-2024-brussels", Country: "SWE", Level: level,
			Attended: entente.AttendedUnknown, Provenance: src(id)}
		have, err := tx.FindInvitations(ctx, entente.Filter{Meeting: in.Meeting, Country: in.Country})
		if err != nil {
			return err
		}
		if len(have) > 0 {
			return tx.UpdateInvitation(ctx, &in)
		}
		return tx.CreateInvitation(ctx, &in)
	})
}

// testViewReads checks that a View reads what the store holds: the whole
// dataset read through it equals Export.
func testViewReads(t *testing.T, open func(t *testing.T) entente.Store) {
	s := imported(t, open)
	ctx := t.Context()
	want := exportJSON(t, s)
	var got entente.Dataset
	err := s.View(ctx, func(r entente.Reader) (err error) {
		var all entente.Filter
		if got.Sources, err = r.FindSources(ctx, nil); err != nil {
			return err
		}
		if got.Countries, err = r.FindCountries(ctx); err != nil {
			return err
		}
		if got.Alliances, err = r.FindAlliances(ctx); err != nil {
			return err
		}
		if got.Memberships, err = r.FindMemberships(ctx, all); err != nil {
			return err
		}
		if got.Partnerships, err = r.FindPartnerships(ctx, all); err != nil {
			return err
		}
		if got.Programmes, err = r.FindProgrammes(ctx, all); err != nil {
			return err
		}
		_, err = r.FindCountry(ctx, "XXX")
		wantCode(t, "FindCountry(XXX) in a View", err, entente.ENOTFOUND)
		return nil
	})
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	ds, err := s.Export(ctx)
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	if len(got.Memberships) == 0 || len(got.Partnerships) == 0 || len(got.Programmes) == 0 {
		t.Fatalf("View read %d memberships, %d partnerships, %d programmes: the fixture has some of each",
			len(got.Memberships), len(got.Partnerships), len(got.Programmes))
	}
	ds.Frameworks, ds.Groups, ds.Areas, ds.Operations, ds.Contributions = nil, nil, nil, nil, nil
	ds.Meetings, ds.Invitations, ds.DefenceEvents = nil, nil, nil
	ds.Objectives, ds.Goals, ds.Offers, ds.Activities, ds.Reviews = nil, nil, nil, nil, nil
	sameJSON(t, "records read in a View", toJSON(t, got), toJSON(t, ds))
	if after := exportJSON(t, s); after != want {
		t.Fatal("a View changed the store")
	}
}

// testViewError checks that fn's error comes back unchanged, and that the
// store works after it.
func testViewError(t *testing.T, open func(t *testing.T) entente.Store) {
	s := imported(t, open)
	ctx := t.Context()
	want := &entente.Error{Code: entente.EREFUSED, Message: "stop here"}
	err := s.View(ctx, func(r entente.Reader) error {
		if _, err := r.FindAlliances(ctx); err != nil {
			return err
		}
		return want
	})
	if err != want {
		t.Fatalf("View returned %v, want fn's error %v unchanged", err, want)
	}
	sentinel := errors.New("plain error")
	if err := s.View(ctx, func(entente.Reader) error { return sentinel }); !errors.Is(err, sentinel) {
		t.Fatalf("View returned %v, want %v", err, sentinel)
	}
	if err := s.View(ctx, func(r entente.Reader) error {
		_, err := r.FindAlliance(ctx, "TESTA")
		return err
	}); err != nil {
		t.Fatalf("View after failed Views: %v", err)
	}
}

// testViewSnapshot commits a write between two reads of one View, from
// another connection as another process would, and checks that the second
// read does not see it, in the table read before and in one not read yet,
// while reads outside the View, and a later View, do.
func testViewSnapshot(t *testing.T, open func(t *testing.T) entente.Store) {
	s := imported(t, open)
	ctx := t.Context()
	var before, inside snapshotCounts
	err := s.View(ctx, func(r entente.Reader) error {
		ins, err := r.FindInvitations(ctx, entente.Filter{Meeting: "m-2024-brussels"})
		if err != nil {
			return err
		}
		before.invitations = len(ins)
		if err := addInvitation(ctx, s, "head-of-state", "src-during-view"); err != nil {
			return fmt.Errorf("write during the View: %w", err)
		}
		inside, err = countSnapshot(ctx, r)
		return err
	})
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	if inside.invitations != before.invitations {
		t.Errorf("inside one View: %d invitations, then %d after another connection committed one; want the View's snapshot",
			before.invitations, inside.invitations)
	}
	after, err := countSnapshot(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if after.invitations != before.invitations+1 || after.sources != inside.sources+1 {
		t.Errorf("after the View: %+v, want one more invitation and source than inside it (%+v)", after, inside)
	}
	var later snapshotCounts
	if err := s.View(ctx, func(r entente.Reader) (err error) { later, err = countSnapshot(ctx, r); return err }); err != nil {
		t.Fatalf("second View: %v", err)
	}
	if later != after {
		t.Errorf("a View begun after the commit counts %+v, want %+v", later, after)
	}
}

// testViewConcurrent runs Views while a writer commits again and again,
// and checks that two countings inside one View always agree.
func testViewConcurrent(t *testing.T, open func(t *testing.T) entente.Store) {
	s := imported(t, open)
	ctx := t.Context()
	base, err := countSnapshot(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	const writes, readers = 20, 4
	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, writes+readers)
	wg.Go(func() {
		defer close(done)
		for i := range writes {
			// PutInvitation replaces SWE's one invitation, so the
			// sources count the writes.
			if err := addInvitation(ctx, s, fmt.Sprint("level-", i), fmt.Sprint("src-write-", i)); err != nil {
				errs <- err
				return
			}
		}
	})
	for range readers {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				err := s.View(ctx, func(r entente.Reader) error {
					a, err := countSnapshot(ctx, r)
					if err != nil {
						return err
					}
					b, err := countSnapshot(ctx, r)
					if err != nil {
						return err
					}
					if a != b {
						return fmt.Errorf("one View counted %+v, then %+v", a, b)
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	end, err := countSnapshot(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if end.sources != base.sources+writes {
		t.Errorf("after the writes: %d sources, want %d", end.sources, base.sources+writes)
	}
}
