package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/entente/entente"
)

// WriteJSON writes ds as entente's JSON document: canonical order, two-space
// indentation, one trailing newline. The same content always gives the same
// bytes.
func WriteJSON(w io.Writer, ds *entente.Dataset) error {
	ds.Sort()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(ds)
}

// ReadJSON reads a JSON document written by WriteJSON. Every problem is
// reported as "name:line: field: what is wrong", and on any problem no
// dataset is returned.
func ReadJSON(name string, r io.Reader) (*entente.Dataset, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	p := &parser{positions: map[entente.Ref]pos{}}
	lineAt := func(off int64) int { return 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n")) }
	fail := func(off int64, format string, args ...any) (*entente.Dataset, error) {
		return nil, &ParseError{Problems: []string{fmt.Sprintf("%s:%d: %s", name, lineAt(off), fmt.Sprintf(format, args...))}}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fail(dec.InputOffset(), "want a JSON object holding the dataset (as written by entente export)")
	}
	var ds entente.Dataset
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(dec.InputOffset(), "%s", jsonMessage(err))
		}
		kind, _ := tok.(string)
		add, ok := collectors(&ds)[kind]
		if !ok {
			return fail(dec.InputOffset(), "%s: unknown section", kind)
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return fail(dec.InputOffset(), "%s: want an array", kind)
		}
		for dec.More() {
			start := dec.InputOffset()
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return fail(dec.InputOffset(), "%s: %s", kind, jsonMessage(err))
			}
			// The element starts after the separator the offset may point at.
			start += int64(len(data[start:]) - len(bytes.TrimLeft(data[start:], ", \t\r\n")))
			ref, err := add(raw)
			if err != nil {
				var te *json.UnmarshalTypeError
				if errors.As(err, &te) {
					return fail(start+te.Offset, "%s: %s: want %s, got %s", kind, te.Field, te.Type, te.Value)
				}
				var de *entente.DateError
				if errors.As(err, &de) {
					if field, off, ok := findValue(raw, de.Value); ok {
						return fail(start+off, "%s: %s: %v", kind, field, de)
					}
				}
				return fail(start, "%s: %s", kind, jsonMessage(err))
			}
			p.positions[ref] = pos{file: name, line: lineAt(start)}
		}
		if _, err := dec.Token(); err != nil {
			return fail(dec.InputOffset(), "%s", jsonMessage(err))
		}
	}
	if _, err := dec.Token(); err != nil {
		return fail(dec.InputOffset(), "%s", jsonMessage(err))
	}
	for _, prob := range ds.Validate() {
		p.problems = append(p.problems, p.locate(prob))
	}
	if len(p.problems) > 0 {
		return nil, &ParseError{Problems: p.problems}
	}
	ds.Sort()
	return &ds, nil
}

func jsonMessage(err error) string {
	return strings.TrimPrefix(err.Error(), "json: ")
}

// strict decodes raw into v, refusing unknown fields.
func strict(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// collect returns a function that decodes one element into *list and names it.
func collect[T any](list *[]T, ref func(*T) entente.Ref) func(json.RawMessage) (entente.Ref, error) {
	return func(raw json.RawMessage) (entente.Ref, error) {
		var v T
		if err := strict(raw, &v); err != nil {
			return entente.Ref{}, err
		}
		*list = append(*list, v)
		return ref(&v), nil
	}
}

// collectors maps each section of the document to its decoder.
func collectors(ds *entente.Dataset) map[string]func(json.RawMessage) (entente.Ref, error) {
	r := func(kind string, keys ...string) entente.Ref {
		return entente.Ref{Kind: kind, Key: strings.Join(keys, " ")}
	}
	return map[string]func(json.RawMessage) (entente.Ref, error){
		"sources":   collect(&ds.Sources, func(v *entente.Source) entente.Ref { return r("source", v.ID) }),
		"countries": collect(&ds.Countries, func(v *entente.Country) entente.Ref { return r("country", v.Code) }),
		"alliances": collect(&ds.Alliances, func(v *entente.Alliance) entente.Ref {
			for i := range v.Articles {
				v.Articles[i].Alliance = v.Code
			}
			return r("alliance", v.Code)
		}),
		"memberships":    collect(&ds.Memberships, func(v *entente.Membership) entente.Ref { return r("membership", v.Alliance, v.Country) }),
		"frameworks":     collect(&ds.Frameworks, func(v *entente.Framework) entente.Ref { return r("framework", v.Alliance, v.Code) }),
		"partnerships":   collect(&ds.Partnerships, func(v *entente.Partnership) entente.Ref { return r("partnership", v.Alliance, v.Country, v.Framework) }),
		"groups":         collect(&ds.Groups, func(v *entente.Group) entente.Ref { return r("group", v.Alliance, v.Code) }),
		"areas":          collect(&ds.Areas, func(v *entente.Area) entente.Ref { return r("area", v.Code) }),
		"programmes":     collect(&ds.Programmes, func(v *entente.Programme) entente.Ref { return r("programme", v.ID) }),
		"operations":     collect(&ds.Operations, func(v *entente.Operation) entente.Ref { return r("operation", v.Code) }),
		"contributions":  collect(&ds.Contributions, func(v *entente.Contribution) entente.Ref { return r("contribution", v.ID) }),
		"meetings":       collect(&ds.Meetings, func(v *entente.Meeting) entente.Ref { return r("meeting", v.ID) }),
		"invitations":    collect(&ds.Invitations, func(v *entente.Invitation) entente.Ref { return r("invitation", v.Meeting, v.Country) }),
		"defence_events": collect(&ds.DefenceEvents, func(v *entente.DefenceEvent) entente.Ref { return r("defence-event", v.ID) }),
		"objectives":     collect(&ds.Objectives, func(v *entente.Objective) entente.Ref { return r("objective", v.Programme, v.Code) }),
		"goals":          collect(&ds.Goals, func(v *entente.Goal) entente.Ref { return r("goal", v.Programme, v.Code) }),
		"menu":           collect(&ds.Offers, func(v *entente.Offer) entente.Ref { return r("offer", v.Code) }),
		"activities":     collect(&ds.Activities, func(v *entente.Activity) entente.Ref { return r("activity", v.ID) }),
		"reviews":        collect(&ds.Reviews, func(v *entente.Review) entente.Ref { return r("review", v.ID) }),
	}
}

// findValue walks a JSON value's tokens to find the string value v, and
// returns the path of the field holding it ("consents.date") and its offset
// in raw, so an error about v can name the field and its line.
func findValue(raw json.RawMessage, v string) (string, int64, bool) {
	type frame struct {
		obj     bool   // an object, not an array
		key     string // the object's current key
		wantKey bool   // the next string is a key
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(raw))
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return "", 0, false
		}
		top := len(stack) - 1
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, frame{obj: t == '{', wantKey: t == '{'})
			default:
				stack = stack[:top]
				if top > 0 && stack[top-1].obj {
					stack[top-1].wantKey = true
				}
			}
			continue
		case string:
			if top >= 0 && stack[top].wantKey {
				stack[top].key, stack[top].wantKey = t, false
				continue
			}
			if t == v {
				var keys []string
				for _, f := range stack {
					if f.obj {
						keys = append(keys, f.key)
					}
				}
				off += int64(len(raw[off:]) - len(bytes.TrimLeft(raw[off:], ",: \t\r\n")))
				return strings.Join(keys, "."), off, true
			}
		}
		if top >= 0 && stack[top].obj {
			stack[top].wantKey = true
		}
	}
}
