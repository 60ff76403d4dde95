package entente

import (
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends a's JSON encoding to b: byte for byte what json.Marshal
// writes for it (TestActivityAppendJSON, FuzzActivityAppendJSON), without
// reflection. An activity is the record read most, one at a time by id;
// encoding/json took a tenth of that read's CPU in process (BenchmarkReads),
// boxing each omitzero date to ask whether it is zero among the rest.
//
// It must change with Activity: a field added there and not here fails
// TestActivityAppendJSON, which fills every field.
func (a *Activity) AppendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = AppendJSONString(b, a.ID)
	b = append(b, `,"programme":`...)
	b = AppendJSONString(b, a.Programme)
	b = appendOptString(b, `,"goal":`, a.Goal)
	b = appendOptString(b, `,"offer":`, a.Offer)
	b = append(b, `,"title":`...)
	b = AppendJSONString(b, a.Title)
	b = append(b, `,"kind":`...)
	b = AppendJSONString(b, a.Kind)
	b = appendOptString(b, `,"proposer":`, a.Proposer)
	b = appendOptString(b, `,"location":`, a.Location)
	b = appendOptDate(b, `,"from":`, a.From)
	b = appendOptDate(b, `,"to":`, a.To)
	b = append(b, `,"capacity":`...)
	b = strconv.AppendInt(b, int64(a.Capacity), 10)
	b = append(b, `,"status":`...)
	b = AppendJSONString(b, string(a.Status))
	b = append(b, `,"invited":`...)
	b = appendStrings(b, a.Invited)
	b = append(b, `,"registrations":`...)
	if a.Registrations == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, r := range a.Registrations {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"country":`...)
			b = AppendJSONString(b, r.Country)
			b = append(b, `,"participants":`...)
			b = strconv.AppendInt(b, int64(r.Participants), 10)
			b = appendOptDate(b, `,"date":`, r.Date)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = appendOptString(b, `,"outcome":`, a.Outcome)
	if a.Participants != 0 {
		b = append(b, `,"participants":`...)
		b = strconv.AppendInt(b, int64(a.Participants), 10)
	}
	b = appendOptString(b, `,"feedback":`, a.Feedback)
	b = appendOptString(b, `,"cancel_reason":`, a.CancelReason)
	b = append(b, `,"dates":{`...)
	d := &a.Dates
	n := len(b)
	for _, f := range [...]struct {
		name string
		d    Date
	}{{`"proposed":`, d.Proposed}, {`"approved":`, d.Approved}, {`"invitations_sent":`, d.InvitationsSent},
		{`"registration_opened":`, d.RegistrationOpened}, {`"held":`, d.Held}, {`"reported":`, d.Reported},
		{`"cancelled":`, d.Cancelled}} {
		if f.d.IsZero() {
			continue
		}
		if len(b) > n {
			b = append(b, ',')
		}
		b = appendOptDate(b, f.name, f.d)
	}
	b = append(b, '}')
	if a.Synthetic {
		b = append(b, `,"synthetic":true`...)
	}
	return a.Provenance.appendJSON(b)
}

// appendJSON appends p's fields, each after a comma, and closes the
// object they end.
func (p *Provenance) appendJSON(b []byte) []byte {
	b = append(b, `,"sources":`...)
	b = appendStrings(b, p.Sources)
	b = appendOptString(b, `,"note":`, p.Note)
	b = appendOptString(b, `,"unconfirmed":`, p.Unconfirmed)
	if len(p.Quotes) > 0 {
		b = append(b, `,"quotes":[`...)
		for i, q := range p.Quotes {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"source":`...)
			b = AppendJSONString(b, q.Source)
			b = append(b, `,"text":`...)
			b = AppendJSONString(b, q.Text)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if r := p.Releasability; !r.IsZero() {
		b = append(b, `,"releasability":{"level":`...)
		b = AppendJSONString(b, string(r.Level))
		if len(r.To) > 0 {
			b = append(b, `,"to":`...)
			b = appendStrings(b, r.To)
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

// appendOptString appends key and s, unless s is empty (omitempty).
func appendOptString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return AppendJSONString(append(b, key...), s)
}

// appendOptDate appends key and d, unless d is zero (omitzero).
func appendOptDate(b []byte, key string, d Date) []byte {
	if d.IsZero() {
		return b
	}
	b = append(b, key...)
	b = append(b, '"')
	b, _ = d.AppendText(b)
	return append(b, '"')
}

// appendStrings appends ss as a JSON array; nil is null, as json.Marshal
// writes it.
func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, s)
	}
	return append(b, ']')
}

// AppendText appends d as MarshalText writes it (encoding.TextAppender).
func (d Date) AppendText(b []byte) ([]byte, error) {
	p := d.Precision()
	if p == PrecisionNone {
		return b, nil
	}
	return d.appendText(b, p), nil
}

// AppendJSONString appends s as a JSON string, escaped as json.Marshal
// escapes it: quotation mark, backslash and control characters; <, > and
// & (for HTML); U+2028 and U+2029 (for JavaScript); and each byte that is
// not UTF-8 as U+FFFD.
func AppendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
