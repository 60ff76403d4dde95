package entente

import (
	"fmt"
	"time"
)

// Precision says how much of a Date is known. Sources often give only a year
// ("the ITPP was agreed in 2024") or a month; entente keeps that precision
// rather than inventing a day.
type Precision uint8

const (
	PrecisionNone  Precision = iota // no date
	PrecisionYear                   // 2024
	PrecisionMonth                  // 2024-07
	PrecisionDay                    // 2024-07-09
)

func (p Precision) String() string {
	switch p {
	case PrecisionYear:
		return "year"
	case PrecisionMonth:
		return "month"
	case PrecisionDay:
		return "day"
	}
	return "none"
}

// Date is a calendar date known to a year, a month or a day. The zero Date is
// "no date" (an open bound). Dates print and parse as reduced-precision ISO
// 8601: "2024", "2024-07", "2024-07-09".
type Date struct {
	Year  int
	Month time.Month // 0 when unknown
	Day   int        // 0 when unknown
}

// ParseDate parses "YYYY", "YYYY-MM" or "YYYY-MM-DD". The empty string is the
// zero Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	bad := &DateError{Value: s}
	var d Date
	switch len(s) {
	case 4, 7, 10:
	default:
		return Date{}, bad
	}
	y, ok := digits(s[:4])
	if !ok || y < 1 {
		return Date{}, bad
	}
	d.Year = y
	if len(s) >= 7 {
		m, ok := digits(s[5:7])
		if s[4] != '-' || !ok || m < 1 || m > 12 {
			return Date{}, bad
		}
		d.Month = time.Month(m)
	}
	if len(s) == 10 {
		day, ok := digits(s[8:10])
		if s[7] != '-' || !ok || day < 1 || day > daysIn(d.Year, d.Month) {
			return Date{}, bad
		}
		d.Day = day
	}
	return d, nil
}

// digits reads s as a decimal number made of ASCII digits only: no sign, no
// space, no underscore (strconv.Atoi would take "+1" and "-1").
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// DateError is the error for a malformed date; Value is what was given.
type DateError struct{ Value string }

func (e *DateError) Error() string {
	return fmt.Sprintf("%q is not a date (want YYYY, YYYY-MM or YYYY-MM-DD)", e.Value)
}

