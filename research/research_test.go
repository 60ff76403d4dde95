package research

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/entente/entente"
)

var d = entente.MustParseDate

// pact is a small alliance: a founder known to the day, one to the month,
// one that withdrew, one with no COW code (QMA, user-assigned), one that
// joins after the as-of day and one that only applied.
func pact() *Record {
	return &Record{
		Alliance: entente.Alliance{Code: "PACT", Name: "Test Pact", Signed: d("1951-09-01"),
			Articles: []entente.Article{{Number: "4", Role: entente.RoleConsultation}, {Number: "5", Role: entente.RoleDefence}}},
		Memberships: []entente.Membership{
			{Alliance: "PACT", Country: "AUS", Founding: true, Acceded: d("1951-09-01")},
			{Alliance: "PACT", Country: "NZL", Founding: true, Acceded: d("1951-09")},
			{Alliance: "PACT", Country: "USA", Founding: true, Acceded: d("1951-09-01"), Notice: d("1985-08-11"), Withdrawn: d("1986-08-11")},
			{Alliance: "PACT", Country: "QMA", Acceded: d("1960")},
			{Alliance: "PACT", Country: "JPN", Acceded: d("1999-01-02")},
			{Alliance: "PACT", Country: "KOR", Applied: d("1990-05-05")},
		},
		Names: map[string]string{"AUS": "Australia", "NZL": "New Zealand", "USA": "United States", "QMA": "Qmaland", "JPN": "Japan", "KOR": "Korea"},
		AsOf:  d("1998-12-31"),
	}
}

func memberKey(m Member) string {
	return fmt.Sprintf("%s/%d %s–%s", m.ISO3, m.CCode, m.Entry, m.Exit)
}

// TestRoundTrip: the COW and ATOP member tables read back give the same
// members with the same entry and exit dates, at the same precision.
func TestRoundTrip(t *testing.T) {
	r := pact()
	want := r.Members()
	if len(want) != 4 {
		t.Fatalf("members as of %s: %d, want 4 (JPN joins later, KOR only applied)", r.AsOf, len(want))
	}
	for name, shape := range map[string]struct {
		write func(*bytes.Buffer) error
		read  func(*bytes.Buffer) ([]Member, error)
	}{
		"cow":  {func(b *bytes.Buffer) error { return WriteCOWMembers(b, r) }, func(b *bytes.Buffer) ([]Member, error) { return ReadCOWMembers(b) }},
		"atop": {func(b *bytes.Buffer) error { return WriteATOPMembers(b, r) }, func(b *bytes.Buffer) ([]Member, error) { return ReadATOPMembers(b) }},
	} {
		var buf bytes.Buffer
		if err := shape.write(&buf); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		text := buf.String()
		got, err := shape.read(&buf)
		if err != nil {
			t.Fatalf("%s: reading back: %v\n%s", name, err, text)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d members back, want %d", name, len(got), len(want))
		}
		for i := range want {
			if memberKey(got[i]) != memberKey(want[i]) {
				t.Errorf("%s: member %d back as %s, want %s", name, i, memberKey(got[i]), memberKey(want[i]))
			}
		}
	}
}

func readTable(t *testing.T, text string) []map[string]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, row := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = row[i]
		}
		out = append(out, m)
	}
	return out
}

// TestCOWColumns: missing is empty, never 0; dates at their precision;
// flags from the article roles.
func TestCOWColumns(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCOWMembers(&buf, pact()); err != nil {
		t.Fatal(err)
	}
	if h := strings.SplitN(buf.String(), "\n", 2)[0]; h != strings.Join(COWMemberColumns, ",") {
		t.Fatalf("header %q", h)
	}
	rows := readTable(t, buf.String())
	by := map[string]map[string]string{}
	for _, r := range rows {
		by[r["iso3"]] = r
	}
	nzl, usa, qma := by["NZL"], by["USA"], by["QMA"]
	for col, want := range map[string]string{"ccode": "920", "state_name": "New Zealand", "mem_st_year": "1951",
		"mem_st_month": "9", "mem_st_day": "", "mem_end_year": "", "right_censor": "1", "left_censor": "0",
		"defense": "1", "entente": "1", "neutrality": "", "nonaggression": "", "version4id": "", "version": "",
		"ss_type": "Type I: Defense Pact", "all_st_year": "1951", "all_st_day": "1", "all_end_year": ""} {
		if nzl[col] != want {
			t.Errorf("NZL %s = %q, want %q", col, nzl[col], want)
		}
	}
	if usa["mem_end_year"] != "1986" || usa["mem_end_month"] != "8" || usa["mem_end_day"] != "11" || usa["right_censor"] != "0" {
		t.Errorf("USA's withdrawal: %v", usa)
	}
	if qma["ccode"] != "" || qma["state_name"] != "Qmaland" || qma["mem_st_month"] != "" {
		t.Errorf("QMA, with no COW code, entered in 1960: %v", qma)
	}
	for _, r := range rows {
		for col, v := range r {
			if v == "0" && col != "left_censor" && col != "right_censor" {
				t.Errorf("%s: %s is 0", r["iso3"], col)
			}
		}
	}
}

