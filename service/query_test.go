package service_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestMembersAsOf checks the members on days around the founding, a
// withdrawal and an accession, and the alliance's member count.
func TestMembersAsOf(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		for _, tc := range []struct {
			day  string
			want []string
		}{
			{"1949-08-23", []string{}},
			{"1950-01-01", []string{"BEL", "CAN", "FRA"}},
			{"1968-01-01", []string{"BEL", "CAN"}},
			{"2024-03-06", []string{"BEL", "CAN"}},
			{"2024-03-07", []string{"BEL", "CAN", "SWE"}},
			{"", []string{"BEL", "CAN", "SWE"}}, // today
		} {
			ms, err := svc.Members(ctx, "TESTA", d(tc.day))
			if err != nil {
				t.Fatalf("Members(%s): %v", tc.day, err)
			}
			got := codes(ms, func(m service.Member) string { return m.Code })
			if !slices.Equal(got, tc.want) {
				t.Errorf("members on %q = %v, want %v", tc.day, got, tc.want)
			}
			a, err := svc.Alliance(ctx, "TESTA", d(tc.day))
			if err != nil {
				t.Fatalf("Alliance(%s): %v", tc.day, err)
			}
			if a.Members != len(tc.want) {
				t.Errorf("Alliance(%q).Members = %d, want %d", tc.day, a.Members, len(tc.want))
			}
		}
		ms, err := svc.Members(ctx, "TESTA", d("1966-06-01"))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.Code == "FRA" && (m.Status != entente.StatusNotice || m.Leaves != d("1967")) {
				t.Errorf("FRA on 1966-06-01: status %q, leaves %s; want notice given, leaving 1967", m.Status, m.Leaves)
			}
		}
		_, err = svc.Members(ctx, "NOPE", entente.Date{})
		wantCode(t, "Members(NOPE)", err, entente.ENOTFOUND)
	})
}

// TestPartnersAsOf checks the partners, their frameworks, groups and
// programme on days before the frameworks, while two overlap, and after a
// partner joined the alliance.
func TestPartnersAsOf(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		type row struct{ code, frameworks, groups, programme string }
		for _, tc := range []struct {
			day  string
			want []row
		}{
			{"1990-01-01", nil},
			{"2008-01-01", []row{{"FIN", "PFP", "", ""}, {"NZL", "PFP", "", ""}, {"SWE", "PFP", "NORTH", ""}}},
			{"2020-01-01", []row{{"FIN", "PFP", "", ""}, {"NZL", "GP", "", "NZL-IPCP-2012"}, {"SWE", "PFP", "NORTH", "SWE-IPAP-2016"}}},
			{"2025-01-01", []row{{"FIN", "PFP", "", ""}, {"NZL", "GP", "IP", "NZL-2024-ITPP"}}},
		} {
			ps, err := svc.Partners(ctx, "TESTA", d(tc.day))
			if err != nil {
				t.Fatalf("Partners(%s): %v", tc.day, err)
			}
			var got []row
			for _, p := range ps {
				fws := codes(p.Frameworks, func(f service.PartnerFramework) string { return f.Code })
				got = append(got, row{p.Code, strings.Join(fws, ","), strings.Join(p.Groups, ","), p.Programme})
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("partners on %s = %v\nwant %v", tc.day, got, tc.want)
			}
		}
	})
}

