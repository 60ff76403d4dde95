package service

import (
	"context"
	"reflect"
	"sync"
	"time"

	"github.com/entente/entente"
)

// A view as of a day depends on the day only through comparisons with the
// dates of the records it reads: whether a membership had begun, a
// partnership ended, a meeting taken place. Between two of those dates
// nothing it shows can change but the day itself, so a page rendered for
// one day of such a span can be served for every other (web's day spans).
// ProfileSpan finds that span: it reads through a datesReader, which notes
// every date of every record (and every date of a find's filter) that the
// view reads, then takes the days around the asked-for one that no noted
// date separates from it.
//
// The dates are noted with a day's margin on either side, so that
// comparisons of the day with a date's first or last possible day, a day
// before or after it, come out the same on the whole span (see spanOf). A
// view that read different records for another day of its span would have
// to decide so on some comparison with a date read before: that date is
// noted, so the other day is not in the span.

// ProfileSpan is Profile, with the span of days around asOf (From to To,
// both included) on which the profile is the same but for its AsOf: on any
// other day of the span, Profile answers what it answered for asOf, with
// that day's AsOf. A span of one day means no other day is known to be
// alike; a zero From or To, that the span reaches back or on without end.
func (s *Service) ProfileSpan(ctx context.Context, alliance, code string, asOf entente.Date) (*Profile, entente.Period, error) {
	asOf = s.day(asOf)
	return viewSpan(ctx, s, asOf, func(r entente.Reader) (*Profile, error) { return profile(ctx, r, alliance, code, asOf) })
}

// MembersSpan is Members, with the span of days around asOf on which the
// list is the same (see ProfileSpan).
func (s *Service) MembersSpan(ctx context.Context, alliance string, asOf entente.Date) ([]Member, entente.Period, error) {
	asOf = s.day(asOf)
	return viewSpan(ctx, s, asOf, func(r entente.Reader) ([]Member, error) { return members(ctx, r, alliance, asOf) })
}

// PartnersSpan is Partners, with the span of days around asOf on which the
// list is the same (see ProfileSpan).
func (s *Service) PartnersSpan(ctx context.Context, alliance string, asOf entente.Date) ([]Partner, entente.Period, error) {
	asOf = s.day(asOf)
	return viewSpan(ctx, s, asOf, func(r entente.Reader) ([]Partner, error) { return partners(ctx, r, alliance, asOf) })
}

// viewSpan is view, read through a datesReader: with the span of days
// around asOf that no date read separates from it.
func viewSpan[T any](ctx context.Context, s *Service, asOf entente.Date, read func(r entente.Reader) (T, error)) (T, entente.Period, error) {
	var span entente.Period
	out, err := view(ctx, s, func(r entente.Reader) (T, error) {
		dr := &datesReader{r: r}
		v, err := read(dr)
		span = dr.spanOf(asOf)
		return v, err
	})
	return out, span, err
}

// spanOf is the span of days around d that no noted date separates from d:
// from the latest boundary on or before d to the day before the next one.
// Each noted date's first and last possible days t give the boundaries t-1,
// t, t+1 and t+2, so that d-1, d and d+1 compare with t (before, on or
// after it) alike on the whole span.
func (dr *datesReader) spanOf(d entente.Date) entente.Period {
	span := entente.Period{From: d, To: d}
	if d.Precision() != entente.PrecisionDay {
		return span
	}
	day := d.Time()
	var from, next time.Time // the latest boundary on or before d; the first after it
	for _, t := range dr.days {
		for k := -1; k <= 2; k++ {
			b := t.AddDate(0, 0, k)
			switch {
			case !b.After(day):
				if from.IsZero() || b.After(from) {
					from = b
				}
			case next.IsZero() || b.Before(next):
				next = b
			}
		}
	}
	if !from.IsZero() {
		span.From = entente.Day(from)
	} else {
		span.From = entente.Date{} // no date before d: the span reaches back without end
	}
	if !next.IsZero() {
		span.To = entente.Day(next.AddDate(0, 0, -1))
	} else {
		span.To = entente.Date{}
	}
	return span
}

// datesReader is a Reader that notes the dates of every record it reads
// (see ProfileSpan). It names every method of Reader itself, rather than
// embedding one, so that a find added to Reader cannot pass it unnoted:
// the compiler asks for it here.
type datesReader struct {
	r    entente.Reader
	days []time.Time // the first and last possible days of each date noted
}

var _ entente.Reader = (*datesReader)(nil)

// note walks v for entente.Date values, in structs, slices, arrays,
// pointers, maps and interfaces, and keeps their first and last days.
func (dr *datesReader) note(v any) {
	dr.walk(reflect.ValueOf(v))
}

var dateType = reflect.TypeFor[entente.Date]()

