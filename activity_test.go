package entente

import (
	"strings"
	"testing"
)

var who = Invitees{Alliance: "NATO", Members: []string{"BEL", "CAN"}, Partners: []string{"AUS", "NZL"}}

// at returns an activity at status st, with every earlier step dated in
// January 2025 and NZL invited (and registered for 2 of 10 places) once
// invitations have gone out.
func at(st ActivityStatus) Activity {
	a := Activity{ID: "A1", Programme: "P", Title: "Staff talks", Kind: "staff-talks", Capacity: 10, Status: st,
		Invited: []string{}, Registrations: []Registration{}, Dates: ActivityDates{Proposed: MustParseDate("2025-01-01")}}
	rank := map[ActivityStatus]int{ActivityProposed: 0, ActivityApproved: 1, ActivityInvitationsSent: 2,
		ActivityRegistrationOpen: 3, ActivityHeld: 4, ActivityReported: 5, ActivityCancelled: 1}
	r := rank[st]
	if r >= 1 {
		a.Dates.Approved = MustParseDate("2025-01-02")
	}
	if r >= 2 {
		a.Dates.InvitationsSent = MustParseDate("2025-01-03")
		a.Invited = []string{"NZL"}
	}
	if r >= 3 {
		a.Dates.RegistrationOpened = MustParseDate("2025-01-04")
		a.Registrations = []Registration{{Country: "NZL", Participants: 2, Date: MustParseDate("2025-01-04")}}
	}
	if r >= 4 {
		a.Dates.Held = MustParseDate("2025-01-05")
	}
	if r >= 5 {
		a.Dates.Reported = MustParseDate("2025-01-06")
		a.Outcome = "done"
	}
	if st == ActivityCancelled {
		a.Dates.Cancelled = MustParseDate("2025-01-03")
	}
	return a
}

func TestActivityTransitions(t *testing.T) {
	day := MustParseDate("2025-02-01")
	tests := []struct {
		name string
		from ActivityStatus
		step ActivityStep
		in   StepInput
		want ActivityStatus
		// check, if set, looks at the result further.
		check func(t *testing.T, a Activity)
	}{
		{"Approve", ActivityProposed, StepApprove, StepInput{}, ActivityApproved, func(t *testing.T, a Activity) {
			if a.Dates.Approved != day {
				t.Errorf("approved %s, want %s", a.Dates.Approved, day)
			}
		}},
		{"InviteMemberAndPartner", ActivityApproved, StepInvite, StepInput{Countries: []string{"BEL", "AUS"}}, ActivityInvitationsSent, func(t *testing.T, a Activity) {
			if strings.Join(a.Invited, ",") != "BEL,AUS" {
				t.Errorf("invited %v", a.Invited)
			}
		}},
		{"InviteMore", ActivityInvitationsSent, StepInvite, StepInput{Countries: []string{"CAN"}}, ActivityInvitationsSent, nil},
		{"InviteWhileRegistrationOpen", ActivityRegistrationOpen, StepInvite, StepInput{Countries: []string{"AUS"}}, ActivityRegistrationOpen, nil},
		{"OpenRegistration", ActivityInvitationsSent, StepRegister, StepInput{}, ActivityRegistrationOpen, func(t *testing.T, a Activity) {
			if len(a.Registrations) != 0 || a.Dates.RegistrationOpened != day {
				t.Errorf("registrations %v, opened %s", a.Registrations, a.Dates.RegistrationOpened)
			}
		}},
		{"RegisterOpensRegistration", ActivityInvitationsSent, StepRegister, StepInput{Country: "NZL", Participants: 3}, ActivityRegistrationOpen, func(t *testing.T, a Activity) {
			if a.Registered() != 3 {
				t.Errorf("registered %d, want 3", a.Registered())
			}
		}},
		{"RegisterUpToCapacity", ActivityRegistrationOpen, StepRegister, StepInput{Country: "NZL", Participants: 8}, ActivityRegistrationOpen, func(t *testing.T, a Activity) {
			if a.Registered() != 10 {
				t.Errorf("registered %d, want 10", a.Registered())
			}
		}},
		{"RegisterDefaultsToOne", ActivityRegistrationOpen, StepRegister, StepInput{Country: "NZL"}, ActivityRegistrationOpen, func(t *testing.T, a Activity) {
			if a.Registered() != 3 {
				t.Errorf("registered %d, want 3", a.Registered())
			}
		}},
		{"Hold", ActivityRegistrationOpen, StepHold, StepInput{}, ActivityHeld, nil},
		{"Report", ActivityHeld, StepReport, StepInput{Outcome: "good talks", Participants: 7, Feedback: "useful"}, ActivityReported, func(t *testing.T, a Activity) {
			if a.Outcome != "good talks" || a.Participants != 7 || a.Feedback != "useful" {
				t.Errorf("report %q %d %q", a.Outcome, a.Participants, a.Feedback)
			}
		}},
		{"CancelProposed", ActivityProposed, StepCancel, StepInput{Reason: "no budget"}, ActivityCancelled, func(t *testing.T, a Activity) {
			if a.CancelReason != "no budget" {
				t.Errorf("reason %q", a.CancelReason)
			}
		}},
		{"CancelApproved", ActivityApproved, StepCancel, StepInput{}, ActivityCancelled, nil},
		{"CancelInvitationsSent", ActivityInvitationsSent, StepCancel, StepInput{}, ActivityCancelled, nil},
		{"CancelRegistrationOpen", ActivityRegistrationOpen, StepCancel, StepInput{}, ActivityCancelled, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := at(tt.from)
			orig := at(tt.from)
			tt.in.Date = day
			got, err := a.Step(tt.step, tt.in, who)
			if err != nil {
				t.Fatalf("%s from %s: %v", tt.step, tt.from, err)
			}
			if got.Status != tt.want {
				t.Errorf("status %s, want %s", got.Status, tt.want)
			}
			if tt.check != nil {
				tt.check(t, got)
			}
			if len(a.Invited) != len(orig.Invited) || len(a.Registrations) != len(orig.Registrations) {
				t.Errorf("Step changed its receiver in place")
			}
		})
	}
}

