package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/entente/entente"
)

// testSnapshotReads checks that a View reads every kind from one snapshot,
// whatever a store keeps in memory between Views (sqlstore's memo of the
// small kinds): a writer on handle b changes a partnership, a membership,
// the frameworks, a group, a programme, an operation and a source in each
// transaction, and readers on both handles,
// at the same time, find them all carrying the same mark in every View,
// and each handle reads the writer's mark as soon as it has committed.
func testSnapshotReads(t *testing.T, open func(t *testing.T) (entente.Store, entente.Store)) {
	a, b := open(t)
	ctx := t.Context()
	if err := b.Import(ctx, Fixture(), importEvent()); err != nil {
		t.Fatalf("Import: %v", err)
	}
	const rounds = 40
	var done atomic.Bool
	mark := func(i int) string { return fmt.Sprintf("round %d", i) }
	marks := func(ctx context.Context, r entente.Reader) ([]string, error) {
		ps, err := r.FindPartnerships(ctx, entente.Filter{Alliance: "TESTA", Country: "NZL", Framework: "PFP"})
		if err != nil || len(ps) != 1 {
			return nil, fmt.Errorf("partnership: %d, %v", len(ps), err)
		}
		ms, err := r.FindMemberships(ctx, entente.Filter{Alliance: "TESTA", Country: "CAN"})
		if err != nil || len(ms) != 1 {
			return nil, fmt.Errorf("membership: %d, %v", len(ms), err)
		}
		fs, err := r.FindFrameworks(ctx, entente.Filter{Alliance: "TESTA"})
		if err != nil || len(fs) == 0 {
			return nil, fmt.Errorf("frameworks: %d, %v", len(fs), err)
		}
		// Countries and alliances are written by imports only: read
		// here so that their memo is filled and kept across rounds.
		if _, err := r.FindCountry(ctx, "NZL"); err != nil {
			return nil, err
		}
		if _, err := r.FindAlliance(ctx, "TESTA"); err != nil {
			return nil, err
		}
		os, err := r.FindOperations(ctx, entente.Filter{ID: "OPA"})
		if err != nil || len(os) != 1 {
			return nil, fmt.Errorf("operation: %d, %v", len(os), err)
		}
		srcs, err := r.FindSources(ctx, []string{"src-members"})
		if err != nil || len(srcs) != 1 {
			return nil, fmt.Errorf("source: %d, %v", len(srcs), err)
		}
		gs, err := r.FindGroups(ctx, entente.Filter{Country: "SWE"})
		if err != nil || len(gs) != 1 {
			return nil, fmt.Errorf("group: %d, %v", len(gs), err)
		}
		prs, err := r.FindProgrammes(ctx, entente.Filter{ID: "SWE-IPAP-2016"})
		if err != nil || len(prs) != 1 {
			return nil, fmt.Errorf("programme: %d, %v", len(prs), err)
		}
		return []string{ps[0].Note, ms[0].Note, fs[0].Note, fs[len(fs)-1].Note, os[0].Note, srcs[0].Title, gs[0].Note, prs[0].Note}, nil
	}
	write := func(i int) error {
		return b.Update(ctx, func(tx entente.Tx) error {
			ps, err := tx.FindPartnerships(ctx, entente.Filter{Alliance: "TESTA", Country: "NZL", Framework: "PFP"})
			if err != nil {
				return err
			}
			ps[0].Note = mark(i)
			if err := tx.UpdatePartnership(ctx, &ps[0]); err != nil {
				return err
			}
			ms, err := tx.FindMemberships(ctx, entente.Filter{Alliance: "TESTA", Country: "CAN"})
			if err != nil {
				return err
			}
			ms[0].Note = mark(i)
			if err := tx.UpdateMembership(ctx, &ms[0]); err != nil {
				return err
			}
			fs, err := tx.FindFrameworks(ctx, entente.Filter{Alliance: "TESTA"})
			if err != nil {
				return err
			}
			for j := range fs {
				fs[j].Note = mark(i)
				if err := tx.UpdateFramework(ctx, &fs[j]); err != nil {
					return err
				}
			}
			os, err := tx.FindOperations(ctx, entente.Filter{ID: "OPA"})
			if err != nil {
				return err
			}
			os[0].Note = mark(i)
			if err := tx.UpdateOperation(ctx, &os[0]); err != nil {
				return err
			}
			gs, err := tx.FindGroups(ctx, entente.Filter{Country: "SWE"})
			if err != nil {
				return err
			}
			gs[0].Note = mark(i)
			if err := tx.UpdateGroup(ctx, &gs[0]); err != nil {
				return err
			}
			prs, err := tx.FindProgrammes(ctx, entente.Filter{ID: "SWE-IPAP-2016"})
			if err != nil {
				return err
			}
			prs[0].Note = mark(i)
			if err := tx.UpdateProgramme(ctx, &prs[0]); err != nil {
				return err
			}
			srcs, err := tx.FindSources(ctx, []string{"src-members"})
			if err != nil {
				return err
			}
			srcs[0].Title = mark(i)
			return tx.UpdateSource(ctx, &srcs[0])
		})
	}
	// Every record carries the same mark before the readers start.
	if err := write(0); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var reads atomic.Int64
	errs := make(chan error, 8)
	for _, s := range []entente.Store{a, b, a, b} {
		wg.Go(func() {
			for !done.Load() {
				err := s.View(ctx, func(r entente.Reader) error {
					got, err := marks(ctx, r)
					if err != nil {
						return err
					}
					for _, g := range got[1:] {
						if g != got[0] {
							return fmt.Errorf("one View read records from different snapshots: %q", got)
						}
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
				reads.Add(1)
			}
		})
	}
	for i := 1; i <= rounds; i++ {
		err := write(i)
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		// Each handle reads the write at once: from the other handle
		// (another process) as well as its own.
		for _, s := range []entente.Store{a, b} {
			if err := s.View(ctx, func(r entente.Reader) error {
				got, err := marks(ctx, r)
				if err == nil && got[0] != mark(i) {
					err = fmt.Errorf("after round %d a View read %q", i, got)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	done.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if reads.Load() < rounds {
		t.Errorf("%d Views read while %d rounds were written; want at least as many", reads.Load(), rounds)
	}
	// A reader that changes what it was given changes nothing for the next.
	if err := a.View(ctx, func(r entente.Reader) error {
		al, err := r.FindAlliance(ctx, "TESTA")
		if err != nil {
			return err
		}
		al.Articles[0].Sources[0] = "changed"
		ps, err := r.FindPartnerships(ctx, entente.Filter{})
		if err != nil {
			return err
		}
		ps[0].Sources = append(ps[0].Sources[:0], "changed")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := a.View(ctx, func(r entente.Reader) error {
		al, err := r.FindAlliance(ctx, "TESTA")
		if err != nil {
			return err
		}
		ps, err := r.FindPartnerships(ctx, entente.Filter{})
		if err != nil {
			return err
		}
		if al.Articles[0].Sources[0] == "changed" || ps[0].Sources[0] == "changed" {
			return fmt.Errorf("a reader's change to what it read reached the next View")
		}
		return nil
	}); err != nil {
		t.Error(err)
	}
}
