package web

import (
	"bytes"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// programmeICal serves a programme's activities as an iCalendar feed
// (RFC 5545), for a calendar program to subscribe to: one all-day event
// per activity known to the day, its dates as DATE values. An activity
// dated only to a month or a year has no day to put it on, so the feed
// leaves it out rather than invent one (the calendar pages list it).
func (s *Server) programmeICal(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d, err := asOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.svc.Programme(ctx, r.PathValue("id"), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cal, err := s.svc.Calendar(ctx, service.CalendarFilter{Alliance: p.Alliance, Programme: p.ID, AsOf: d})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := "http://" + r.Host
	if s.clientOf(r).secure {
		base = "https://" + r.Host
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="`+p.ID+`.ics"`)
	w.Write(ICal(p.Title+" ("+p.ID+")", base, s.svc.Now().UTC(), cal.Entries))
}

// ICal writes entries as an iCalendar object: CRLF line ends, text
// escaped and lines folded at 75 octets (RFC 5545, sections 3.1 and
// 3.3.11). UIDs are the activities' ids, stable across fetches, so a
// subscriber's calendar updates an event rather than adding it again.
func ICal(name, base string, stamp time.Time, entries []service.CalendarEntry) []byte {
	var b bytes.Buffer
	line := func(prop, value string) { b.WriteString(fold(prop + ":" + value)) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//entente//activity calendar//EN")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("X-WR-CALNAME", icalText(name))
	for _, e := range entries {
		if e.From.Precision() != entente.PrecisionDay {
			continue
		}
		end := e.From.Time().AddDate(0, 0, 1)
		if e.To.Precision() == entente.PrecisionDay && e.From.Before(e.To) {
			// A period's To known to the day is its first day no
			// longer in it, as DTEND is.
			end = e.To.Time()
		}
		line("BEGIN", "VEVENT")
		line("UID", icalText(e.ID+"@entente"))
		line("DTSTAMP", stamp.Format("20060102T150405Z"))
		line("DTSTART;VALUE=DATE", e.From.Time().Format("20060102"))
		line("DTEND;VALUE=DATE", end.Format("20060102"))
		line("SUMMARY", icalText(e.Title))
		desc := string(e.Status) + "; " + e.Kind + "; " + e.ProgrammeTitle + " (" + e.Programme + ")"
		line("DESCRIPTION", icalText(desc))
		if e.Location != "" {
			line("LOCATION", icalText(e.Location))
		}
		switch e.Status {
		case entente.ActivityCancelled:
			line("STATUS", "CANCELLED")
		case entente.ActivityProposed:
			line("STATUS", "TENTATIVE")
		default:
			line("STATUS", "CONFIRMED")
		}
		line("URL", base+"/activities/"+e.ID)
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return b.Bytes()
}

// icalText escapes a TEXT value: backslash, semicolon, comma and line
// breaks (RFC 5545, section 3.3.11).
func icalText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// fold ends a content line with CRLF, folded so that no line is longer
// than 75 octets: a fold is CRLF and a space, never inside a UTF-8
// sequence.
func fold(l string) string {
	var b strings.Builder
	n := 0
	for _, r := range l {
		size := utf8.RuneLen(r)
		if n+size > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += size
	}
	b.WriteString("\r\n")
	return b.String()
}
