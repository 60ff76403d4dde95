package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/entente/entente"
)

// statusOf maps an error code to its HTTP status, in one place.
func statusOf(code string) int {
	switch code {
	case entente.ENOTFOUND:
		return http.StatusNotFound
	case entente.EINVALID:
		return http.StatusBadRequest
	case entente.EREFUSED:
		return http.StatusUnprocessableEntity
	case entente.ECONFLICT:
		return http.StatusConflict
	case entente.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case entente.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case entente.EFORBIDDEN:
		return http.StatusForbidden
	case entente.ESTALE:
		return http.StatusPreconditionFailed
	case entente.EPRECONDITION:
		return http.StatusPreconditionRequired
	}
	return http.StatusInternalServerError
}

// statusError answers err with an HTTP status that no error code maps to
// (405 Method Not Allowed); its code and message are err's.
type statusError struct {
	status int
	err    error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// retryAfter is the Retry-After of a 503, in seconds: a writer that found
// the database busy has waited out the busy timeout already, and a server
// that cannot be reached is retried at the next request.
const retryAfter = "2"

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type     string           `json:"type"`
	Title    string           `json:"title"`
	Status   int              `json:"status"`
	Detail   string           `json:"detail,omitempty"`
	Instance string           `json:"instance,omitempty"`
	Code     string           `json:"code,omitempty"`
	Reasons  []entente.Reason `json:"reasons,omitempty"`
	// Record and CurrentVersion name, for a change refused as stale
	// (412), the record and its version now.
	Record         string `json:"record,omitempty"`
	CurrentVersion string `json:"current_version,omitempty"`
}

// wantsJSON reports whether the request is for the API or asks for JSON.
func wantsJSON(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "json")
}

// fail answers err: problem details for the API, the error page for HTML.
// Internal errors are logged; the client gets a safe message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := entente.ErrorCode(err)
	status := statusOf(code)
	var se *statusError
	if errors.As(err, &se) {
		status = se.status
	}
	if code == entente.EINTERNAL {
		s.log.Error("internal error", "path", r.URL.Path, "err", err)
	}
	if status == http.StatusServiceUnavailable {
		// The database is busy with another writer or cannot be reached
		// for now: say when to try again, for people and clients alike.
		w.Header().Set("Retry-After", retryAfter)
	}
	if status == http.StatusUnauthorized && strings.HasPrefix(r.URL.Path, "/api/") && w.Header().Get("WWW-Authenticate") == "" {
		// Every 401 names the scheme that would do (RFC 9110, section
		// 15.5.2): a read refused to the public (the audit log) too.
		w.Header().Set("WWW-Authenticate", `Bearer realm="entente"`)
	}
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status,
		Detail: entente.ErrorMessage(err), Instance: r.URL.Path, Code: code, Reasons: entente.ErrorReasons(err)}
	if sv := (*entente.StaleVersion)(nil); errors.As(err, &sv) {
		p.Record, p.CurrentVersion = sv.What, sv.Current
	}
	if wantsJSON(r) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(p)
		return
	}
	s.render(w, r, status, "error.html", p)
}

// writeJSON answers v as JSON with status. It encodes into a buffer first:
// a value that cannot be encoded (a NaN, say) is logged and answered with a
// 500, never with an empty 200.
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	s.encodeJSON(w, status, v, false)
}

// writeJSONVersioned is writeJSON with v's version (entente.Version) as the
// answer's ETag, taken from the one encoding of v.
func (s *Server) writeJSONVersioned(w http.ResponseWriter, status int, v any) {
	s.encodeJSON(w, status, v, true)
}

func (s *Server) encodeJSON(w http.ResponseWriter, status int, v any, versioned bool) {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	defer putJSONBuffer(buf)
	var err error
	if a, ok := v.(jsonAppender); ok {
		buf.Write(a.AppendJSON(buf.AvailableBuffer()))
		buf.WriteByte('\n')
	} else {
		err = json.NewEncoder(buf).Encode(v)
	}
	if err != nil {
		s.log.Error("encode JSON response", "err", err)
		w.Header().Del("Location")
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusInternalServerError)
		json.NewEncoder(w).Encode(Problem{Type: "about:blank", Title: http.StatusText(http.StatusInternalServerError),
			Status: http.StatusInternalServerError, Detail: "the answer could not be written as JSON", Code: entente.EINTERNAL})
		return
	}
	if versioned {
		// The encoder's output is json.Marshal's and a newline.
		w.Header().Set("ETag", entente.VersionOfJSON(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))))
	}
	out := jsonBuffers.Get().(*bytes.Buffer)
	defer putJSONBuffer(out)
	out.Write(indentJSON(out.AvailableBuffer(), buf.Bytes()))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(out.Bytes())
}