func TestActivityRefusals(t *testing.T) {
	day := MustParseDate("2025-02-01")
	tests := []struct {
		name string
		from ActivityStatus
		step ActivityStep
		in   StepInput
		code string
		msg  string // a fragment of the message
	}{
		{"ApproveApproved", ActivityApproved, StepApprove, StepInput{}, EREFUSED, "activity: approve refused"},
		{"ApproveCancelled", ActivityCancelled, StepApprove, StepInput{}, EREFUSED, "needs it proposed"},
		{"InviteProposed", ActivityProposed, StepInvite, StepInput{Countries: []string{"NZL"}}, EREFUSED, "activity: invite refused"},
		{"InviteNonPartner", ActivityApproved, StepInvite, StepInput{Countries: []string{"CHN"}}, EREFUSED, "only members and partners of NATO may be invited"},
		{"InviteTwice", ActivityInvitationsSent, StepInvite, StepInput{Countries: []string{"NZL"}}, EREFUSED, "already been invited"},
		{"InviteNobody", ActivityApproved, StepInvite, StepInput{}, EINVALID, "at least one country"},
		{"InviteBadCode", ActivityApproved, StepInvite, StepInput{Countries: []string{"nz"}}, EINVALID, "not an ISO 3166-1"},
		{"InviteHeld", ActivityHeld, StepInvite, StepInput{Countries: []string{"AUS"}}, EREFUSED, "activity: invite refused"},
		{"RegisterApproved", ActivityApproved, StepRegister, StepInput{Country: "NZL"}, EREFUSED, "activity: register refused"},
		{"RegisterNotInvited", ActivityRegistrationOpen, StepRegister, StepInput{Country: "AUS"}, EREFUSED, "AUS was not invited"},
		{"RegisterOverCapacity", ActivityRegistrationOpen, StepRegister, StepInput{Country: "NZL", Participants: 9}, EREFUSED, "registration stops at capacity: 2 of 10"},
		{"RegisterNegative", ActivityRegistrationOpen, StepRegister, StepInput{Country: "NZL", Participants: -1}, EINVALID, "negative"},
		{"RegisterHeld", ActivityHeld, StepRegister, StepInput{Country: "NZL"}, EREFUSED, "activity: register refused"},
		{"HoldApproved", ActivityApproved, StepHold, StepInput{}, EREFUSED, "needs it registration-open"},
		{"HoldInvitationsSent", ActivityInvitationsSent, StepHold, StepInput{}, EREFUSED, "activity: hold refused"},
		{"HoldHeld", ActivityHeld, StepHold, StepInput{}, EREFUSED, "activity: hold refused"},
		{"ReportUnheld", ActivityRegistrationOpen, StepReport, StepInput{Outcome: "x"}, EREFUSED, "needs it held"},
		{"ReportTwice", ActivityReported, StepReport, StepInput{Outcome: "x"}, EREFUSED, "activity: report refused"},
		{"ReportNoOutcome", ActivityHeld, StepReport, StepInput{}, EINVALID, "needs an outcome"},
		{"ReportOverCapacity", ActivityHeld, StepReport, StepInput{Outcome: "x", Participants: 11}, EREFUSED, "at most 10"},
		{"ReportNegative", ActivityHeld, StepReport, StepInput{Outcome: "x", Participants: -2}, EINVALID, "negative"},
		{"CancelHeld", ActivityHeld, StepCancel, StepInput{}, EREFUSED, "only before it is held"},
		{"CancelReported", ActivityReported, StepCancel, StepInput{}, EREFUSED, "only before it is held"},
		{"CancelCancelled", ActivityCancelled, StepCancel, StepInput{}, EREFUSED, "activity: cancel refused"},
		{"StepBeforePrevious", ActivityApproved, StepInvite, StepInput{Countries: []string{"NZL"}, Date: MustParseDate("2025-01-01")}, EREFUSED, "before the approval"},
		{"ReportBeforeHeld", ActivityHeld, StepReport, StepInput{Outcome: "x", Date: MustParseDate("2025-01-04")}, EREFUSED, "before the activity (2025-01-05)"},
		{"CancelBeforeApproval", ActivityApproved, StepCancel, StepInput{Date: MustParseDate("2025-01-01")}, EREFUSED, "before the approval"},
		{"RegisterBeforeRegistration", ActivityRegistrationOpen, StepRegister, StepInput{Country: "NZL", Date: MustParseDate("2025-01-03")}, EREFUSED, "before the opening of registration"},
		{"YearOnlyDate", ActivityProposed, StepApprove, StepInput{Date: MustParseDate("2025")}, EINVALID, "must be a day"},
		{"UnknownStep", ActivityProposed, ActivityStep("launch"), StepInput{}, EINVALID, "unknown activity step"},
	}
	// The request field each refusal concerns, for a form to show it
	// beside (Reason.Field); the others concern none.
	fields := map[string]string{"InviteNonPartner": "countries", "InviteTwice": "countries", "RegisterNotInvited": "country",
		"RegisterOverCapacity": "participants", "ReportOverCapacity": "participants", "StepBeforePrevious": "date",
		"ReportBeforeHeld": "date", "CancelBeforeApproval": "date", "RegisterBeforeRegistration": "date"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := at(tt.from)
			if tt.in.Date.IsZero() {
				tt.in.Date = day
			}
			got, err := a.Step(tt.step, tt.in, who)
			if rs := ErrorReasons(err); tt.code == EREFUSED && (len(rs) == 0 || rs[0].Field != fields[tt.name]) {
				t.Errorf("the refusal's reasons %+v, want the first about field %q", rs, fields[tt.name])
			}
			if ErrorCode(err) != tt.code {
				t.Fatalf("%s from %s: error %v (code %q), want code %q", tt.step, tt.from, err, ErrorCode(err), tt.code)
			}
			if !strings.Contains(ErrorMessage(err), tt.msg) {
				t.Errorf("message %q, want it to contain %q", ErrorMessage(err), tt.msg)
			}
			if got.Status != tt.from {
				t.Errorf("a refused step returned status %s, want it unchanged (%s)", got.Status, tt.from)
			}
		})
	}
}

