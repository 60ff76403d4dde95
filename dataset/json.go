package dataset

import (
	"bufio"
	"bytes"
	"context"
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
// bytes. It sorts ds.
func WriteJSON(w io.Writer, ds *entente.Dataset) error {
	ds.Sort()
	jw := NewJSONWriter(w)
	if err := jw.Base(ds); err != nil {
		return err
	}
	for i := range ds.Activities {
		if err := jw.Activity(&ds.Activities[i]); err != nil {
			return err
		}
	}
	return jw.Close()
}

// JSONWriter writes entente's JSON document a part at a time, so that an
// export need not hold its activities, which may be millions: Base with
// every record but the activities, then each activity in canonical order
// (by id), then Close. The bytes are those encoding/json writes for the
// whole Dataset with two-space indentation and no HTML escaping, which is
// what WriteJSON always wrote (TestJSONWriterBytes compares them).
type JSONWriter struct {
	w       *bufio.Writer
	one     bytes.Buffer  // one activity, encoded
	enc     *json.Encoder // into one, indented as an element of a section
	reviews []entente.Review
	acts    int
	err     error
}

// NewJSONWriter returns a JSONWriter writing to w.
func NewJSONWriter(w io.Writer) *JSONWriter {
	jw := &JSONWriter{w: bufio.NewWriterSize(w, 64<<10)}
	jw.enc = json.NewEncoder(&jw.one)
	jw.enc.SetIndent(sectionIndent, "  ")
	jw.enc.SetEscapeHTML(false)
	return jw
}

// sectionIndent is the indentation of a section's elements.
const sectionIndent = "    "

// encode encodes v as encoding/json would as a value nested depth levels
// in the document, without the trailing newline.
func encode(v any, depth int) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent(strings.Repeat("  ", depth), "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), newline), nil
}

// Base writes the document up to its activities: every section of ds
// before them, in canonical order. ds's activities are ignored; its reviews,
// which come after the activities, are written by Close.
func (jw *JSONWriter) Base(ds *entente.Dataset) error {
	rest := *ds
	rest.Activities, rest.Reviews = nil, nil
	rest.Sort()
	jw.reviews = slices.Clone(ds.Reviews)
	slices.SortFunc(jw.reviews, func(a, b entente.Review) int { return strings.Compare(a.ID, b.ID) })
	doc, err := encode(&rest, 0)
	if err != nil {
		return err
	}
	// The object always has its first sections (they are never left
	// out), so it ends with a newline and a brace: the activities and
	// reviews go before them.
	jw.write(bytes.TrimSuffix(doc, []byte("\n}")))
	return jw.err
}

// Activity writes the next activity. Activities must come in canonical
// order (by id, as Dataset.Sort orders them).
func (jw *JSONWriter) Activity(a *entente.Activity) error {
	if jw.acts == 0 {
		jw.write([]byte(",\n  \"activities\": [\n" + sectionIndent))
	} else {
		jw.write([]byte(",\n" + sectionIndent))
	}
	jw.acts++
	jw.one.Reset()
	if err := jw.enc.Encode(a); err != nil {
		return err
	}
	jw.write(bytes.TrimSuffix(jw.one.Bytes(), newline))
	return jw.err
}

// Close ends the document, with the reviews, and flushes it.
func (jw *JSONWriter) Close() error {
	if jw.acts > 0 {
		jw.write([]byte("\n  ]"))
	}
	if len(jw.reviews) > 0 {
		doc, err := encode(jw.reviews, 1)
		if err != nil {
			return err
		}
		jw.write([]byte(",\n  \"reviews\": "))
		jw.write(doc)
	}
	jw.write([]byte("\n}\n"))
	if jw.err != nil {
		return jw.err
	}
	return jw.w.Flush()
}

func (jw *JSONWriter) write(b []byte) {
	if jw.err == nil {
		_, jw.err = jw.w.Write(b)
	}
}

// ReadJSON reads a JSON document written by WriteJSON, whole: StreamJSON's
// parts put together, sorted. On any problem no dataset is returned.
func ReadJSON(name string, r io.Reader) (*entente.Dataset, error) {
	ds, _, err := readJSON(name, r)
	return ds, err
}

// readJSON is ReadJSON, also returning how many bytes were scanned for line
// numbers (for the test that reading is linear).
func readJSON(name string, r io.Reader) (*entente.Dataset, int64, error) {
	var ds *entente.Dataset
	rd := newJSONReader(context.Background(), name, r, func(part *entente.Dataset) error {
		if ds == nil { // the first part: every record but activities
			ds = part
			ds.Reviews = slices.Clone(ds.Reviews)
			return nil
		}
		ds.Activities = append(ds.Activities, part.Activities...)
		ds.Reviews = append(ds.Reviews, part.Reviews...)
		return nil
	})
	if err := rd.read(); err != nil {
		return nil, rd.lines.scanned, err
	}
	ds.Sort()
	return ds, rd.lines.scanned, nil
}

// StreamJSON reads a JSON document written by WriteJSON and hands its
// records to add in parts as it reads them, so that neither the document
// nor its activities are held whole: memory grows with the records other
// than activities and reviews (hundreds, not millions), and for the
// activities only with a compact set of their ids (idSet), to find one
// defined twice.
//
// The parts come parents first, as Store.AddRecords takes them: every
// record but the activities and reviews, once the activities begin (or at
// the end if there are none), after checking them as a whole (Validate);
// then the activities in batches of activityBatch, each activity checked
// against the records before it (Dataset.ActivityCheck) and against the
// ids before it; then the reviews. So the activities must come after every
// other section but the reviews, as WriteJSON writes them.
//
// Every problem is reported as "name:line: section: field: what is wrong"
// (or "name:line: [record]: field: ..."); reading goes on past a bad record
// to report the next, and stops only where the JSON itself is malformed.
// Once a problem is found add is not called again, and StreamJSON returns
// a *ParseError listing them all at the end: its caller rolls back what add
// wrote. An error from add, or ctx's when it is cancelled, stops reading and
// comes back unchanged.
//
// Line numbers are counted as reading advances, each byte once, so time
// grows linearly with the document.
func StreamJSON(ctx context.Context, name string, r io.Reader, add func(*entente.Dataset) error) error {
	return newJSONReader(ctx, name, r, add).read()
}

// activityBatch is how many activities StreamJSON hands to add at a time.
const activityBatch = 2000

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

// jsonReader reads one JSON document, collecting problems in p and handing
// records to add (see StreamJSON).
type jsonReader struct {
	ctx   context.Context
	name  string
	lines *lineReader
	dec   *json.Decoder
	p     *parser
	add   func(*entente.Dataset) error
	// stop is add's error, or ctx's: reading stops.
	stop error

	base entente.Dataset // every record but the activities
	// inActivities is set when the activities begin: base, but for
	// reviews after them, has been checked and handed over.
	inActivities bool
	reviewsAdded int // base's reviews handed over with it
	check        func(*entente.Activity) []entente.Problem
	ids          idSet
	batch        []entente.Activity
}

func newJSONReader(ctx context.Context, name string, r io.Reader, add func(*entente.Dataset) error) *jsonReader {
	lr := &lineReader{r: r, line: 1}
	return &jsonReader{ctx: ctx, name: name, lines: lr, dec: json.NewDecoder(lr), add: add,
		p: &parser{positions: map[entente.Ref]pos{}}}
}

// read reads the document and returns StreamJSON's error.
func (rd *jsonReader) read() error {
	rd.document()
	if rd.stop == nil && rd.lines.err == nil {
		rd.finish()
	}
	switch {
	case rd.stop != nil:
		return rd.stop
	case rd.lines.err != nil:
		return rd.lines.err
	case len(rd.p.problems) > 0:
		return &ParseError{Problems: rd.p.problems}
	}
	return nil
}

// stopped reports whether reading must stop: add failed, or ctx is done.
func (rd *jsonReader) stopped() bool {
	if rd.stop == nil {
		rd.stop = rd.ctx.Err()
	}
	return rd.stop != nil
}

// emit hands part to add, unless a problem was found.
func (rd *jsonReader) emit(part *entente.Dataset) {
	if rd.stop == nil && len(rd.p.problems) == 0 {
		rd.stop = rd.add(part)
	}
}

// checkBase checks the records read so far as a whole, unless one of them
// could not be read (its references would look dangling).
func (rd *jsonReader) checkBase() {
	if len(rd.p.problems) > 0 {
		return
	}
	for _, prob := range rd.base.Validate() {
		rd.p.problems = append(rd.p.problems, rd.p.locate(prob))
	}
	rd.check = rd.base.ActivityCheck()
}

// beginActivities checks and hands over the records read before the
// activities.
func (rd *jsonReader) beginActivities() {
	rd.inActivities = true
	rd.checkBase()
	rd.base.Sort()
	rd.reviewsAdded = len(rd.base.Reviews)
	part := rd.base // a copy: base's reviews may grow while add has it
	rd.emit(&part)
}

// finish checks and hands over what is left at the end of the document:
// everything, if there were no activities; else the reviews after them.
func (rd *jsonReader) finish() {
	if !rd.inActivities {
		rd.checkBase()
		rd.base.Sort()
		rd.emit(&rd.base)
		return
	}
	rest := rd.base.Reviews[rd.reviewsAdded:]
	if len(rest) == 0 {
		return
	}
	if rd.check != nil {
		// base passed its check when the activities began, or its
		// problems were reported then: report only the new ones.
		known := map[string]bool{}
		for _, p := range rd.p.problems {
			known[p] = true
		}
		for _, prob := range rd.base.Validate() {
			if msg := rd.p.locate(prob); !known[msg] {
				rd.p.problems = append(rd.p.problems, msg)
			}
		}
	}
	rd.emit(&entente.Dataset{Reviews: rest})
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
		return // read reports the read error itself
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
func (rd *jsonReader) document() {
	dec := rd.dec
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		rd.problem(dec.InputOffset(), "want a JSON object holding the dataset (as written by entente export)")
		return
	}
	sections := collectors(&rd.base)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			rd.malformed(err)
			return
		}
		kind, _ := tok.(string)
		add, ok := sections[kind]
		switch {
		case kind == "activities":
			if !rd.inActivities {
				rd.beginActivities()
			}
			if !rd.activities() {
				return
			}
			continue
		case !ok:
			rd.problem(dec.InputOffset(), fmt.Sprintf("%s: unknown section; want one of %s", kind, strings.Join(slices.Sorted(maps.Keys(sections)), ", ")))
		case rd.inActivities && kind != "reviews":
			rd.problem(dec.InputOffset(), kind+": must come before the activities, as entente export writes it: the activities are checked against it and written as they are read")
		default:
			if !rd.section(kind, add) {
				return
			}
			continue
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			rd.malformed(err)
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

// elements reads the array of one section and calls each with every element
// and its line; it reports false when the JSON is malformed or reading must
// stop.
func (rd *jsonReader) elements(kind string, each func(raw json.RawMessage, line int)) bool {
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
		if rd.stopped() {
			return false
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			rd.malformed(err)
			return false
		}
		// raw is the element's bytes exactly, so it starts len(raw) before
		// where the decoder now is. A problem's line is counted from there
		// within the element, so the cursor never goes back.
		each(raw, rd.lines.lineAt(dec.InputOffset()-int64(len(raw))))
	}
	if _, err := dec.Token(); err != nil {
		rd.malformed(err)
		return false
	}
	return true
}

// decodeProblems reports the problems jsondec found in raw, an element of
// section kind that starts at line.
func (rd *jsonReader) decodeProblems(kind string, raw json.RawMessage, line int, probs []jsondec.Problem) {
	for _, prob := range probs {
		in := raw[:min(max(prob.Offset, 0), int64(len(raw)))]
		rd.problemAtLine(line+bytes.Count(in, newline), kind+": "+prob.String())
	}
}

// section reads one section's array, every record of it, into base; it
// reports false when the JSON is malformed and reading must stop.
func (rd *jsonReader) section(kind string, add func(json.RawMessage) (entente.Ref, []jsondec.Problem)) bool {
	return rd.elements(kind, func(raw json.RawMessage, line int) {
		ref, probs := add(raw)
		rd.decodeProblems(kind, raw, line, probs)
		if len(probs) == 0 {
			rd.p.positions[ref] = pos{file: rd.name, line: line}
		}
	})
}

// activities reads the activities, checking each and handing them to add in
// batches; it reports false when the JSON is malformed or reading must stop.
func (rd *jsonReader) activities() bool {
	ok := rd.elements("activities", func(raw json.RawMessage, line int) {
		var a entente.Activity
		if probs := jsondec.Strict(raw, &a); len(probs) > 0 {
			rd.decodeProblems("activities", raw, line, probs)
			return
		}
		at := pos{file: rd.name, line: line}
		if !rd.ids.add(a.ID) {
			rd.p.problems = append(rd.p.problems, at.locate(entente.Problem{Ref: entente.Ref{Kind: "activity", Key: a.ID}, Message: "defined more than once"}))
		}
		if rd.check != nil {
			for _, prob := range rd.check(&a) {
				rd.p.problems = append(rd.p.problems, at.locate(prob))
			}
		}
		if len(rd.p.problems) > 0 {
			rd.batch = nil
			return
		}
		rd.batch = append(rd.batch, a)
		if len(rd.batch) == activityBatch {
			rd.flush()
		}
	})
	if ok {
		rd.flush()
	}
	return ok && !rd.stopped()
}

// flush hands the batch of activities to add.
func (rd *jsonReader) flush() {
	if len(rd.batch) > 0 {
		rd.emit(&entente.Dataset{Activities: rd.batch})
		rd.batch = make([]entente.Activity, 0, activityBatch)
	}
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