// MustParseDate is ParseDate for literals in code and tests; it panics on a
// malformed date.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Day returns the Date of t's calendar day.
func Day(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether d is "no date".
func (d Date) IsZero() bool { return d.Year == 0 }

// Precision reports how much of d is known.
func (d Date) Precision() Precision {
	switch {
	case d.Year == 0:
		return PrecisionNone
	case d.Month == 0:
		return PrecisionYear
	case d.Day == 0:
		return PrecisionMonth
	}
	return PrecisionDay
}

func (d Date) String() string {
	p := d.Precision()
	if p == PrecisionNone {
		return ""
	}
	var b [10]byte
	return string(d.appendText(b[:0], p))
}

// appendText appends d at precision p (not the zero one) to b: String
// without fmt, as API answers and pages write dates by the thousand.
func (d Date) appendText(b []byte, p Precision) []byte {
	if d.Year < 0 || d.Year > 9999 || d.Month < 0 || d.Month > 99 || d.Day < 0 || d.Day > 99 {
		switch p {
		case PrecisionYear:
			return fmt.Appendf(b, "%04d", d.Year)
		case PrecisionMonth:
			return fmt.Appendf(b, "%04d-%02d", d.Year, int(d.Month))
		}
		return fmt.Appendf(b, "%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	y := d.Year
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
	if p == PrecisionYear {
		return b
	}
	b = append(b, '-', byte('0'+int(d.Month)/10), byte('0'+int(d.Month)%10))
	if p == PrecisionMonth {
		return b
	}
	return append(b, '-', byte('0'+d.Day/10), byte('0'+d.Day%10))
}

// First is the earliest day d may stand for: 2024 → 2024-01-01.
func (d Date) First() Date {
	if d.IsZero() {
		return d
	}
	out := d
	if out.Month == 0 {
		out.Month = time.January
	}
	if out.Day == 0 {
		out.Day = 1
	}
	return out
}

// Last is the latest day d may stand for: 2024 → 2024-12-31.
func (d Date) Last() Date {
	if d.IsZero() {
		return d
	}
	out := d
	if out.Month == 0 {
		out.Month = time.December
	}
	if out.Day == 0 {
		out.Day = daysIn(out.Year, out.Month)
	}
	return out
}

// Time is the first day d may stand for, at midnight UTC.
func (d Date) Time() time.Time {
	f := d.First()
	return time.Date(f.Year, f.Month, f.Day, 0, 0, 0, 0, time.UTC)
}

// AddYears moves d by n years, keeping its precision (29 February becomes
// 28 February in a common year).
func (d Date) AddYears(n int) Date {
	out := d
	out.Year += n
	if out.Day > 0 && out.Day > daysIn(out.Year, out.Month) {
		out.Day = daysIn(out.Year, out.Month)
	}
	return out
}

// AddMonths moves d by n months, keeping its precision.
func (d Date) AddMonths(n int) Date {
	if d.Month == 0 {
		return d.AddYears(n / 12)
	}
	m := int(d.Month) - 1 + n
	out := d
	out.Year += m / 12
	if m%12 < 0 {
		out.Year--
		m += 12
	}
	out.Month = time.Month(m%12 + 1)
	if out.Day > 0 && out.Day > daysIn(out.Year, out.Month) {
		out.Day = daysIn(out.Year, out.Month)
	}
	return out
}

// Compare orders dates by their first possible day, then by precision (the
// less precise first). The zero Date sorts first.
func (d Date) Compare(e Date) int {
	a, b := d.First(), e.First()
	switch {
	case a.Year != b.Year:
		return cmpInt(a.Year, b.Year)
	case a.Month != b.Month:
		return cmpInt(int(a.Month), int(b.Month))
	case a.Day != b.Day:
		return cmpInt(a.Day, b.Day)
	}
	return cmpInt(int(d.Precision()), int(e.Precision()))
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d certainly lies before e: d's last possible day is
// before e's first. 2012 is before 2013-01-01, but not before 2012-06-04.
func (d Date) Before(e Date) bool {
	if d.IsZero() || e.IsZero() {
		return false
	}
	return d.Last().Compare(e.First()) < 0
}

// OnOrBefore reports whether d may have happened by day e: d's first possible
// day is not after e. As-of queries count an event dated "2024" as having
// happened on any day of 2024, from its first.
func (d Date) OnOrBefore(e Date) bool {
	if d.IsZero() {
		return false
	}
	return d.First().Compare(e.Last()) <= 0
}

// MarshalText encodes d as reduced-precision ISO 8601; the zero Date is "".
func (d Date) MarshalText() ([]byte, error) {
	p := d.Precision()
	if p == PrecisionNone {
		return []byte{}, nil
	}
	return d.appendText(make([]byte, 0, 10), p), nil
}

// UnmarshalText parses reduced-precision ISO 8601.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Period is a dated interval. A zero From means "since an unknown time"; a
// zero To means "still in force".
type Period struct {
	From Date `json:"from,omitzero"`
	To   Date `json:"to,omitzero"`
}

// Contains reports whether the period is in force on day d. Periods are
// half-open: From counts from its first possible day; a To known to the day
// is the first day the period no longer holds (a partnership that ends the
// day its partner accedes), while a To known only to a month or year covers
// all of it, as the source does not say which day it ended.
func (p Period) Contains(d Date) bool {
	if !p.From.IsZero() && !p.From.OnOrBefore(d) {
		return false
	}
	if p.To.IsZero() {
		return true
	}
	if p.To.Precision() == PrecisionDay {
		return d.First().Compare(p.To) < 0
	}
	return !p.To.Before(d)
}

// Within reports whether p lies inside q, allowing for precision: a bound
// known only to a year or month lies inside q if it can.
func (p Period) Within(q Period) bool {
	if !q.From.IsZero() && !p.From.IsZero() && p.From.Last().Compare(q.From.First()) < 0 {
		return false
	}
	if !q.To.IsZero() {
		if p.To.IsZero() && !p.From.IsZero() && q.To.Before(p.From) {
			return false
		}
		if !p.To.IsZero() && p.To.First().Compare(q.To.Last()) > 0 {
			return false
		}
		if p.To.IsZero() && p.From.IsZero() {
			return false
		}
	}
	return true
}

// Overlaps reports whether p and q share a day. Periods that only touch (one
// ends the day the other starts) do not overlap: a partner that joins the
// alliance ends its partnership the day it accedes.
func (p Period) Overlaps(q Period) bool {
	endsAfter := func(end, start Date) bool {
		return end.IsZero() || start.IsZero() || end.Last().Compare(start.First()) > 0
	}
	return endsAfter(p.To, q.From) && endsAfter(q.To, p.From)
}

func (p Period) String() string {
	switch {
	case p.From.IsZero() && p.To.IsZero():
		return ""
	case p.To.IsZero():
		return p.From.String() + "–"
	case p.To == p.From:
		return p.From.String()
	}
	return p.From.String() + "–" + p.To.String()
}
