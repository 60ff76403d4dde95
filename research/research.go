// Package research writes an alliance's record in the shapes researchers
// load into the tools of the field, and reads them back:
//
//   - the Correlates of War (COW) Formal Alliances v4.1 "by member" table
//     (WriteCOWMembers, ReadCOWMembers);
//   - the Alliance Treaty Obligations and Provisions (ATOP) member-level
//     table (WriteATOPMembers, ReadATOPMembers) and non-directed dyad-year
//     table (WriteATOPDyadYears, ReadATOPDyadYears);
//   - entente's own member list as CSV (WriteMemberCSV).
//
// States are named by COW state codes, from the ISO 3166-1 alpha-3 ↔ COW
// crosswalk embedded in the binary (Crosswalk; sources and licence in
// iso3-cow.csv). Only what the record holds is written: a column entente
// has no counterpart for is empty, never 0, and so is a date part the record
// does not know (a month-precision date leaves the day empty). The
// obligation flags are derived from the roles of the alliance's articles:
// a collective-defence article gives defense 1, a consultation article gives
// entente (COW) and consul (ATOP) 1; an obligation no article carries is
// left empty (unknown to the record), not 0. Coverage is the record's: the
// years from the alliance's founding (its treaty's signature) to the as-of
// day; a year outside it has no row.
//
// The package does no I/O beyond the io.Writer and io.Reader it is given.
package research

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/entente/entente"
)

// Record is what the writers export: an alliance, its memberships, the
// names of their countries, and the day the export answers for.
type Record struct {
	Alliance    entente.Alliance
	Memberships []entente.Membership
	// Names maps an ISO 3166-1 alpha-3 code to the country's name.
	Names map[string]string
	// AsOf is the day the record is read as of: a step dated after it had
	// not happened.
	AsOf entente.Date
}

// Member is a state's membership of an alliance as the member tables hold
// it: when it entered and, if it did, when it left.
type Member struct {
	// Alliance is the alliance's identifier in the file (COW's
	// version4id, ATOP's atopid), empty when the file gives none.
	Alliance string
	ISO3     string // empty when the file's state has no ISO 3166-1 code
	CCode    int    // COW state code; 0 when the state has none
	Name     string
	Entry    entente.Date
	Exit     entente.Date // zero while a member
}

// Members are the states that had entered the alliance by the as-of day,
// in order of entry (then of ISO code), each with its exit if it had left
// by then.
func (r *Record) Members() []Member {
	cw := Crosswalk()
	var out []Member
	for _, m := range r.Memberships {
		if !m.Acceded.OnOrBefore(r.AsOf) {
			continue
		}
		mem := Member{ISO3: m.Country, Name: r.Names[m.Country], Entry: m.Acceded}
		if m.Withdrawn.OnOrBefore(r.AsOf) {
			mem.Exit = m.Withdrawn
		}
		if s, ok := cw.COW(m.Country); ok {
			mem.CCode = s.CCode
		}
		out = append(out, mem)
	}
	slices.SortFunc(out, func(a, b Member) int {
		return cmp.Or(a.Entry.Compare(b.Entry), cmp.Compare(a.ISO3, b.ISO3))
	})
	return out
}

// Coverage is the span of years the record covers: from the year the
// alliance was founded (its treaty signed; the first entry if the record
// has no signature date) to the as-of day's year. ok is false when the
// as-of day is before the founding: nothing is covered.
func (r *Record) Coverage() (from, to int, ok bool) {
	from = r.Alliance.Signed.Year
	if from == 0 {
		for _, m := range r.Members() {
			if from == 0 || m.Entry.Year < from {
				from = m.Entry.Year
			}
		}
	}
	to = r.AsOf.Year
	return from, to, from != 0 && from <= to
}

// Missing lists the members (on the as-of day or before) with no COW state
// code, by ISO code: their ccode is empty in every table.
func (r *Record) Missing() []string {
	var out []string
	for _, m := range r.Members() {
		if m.CCode == 0 {
			out = append(out, m.ISO3)
		}
	}
	slices.Sort(out)
	return out
}

// obligations are the flags derived from the alliance's article roles: "1"
// where an article carries the obligation, "" where none does.
type obligations struct{ defense, consult string }

func (r *Record) obligations() obligations {
	var o obligations
	if _, ok := r.Alliance.ArticleFor(entente.RoleDefence); ok {
		o.defense = "1"
	}
	if _, ok := r.Alliance.ArticleFor(entente.RoleConsultation); ok {
		o.consult = "1"
	}
	return o
}

// parts splits d into year, month and day columns, each empty where d does
// not know it.
func parts(d entente.Date) (y, m, day string) {
	if d.IsZero() {
		return "", "", ""
	}
	y = strconv.Itoa(d.Year)
	if d.Month != 0 {
		m = strconv.Itoa(int(d.Month))
	}
	if d.Day != 0 {
		day = strconv.Itoa(d.Day)
	}
	return y, m, day
}

// code is a COW code's column: empty for none.
func code(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// stateName is the member's name in the tables: COW's name for its code,
// else the record's.
func stateName(m Member) string {
	if s, ok := Crosswalk().COW(m.ISO3); ok {
		return s.Name
	}
	return m.Name
}