// TestDyadYears: one row a pair and year, mem1 < mem2, a row for each
// year both were members and none outside the coverage.
func TestDyadYears(t *testing.T) {
	r := pact()
	var buf bytes.Buffer
	var calls int
	if err := WriteATOPDyadYears(&buf, r, func(done, total int) error { calls++; return nil }); err != nil {
		t.Fatal(err)
	}
	from, to, _ := r.Coverage()
	if from != 1951 || to != 1998 || calls != to-from+1 {
		t.Fatalf("coverage %d–%d, %d progress calls", from, to, calls)
	}
	dys, err := ReadATOPDyadYears(&buf)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	perYear := map[int]int{}
	for _, dy := range dys {
		key := fmt.Sprintf("%d %s %s", dy.Year, dy.ISO1, dy.ISO2)
		rev := fmt.Sprintf("%d %s %s", dy.Year, dy.ISO2, dy.ISO1)
		if seen[key] || seen[rev] {
			t.Errorf("%s twice", key)
		}
		seen[key] = true
		if dy.Year < from || dy.Year > to {
			t.Errorf("%s: outside the coverage", key)
		}
		if dy.Mem1 != 0 && dy.Mem2 != 0 && dy.Mem1 >= dy.Mem2 {
			t.Errorf("%s: mem1 %d not below mem2 %d", key, dy.Mem1, dy.Mem2)
		}
		if dy.Mem1 == 0 {
			t.Errorf("%s: the state with no code comes first", key)
		}
		if dy.AtopAlly != "1" || dy.Defense != "1" || dy.Consul != "1" {
			t.Errorf("%s: flags %q %q %q", key, dy.AtopAlly, dy.Defense, dy.Consul)
		}
		perYear[dy.Year]++
	}
	for y := from; y <= to; y++ {
		n := 3 // AUS, NZL, USA
		switch {
		case y >= 1960 && y <= 1986:
			n = 4
		case y > 1986:
			n = 3 // USA gone, QMA in
		}
		if want := n * (n - 1) / 2; perYear[y] != want {
			t.Errorf("%d: %d dyads, want %d", y, perYear[y], want)
		}
	}
	// USA (2) comes before AUS (900); it was a member until 11 August 1986.
	if !seen["1986 USA AUS"] || seen["1987 USA AUS"] {
		t.Errorf("USA–AUS in 1986 %v, 1987 %v", seen["1986 USA AUS"], seen["1987 USA AUS"])
	}
	if !seen["1960 AUS QMA"] {
		t.Error("no AUS–QMA dyad in 1960, with QMA's code missing")
	}
	// As of a day before the founding nothing is covered.
	early := pact()
	early.AsOf = d("1950-01-01")
	buf.Reset()
	if err := WriteATOPDyadYears(&buf, early, nil); err != nil || strings.Count(buf.String(), "\n") != 1 {
		t.Errorf("before the founding: %v\n%s", err, buf.String())
	}
	// An error from progress stops the writing.
	stop := errors.New("stop")
	if err := WriteATOPDyadYears(io.Discard, pact(), func(done, total int) error {
		if done == 3 {
			return stop
		}
		return nil
	}); err != stop {
		t.Errorf("progress said stop: %v", err)
	}
}