// jsonAppender is a record that appends its own JSON, byte for byte
// json.Marshal's, without reflection (entente.Activity).
type jsonAppender interface{ AppendJSON([]byte) []byte }

// jsonBuffers pool the buffers answers are encoded into before they are
// written (so that an encoding error can still answer 500): a list of a
// thousand activities grew a new buffer to 700 kB, copying it all the way.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putJSONBuffer returns buf to the pool, unless it grew past 4 MB, which
// would be kept for the occasional huge answer.
func putJSONBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 4<<20 {
		buf.Reset()
		jsonBuffers.Put(buf)
	}
}

// render executes a page template into a buffer first, so a template error
// becomes an error page rather than half a page. The consent banner goes in
// where the layout marks it, for visitors who have not chosen yet.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	page, err := s.execute(name, data)
	if err != nil {
		s.renderFailed(w, name, err)
		return
	}
	s.finish(w, r, status, page)
}

// renderFailed answers 500 for a template that could not be rendered.
func (s *Server) renderFailed(w http.ResponseWriter, name string, err error) {
	s.log.Error("render", "template", name, "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}

// execute runs the template name with data.
func (s *Server) execute(name string, data any) ([]byte, error) {
	t, err := s.tmpl()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// finish answers page, a template's output: with the day carried in its
// links, the consent banner and the account's part of the header where the
// layout marks them, and the form's CSRF token.
func (s *Server) finish(w http.ResponseWriter, r *http.Request, status int, page []byte) {
	s.fill(w, r, status, carryAsOf(page, carriedDay(r, s.svc.Today())))
}

// fill is finish for a page whose links carry the day already.
func (s *Server) fill(w http.ResponseWriter, r *http.Request, status int, page []byte) {
	t, err := s.tmpl()
	if err != nil {
		s.log.Error("templates", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	// The banner and the account's part go in where the layout marks
	// them, and the token wherever a form (the page's, or theirs) has its
	// marker: in one copy of the page, which a page served for a span of
	// days had made three.
	var slots []slot
	if i := bytes.Index(page, consentMarker); i >= 0 {
		var banner bytes.Buffer
		if consentFrom(r.Context()) == consentAsk {
			if err := t.ExecuteTemplate(&banner, "consent-banner", localPath(r.URL.RequestURI())); err != nil {
				s.log.Error("render", "template", "consent-banner", "err", err)
			}
		}
		slots = append(slots, slot{i, len(consentMarker), banner.Bytes()})
	}
	if i := bytes.Index(page, accountMarker); i >= 0 {
		var nav bytes.Buffer
		d := accountNav{Back: localPath(r.URL.RequestURI())}
		if si := signedInFrom(r); si != nil {
			d.Name = si.account.Name
		}
		if err := t.ExecuteTemplate(&nav, "account-nav", d); err != nil {
			s.log.Error("render", "template", "account-nav", "err", err)
		}
		slots = append(slots, slot{i, len(accountMarker), nav.Bytes()})
	}
	var token []byte
	tok := func() []byte {
		if token == nil {
			token = []byte(s.csrfToken(r))
		}
		return token
	}
	for i, sl := range slots {
		if bytes.Contains(sl.with, []byte(csrfMarker)) {
			slots[i].with = bytes.ReplaceAll(sl.with, []byte(csrfMarker), tok())
		}
	}
	for i, j := 0, 0; ; i += j + len(csrfMarker) {
		if j = bytes.Index(page[i:], []byte(csrfMarker)); j < 0 {
			break
		}
		slots = append(slots, slot{i + j, len(csrfMarker), tok()})
	}
	if len(slots) > 0 {
		slices.SortFunc(slots, func(a, b slot) int { return a.at - b.at })
		n := len(page)
		for _, sl := range slots {
			n += len(sl.with) - sl.n
		}
		out, last := make([]byte, 0, n), 0
		for _, sl := range slots {
			out = append(append(out, page[last:sl.at]...), sl.with...)
			last = sl.at + sl.n
		}
		page = append(out, page[last:]...)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(page)
}

// slot is a part of a page that fill replaces: n bytes at at, by with.
type slot struct {
	at, n int
	with  []byte
}

var consentMarker = []byte(`<div id="consent-slot"></div>`)

// accountMarker is where the layout's header shows who is signed in: a
// "Sign in" link, or the user's name and a sign-out button.
var accountMarker = []byte(`<div id="account-slot"></div>`)

// accountNav is the header's account part.
type accountNav struct {
	Name string // "" when not signed in
	Back string // the page, to come back to after signing in
}
