package entente_test

import (
	"testing"

	"github.com/entente/entente"
)

// TestInForce: an unknown start is bounded below by what the record belongs
// to, never "always".
func TestInForce(t *testing.T) {
	a := &entente.Alliance{Code: "NATO", Signed: d("1949-04-04")}
	pfp := &entente.Framework{Alliance: "NATO", Code: "PFP", Period: entente.Period{From: d("1994-01-10")}}
	old := &entente.Framework{Alliance: "NATO", Code: "OLD", Period: entente.Period{To: d("1997-05-30")}}
	geo := &entente.Partnership{Alliance: "NATO", Country: "GEO", Framework: "PFP"}
	dza := &entente.Partnership{Alliance: "NATO", Country: "DZA", Framework: "PFP", Period: entente.Period{From: d("2000-03")}}
	ip4 := &entente.Group{Alliance: "NATO", Code: "IP4", Since: d("2022-06")}
	nosince := &entente.Group{Alliance: "NATO", Code: "G"}
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"PartnershipBeforeFramework", entente.PartnershipOn(geo, pfp, a, d("1990-01-01")), false},
		{"PartnershipDayBeforeFramework", entente.PartnershipOn(geo, pfp, a, d("1994-01-09")), false},
		{"PartnershipFromFramework", entente.PartnershipOn(geo, pfp, a, d("1994-01-10")), true},
		{"PartnershipOwnStart", entente.PartnershipOn(dza, pfp, a, d("2000-02-29")), false},
		{"PartnershipOwnStartMonth", entente.PartnershipOn(dza, pfp, a, d("2000-03-01")), true},
		{"PartnershipNoFramework", entente.PartnershipOn(geo, nil, a, d("1949-01-01")), false},
		{"FrameworkBeforeFounding", entente.FrameworkOn(old, a, d("1949-04-03")), false},
		{"FrameworkFromFounding", entente.FrameworkOn(old, a, d("1949-04-04")), true},
		{"FrameworkEnded", entente.FrameworkOn(old, a, d("1997-05-30")), false},
		{"PartnershipOfEndedFramework", entente.PartnershipOn(&entente.Partnership{Framework: "OLD"}, old, a, d("1998-01-01")), false},
		{"GroupBeforeSince", entente.GroupOn(ip4, a, d("2022-05-31")), false},
		{"GroupFromSince", entente.GroupOn(ip4, a, d("2022-06-01")), true},
		{"GroupNoSinceBeforeFounding", entente.GroupOn(nosince, a, d("1940-01-01")), false},
		{"GroupNoSinceAfterFounding", entente.GroupOn(nosince, a, d("1950-01-01")), true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	starts := []struct {
		name string
		got  entente.Start
		want entente.Start
	}{
		{"Own", entente.PartnershipStart(dza, pfp, a), entente.Start{Since: d("2000-03")}},
		{"Framework", entente.PartnershipStart(geo, pfp, a), entente.Start{Since: d("1994-01-10"), Bound: entente.BoundFramework}},
		{"FrameworkWithoutStart", entente.PartnershipStart(&entente.Partnership{Framework: "OLD"}, old, a), entente.Start{Since: d("1949-04-04"), Bound: entente.BoundAlliance}},
		{"FrameworkOwn", entente.FrameworkStart(pfp, a), entente.Start{Since: d("1994-01-10")}},
	}
	for _, tt := range starts {
		if tt.got != tt.want {
			t.Errorf("start %s: got %+v, want %+v", tt.name, tt.got, tt.want)
		}
	}
}

