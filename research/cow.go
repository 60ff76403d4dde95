package research

import (
	"io"
	"strconv"
)

// COWMemberColumns are the columns of the COW Formal Alliances v4.1 "by
// member" table (alliance_v4.1_by_member.csv), in its order, then iso3,
// entente's addition: the member's ISO 3166-1 alpha-3 code, so that a
// member with no COW code is still named.
var COWMemberColumns = []string{
	"version4id", "ccode", "state_name",
	"all_st_day", "all_st_month", "all_st_year",
	"all_end_day", "all_end_month", "all_end_year",
	"ss_type",
	"mem_st_day", "mem_st_month", "mem_st_year",
	"mem_end_day", "mem_end_month", "mem_end_year",
	"left_censor", "right_censor",
	"defense", "neutrality", "nonaggression", "entente",
	"version",
	"iso3",
}

// COW's alliance types (ss_type), by the highest obligation.
const (
	cowDefense = "Type I: Defense Pact"
	cowEntente = "Type III: Entente"
)

// WriteCOWMembers writes r's members in the COW "by member" shape, one row
// a member, in order of entry. What each column holds:
//
//   - version4id, all_end_*, neutrality, nonaggression, version: empty (the
//     record has no COW alliance number, no end of the alliance, and no
//     neutrality or non-aggression article role);
//   - ccode, state_name: the member's COW code and COW name from the
//     crosswalk; a member with none has an empty ccode and the record's name;
//   - all_st_*: the date the treaty was signed; mem_st_*: the member's entry
//     (accession, or signature for a founder, as the record has it);
//     mem_end_*: its withdrawal, if it took effect by the as-of day; each at
//     the record's precision;
//   - ss_type: Type I (defense) or Type III (entente), from the article
//     roles; empty when the alliance has neither;
//   - left_censor: 1 for an entry before 1816, when COW's data begin, else 0;
//     right_censor: 1 for a member still in on the as-of day, else 0;
//   - defense, entente: 1 from a collective-defence or a consultation
//     article, else empty.
func WriteCOWMembers(w io.Writer, r *Record) error {
	t := newTable(w, COWMemberColumns)
	ob := r.obligations()
	ssType := ""
	switch {
	case ob.defense != "":
		ssType = cowDefense
	case ob.consult != "":
		ssType = cowEntente
	}
	sy, sm, sd := parts(r.Alliance.Signed)
	for _, m := range r.Members() {
		ey, em, ed := parts(m.Entry)
		xy, xm, xd := parts(m.Exit)
		left := "0"
		if m.Entry.Year < 1816 {
			left = "1"
		}
		right := "0"
		if m.Exit.IsZero() {
			right = "1"
		}
		t.row([]string{
			"", code(m.CCode), stateName(m),
			sd, sm, sy,
			"", "", "",
			ssType,
			ed, em, ey,
			xd, xm, xy,
			left, right,
			ob.defense, "", "", ob.consult,
			"",
			m.ISO3,
		})
	}
	return t.close()
}

// ReadCOWMembers reads a table in the COW "by member" shape: what
// WriteCOWMembers writes, or COW's own alliance_v4.1_by_member.csv (whose
// -9 marks an unknown day or month). Each row is a member with its entry
// and exit; a state is named by its iso3 column when the file has one, else
// by the crosswalk from its ccode (a COW state with no ISO 3166-1 code,
// such as Yugoslavia, has an empty ISO3). Problems are *ReadError naming
// the line and column.
func ReadCOWMembers(in io.Reader) ([]Member, error) {
	rd, err := newReader(in, "ccode", "mem_st_year")
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
		m := Member{Alliance: rd.get("version4id"), Name: rd.get("state_name")}
		if m.ISO3, m.CCode, err = rd.state("ccode", "iso3"); err != nil {
			return nil, err
		}
		if m.Entry, err = rd.date("mem_st_year", "mem_st_month", "mem_st_day"); err != nil {
			return nil, err
		}
		if m.Entry.IsZero() {
			return nil, rd.fail("mem_st_year", "no entry year")
		}
		if m.Exit, err = rd.date("mem_end_year", "mem_end_month", "mem_end_day"); err != nil {
			return nil, err
		}
		if !m.Exit.IsZero() && m.Exit.Before(m.Entry) {
			return nil, rd.fail("mem_end_year", "the exit %s is before the entry %s", m.Exit, m.Entry)
		}
		out = append(out, m)
	}
}

// itoa is strconv.Itoa, short.
func itoa(n int) string { return strconv.Itoa(n) }
