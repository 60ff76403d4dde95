package dataset

import (
	"encoding/binary"
	"hash/maphash"
	"math"
)

// idSet is a set of ids held compactly: the ids a streaming import has seen
// among a million activities, to find one defined twice without keeping the
// activities. Each id's bytes go one after another into one buffer (with
// their length before them), about 17 bytes an activity for ids such as
// "SYN-A00000001" (measured at a million).
//
// While ids come in increasing order, as an export writes them, none can
// repeat an earlier one, and the buffer is all there is. The first id out
// of order builds an index, a map from each id's 64-bit hash to where it is
// in the buffer; ids whose hash an earlier,
// different id had (rare) go into a map of their own. Then it is about 55
// bytes an id in all.
type idSet struct {
	data  []byte
	last  string // the greatest id so far, while in order
	n     int
	seed  maphash.Seed
	at    map[uint64]uint32 // hash of an id → its offset in data; nil while in order
	clash map[string]bool   // ids whose hash an earlier id had
}

// add adds id and reports whether it was not in the set already.
func (s *idSet) add(id string) bool {
	if s.at == nil {
		if s.n == 0 || id > s.last {
			s.append(id)
			s.last = id
			return true
		}
		s.index()
	}
	h := maphash.String(s.seed, id)
	off, ok := s.at[h]
	switch {
	case !ok && len(s.data) < math.MaxUint32:
		s.at[h] = uint32(len(s.data))
		s.append(id)
		return true
	case ok && s.idAt(off) == id, s.clash[id]:
		return false
	}
	s.clash[id] = true
	return true
}

func (s *idSet) append(id string) {
	s.data = binary.AppendUvarint(s.data, uint64(len(id)))
	s.data = append(s.data, id...)
	s.n++
}

func (s *idSet) has(h uint64) bool {
	_, ok := s.at[h]
	return ok
}

// idAt returns the id at off in data.
func (s *idSet) idAt(off uint32) string {
	n, k := binary.Uvarint(s.data[off:])
	start := int(off) + k
	return string(s.data[start : start+int(n)])
}

// index builds the map from hashes to ids for the ids in data.
func (s *idSet) index() {
	s.seed = maphash.MakeSeed()
	s.at = make(map[uint64]uint32, s.n)
	s.clash = map[string]bool{}
	for off := 0; off < len(s.data); {
		n, k := binary.Uvarint(s.data[off:])
		id := s.data[off+k : off+k+int(n)]
		if h := maphash.Bytes(s.seed, id); !s.has(h) {
			s.at[h] = uint32(off)
		} else {
			s.clash[string(id)] = true
		}
		off += k + int(n)
	}
}
