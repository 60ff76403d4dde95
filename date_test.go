package entente_test

import (
	"testing"

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