// TestReadRealShapes: files in COW's and ATOP's own conventions (COW's -9
// for an unknown day, ATOP's 0 for no exit, Stata's 2.0) read, and a
// state is found from its code alone.
func TestReadRealShapes(t *testing.T) {
	cow := strings.Join(COWMemberColumns[:len(COWMemberColumns)-1], ",") + "\n" +
		`99,200,"United Kingdom",-9,6,1950,,,,"Type I: Defense Pact",-9,6,1950,3,11,1960,0,0,1,0,0,0,4.1` + "\n" +
		`99,260,"German Federal Republic",-9,6,1950,,,,"Type I: Defense Pact",1,7,1955,,,,0,1,1,0,0,0,4.1` + "\n"
	ms, err := ReadCOWMembers(strings.NewReader(cow))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || memberKey(ms[0]) != "GBR/200 1950-06–1960-11-03" || ms[0].Alliance != "99" ||
		memberKey(ms[1]) != "/260 1955-07-01–" {
		t.Errorf("read %v", ms)
	}
	atop := "atopid,member,yrent,moent,dayent,yrexit,moexit,dayexit,phase,defense\n" +
		"3180.0,2.0,1949.0,8.0,24.0,0,0,0,1,1\n" +
		"3180,920,1951,9,0,1986,0,0,1,1\n"
	ms, err = ReadATOPMembers(strings.NewReader(atop))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || memberKey(ms[0]) != "USA/2 1949-08-24–" || memberKey(ms[1]) != "NZL/920 1951-09–1986" {
		t.Errorf("read %v", ms)
	}
	dy := "dyad,mem1,mem2,year,atopally,defense,offense,neutral,nonagg,consul\n2020,2,20,1950,1,1,0,0,0,1\n"
	dys, err := ReadATOPDyadYears(strings.NewReader(dy))
	if err != nil || len(dys) != 1 || dys[0].ISO1 != "USA" || dys[0].ISO2 != "CAN" || dys[0].Defense != "1" {
		t.Errorf("read %+v, %v", dys, err)
	}
}

// TestReadErrors: a bad file is an error naming the line and the column.
func TestReadErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "line 1: empty file"},
		{"ccode,state_name\n", "line 1: mem_st_year: missing from the header"},
		{"ccode,mem_st_year\n2,abc\n", `line 2: mem_st_year: "abc" is not a whole number`},
		{"ccode,mem_st_year,mem_st_month\n2,1950,13\n", "line 2: mem_st_month: 13 is not a month"},
		{"ccode,mem_st_year,mem_st_month,mem_st_day\n2,1950,2,30\n", "line 2: mem_st_day: 1950-2-30 is not a date"},
		{"ccode,mem_st_year\n,1950\n", "line 2: ccode: no state"},
		{"ccode,mem_st_year,iso3\n2,1950,usa1\n", "line 2: iso3"},
		{"ccode,mem_st_year\n2,\n", "line 2: mem_st_year: no entry year"},
		{"ccode,mem_st_year,mem_end_year\n2,1950,1940\n", "line 2: mem_end_year: the exit 1940 is before the entry 1950"},
		{"ccode,mem_st_year\n2,1950\n\"x\n", "line 3"},
	} {
		_, err := ReadCOWMembers(strings.NewReader(c.in))
		var re *ReadError
		if err == nil || !errors.As(err, &re) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: %v, want %s", c.in, err, c.want)
		}
	}
	if _, err := ReadATOPDyadYears(strings.NewReader("mem1,mem2,year,defense\n2,20,1950,2\n")); err == nil ||
		!strings.Contains(err.Error(), "defense") {
		t.Errorf("defense 2: %v", err)
	}
}

// TestMemberCSV: the member list has the documented header, steps after
// the as-of day blank, and applicants with their status.
func TestMemberCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMemberCSV(&buf, pact()); err != nil {
		t.Fatal(err)
	}
	rows := readTable(t, buf.String())
	var got []string
	for _, r := range rows {
		got = append(got, r["country"]+":"+r["status"]+":"+r["acceded"]+":"+r["withdrawn"]+":"+r["ccode"])
	}
	want := "NZL:member:1951-09::920 AUS:member:1951-09-01::900 USA:withdrawn:1951-09-01:1986-08-11:2 QMA:member:1960:: KOR:applied:::732"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}
