package entente

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// fullActivity has every field of an Activity set, each date at another
// precision, and strings that need escaping.
func fullActivity() Activity {
	return Activity{ID: "A<1>", Programme: "P&Q", Goal: "G1", Offer: "O\"1", Title: "Staff talks\n\t\u2028é",
		Kind: "staff-talks", Proposer: "NZL", Location: "Brussels \\ Mons",
		Period:   Period{From: MustParseDate("2025"), To: MustParseDate("2025-07")},
		Capacity: 10, Status: ActivityHeld, Invited: []string{"AUS", "NZL"},
		Registrations: []Registration{{Country: "NZL", Participants: 2, Date: MustParseDate("2025-02-03")}, {Country: "AUS"}},
		Outcome:       "done", Participants: 3, Feedback: "good \x01", CancelReason: "none",
		Dates: ActivityDates{Proposed: MustParseDate("2025-01-01"), Approved: MustParseDate("2025-01-02"),
			InvitationsSent: MustParseDate("2025-01-03"), RegistrationOpened: MustParseDate("2025-01-04"),
			Held: MustParseDate("2025-01-05"), Reported: MustParseDate("2025-01-06"), Cancelled: MustParseDate("2025-01")},
		Synthetic: true,
		Provenance: Provenance{Sources: []string{"s1", "s2"}, Note: "n", Unconfirmed: "u",
			Quotes: []Quote{{Source: "s1", Text: "“quoted” </script>"}}, Releasability: ReleasableToCountries("AUS", "NZL")},
	}
}

// nonZero fails the test for each field of v, a struct, that is zero,
// naming it: the fixture must fill every field, so that one added to
// Activity and not to AppendJSON makes TestActivityAppendJSON fail.
func nonZero(t *testing.T, path string, v reflect.Value) {
	t.Helper()
	for i := range v.NumField() {
		f, name := v.Field(i), path+"."+v.Type().Field(i).Name
		if f.IsZero() {
			t.Errorf("the fixture leaves %s zero: set it, and encode it in AppendJSON", name)
		}
		if f.Kind() == reflect.Struct && v.Type().Field(i).Type != reflect.TypeFor[Date]() {
			nonZero(t, name, f)
		}
	}
}

func TestActivityAppendJSON(t *testing.T) {
	full := fullActivity()
	nonZero(t, "Activity", reflect.ValueOf(full))
	cases := map[string]Activity{
		"full":                  full,
		"zero":                  {},
		"empty":                 {Invited: []string{}, Registrations: []Registration{}, Provenance: Provenance{Sources: []string{}}},
		"public, alliance only": {ID: "A2", Provenance: Provenance{Releasability: AllianceOnly()}},
		"dates only":            {Dates: ActivityDates{Held: MustParseDate("2024-05")}},
		"odd date":              {Period: Period{From: Date{Year: 12345, Month: 13, Day: 40}}},
		"bad UTF-8":             {Title: "a\xffb\xc3", Invited: []string{"\u2029"}},
	}
	for name, a := range cases {
		want, err := json.Marshal(&a)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.AppendJSON([]byte("x")); !bytes.Equal(got[1:], want) || got[0] != 'x' {
			t.Errorf("%s: AppendJSON\n got %s\nwant x%s", name, got, want)
		}
	}
}

// FuzzActivityAppendJSON checks AppendJSON against json.Marshal for any
// strings, numbers and dates.
func FuzzActivityAppendJSON(f *testing.F) {
	f.Add("A1", "Staff talks", "NZL", "s1", "2025-01-02", 10, true)
	f.Add("<&>", "\u2028\x00\xff", "", "", "", -1, false)
	f.Fuzz(func(t *testing.T, id, title, country, source, day string, n int, synthetic bool) {
		d, _ := ParseDate(day)
		a := Activity{ID: id, Programme: title, Goal: country, Title: title, Kind: source, Location: id,
			Period: Period{From: d}, Capacity: n, Status: ActivityStatus(title), Invited: []string{country, id},
			Registrations: []Registration{{Country: country, Participants: n, Date: d}}, Participants: n,
			Outcome: title, Dates: ActivityDates{Approved: d, Reported: d}, Synthetic: synthetic,
			Provenance: Provenance{Sources: []string{source}, Note: title, Quotes: []Quote{{Source: source, Text: title}},
				Releasability: Releasability{Level: ReleaseLevel(country), To: []string{id}}}}
		want, err := json.Marshal(&a)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.AppendJSON(nil); !bytes.Equal(got, want) {
			t.Errorf("AppendJSON\n got %s\nwant %s", got, want)
		}
	})
}