// TestCountry checks one country's view on two days: what is in force, what
// has ended, what has not happened yet, and the sources cited.
func TestCountry(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		v, err := svc.Country(ctx, "NZL", d("2010-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		if got := codes(v.Partnerships, func(p service.CountryPartnership) string { return p.Framework + " " + p.FrameworkName }); !slices.Equal(got, []string{"PFP Partnership for Peace"}) {
			t.Errorf("NZL partnerships on 2010-01-01 = %v, want PFP only", got)
		}
		if len(v.Programmes) != 0 || len(v.Invitations) != 0 || len(v.Groups) != 0 {
			t.Errorf("NZL on 2010-01-01: programmes %v, invitations %v, groups %v; want none (all later)", v.Programmes, v.Invitations, v.Groups)
		}
		if got := codes(v.Contributions, func(c service.CountryContribution) string { return c.ID }); !slices.Equal(got, []string{"nzl-adriatic", "nzl-opb"}) {
			t.Errorf("NZL contributions on 2010-01-01 = %v", got)
		}

		v, err = svc.Country(ctx, "NZL", d("2025-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		progs := codes(v.Programmes, func(p service.CountryProgramme) string { return p.ID + " " + string(p.Status) + " " + p.SupersededBy })
		want := []string{"NZL-IPCP-2012 superseded NZL-2024-ITPP", "NZL-2024-ITPP active "}
		if !slices.Equal(progs, want) {
			t.Errorf("NZL programmes on 2025-01-01 = %q, want %q", progs, want)
		}
		if !slices.Equal(v.Groups, []string{"IP"}) || len(v.Invitations) != 2 || len(v.Memberships) != 0 {
			t.Errorf("NZL on 2025-01-01: groups %v, %d invitations, %d memberships; want [IP], 2, 0", v.Groups, len(v.Invitations), len(v.Memberships))
		}
		ids := codes(v.Sources, func(s entente.Source) string { return s.ID })
		if !slices.Equal(ids, []string{"src-ops", "src-partners", "src-treaty"}) {
			t.Errorf("NZL's sources on 2025-01-01 = %v", ids)
		}

		v, err = svc.Country(ctx, "SWE", d("2023-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Memberships) != 1 || v.Memberships[0].Status != entente.StatusSigned || len(v.DefenceEvents) != 1 {
			t.Errorf("SWE on 2023-01-01: memberships %+v, %d defence events; want one, signed, and art4-2022", v.Memberships, len(v.DefenceEvents))
		}
		_, err = svc.Country(ctx, "nzl", entente.Date{})
		wantCode(t, "Country(nzl)", err, entente.EINVALID)
		_, err = svc.Country(ctx, "XYZ", entente.Date{})
		wantCode(t, "Country(XYZ)", err, entente.ENOTFOUND)
	})
}

// TestTimeline checks the alliance's timeline and one country's on two days.
func TestTimeline(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		count := func(country, day string) map[string]int {
			t.Helper()
			tl, err := svc.Timeline(ctx, "TESTA", country, d(day))
			if err != nil {
				t.Fatalf("Timeline(%q, %s): %v", country, day, err)
			}
			n := map[string]int{}
			for _, it := range tl.Items {
				n[it.Kind]++
				if !it.From.OnOrBefore(d(day)) {
					t.Errorf("Timeline(%q, %s) shows %s from %s, after the day", country, day, it.Name, it.From)
				}
			}
			return n
		}
		for _, tc := range []struct {
			country, day string
			want         map[string]int
		}{
			{"", "1960-01-01", map[string]int{"membership": 3}},
			{"", "2025-01-01", map[string]int{"membership": 4, "programme": 3, "deployment": 2, "summit": 2}},
			{"NZL", "2010-01-01", map[string]int{"deployment": 2}},
			{"NZL", "2025-01-01", map[string]int{"programme": 2, "deployment": 2, "summit": 2}},
			{"SWE", "2025-01-01", map[string]int{"membership": 1, "programme": 1, "deployment": 1, "summit": 1}},
		} {
			got := count(tc.country, tc.day)
			if len(got) != len(tc.want) {
				t.Errorf("Timeline(%q, %s) kinds = %v, want %v", tc.country, tc.day, got, tc.want)
				continue
			}
			for k, n := range tc.want {
				if got[k] != n {
					t.Errorf("Timeline(%q, %s) kinds = %v, want %v", tc.country, tc.day, got, tc.want)
					break
				}
			}
		}
		_, err := svc.Timeline(ctx, "TESTA", "12", entente.Date{})
		wantCode(t, "Timeline(country 12)", err, entente.EINVALID)
	})
}

// TestProfile checks a partner's page on the day before its group and
// programmes, and on a day after, and a member's.
func TestProfile(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		p, err := svc.Profile(ctx, "TESTA", "NZL", d("2010-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		if p.Member != nil || len(p.Programmes) != 0 || len(p.Groups) != 0 || len(p.Partnerships) != 1 || p.Members != 2 || p.Founding != 3 {
			t.Errorf("NZL's profile on 2010-01-01: member %v, %d programmes, %d groups, %d partnerships, %d members (%d founding); want nil, 0, 0, 1, 2 (3)",
				p.Member, len(p.Programmes), len(p.Groups), len(p.Partnerships), p.Members, p.Founding)
		}

		p, err = svc.Profile(ctx, "TESTA", "NZL", d("2025-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		progs := codes(p.Programmes, func(x service.ProfileProgramme) string { return x.ID + " " + strings.Join(x.AreaNames, "/") })
		if want := []string{"NZL-IPCP-2012 Interoperability", "NZL-2024-ITPP Maritime security/Cyber defence/Interoperability"}; !slices.Equal(progs, want) {
			t.Errorf("NZL's profile programmes = %q, want %q", progs, want)
		}
		if len(p.Groups) != 1 || p.Groups[0].Code != "IP" || len(p.Groups[0].Meetings) != 2 {
			t.Fatalf("NZL's profile groups = %+v, want IP with the 2023 and 2024 meetings", p.Groups)
		}
		if !slices.Equal(p.Theatres, []string{"Adriatic Sea", "Afghanistan"}) || p.First == nil || p.First.ID != "nzl-opb" {
			t.Errorf("NZL's profile: theatres %v, first confirmed deployment %+v; want Adriatic Sea, Afghanistan and nzl-opb", p.Theatres, p.First)
		}
		ids := codes(p.Sources, func(s entente.Source) string { return s.ID })
		if len(ids) != 3 || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != 3 || ids[0] != "src-partners" {
			t.Errorf("NZL's profile sources = %v, want the three it cites, the country's own first", ids)
		}

		p, err = svc.Profile(ctx, "TESTA", "SWE", d("2025-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		if p.Member == nil || p.Member.Country != "SWE" {
			t.Errorf("SWE's profile on 2025-01-01: Member = %+v, want its membership", p.Member)
		}
		_, err = svc.Profile(ctx, "NOPE", "NZL", entente.Date{})
		wantCode(t, "Profile(alliance NOPE)", err, entente.ENOTFOUND)
	})
}
