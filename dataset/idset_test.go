package dataset

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"testing"
)

// TestIDSet: the compact set agrees with a map, for ids in order (no index)
// and after ids out of order (the hash index), and a clash of hashes between
// two different ids does not make one of them a duplicate.
func TestIDSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var s idSet
	seen := map[string]bool{}
	for i := range 20000 {
		id := fmt.Sprintf("A%06d", i) // in order at first
		if i > 10000 {
			id = fmt.Sprintf("A%06d", rng.IntN(30000))
		}
		if got, want := s.add(id), !seen[id]; got != want {
			t.Fatalf("add(%q) = %v, want %v (at %d)", id, got, want, i)
		}
		seen[id] = true
	}
	if s.at == nil {
		t.Fatal("ids out of order built no index")
	}
	// A clash: make the index map another id's hash to "A000001".
	s.at[hashOf(&s, "other")] = s.at[hashOf(&s, "A000001")]
	if !s.add("other") || s.add("other") {
		t.Error("an id whose hash another id had is not told apart from it")
	}
}

func hashOf(s *idSet, id string) uint64 {
	for h, off := range s.at {
		if s.idAt(off) == id {
			return h
		}
	}
	return maphashString(s, id)
}

func maphashString(s *idSet, id string) uint64 { return maphash.String(s.seed, id) }
