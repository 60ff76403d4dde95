package research

import (
	"cmp"
	"io"
	"slices"

	"github.com/entente/entente"
)

// MemberCSVColumns are the headers of entente's own member list, stable
// across releases: new columns are only ever appended.
//
//	alliance   the alliance's code
//	country    the country's ISO 3166-1 alpha-3 code
//	name       the country's name
//	founding   yes for a founding member, else no
//	applied, invited, signed, acceded, notice, withdrawn
//	           the lifecycle's dates as the record has them (YYYY, YYYY-MM or
//	           YYYY-MM-DD), empty for a step not taken by the as-of day
//	status     the step reached on the as-of day (member, notice-given,
//	           withdrawn, applied, ...)
//	ccode      the COW state code from the crosswalk, empty if none
var MemberCSVColumns = []string{
	"alliance", "country", "name", "founding",
	"applied", "invited", "signed", "acceded", "notice", "withdrawn",
	"status", "ccode",
}

// WriteMemberCSV writes every membership of r's alliance that had begun
// (applied or later) by the as-of day, as entente's member list: members
// in order of accession, then the others by country code.
func WriteMemberCSV(w io.Writer, r *Record) error {
	t := newTable(w, MemberCSVColumns)
	ms := slices.Clone(r.Memberships)
	on := func(d entente.Date) entente.Date {
		if d.OnOrBefore(r.AsOf) {
			return d
		}
		return entente.Date{}
	}
	slices.SortFunc(ms, func(a, b entente.Membership) int {
		ea, eb := on(a.Acceded), on(b.Acceded)
		return cmp.Or(cmp.Compare(boolInt(ea.IsZero()), boolInt(eb.IsZero())), ea.Compare(eb),
			cmp.Compare(a.Country, b.Country))
	})
	cw := Crosswalk()
	for _, m := range ms {
		status := m.StatusOn(r.AsOf)
		if status == "" {
			continue
		}
		founding := "no"
		if m.Founding {
			founding = "yes"
		}
		ccode := ""
		if s, ok := cw.COW(m.Country); ok {
			ccode = itoa(s.CCode)
		}
		t.row([]string{m.Alliance, m.Country, r.Names[m.Country], founding,
			on(m.Applied).String(), on(m.Invited).String(), on(m.Signed).String(),
			on(m.Acceded).String(), on(m.Notice).String(), on(m.Withdrawn).String(),
			string(status), ccode})
	}
	return t.close()
}
