package sqlstore

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/entente/entente"
)

// This file converts between domain values and column values. The same Go
// value must come back from both engines, whatever each driver hands to
// Scan (string or []byte, time.Time or text), so every non-trivial column
// is read through one of these scanners.

// text returns src as a string; ok is false for NULL.
func text(src any) (s string, ok bool, err error) {
	switch v := src.(type) {
	case nil:
		return "", false, nil
	case string:
		return v, true, nil
	case []byte:
		return string(v), true, nil
	}
	return "", false, fmt.Errorf("cannot read %T as text", src)
}

// textCol reads a nullable TEXT column; NULL becomes "".
type textCol struct{ p *string }

func (c textCol) Scan(src any) error {
	s, _, err := text(src)
	*c.p = s
	return err
}

// dateCol reads a date stored as reduced-precision ISO 8601 text; NULL and
// ” are the zero Date.
type dateCol struct{ p *entente.Date }

func (c dateCol) Scan(src any) error {
	s, _, err := text(src)
	if err != nil {
		return err
	}
	d, err := entente.ParseDate(s)
	if err != nil {
		return fmt.Errorf("stored date: %w", err)
	}
	*c.p = d
	return nil
}

// listCol reads a space-separated list (a record's source ids). It never
// leaves a nil slice, so JSON shows an empty list as [] rather than null.
type listCol struct{ p *[]string }

func (c listCol) Scan(src any) error {
	s, _, err := text(src)
	*c.p = append([]string{}, strings.Fields(s)...)
	return err
}

// jsonList reads a JSON array of strings (an alliance's eligible regions,
// which contain spaces); never nil, like listCol.
type jsonList struct{ p *[]string }

func (c jsonList) Scan(src any) error {
	s, _, err := text(src)
	if err != nil {
		return err
	}
	out := []string{}
	if s != "" {
		if err := json.Unmarshal([]byte(s), &out); err != nil {
			return fmt.Errorf("stored list %q: %w", s, err)
		}
	}
	*c.p = out
	return nil
}

// timeLayouts are the forms a timestamp may come back in as text: SQLite
// returns text when it cannot parse the value itself.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
}

// timeCol reads a timestamp, in UTC whatever the session's time zone.
type timeCol struct{ p *time.Time }

func (c timeCol) Scan(src any) error {
	if t, ok := src.(time.Time); ok {
		*c.p = t.UTC()
		return nil
	}
	s, _, err := text(src)
	if err != nil {
		return err
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			*c.p = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("stored time %q is not a timestamp", s)
}

// dateArg is a date as a column value: NULL when unknown.
func dateArg(d entente.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// refArg is an optional reference as a column value: NULL when empty, so the
// foreign key does not look for a record with an empty key.
func refArg(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// listArg is a list of ids as a space-separated column value.
func listArg(l []string) string { return strings.Join(l, " ") }

// jsonArg is a list of strings as a JSON array column value.
func jsonArg(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, _ := json.Marshal(l) // a []string always marshals
	return string(b)
}

func provDest(p *entente.Provenance) []any {
	return []any{listCol{&p.Sources}, textCol{&p.Note}, textCol{&p.Unconfirmed}, releaseCol{&p.Releasability}, quotesCol{&p.Quotes}}
}

func provArgs(p *entente.Provenance) []any {
	return []any{listArg(p.Sources), p.Note, p.Unconfirmed, p.Releasability.String(), quotesArg(p.Quotes)}
}

// quotesArg is a record's quotations as a column value: a JSON array of
// {"source", "text"} objects, or ” when there are none, as in every row
// written before quotations (migration 0023).
func quotesArg(qs []entente.Quote) string {
	if len(qs) == 0 {
		return ""
	}
	b, _ := json.Marshal(qs) // strings only: always marshals
	return string(b)
}

// quotesCol reads a record's quotations as quotesArg wrote them; none is a
// nil slice, as the dataset reads a record that quotes nothing.
type quotesCol struct{ p *[]entente.Quote }

func (c quotesCol) Scan(src any) error {
	s, _, err := text(src)
	*c.p = nil
	if err != nil || s == "" {
		return err
	}
	if err := json.Unmarshal([]byte(s), c.p); err != nil {
		return fmt.Errorf("stored quotes %q: %w", s, err)
	}
	return nil
}

// linked names the Wikidata columns of the tables that have them, in the
// order of linkedDest and linkedArgs.
func linked(alias string) string {
	return alias + ".wikidata, " + alias + ".wikidata_sources"
}

func linkedDest(l *entente.Linked) []any {
	return []any{textCol{&l.Wikidata}, optListCol{&l.WikidataSources}}
}

func linkedArgs(l *entente.Linked) []any {
	return []any{l.Wikidata, listArg(l.WikidataSources)}
}

// optListCol reads a space-separated list that is left out when empty (a
// Wikidata id's sources): an empty column is a nil slice, as the dataset
// reads a record that gives none.
type optListCol struct{ p *[]string }

func (c optListCol) Scan(src any) error {
	s, _, err := text(src)
	*c.p = nil
	if f := strings.Fields(s); len(f) > 0 {
		*c.p = f
	}
	return err
}

// releaseCol reads a record's marking as Releasability.String wrote it.
type releaseCol struct{ p *entente.Releasability }

func (c releaseCol) Scan(src any) error {
	s, _, err := text(src)
	if err != nil {
		return err
	}
	r, err := entente.ParseReleasability(s)
	if err != nil {
		return fmt.Errorf("stored releasability %q: %w", s, err)
	}
	*c.p = r
	return nil
}
