package web

import (
	"strconv"
	"strings"

	"github.com/entente/entente"
)

// Helpers the record forms share (issue 10): reading a field, and placing
// a refusal's reasons beside the fields they are about. The forms follow
// the GOV.UK pattern of the users page (web/users.go): a label and hint per
// field, an error summary linking to each field, the error beside it, the
// values kept, a CSRF token.

// formProblems are a record form's errors, in the order of its fields, and
// the reasons of a rule's refusal, by the field they are about.
type formProblems struct {
	List    formErrors
	reasons map[string][]entente.Reason
}

// For returns the error about field, or "".
func (p formProblems) For(field string) string { return p.List.For(field) }

// Reasons returns the reasons of a refusal shown beside field.
func (p formProblems) Reasons(field string) []entente.Reason { return p.reasons[field] }

// Any reports whether there is a problem.
func (p formProblems) Any() bool { return len(p.List) > 0 }

// add notes an error about field.
func (p *formProblems) add(field, text string) { p.List = append(p.List, fieldError{field, text}) }

// refused notes a refusal by a rule: each reason in the summary, linking
// to the field place chooses for it, and beside that field with its
// article or record. A refusal without reasons is one error about
// fallback.
func (p *formProblems) refused(err error, fallback string, place func(entente.Reason) string) {
	rs := entente.ErrorReasons(err)
	if len(rs) == 0 {
		p.add(fallback, sentence(entente.ErrorMessage(err)))
		return
	}
	if p.reasons == nil {
		p.reasons = map[string][]entente.Reason{}
	}
	for _, r := range rs {
		field := place(r)
		if field == "" {
			field = fallback
		}
		p.add(field, sentence(r.Text))
		p.reasons[field] = append(p.reasons[field], r)
	}
}

// sentence starts s with a capital letter, as a message to a person.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// dayField reads a step's date: empty is today (the zero Date, which the
// service takes for today); else a day, YYYY-MM-DD, as a workflow step is
// taken on a day.
func dayField(p *formProblems, field, v string) entente.Date {
	v = strings.TrimSpace(v)
	d, err := entente.ParseDate(v)
	switch {
	case err != nil:
		p.add(field, "Enter the date as YYYY-MM-DD, such as 2025-03-14, or leave it empty for today")
	case !d.IsZero() && d.Precision() != entente.PrecisionDay:
		p.add(field, "Enter the day, as YYYY-MM-DD: "+v+" names a whole "+precisionName(d)+", and a step is taken on a day")
	}
	return d
}

// dateField reads a date at the record's precisions: YYYY, YYYY-MM or
// YYYY-MM-DD; empty is no date.
func dateField(p *formProblems, field, label, v string) entente.Date {
	d, err := entente.ParseDate(strings.TrimSpace(v))
	if err != nil {
		p.add(field, label+" must be a year (YYYY), a month (YYYY-MM) or a day (YYYY-MM-DD), such as 2025, 2025-03 or 2025-03-14")
	}
	return d
}

func precisionName(d entente.Date) string {
	if d.Precision() == entente.PrecisionMonth {
		return "month"
	}
	return "year"
}

// countField reads a whole number of at least 0; empty is 0.
func countField(p *formProblems, field, label, v string) int {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		p.add(field, label+" must be a whole number, such as 12")
		return 0
	}
	return n
}