// TestOneRuleOneAnswer: "nothing before the founding", "end not before
// start" and "a member is not a partner" answer the same code and message
// from the domain rule, the dataset validator and the workflows alike.
func TestOneRuleOneAnswer(t *testing.T) {
	a, cs, ms := fixture()
	founded := entente.CheckFounded(a, d("1940-01-01"))
	if entente.ErrorCode(founded) != entente.EREFUSED {
		t.Fatalf("CheckFounded: %v", founded)
	}
	_, err := entente.Apply(a, cs["SWE"], ms, d("1940-01-01"))
	if entente.ErrorCode(err) != entente.EREFUSED || err.Error() != founded.Error() {
		t.Errorf("Apply before the founding: %v (%s), want %q", err, entente.ErrorCode(err), founded)
	}
	_, err = entente.AgreeProgramme(a, cs["NZL"], ms, nil, entente.Programme{ID: "P", Partner: "NZL", Agreed: d("1940-01-01")})
	if err == nil || err.Error() != founded.Error() {
		t.Errorf("AgreeProgramme before the founding: %v, want %q", err, founded)
	}
	order := entente.CheckOrder(entente.Period{From: d("2024"), To: d("2023")})
	_, err = entente.ProposeActivity(&entente.Programme{ID: "P", Status: entente.ProgrammeActive}, entente.Activity{ID: "A", Title: "t",
		Period: entente.Period{From: d("2024"), To: d("2023")}}, nil, d("2024-01-01"))
	if entente.ErrorCode(err) != entente.EINVALID || err.Error() != "activity: propose: "+order.Error() {
		t.Errorf("ProposeActivity with its end before its start: %v", err)
	}
	var bel *entente.Membership
	for i := range ms {
		if ms[i].Country == "BEL" {
			bel = &ms[i]
		}
	}
	member := entente.CheckNotMember(bel, entente.DayPeriod(d("2024-01-01")))
	if entente.ErrorCode(member) != entente.EREFUSED {
		t.Fatalf("CheckNotMember: %v", member)
	}
	_, err = entente.AgreeProgramme(a, cs["BEL"], ms, nil, entente.Programme{ID: "P", Partner: "BEL", Agreed: d("2024-01-01")})
	if entente.ErrorCode(err) != entente.EREFUSED || entente.ErrorMessage(err) != entente.ErrorMessage(member) {
		t.Errorf("AgreeProgramme for a member: %v, want %q", err, member)
	}
}

// TestPartnershipStatusOn: a suspension is a status of a partnership in
// force, not its end; before the partnership, or after it ended, there is no
// status at all.
func TestPartnershipStatusOn(t *testing.T) {
	a := &entente.Alliance{Code: "NATO", Signed: d("1949-04-04")}
	pfp := &entente.Framework{Alliance: "NATO", Code: "PFP", Period: entente.Period{From: d("1994-01-10")}}
	rus := &entente.Partnership{Alliance: "NATO", Country: "RUS", Framework: "PFP", Period: entente.Period{From: d("1994-06-22")},
		Suspended: entente.Period{From: d("2014-04-01")}}
	back := &entente.Partnership{Alliance: "NATO", Country: "MLT", Framework: "PFP", Period: entente.Period{From: d("1995-04-26"), To: d("2030")},
		Suspended: entente.Period{From: d("1996-10-27"), To: d("2008-04-03")}}
	tests := []struct {
		name string
		p    *entente.Partnership
		day  string
		want string
	}{
		{"BeforeStart", rus, "1994-06-21", ""},
		{"Active", rus, "2014-03-31", entente.PartnershipActive},
		{"SuspendedFromTheDay", rus, "2014-04-01", entente.PartnershipSuspended},
		{"StillSuspended", rus, "2025-01-01", entente.PartnershipSuspended},
		{"Resumed", back, "2008-04-03", entente.PartnershipActive},
		{"SuspendedDayBeforeResumption", back, "2008-04-02", entente.PartnershipSuspended},
		{"EndedWhileActive", back, "2031-01-01", ""},
	}
	for _, tt := range tests {
		if got := entente.PartnershipStatusOn(tt.p, pfp, a, d(tt.day)); got != tt.want {
			t.Errorf("%s: status of %s on %s = %q, want %q", tt.name, tt.p.Country, tt.day, got, tt.want)
		}
	}
}
