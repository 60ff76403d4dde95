package research

import (
	"cmp"
	"io"
	"slices"

	"github.com/entente/entente"
)

// ATOPMemberColumns are the columns written of ATOP's member-level table
// (atop5_1m.csv): the alliance, the member, its entry and exit, and the
// obligations; then iso3, entente's addition (the member's ISO 3166-1
// alpha-3 code). ATOP's other member-level columns (phases, conditions,
// the many provision codes) have no counterpart in the record and are not
// written.
var ATOPMemberColumns = []string{
	"atopid", "member",
	"yrent", "moent", "dayent",
	"yrexit", "moexit", "dayexit",
	"defense", "offense", "neutral", "nonagg", "consul",
	"iso3",
}

// ATOPDyadYearColumns are the columns written of ATOP's non-directed
// dyad-year table (atop5_1dy.csv), then iso3_1 and iso3_2, entente's
// addition (the ISO codes of mem1 and mem2).
var ATOPDyadYearColumns = []string{
	"dyad", "mem1", "mem2", "year",
	"atopally", "defense", "offense", "neutral", "nonagg", "consul",
	"atopid1",
	"iso3_1", "iso3_2",
}

// WriteATOPMembers writes r's members in ATOP's member-level shape, one
// row a member, in order of entry: member is the COW code (empty for a
// state with none; iso3 names it all the same), yrent/moent/dayent its
// entry and yrexit/moexit/dayexit its exit if it took effect by the as-of
// day, at the record's precision (ATOP writes 0 for an unknown or no exit;
// entente leaves it empty). atopid, offense, neutral and nonagg are empty
// (no ATOP number, no such article roles); defense and consul are 1 from a
// collective-defence or a consultation article, else empty.
func WriteATOPMembers(w io.Writer, r *Record) error {
	t := newTable(w, ATOPMemberColumns)
	ob := r.obligations()
	for _, m := range r.Members() {
		ey, em, ed := parts(m.Entry)
		xy, xm, xd := parts(m.Exit)
		t.row([]string{"", code(m.CCode), ey, em, ed, xy, xm, xd,
			ob.defense, "", "", "", ob.consult, m.ISO3})
	}
	return t.close()
}

// ReadATOPMembers reads a table in ATOP's member-level shape: what
// WriteATOPMembers writes or ATOP's own atop5_1m.csv (where 0 marks an
// unknown part of a date and an exit year of 0 a member that had not
// left). Problems are *ReadError naming the line and column.
func ReadATOPMembers(in io.Reader) ([]Member, error) {
	rd, err := newReader(in, "member", "yrent")
	if err != nil {
		return nil, err
	}
	var out []Member
	for {
		ok, err := rd.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		m := Member{Alliance: rd.get("atopid")}
		if m.ISO3, m.CCode, err = rd.state("member", "iso3"); err != nil {
			return nil, err
		}
		if m.Entry, err = rd.date("yrent", "moent", "dayent"); err != nil {
			return nil, err
		}
		if m.Entry.IsZero() {
			return nil, rd.fail("yrent", "no entry year")
		}
		if m.Exit, err = rd.date("yrexit", "moexit", "dayexit"); err != nil {
			return nil, err
		}
		if !m.Exit.IsZero() && m.Exit.Before(m.Entry) {
			return nil, rd.fail("yrexit", "the exit %s is before the entry %s", m.Exit, m.Entry)
		}
		out = append(out, m)
	}
}

// DyadYear is one row of a dyad-year table: two states allied in a year.
type DyadYear struct {
	Year       int
	Mem1, Mem2 int    // COW codes; 0 for a state with none
	ISO1, ISO2 string // ISO 3166-1 alpha-3; empty when unknown
	// AtopAlly, Defense and Consul are the flags as written: "1", "0", or
	// "" for missing.
	AtopAlly, Defense, Consul string
}