func (dr *datesReader) walk(v reflect.Value) {
	if !v.IsValid() || !holdsDates(v.Type()) {
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == dateType {
			// By field, not Interface: the date may sit in an unexported field.
			d := entente.Date{Year: int(v.FieldByName("Year").Int()), Month: time.Month(v.FieldByName("Month").Int()),
				Day: int(v.FieldByName("Day").Int())}
			if !d.IsZero() {
				dr.days = append(dr.days, d.First().Time(), d.Last().Time())
			}
			return
		}
		for i := range v.NumField() {
			dr.walk(v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			dr.walk(v.Index(i))
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			dr.walk(v.Elem())
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			dr.walk(it.Key())
			dr.walk(it.Value())
		}
	}
}

var datesIn sync.Map // of reflect.Type to bool

// holdsDates reports whether a value of type t may hold an entente.Date;
// the answers are kept, since a view walks the same few types many times.
func holdsDates(t reflect.Type) bool {
	if h, ok := datesIn.Load(t); ok {
		return h.(bool)
	}
	h := typeHoldsDates(t, map[reflect.Type]bool{})
	datesIn.Store(t, h)
	return h
}

func typeHoldsDates(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == dateType {
		return true
	}
	if seen[t] {
		return false // a cycle: its other branches answer
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			if typeHoldsDates(t.Field(i).Type, seen) {
				return true
			}
		}
	case reflect.Slice, reflect.Array, reflect.Pointer:
		return typeHoldsDates(t.Elem(), seen)
	case reflect.Map:
		return typeHoldsDates(t.Key(), seen) || typeHoldsDates(t.Elem(), seen)
	case reflect.Interface:
		return true // whatever it holds
	}
	return false
}

// noted returns v and err after noting v's dates and those of the find's
// arguments.
func noted[T any](dr *datesReader, v T, err error, args ...any) (T, error) {
	if err == nil {
		dr.note(v)
		for _, a := range args {
			dr.note(a)
		}
	}
	return v, err
}

func (dr *datesReader) FindCountry(ctx context.Context, code string) (*entente.Country, error) {
	v, err := dr.r.FindCountry(ctx, code)
	return noted(dr, v, err)
}

func (dr *datesReader) FindCountries(ctx context.Context) ([]entente.Country, error) {
	v, err := dr.r.FindCountries(ctx)
	return noted(dr, v, err)
}

func (dr *datesReader) FindCountriesIn(ctx context.Context, codes []string) ([]entente.Country, error) {
	v, err := dr.r.FindCountriesIn(ctx, codes)
	return noted(dr, v, err)
}

func (dr *datesReader) FindAlliance(ctx context.Context, code string) (*entente.Alliance, error) {
	v, err := dr.r.FindAlliance(ctx, code)
	return noted(dr, v, err)
}

func (dr *datesReader) FindAlliances(ctx context.Context) ([]entente.Alliance, error) {
	v, err := dr.r.FindAlliances(ctx)
	return noted(dr, v, err)
}

func (dr *datesReader) FindMemberships(ctx context.Context, f entente.Filter) ([]entente.Membership, error) {
	v, err := dr.r.FindMemberships(ctx, f)
	return noted(dr, v, err, f)
}

func (dr *datesReader) FindFrameworks(ctx context.Context, f entente.Filter) ([]entente.Framework, error) {
	v, err := dr.r.FindFrameworks(ctx, f)
	return noted(dr, v, err, f)
}

func (dr *datesReader) FindPartnerships(ctx context.Context, f entente.Filter) ([]entente.Partnership, error) {
	v, err := dr.r.FindPartnerships(ctx, f)
	return noted(dr, v, err, f)
}

func (dr *datesReader) FindGroups(ctx context.Context, f entente.Filter) ([]entente.Group, error) {
	v, err := dr.r.FindGroups(ctx, f)
	return noted(dr, v, err, f)
}

func (dr *datesReader) FindAreas(ctx context.Context) ([]entente.Area, error) {
	v, err := dr.r.FindAreas(ctx)
	return noted(dr, v, err)
}

func (dr *datesReader) FindProgrammes(ctx context.Context, f entente.Filter) ([]entente.Programme, error) {
	v, err := dr.r.FindProgrammes(ctx, f)
	return noted(dr, v, err, f)
}

func (dr *datesReader) FindOperations(ctx context.Context, f entente.Filter) ([]entente.Operation, error) {
	v, err := dr.r.FindOperations(ctx, f)
	return noted(dr, v, err, f)
}

func (dr *datesReader) FindContributions(ctx context.Context, f entente.Filter) ([]entente.Contribution, error) {
	v, err := dr.r.FindContributions(ctx, f)
	return noted(dr, v, err, f)
}

