package entente_test

import (
	"testing"

	"github.com/entente/entente"
)

func TestMaySee(t *testing.T) {
	nzl := &entente.Principal{Kind: entente.PrincipalUser, ID: "user:3", Role: entente.RoleLiaison, Partner: "NZL"}
	aus := &entente.Principal{Kind: entente.PrincipalToken, ID: "token:4", Role: entente.RoleLiaison, Partner: "AUS"}
	unbound := &entente.Principal{Kind: entente.PrincipalUser, ID: "user:5", Role: entente.RoleLiaison}
	reader := &entente.Principal{Kind: entente.PrincipalUser, ID: "user:6", Role: entente.RoleReader}
	staff := &entente.Principal{Kind: entente.PrincipalUser, ID: "user:7", Role: entente.RoleStaff}
	admin := &entente.Principal{Kind: entente.PrincipalUser, ID: "user:8", Role: entente.RoleAdmin}
	operator := entente.Operator("ops")
	public := entente.Releasability{}
	explicitPublic := entente.Releasability{Level: entente.ReleasePublic}
	alliance := entente.AllianceOnly()
	toAUS := entente.ReleasableToCountries("AUS")
	toBoth := entente.ReleasableToCountries("AUS", "NZL")
	unknown := entente.Releasability{Level: "SECRET"}
	all := []entente.Releasability{public, explicitPublic, alliance, toAUS, toBoth, unknown}
	tests := []struct {
		name string
		p    *entente.Principal
		sees []bool // in the order of all
	}{
		{"nil", nil, []bool{true, true, false, false, false, false}},
		{"public", entente.Anonymous, []bool{true, true, false, false, false, false}},
		{"reader", reader, []bool{true, true, false, false, false, false}},
		{"liaison NZL", nzl, []bool{true, true, false, false, true, false}},
		{"liaison AUS token", aus, []bool{true, true, false, true, true, false}},
		{"liaison with no partner", unbound, []bool{true, true, false, false, false, false}},
		{"staff", staff, []bool{true, true, true, true, true, true}},
		{"admin", admin, []bool{true, true, true, true, true, true}},
		{"operator", operator, []bool{true, true, true, true, true, true}},
	}
	for _, tt := range tests {
		for i, r := range all {
			if got := tt.p.MaySee(r); got != tt.sees[i] {
				t.Errorf("%s.MaySee(%v) = %v, want %v", tt.name, r, got, tt.sees[i])
			}
		}
	}
}

func TestReleasabilityCheck(t *testing.T) {
	tests := []struct {
		r    entente.Releasability
		want string // "" for valid
	}{
		{entente.Releasability{}, ""},
		{entente.Releasability{Level: entente.ReleasePublic}, ""},
		{entente.AllianceOnly(), ""},
		{entente.ReleasableToCountries("NZL", "AUS"), ""},
		{entente.Releasability{Level: "SECRET"}, `releasability.level: "SECRET" is not PUBLIC, ALLIANCE or RELEASABLE_TO`},
		{entente.Releasability{Level: entente.ReleasableTo}, "releasability.to: level RELEASABLE_TO needs at least one country (ISO3, e.g. NZL)"},
		{entente.ReleasableToCountries("NZL", "nz"), `releasability.to[1]: "nz" is not a country code: want ISO 3166-1 alpha-3, three capital letters such as NZL`},
		{entente.ReleasableToCountries("NZL", "NZL"), "releasability.to[1]: NZL is listed twice"},
		{entente.Releasability{Level: entente.ReleaseAlliance, To: []string{"NZL"}}, "releasability.to: lists countries only for level RELEASABLE_TO, not ALLIANCE"},
		{entente.Releasability{To: []string{"NZL"}}, "releasability.to: lists countries only for level RELEASABLE_TO, not PUBLIC"},
	}
	for _, tt := range tests {
		err := tt.r.Check()
		got := ""
		if err != nil {
			got = entente.ErrorMessage(err)
			if entente.ErrorCode(err) != entente.EINVALID {
				t.Errorf("%v: code %s, want %s", tt.r, entente.ErrorCode(err), entente.EINVALID)
			}
		}
		if got != tt.want {
			t.Errorf("Check(%+v) = %q, want %q", tt.r, got, tt.want)
		}
		if err != nil {
			continue
		}
		back, err := entente.ParseReleasability(tt.r.String())
		if err != nil || back.String() != tt.r.String() {
			t.Errorf("ParseReleasability(%q) = %v, %v; want it back", tt.r.String(), back, err)
		}
	}
	if _, err := entente.ParseReleasability("RELEASABLE_TO"); err == nil {
		t.Error(`ParseReleasability("RELEASABLE_TO") succeeded; want an error`)
	}
}

func TestMark(t *testing.T) {
	nzl := &entente.Principal{Kind: entente.PrincipalUser, Role: entente.RoleLiaison, Partner: "NZL"}
	staff := &entente.Principal{Kind: entente.PrincipalUser, Role: entente.RoleStaff}
	toNZL := entente.ReleasableToCountries("NZL")
	toAUS := entente.ReleasableToCountries("AUS")
	toBoth := entente.ReleasableToCountries("AUS", "NZL")
	alliance := entente.AllianceOnly()
	public := entente.Releasability{Level: entente.ReleasePublic}
	bad := entente.Releasability{Level: "SECRET"}
	tests := []struct {
		name        string
		p           *entente.Principal
		given, old  *entente.Releasability
		want        string
		wantErrCode string
	}{
		{"liaison default", nzl, nil, nil, "RELEASABLE_TO NZL", ""},
		{"liaison keeps old", nzl, nil, &alliance, "ALLIANCE", ""},
		{"liaison own partner", nzl, &toNZL, nil, "RELEASABLE_TO NZL", ""},
		{"liaison widens to public", nzl, &public, nil, "", entente.EFORBIDDEN},
		{"liaison widens to another partner", nzl, &toBoth, nil, "", entente.EFORBIDDEN},
		{"liaison releases to another partner", nzl, &toAUS, nil, "", entente.EFORBIDDEN},
		{"liaison alliance", nzl, &alliance, nil, "", entente.EFORBIDDEN},
		{"staff default", staff, nil, nil, "PUBLIC", ""},
		{"staff keeps old", staff, nil, &toAUS, "RELEASABLE_TO AUS", ""},
		{"staff any", staff, &toBoth, &alliance, "RELEASABLE_TO AUS NZL", ""},
		{"staff public", staff, &public, &alliance, "PUBLIC", ""},
		{"staff malformed", staff, &bad, nil, "", entente.EINVALID},
	}
	for _, tt := range tests {
		got, err := tt.p.Mark(tt.given, tt.old)
		if entente.ErrorCode(err) != tt.wantErrCode && !(err == nil && tt.wantErrCode == "") {
			t.Errorf("%s: error %v, want code %q", tt.name, err, tt.wantErrCode)
			continue
		}
		if err == nil && got.String() != tt.want {
			t.Errorf("%s: Mark = %s, want %s", tt.name, got, tt.want)
		}
		if err == nil && tt.want == "PUBLIC" && !got.IsZero() {
			t.Errorf("%s: Mark = %#v, want the zero value for PUBLIC", tt.name, got)
		}
	}
}
