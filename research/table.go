package research

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/entente/entente"
)

// ReadError is a problem in a file read: its line, the column, and what is
// wrong.
type ReadError struct {
	Line   int
	Column string
	Msg    string
}

func (e *ReadError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Column, e.Msg)
}

// table writes a header and rows as CSV.
type table struct {
	w   *csv.Writer
	err error
}

func newTable(w io.Writer, header []string) *table {
	t := &table{w: csv.NewWriter(w)}
	t.row(header)
	return t
}

func (t *table) row(fields []string) {
	if t.err == nil {
		t.err = t.w.Write(fields)
	}
}

func (t *table) close() error {
	if t.err != nil {
		return t.err
	}
	t.w.Flush()
	return t.w.Error()
}

// reader reads a CSV table by column name.
type reader struct {
	r    *csv.Reader
	cols map[string]int
	row  []string
	line int
}

// newReader reads the header and checks that it names every required
// column.
func newReader(in io.Reader, required ...string) (*reader, error) {
	r := csv.NewReader(in)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ReadError{Line: 1, Msg: "empty file: want a header line"}
		}
		return nil, &ReadError{Line: 1, Msg: err.Error()}
	}
	rd := &reader{r: r, cols: map[string]int{}, line: 1}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		rd.cols[h] = i
	}
	for _, c := range required {
		if _, ok := rd.cols[c]; !ok {
			return nil, &ReadError{Line: 1, Column: c, Msg: "missing from the header"}
		}
	}
	return rd, nil
}

// next reads the next row; false at the end of the file or on an error.
func (rd *reader) next() (bool, error) {
	row, err := rd.r.Read()
	if errors.Is(err, io.EOF) {
		return false, nil
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return false, &ReadError{Line: pe.Line, Msg: pe.Err.Error()}
		}
		return false, err
	}
	rd.line, _ = rd.r.FieldPos(0)
	rd.row = row
	return true, nil
}

// get is the value in column c, "" if the file has no such column or the
// row is short.
func (rd *reader) get(c string) string {
	i, ok := rd.cols[c]
	if !ok || i >= len(rd.row) {
		return ""
	}
	return strings.TrimSpace(rd.row[i])
}

func (rd *reader) fail(c, format string, args ...any) error {
	return &ReadError{Line: rd.line, Column: c, Msg: fmt.Sprintf(format, args...)}
}

// missing reports whether v is a missing value: empty, or the codes the
// datasets use for one (COW -9, ATOP 0, "NA", ".").
func missing(v string) bool {
	switch v {
	case "", "-9", "0", "NA", ".":
		return true
	}
	return false
}

// int reads column c as a whole number (0 for a missing value).
func (rd *reader) int(c string) (int, error) {
	v := rd.get(c)
	if missing(v) {
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64) // Stata exports write 2.0
	if err != nil || f != float64(int(f)) || f < 0 {
		return 0, rd.fail(c, "%q is not a whole number", v)
	}
	return int(f), nil
}

// date reads a date from its year, month and day columns, at the precision
// they give: no year is no date, no month a year, no day a month.
func (rd *reader) date(year, month, day string) (entente.Date, error) {
	y, err := rd.int(year)
	if err != nil || y == 0 {
		return entente.Date{}, err
	}
	m, err := rd.int(month)
	if err != nil {
		return entente.Date{}, err
	}
	d, err := rd.int(day)
	if err != nil {
		return entente.Date{}, err
	}
	out := entente.Date{Year: y}
	if m != 0 {
		if m > 12 {
			return entente.Date{}, rd.fail(month, "%d is not a month", m)
		}
		out.Month = time.Month(m)
		out.Day = d
	}
	if _, err := entente.ParseDate(out.String()); err != nil {
		return entente.Date{}, rd.fail(day, "%d-%d-%d is not a date", y, m, d)
	}
	return out, nil
}

// state reads a state from its COW code column and, when the file has one,
// its ISO 3166-1 column; the crosswalk fills in whichever is missing.
func (rd *reader) state(ccodeCol, isoCol string) (iso3 string, ccode int, err error) {
	ccode, err = rd.int(ccodeCol)
	if err != nil {
		return "", 0, err
	}
	iso3 = strings.ToUpper(rd.get(isoCol))
	if iso3 != "" && !entente.ValidCountryCode(iso3) {
		return "", 0, rd.fail(isoCol, "%q is not an ISO 3166-1 alpha-3 code", iso3)
	}
	cw := Crosswalk()
	switch {
	case iso3 == "" && ccode != 0:
		if s, ok := cw.ISO3(ccode); ok {
			iso3 = s.ISO3
		}
	case iso3 != "" && ccode == 0:
		if s, ok := cw.COW(iso3); ok {
			ccode = s.CCode
		}
	case iso3 == "" && ccode == 0:
		return "", 0, rd.fail(ccodeCol, "no state: the row has neither a COW code nor an ISO code")
	}
	return iso3, ccode, nil
}

// Table writes a CSV table: a header, then rows. It is the one CSV writer
// of entente's tables, shared by the research files and the web's
// downloads.
type Table struct {
	t     *table
	guard bool
}

// NewTable starts a table on w with its header. With guard, every cell a
// spreadsheet would read as a formula is defused (see SafeCell); research
// files leave it off, since their missing-value codes (COW's -9) must stay
// as they are.
func NewTable(w io.Writer, header []string, guard bool) *Table {
	return &Table{t: newTable(w, header), guard: guard}
}

// Row writes one row. The first error sticks; Close reports it.
func (t *Table) Row(fields []string) {
	if t.guard {
		for i, f := range fields {
			fields[i] = SafeCell(f)
		}
	}
	t.t.row(fields)
}

// Close flushes the table and reports the first error met.
func (t *Table) Close() error { return t.t.close() }

// SafeCell guards a cell against CSV (formula) injection: a cell that
// begins with =, +, -, @, a tab or a carriage return, which spreadsheets
// may run as a formula, is prefixed with a single quote, which they show
// as text. Other cells are unchanged.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