func (dr *datesReader) FindMeetings(ctx context.Context, f entente.Filter) ([]entente.Meeting, error) {
	v, err := dr.r.FindMeetings(ctx, f)
	return noted(dr, v, err, f)
}

func (dr *datesReader) FindInvitations(ctx context.Context, f entente.Filter) ([]entente.Invitation, error) {
	v, err := dr.r.FindInvitations(ctx, f)
	return noted(dr, v, err, f)
}

func (dr *datesReader) FindDefenceEvents(ctx context.Context, f entente.Filter) ([]entente.DefenceEvent, error) {
	v, err := dr.r.FindDefenceEvents(ctx, f)
	return noted(dr, v, err, f)
}

func (dr *datesReader) FindSources(ctx context.Context, ids []string) ([]entente.Source, error) {
	v, err := dr.r.FindSources(ctx, ids)
	return noted(dr, v, err)
}

func (dr *datesReader) FindAuditEvents(ctx context.Context, f entente.AuditFilter) ([]entente.AuditEvent, error) {
	v, err := dr.r.FindAuditEvents(ctx, f)
	return noted(dr, v, err, f)
}

func (dr *datesReader) WalkAuditEvents(ctx context.Context, fn func(*entente.AuditEvent) bool) error {
	return dr.r.WalkAuditEvents(ctx, func(e *entente.AuditEvent) bool {
		dr.note(e)
		return fn(e)
	})
}

func (dr *datesReader) FindAuditHead(ctx context.Context) (entente.AuditHead, error) {
	v, err := dr.r.FindAuditHead(ctx)
	return noted(dr, v, err)
}

func (dr *datesReader) FindObjectives(ctx context.Context, programme string) ([]entente.Objective, error) {
	v, err := dr.r.FindObjectives(ctx, programme)
	return noted(dr, v, err)
}

func (dr *datesReader) FindGoals(ctx context.Context, programme string) ([]entente.Goal, error) {
	v, err := dr.r.FindGoals(ctx, programme)
	return noted(dr, v, err)
}

func (dr *datesReader) FindOffers(ctx context.Context, code string) ([]entente.Offer, error) {
	v, err := dr.r.FindOffers(ctx, code)
	return noted(dr, v, err)
}

func (dr *datesReader) FindActivities(ctx context.Context, f entente.ActivityFilter) ([]entente.Activity, error) {
	v, err := dr.r.FindActivities(ctx, f)
	return noted(dr, v, err, f)
}

func (dr *datesReader) FindActivity(ctx context.Context, id string) (*entente.Activity, error) {
	v, err := dr.r.FindActivity(ctx, id)
	return noted(dr, v, err)
}

// TallyActivities notes its day: counts on a day are counts of that day.
func (dr *datesReader) TallyActivities(ctx context.Context, f entente.ActivityFilter, day entente.Date) ([]entente.ActivityCount, error) {
	v, err := dr.r.TallyActivities(ctx, f, day)
	return noted(dr, v, err, f, day)
}

func (dr *datesReader) CountActivities(ctx context.Context, programme string) (int, error) {
	return dr.r.CountActivities(ctx, programme)
}

func (dr *datesReader) FindReviews(ctx context.Context, programme string) ([]entente.Review, error) {
	v, err := dr.r.FindReviews(ctx, programme)
	return noted(dr, v, err)
}

func (dr *datesReader) FindReview(ctx context.Context, id string) (*entente.Review, error) {
	v, err := dr.r.FindReview(ctx, id)
	return noted(dr, v, err)
}

func (dr *datesReader) FindAccount(ctx context.Context, name string) (*entente.Account, error) {
	v, err := dr.r.FindAccount(ctx, name)
	return noted(dr, v, err)
}

func (dr *datesReader) FindAccountByID(ctx context.Context, id int64) (*entente.Account, error) {
	v, err := dr.r.FindAccountByID(ctx, id)
	return noted(dr, v, err)
}

func (dr *datesReader) FindAccounts(ctx context.Context) ([]entente.Account, error) {
	v, err := dr.r.FindAccounts(ctx)
	return noted(dr, v, err)
}

func (dr *datesReader) FindToken(ctx context.Context, id int64) (*entente.Token, error) {
	v, err := dr.r.FindToken(ctx, id)
	return noted(dr, v, err)
}

func (dr *datesReader) FindTokenByHash(ctx context.Context, hash string) (*entente.Token, error) {
	v, err := dr.r.FindTokenByHash(ctx, hash)
	return noted(dr, v, err)
}

func (dr *datesReader) FindTokens(ctx context.Context, account int64) ([]entente.Token, error) {
	v, err := dr.r.FindTokens(ctx, account)
	return noted(dr, v, err)
}