// WriteATOPDyadYears writes, in ATOP's non-directed dyad-year shape, a row
// for each pair of members and each year of the record's coverage (from the
// founding year to the as-of day's year) in which both were members on a
// common day: membership runs from the entry day to the exit day, both
// included, and in the as-of year to the as-of day. A year outside the
// coverage, and a year in which the two were not members together, has no
// row (ATOP's table lists allied dyad-years only). As in ATOP, each pair is
// written once a year, undirected, with mem1 the lower COW code and dyad
// mem1*1000+mem2; a member with no COW code comes after those with one (by
// ISO code), with its mem column and dyad empty and iso3_1/iso3_2 naming
// both. atopally is 1; defense and consul are 1 from a collective-defence
// or a consultation article, else empty; offense, neutral, nonagg and
// atopid1 are empty.
//
// progress, if not nil, is called after each year with the years done and
// their total; an error it returns stops the writing and is returned (a
// cancelled context, for one).
func WriteATOPDyadYears(w io.Writer, r *Record, progress func(done, total int) error) error {
	t := newTable(w, ATOPDyadYearColumns)
	from, to, ok := r.Coverage()
	if !ok {
		return t.close()
	}
	ob := r.obligations()
	ms := r.Members()
	slices.SortFunc(ms, func(a, b Member) int {
		return cmp.Or(cmp.Compare(boolInt(a.CCode == 0), boolInt(b.CCode == 0)),
			cmp.Compare(a.CCode, b.CCode), cmp.Compare(a.ISO3, b.ISO3))
	})
	asOf := r.AsOf.Last()
	for y := from; y <= to; y++ {
		first := entente.Date{Year: y, Month: 1, Day: 1}
		last := entente.Date{Year: y, Month: 12, Day: 31}
		if asOf.Compare(last) < 0 {
			last = asOf
		}
		for i := range ms {
			si, ei, in := span(ms[i], first, last)
			if !in {
				continue
			}
			for j := i + 1; j < len(ms); j++ {
				sj, ej, in := span(ms[j], first, last)
				if !in || later(si, sj).Compare(earlier(ei, ej)) > 0 {
					continue
				}
				a, b := ms[i], ms[j]
				dyad := ""
				if a.CCode != 0 && b.CCode != 0 {
					dyad = itoa(a.CCode*1000 + b.CCode)
				}
				t.row([]string{dyad, code(a.CCode), code(b.CCode), itoa(y),
					"1", ob.defense, "", "", "", ob.consult, "", a.ISO3, b.ISO3})
			}
		}
		if t.err != nil {
			return t.err
		}
		if progress != nil {
			if err := progress(y-from+1, to-from+1); err != nil {
				return err
			}
		}
	}
	return t.close()
}

// span is the part of [first, last] in which m was a member (from its entry
// day to its exit day), and whether there is one.
func span(m Member, first, last entente.Date) (from, to entente.Date, ok bool) {
	from = later(m.Entry.First(), first)
	to = last
	if !m.Exit.IsZero() {
		to = earlier(m.Exit.First(), last)
	}
	return from, to, from.Compare(to) <= 0
}

func later(a, b entente.Date) entente.Date {
	if a.Compare(b) > 0 {
		return a
	}
	return b
}

func earlier(a, b entente.Date) entente.Date {
	if a.Compare(b) < 0 {
		return a
	}
	return b
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ReadATOPDyadYears reads a table in ATOP's dyad-year shape: what
// WriteATOPDyadYears writes or ATOP's own atop5_1dy.csv. Problems are
// *ReadError naming the line and column.
func ReadATOPDyadYears(in io.Reader) ([]DyadYear, error) {
	rd, err := newReader(in, "mem1", "mem2", "year")
	if err != nil {
		return nil, err
	}
	var out []DyadYear
	for {
		ok, err := rd.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		d := DyadYear{AtopAlly: rd.get("atopally"), Defense: rd.get("defense"), Consul: rd.get("consul")}
		if d.Year, err = rd.int("year"); err != nil {
			return nil, err
		}
		if d.Year == 0 {
			return nil, rd.fail("year", "no year")
		}
		if d.ISO1, d.Mem1, err = rd.state("mem1", "iso3_1"); err != nil {
			return nil, err
		}
		if d.ISO2, d.Mem2, err = rd.state("mem2", "iso3_2"); err != nil {
			return nil, err
		}
		for _, f := range []struct{ col, v string }{{"atopally", d.AtopAlly}, {"defense", d.Defense}, {"consul", d.Consul}} {
			if f.v != "" && f.v != "0" && f.v != "1" {
				return nil, rd.fail(f.col, "%q is not 0, 1 or empty", f.v)
			}
		}
		out = append(out, d)
	}
}
