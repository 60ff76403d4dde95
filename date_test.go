package entente_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/entente/entente"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		prec entente.Precision
		ok   bool
	}{
		{"2024", entente.PrecisionYear, true},
		{"2024-07", entente.PrecisionMonth, true},
		{"2024-07-09", entente.PrecisionDay, true},
		{"2024-02-29", entente.PrecisionDay, true},
		{"2023-02-29", 0, false},
		{"2024-13", 0, false},
		{"24-07-09", 0, false},
		{"2024/07/09", 0, false},
		{"", entente.PrecisionNone, true},
		// Digits only, with the exact widths: no sign, no space, no
		// shorter or longer field (issue 7, defect 9).
		{"+202", 0, false},
		{"-202", 0, false},
		{"2024-+1", 0, false},
		{"2024--1", 0, false},
		{"2024-01-+1", 0, false},
		{"2024-01--1", 0, false},
		{"2024- 1", 0, false},
		{"2024-01- 1", 0, false},
		{" 202", 0, false},
		{"0000", 0, false},
		{"0001", entente.PrecisionYear, true},
		{"2024-1", 0, false},
		{"2024-01-1", 0, false},
		{"2024-001", 0, false},
		{"20240-01", 0, false},
		{"2024-01-001", 0, false},
		{"2024x01", 0, false},
		{"2024-01x09", 0, false},
		{"２０２４", 0, false},
		{"2024-00", 0, false},
		{"2024-07-00", 0, false},
		{"2024-07-32", 0, false},
	}
	for _, tt := range tests {
		got, err := entente.ParseDate(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseDate(%q): err %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if tt.ok && (got.Precision() != tt.prec || got.String() != tt.in) {
			t.Errorf("ParseDate(%q) = %s (%s), want precision %s", tt.in, got, got.Precision(), tt.prec)
		}
	}
}

func TestDateOrder(t *testing.T) {
	if !d("2012").Before(d("2013-01-01")) || d("2012").Before(d("2012-06-04")) {
		t.Error("Before must respect precision")
	}
	if !d("2024").OnOrBefore(d("2024-01-01")) || d("2024-02").OnOrBefore(d("2024-01-31")) {
		t.Error("OnOrBefore counts from the first possible day")
	}
	p := entente.Period{From: d("2003"), To: d("2013-04")}
	for day, want := range map[string]bool{"2002-12-31": false, "2003-01-01": true, "2013-04-30": true, "2013-05-01": false} {
		if got := p.Contains(d(day)); got != want {
			t.Errorf("%s contains %s: got %v, want %v", p, day, got, want)
		}
	}
	if (entente.Period{From: d("2014"), To: d("2023-04-04")}).Contains(d("2023-04-04")) {
		t.Error("a To known to the day is the first day the period no longer holds")
	}
	op := entente.Period{From: d("2001-12"), To: d("2014-12")}
	if !p.Within(op) || (entente.Period{From: d("2001")}).Within(entente.Period{From: d("2002"), To: d("2003")}) {
		t.Error("Within")
	}
	if got := d("2024-02-29").AddYears(1); got != d("2025-02-28") {
		t.Errorf("AddYears: got %s", got)
	}
	if got := d("2030-12-15").AddMonths(12); got != d("2031-12-15") {
		t.Errorf("AddMonths: got %s", got)
	}
}

// FuzzParseDate checks that whatever ParseDate accepts prints back to the
// same text and parses again to the same value and precision.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024", "2024-07", "2024-07-09", "2024-02-29", "0001", "9999-12-31",
		"+202", "2024-+1", "2024-01-+1", "2024-13", "", "24-07-09", "2024/07/09"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := entente.ParseDate(s)
		if err != nil {
			var de *entente.DateError
			if !errors.As(err, &de) || de.Value != s {
				t.Fatalf("ParseDate(%q): error %v is not a DateError for the input", s, err)
			}
			return
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q) prints as %q", s, d.String())
		}
		again, err := entente.ParseDate(d.String())
		if err != nil {
			t.Fatalf("ParseDate(%q) = %v, which does not parse again: %v", s, d, err)
		}
		if again != d || again.Precision() != d.Precision() {
			t.Fatalf("round trip of %q: %v (%s), then %v (%s)", s, d, d.Precision(), again, again.Precision())
		}
	})
}

// TestDateStringFormats checks the String written without fmt against the
// fmt formats it replaced, at every precision, inside and outside 0-9999.
func TestDateStringFormats(t *testing.T) {
	for _, y := range []int{-12, 1, 9, 10, 99, 100, 999, 1000, 1949, 2026, 9999, 10000, 123456} {
		for _, m := range []time.Month{0, 1, 9, 10, 12} {
			for _, d := range []int{0, 1, 9, 10, 28, 31} {
				if m == 0 && d != 0 {
					continue
				}
				date := entente.Date{Year: y, Month: m, Day: d}
				want := fmt.Sprintf("%04d-%02d-%02d", y, int(m), d)
				switch {
				case m == 0:
					want = fmt.Sprintf("%04d", y)
				case d == 0:
					want = fmt.Sprintf("%04d-%02d", y, int(m))
				}
				if got := date.String(); got != want {
					t.Errorf("%#v.String() = %q, want %q", date, got, want)
				}
				if got, _ := date.MarshalText(); string(got) != want {
					t.Errorf("%#v.MarshalText() = %q, want %q", date, got, want)
				}
			}
		}
	}
}
