package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/jsondec"
)

// Request bodies are read through http.MaxBytesReader, never cut short
// without a word: a body past its route's limit is refused with 413 and
// nothing is written. JSON writes take little; the menu import takes more.
const (
	DefaultMaxJSONBody   = 1 << 20
	DefaultMaxImportBody = 64 << 20
)

// tooLarge is the 413 for a body over limit bytes.
func tooLarge(limit int64) error {
	return &statusError{status: http.StatusRequestEntityTooLarge,
		err: entente.Errorf(entente.EINVALID, "request body larger than %d bytes", limit)}
}

// unsupportedType is the 415 for a body whose Content-Type the route does
// not take.
func unsupportedType(ct string, want ...string) error {
	if ct == "" {
		ct = "none"
	}
	return &statusError{status: http.StatusUnsupportedMediaType,
		err: entente.Errorf(entente.EINVALID, "Content-Type %s: want %s", ct, strings.Join(want, " or "))}
}

// mediaType is the request's media type, lower case, if its Content-Type
// parses and names no charset but UTF-8.
func mediaType(r *http.Request) (string, bool) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return "", false
	}
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return "", false
		}
	}
	return mt, true
}

// decode reads a JSON request body, at most s.maxJSON bytes, into v,
// refusing unknown fields and anything after the value; an empty body is an
// empty request. The body must say it is JSON (application/json, charset
// UTF-8 if any). Every problem found is named by its field and what the
// field takes, never by Go names.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength != 0 {
		if mt, ok := mediaType(r); !ok || mt != "application/json" {
			return unsupportedType(r.Header.Get("Content-Type"), "application/json")
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxJSON))
	if err != nil {
		return bodyError(err)
	}
	return jsondec.Request(data, v)
}

// bodyError is the answer to a failure reading a request body.
func bodyError(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return tooLarge(mb.Limit)
	}
	return entente.Errorf(entente.EINVALID, "request body: %v", err)
}

// overLimit is a body reader that remembers whether it ran past its limit,
// so that an importer that words a read error its own way still answers
// 413.
type overLimit struct {
	r     io.Reader
	limit int64
	over  bool
}

func (o *overLimit) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		o.over = true
	}
	return n, err
}
