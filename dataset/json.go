package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/jsondec"
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
// reported as "name:line: section: field: what is wrong": reading goes on
// past a bad record to report the next, and stops only where the JSON
// itself is malformed. On any problem no dataset is returned. The records'
// references to each other are checked once every record could be read.
//
// The document is read as a stream: the decoder holds one record at a time
// besides its read-ahead, and line numbers are counted as reading advances,
// each byte once, so time and memory grow linearly with the document.
func ReadJSON(name string, r io.Reader) (*entente.Dataset, error) {
	ds, _, err := readJSON(name, r)
	return ds, err
}

// readJSON is ReadJSON, also returning how many bytes were scanned for line
// numbers (for the test that reading is linear).
func readJSON(name string, r io.Reader) (*entente.Dataset, int64, error) {
	p := &parser{positions: map[entente.Ref]pos{}}
	var ds entente.Dataset
	lr := &lineReader{r: r, line: 1}
	rd := &jsonReader{name: name, lines: lr, p: p, dec: json.NewDecoder(lr)}
	rd.document(&ds)
	if lr.err != nil {
		return nil, lr.scanned, lr.err
	}
	out, err := p.finish(&ds)
	return out, lr.scanned, err
}

// lineReader passes a document on to the decoder and counts its lines: it
// keeps the bytes from the last offset asked about (a cursor that only
// moves forward) to what the decoder has read, and counts the newlines in
// them when asked about a later offset. Every byte is scanned once.
type lineReader struct {
	r       io.Reader
	err     error  // a read error other than io.EOF
	pending []byte // the bytes from off on that have been read
	off     int64  // the cursor: the offset of pending[0]
	line    int    // the line at off
	total   int64  // bytes read
	scanned int64  // bytes scanned for newlines
}

func (lr *lineReader) Read(b []byte) (int, error) {
	n, err := lr.r.Read(b)
	lr.pending = append(lr.pending, b[:n]...)
	lr.total += int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		lr.err = err
	}
	return n, err
}

// lineAt returns the line of the byte at off, moving the cursor there. An
// offset before the cursor gets the cursor's line.
func (lr *lineReader) lineAt(off int64) int {
	if k := min(off-lr.off, int64(len(lr.pending))); k > 0 {
		lr.line += bytes.Count(lr.pending[:k], newline)
		lr.pending = lr.pending[k:]
		lr.off += k
		lr.scanned += k
	}
	return lr.line
}

var newline = []byte("\n")

// jsonReader reads one JSON document, collecting problems in p.
type jsonReader struct {
	name  string
	lines *lineReader
	dec   *json.Decoder
	p     *parser
}

func (rd *jsonReader) problem(off int64, msg string) {
	rd.problemAtLine(rd.lines.lineAt(off), msg)
}

func (rd *jsonReader) problemAtLine(line int, msg string) {
	rd.p.problems = append(rd.p.problems, fmt.Sprintf("%s:%d: %s", rd.name, line, msg))
}

// malformed records a problem with the JSON itself, after which nothing
// more can be read.
func (rd *jsonReader) malformed(err error) {
	if rd.lines.err != nil {
		return // ReadJSON reports the read error itself
	}
	prob := jsondec.Describe(nil, err)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		prob.Offset = rd.lines.total
	}
	if prob.Offset == 0 {
		prob.Offset = rd.dec.InputOffset()
	}
	rd.problem(prob.Offset, prob.String())
}

// document reads the top-level object, section by section.
func (rd *jsonReader) document(ds *entente.Dataset) {
	dec := rd.dec
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		rd.problem(dec.InputOffset(), "want a JSON object holding the dataset (as written by entente export)")
		return
	}
	sections := collectors(ds)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			rd.malformed(err)
			return
		}
		kind, _ := tok.(string)
		add, ok := sections[kind]
		if !ok {
			rd.problem(dec.InputOffset(), fmt.Sprintf("%s: unknown section; want one of %s", kind, strings.Join(slices.Sorted(maps.Keys(sections)), ", ")))
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				rd.malformed(err)
				return
			}
			continue
		}
		if !rd.section(kind, add) {
			return
		}
	}
	if _, err := dec.Token(); err != nil {
		rd.malformed(err)
		return
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		rd.problem(dec.InputOffset(), "more after the dataset's JSON object")
	}
}

// section reads one section's array, every record of it; it reports false
// when the JSON is malformed and reading must stop.
func (rd *jsonReader) section(kind string, add func(json.RawMessage) (entente.Ref, []jsondec.Problem)) bool {
	dec := rd.dec
	tok, err := dec.Token()
	if err == nil && tok == nil {
		return true // null: no records (WriteJSON writes an empty section so)
	}
	if err != nil || tok != json.Delim('[') {
		rd.problem(dec.InputOffset(), kind+": want an array")
		return false
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			rd.malformed(err)
			return false
		}
		// raw is the element's bytes exactly, so it starts len(raw) before
		// where the decoder now is. A problem's line is counted from there
		// within the element, so the cursor never goes back.
		line := rd.lines.lineAt(dec.InputOffset() - int64(len(raw)))
		ref, probs := add(raw)
		for _, prob := range probs {
			in := raw[:min(max(prob.Offset, 0), int64(len(raw)))]
			rd.problemAtLine(line+bytes.Count(in, newline), kind+": "+prob.String())
		}
		if len(probs) == 0 {
			rd.p.positions[ref] = pos{file: rd.name, line: line}
		}
	}
	if _, err := dec.Token(); err != nil {
		rd.malformed(err)
		return false
	}
	return true
}

// collect returns a function that decodes one element into *list and names
// it, or returns every problem with it.
func collect[T any](list *[]T, ref func(*T) entente.Ref) func(json.RawMessage) (entente.Ref, []jsondec.Problem) {
	return func(raw json.RawMessage) (entente.Ref, []jsondec.Problem) {
		var v T
		if probs := jsondec.Strict(raw, &v); len(probs) > 0 {
			return entente.Ref{}, probs
		}
		*list = append(*list, v)
		return ref(&v), nil
	}
}

// collectors maps each section of the document to its decoder.
func collectors(ds *entente.Dataset) map[string]func(json.RawMessage) (entente.Ref, []jsondec.Problem) {
	r := func(kind string, keys ...string) entente.Ref {
		return entente.Ref{Kind: kind, Key: strings.Join(keys, " ")}
	}
	return map[string]func(json.RawMessage) (entente.Ref, []jsondec.Problem){
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
