package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The activity calendar (issue 10, item 5): /calendar shows a month of the
// alliance's activities (?month=YYYY-MM), /calendar/list every activity
// by date, both filtered by programme, partner, status and area through a
// GET form; a filter's bad value is a 400 naming it. Both read through
// the service, which leaves out what the principal may not see. The day
// asked for (?as_of=) decides what the calendar knows: activities proposed
// after it are left out, the others show their status that day, and the
// month shown is that day's unless ?month= says otherwise.
// /programmes/{id}/calendar.ics is a programme's activities as an
// iCalendar feed (RFC 5545) to subscribe to.

func (s *Server) calendarRoutes() {
	m := s.mux
	m.HandleFunc("GET /calendar", s.pageCalendar(false))
	m.HandleFunc("GET /calendar/list", s.pageCalendar(true))
	m.HandleFunc("GET /programmes/{id}/calendar.ics", s.programmeICal)
}

// calendarData is the calendar pages'.
type calendarData struct {
	*service.Calendar
	List bool
	// Month is the month shown (month view), as YYYY-MM.
	Month      entente.Date
	Prev, Next entente.Date
	// Weeks are the month's days, Monday first, padded to whole weeks.
	Days []calendarDay
	// Loose are the month's activities dated only to the month or year.
	Loose []service.CalendarEntry
	// Query is the filters' query, for the links between the views.
	Query    string
	Statuses []entente.ActivityStatus
}

// calendarDay is one cell of the month: a day, or padding (zero Day).
type calendarDay struct {
	Day     entente.Date
	Weekday string
	Entries []service.CalendarEntry
}

// calendarFilter reads the filters from r's query.
func calendarFilter(r *http.Request, alliance string, asOf entente.Date) service.CalendarFilter {
	q := r.URL.Query()
	return service.CalendarFilter{Alliance: alliance, Programme: strings.TrimSpace(q.Get("programme")),
		Partner: strings.ToUpper(strings.TrimSpace(q.Get("partner"))), Status: entente.ActivityStatus(strings.TrimSpace(q.Get("status"))),
		Area: strings.TrimSpace(q.Get("area")), AsOf: asOf}
}

func (s *Server) pageCalendar(list bool) http.HandlerFunc {
	title := "Activity calendar"
	tmpl := "calendar.html"
	if list {
		title = "Activities by date"
	}
	return func(w http.ResponseWriter, r *http.Request) {
		s.allianceView(w, r, tmpl, title, func(a *entente.Alliance, d entente.Date) (page, error) {
			day := s.day(d)
			month := entente.Date{Year: day.Year, Month: day.Month}
			if v := r.URL.Query().Get("month"); v != "" && !list {
				m, err := entente.ParseDate(v)
				if err != nil || m.Precision() != entente.PrecisionMonth {
					return page{}, entente.Errorf(entente.EINVALID, "month %q: want a month as YYYY-MM, such as %s", v, month)
				}
				month = m
			}
			f := calendarFilter(r, a.Code, d)
			cal, err := s.svc.Calendar(r.Context(), f)
			if err != nil {
				return page{}, err
			}
			data := calendarData{Calendar: cal, List: list, Month: month, Prev: month.AddMonths(-1), Next: month.AddMonths(1),
				Query: filterQuery(f), Statuses: entente.ActivityStatuses}
			if !list {
				data.Days, data.Loose = monthDays(month, cal.Entries)
				return page{Title: title + ": " + month.Month.String() + " " + strconv.Itoa(month.Year), Data: data}, nil
			}
			return page{Data: data}, nil
		})
	}
}

// filterQuery is the query of f's filters, for links that keep them.
func filterQuery(f service.CalendarFilter) string {
	q := url.Values{}
	for k, v := range map[string]string{"programme": f.Programme, "partner": f.Partner, "status": string(f.Status), "area": f.Area} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

// monthDays lays out month: padding before the first Monday, every day
// with the entries starting on it, padding to the last Sunday; and the
// entries of the month dated only to the month or its year.
func monthDays(month entente.Date, entries []service.CalendarEntry) ([]calendarDay, []service.CalendarEntry) {
	first := time.Date(month.Year, month.Month, 1, 0, 0, 0, 0, time.UTC)
	var days []calendarDay
	for range (int(first.Weekday()) + 6) % 7 {
		days = append(days, calendarDay{})
	}
	var loose []service.CalendarEntry
	byDay := map[int][]service.CalendarEntry{}
	for _, e := range entries {
		switch {
		case e.From.Year != month.Year:
		case e.From.Precision() == entente.PrecisionDay && e.From.Month == month.Month:
			byDay[e.From.Day] = append(byDay[e.From.Day], e)
		case e.From.Precision() == entente.PrecisionMonth && e.From.Month == month.Month,
			e.From.Precision() == entente.PrecisionYear && month.Month == time.January:
			loose = append(loose, e)
		}
	}
	for t := first; t.Month() == month.Month; t = t.AddDate(0, 0, 1) {
		days = append(days, calendarDay{Day: entente.Day(t), Weekday: t.Weekday().String(), Entries: byDay[t.Day()]})
	}
	for len(days)%7 != 0 {
		days = append(days, calendarDay{})
	}
	return days, loose
}

// AreaName is the name of the area with code, or the code.
func (d calendarData) AreaName(code string) string {
	for _, a := range d.Areas {
		if a.Code == code {
			return a.Name
		}
	}
	return code
}

// MonthQuery is the query of the month view of m with the filters kept.
func (d calendarData) MonthQuery(m entente.Date) string {
	q, _ := url.ParseQuery(d.Query)
	q.Set("month", m.String())
	return q.Encode()
}

// InMonth reports whether any activity shows in the month.
func (d calendarData) InMonth() bool {
	for _, day := range d.Days {
		if len(day.Entries) > 0 {
			return true
		}
	}
	return len(d.Loose) > 0
}

// With is path with the filters' query, if any.
func (d calendarData) With(path string) string {
	if d.Query == "" {
		return path
	}
	return path + "?" + d.Query
}