func TestProposeActivity(t *testing.T) {
	day := MustParseDate("2025-03-01")
	active := &Programme{ID: "P", Status: ProgrammeActive, Agreed: MustParseDate("2024")}
	offer := &Offer{Code: "PCM-1", Title: "Cyber course", Kind: "course", Provider: "School", Capacity: 20, Location: "Oberammergau"}
	tests := []struct {
		name  string
		p     *Programme
		a     Activity
		offer *Offer
		d     Date
		code  string
	}{
		{"Bespoke", active, Activity{ID: "A1", Title: "Talks", Kind: "staff-talks"}, nil, day, ""},
		{"FromOffer", active, Activity{ID: "A2"}, offer, day, ""},
		{"DefaultKind", active, Activity{ID: "A3", Title: "Visit"}, nil, day, ""},
		{"NoTitle", active, Activity{ID: "A4"}, nil, day, EINVALID},
		{"BadKind", active, Activity{ID: "A5", Title: "x", Kind: "party"}, nil, day, EINVALID},
		{"BadID", active, Activity{ID: "a b", Title: "x"}, nil, day, EINVALID},
		{"NegativeCapacity", active, Activity{ID: "A6", Title: "x", Capacity: -1}, nil, day, EINVALID},
		{"EndBeforeStart", active, Activity{ID: "A7", Title: "x", Period: Period{From: MustParseDate("2025-05-02"), To: MustParseDate("2025-05-01")}}, nil, day, EINVALID},
		{"Superseded", &Programme{ID: "P", Status: ProgrammeSuperseded}, Activity{ID: "A8", Title: "x"}, nil, day, EREFUSED},
		{"Draft", &Programme{ID: "P", Status: ProgrammeDraft}, Activity{ID: "A9", Title: "x"}, nil, day, EREFUSED},
		{"BeforeAgreed", &Programme{ID: "P", Status: ProgrammeActive, Agreed: MustParseDate("2026-01-01")}, Activity{ID: "A10", Title: "x"}, nil, day, EREFUSED},
		{"YearDate", active, Activity{ID: "A11", Title: "x"}, nil, MustParseDate("2025"), EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ProposeActivity(tt.p, tt.a, tt.offer, tt.d)
			if ErrorCode(err) != tt.code {
				t.Fatalf("error %v, want code %q", err, tt.code)
			}
			if err != nil {
				return
			}
			if got.Status != ActivityProposed || got.Programme != "P" || got.Dates.Proposed != tt.d {
				t.Errorf("got %+v", got)
			}
			if tt.offer != nil && (got.Title != "Cyber course" || got.Capacity != 20 || got.Offer != "PCM-1" || got.Kind != "course") {
				t.Errorf("offer defaults not taken: %+v", got)
			}
		})
	}
}

// TestActivitySchedule: an activity is not held before the day it is
// scheduled for, nor before the last registration; once its day has come it
// may be held, and later steps follow the hold.
func TestActivitySchedule(t *testing.T) {
	tests := []struct {
		name string
		from string // the scheduled start
		reg  string // a registration dated after the opening, if set
		step ActivityStep
		in   StepInput
		on   string
		want string // a fragment of the refusal; "" for success
	}{
		{"HeldBeforeScheduledDay", "2027-06-01", "", StepHold, StepInput{}, "2027-02-01", "2027-02-01 is before the activity's scheduled start (2027-06-01)"},
		{"HeldDayBeforeSchedule", "2027-06-01", "", StepHold, StepInput{}, "2027-05-31", "scheduled start (2027-06-01)"},
		{"HeldOnScheduledDay", "2027-06-01", "", StepHold, StepInput{}, "2027-06-01", ""},
		{"HeldAfterScheduledDay", "2027-06-01", "", StepHold, StepInput{}, "2027-06-09", ""},
		{"HeldBeforeScheduledMonth", "2027-06", "", StepHold, StepInput{}, "2027-05-31", "scheduled start (2027-06)"},
		{"HeldInScheduledMonth", "2027-06", "", StepHold, StepInput{}, "2027-06-01", ""},
		{"HeldBeforeLastRegistration", "", "2025-01-07", StepHold, StepInput{}, "2025-01-06", "before the registration of NZL (2025-01-07)"},
		{"CancelBeforeLastRegistration", "", "2025-01-07", StepCancel, StepInput{}, "2025-01-06", "before the registration of NZL (2025-01-07)"},
		{"CancelBeforeSchedule", "2027-06-01", "", StepCancel, StepInput{}, "2027-02-01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := at(ActivityRegistrationOpen)
			if tt.from != "" {
				a.From = MustParseDate(tt.from)
			}
			if tt.reg != "" {
				a.Registrations = append(a.Registrations, Registration{Country: "NZL", Participants: 1, Date: MustParseDate(tt.reg)})
			}
			tt.in.Date = MustParseDate(tt.on)
			got, err := a.Step(tt.step, tt.in, who)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("%s on %s: %v", tt.step, tt.on, err)
				}
				return
			}
			if ErrorCode(err) != EREFUSED || !strings.Contains(ErrorMessage(err), tt.want) {
				t.Fatalf("%s on %s: error %v (code %q), want %s containing %q", tt.step, tt.on, err, ErrorCode(err), EREFUSED, tt.want)
			}
			if got.Status != ActivityRegistrationOpen {
				t.Errorf("a refused step returned status %s", got.Status)
			}
		})
	}
}
