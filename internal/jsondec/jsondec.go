// Package jsondec decodes JSON input strictly and describes what is wrong
// with it in words a user knows: the field's path in the document and the
// kind of value wanted ("countries: want a list of country codes, got a
// string"), never Go type or struct names. The API's request decoders, the
// dataset import and the menu import all report through it.
package jsondec

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/entente/entente"
)

// Problem is one thing wrong with a JSON value.
type Problem struct {
	// Offset is the byte offset in the decoded input that the problem
	// points at (the start of the input when nothing better is known).
	Offset int64
	// Field is the path of the field at fault ("consents.date"), or "".
	Field   string
	Message string
}

func (p Problem) String() string {
	if p.Field == "" {
		return p.Message
	}
	return p.Field + ": " + p.Message
}

// Strict decodes data, one JSON value, into v (a pointer), refusing unknown
// fields, anything after the value, and text that is not UTF-8 or holds a
// NUL (see Text). It returns nil or every problem it
// finds: when v is a struct and data an object, each field is tried on its
// own, so one bad field does not hide the next.
func Strict(data []byte, v any) []Problem {
	if probs := Text(data); len(probs) > 0 {
		return probs
	}
	err := strict(data, v)
	if err == nil {
		return nil
	}
	first := Describe(data, err)
	t := reflect.TypeOf(v).Elem()
	if t.Kind() != reflect.Struct {
		return []Problem{first}
	}
	var probs []Problem
	ok := eachField(data, func(key string, keyOff, valOff int64, val []byte) {
		prefix := []byte(`{` + strconvQuote(key) + `:`)
		one := append(append(prefix, val...), '}')
		if err := strict(one, reflect.New(t).Interface()); err != nil {
			p := Describe(one, err)
			p.Offset = max(valOff+p.Offset-int64(len(prefix)), keyOff)
			probs = append(probs, p)
		}
	})
	if !ok || len(probs) == 0 {
		return []Problem{first}
	}
	return probs
}

// Request decodes an API request body into v: an empty body is an empty
// request; any problem is an EINVALID *entente.Error naming every problem
// found.
func Request(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	probs := Strict(data, v)
	if len(probs) == 0 {
		return nil
	}
	msgs := make([]string, len(probs))
	for i, p := range probs {
		msgs[i] = p.String()
	}
	return entente.Errorf(entente.EINVALID, "request body: %s", strings.Join(msgs, "; "))
}

func strict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &trailingError{offset: dec.InputOffset()}
	}
	return nil
}

type trailingError struct{ offset int64 }

func (e *trailingError) Error() string { return "more after the JSON value" }

// eachField calls f with each key of the object in data, the offsets of the
// key and its value, and the value. It reports false if data is not an
// object.
func eachField(data []byte, f func(key string, keyOff, valOff int64, val []byte)) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	for dec.More() {
		keyOff := skipSpace(data, dec.InputOffset(), ", \t\r\n")
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		key, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return false
		}
		valOff := skipSpace(data, dec.InputOffset()-int64(len(val)), ": \t\r\n")
		f(key, keyOff, valOff, val)
	}
	return true
}

func skipSpace(data []byte, off int64, cut string) int64 {
	off = min(max(off, 0), int64(len(data)))
	return off + int64(len(data[off:])-len(bytes.TrimLeft(data[off:], cut)))
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Describe turns an error from decoding data into a Problem.
func Describe(data []byte, err error) Problem {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var de *entente.DateError
	var tr *trailingError
	switch {
	case errors.As(err, &te):
		if te.Field == "" {
			return Problem{Offset: te.Offset, Message: fmt.Sprintf("want %s, got %s", want(te.Type, ""), got(te.Value))}
		}
		return Problem{Offset: te.Offset, Field: te.Field, Message: fmt.Sprintf("want %s, got %s", want(te.Type, te.Field), got(te.Value))}
	case errors.As(err, &se):
		return Problem{Offset: se.Offset, Message: "malformed JSON: " + strings.TrimPrefix(se.Error(), "json: ")}
	case errors.As(err, &tr):
		return Problem{Offset: tr.offset, Message: tr.Error()}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return Problem{Offset: int64(len(data)), Message: "the JSON ends before the value is complete"}
	case errors.As(err, &de):
		field, off, _ := Locate(data, de.Value)
		return Problem{Offset: off, Field: field, Message: de.Error()}
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		key := strings.Trim(name, `"`)
		off := max(int64(bytes.Index(data, []byte(strconvQuote(key)+":"))), 0)
		return Problem{Offset: off, Field: key, Message: "unknown field"}
	}
	return Problem{Message: msg}
}

// Message is Describe's problem as one line, for inputs whose position is
// not worth reporting.
func Message(data []byte, err error) string { return Describe(data, err).String() }

var (
	dateType      = reflect.TypeFor[entente.Date]()
	unmarshalText = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// countryFields hold ISO 3166-1 alpha-3 codes.
var countryFields = map[string]bool{"country": true, "countries": true, "partner": true, "by": true, "proposer": true}

// want names the kind of value t takes, in words. field, the path of the
// field, names what a string in it means where that helps.
func want(t reflect.Type, field string) string {
	one, _ := kind(t, field)
	return one
}

// kind names the kind of value t takes, in the singular ("a whole number")
// and the plural ("whole numbers").
func kind(t reflect.Type, field string) (one, many string) {
	last := field[strings.LastIndex(field, ".")+1:]
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == dateType:
		return "a date (YYYY, YYYY-MM or YYYY-MM-DD)", "dates (YYYY, YYYY-MM or YYYY-MM-DD)"
	case t.Kind() == reflect.String && countryFields[last]:
		return "a country code (ISO 3166-1 alpha-3, e.g. NZL)", "country codes (ISO 3166-1 alpha-3, e.g. NZL)"
	case reflect.PointerTo(t).Implements(unmarshalText):
		return "a string", "strings"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string", "strings"
	case reflect.Bool:
		return "true or false", "values true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number", "whole numbers"
	case reflect.Float32, reflect.Float64:
		return "a number", "numbers"
	case reflect.Slice, reflect.Array:
		_, elems := kind(t.Elem(), field)
		return "a list of " + elems, "lists of " + elems
	case reflect.Struct, reflect.Map:
		return "an object", "objects"
	}
	return "a JSON value", "JSON values"
}

// got names the kind of JSON value found: encoding/json says "string",
// "number", "number 1.5", "bool", "object" or "array".
func got(v string) string {
	switch {
	case v == "array":
		return "a list"
	case v == "object":
		return "an object"
	case v == "bool":
		return "true or false"
	case strings.HasPrefix(v, "number "):
		return strings.TrimPrefix(v, "number ")
	case v == "":
		return "something else"
	}
	return "a " + v
}

// Locate finds the string value v in the JSON value raw and returns the
// path of the field holding it ("consents.date") and its offset in raw, so
// an error about v can name the field and its line.
func Locate(raw []byte, v string) (field string, off int64, found bool) {
	walkStrings(raw, func(path string, o, _ int64, s string, key bool) bool {
		if !key && s == v {
			field, off, found = path, skipSpace(raw, o, ",: \t\r\n"), true
			return false
		}
		return true
	})
	return field, off, found
}

// Text finds the strings in the JSON value raw that text fields may not
// hold, by entente.TextProblem's rule: bytes that are not UTF-8 and escaped
// lone surrogates ("\ud800"), which decoding would quietly replace with
// U+FFFD, and NUL characters (which one database refuses and the other
// stores). Each problem names the field.
func Text(raw []byte) []Problem {
	if plainText(raw) {
		return nil
	}
	var probs []Problem
	walkStrings(raw, func(path string, off, end int64, _ string, key bool) bool {
		off = skipSpace(raw, off, ",: \t\r\n")
		lit := raw[off+1 : end-1] // between the quotes
		if bytes.IndexByte(lit, '\\') < 0 && utf8.Valid(lit) {
			return true // the common case, text as it stands: no NUL can be written unescaped
		}
		msg := entente.TextProblem(unquote(lit))
		if msg == "" {
			return true
		}
		if key {
			if strings.HasPrefix(msg, "not ") {
				msg = "is " + msg
			}
			msg = "the field's name " + msg
		}
		probs = append(probs, Problem{Offset: off, Field: path, Message: msg})
		return true
	})
	return probs
}

// plainText reports whether no string in the JSON value raw can hold what
// TextProblem refuses, by a scan of its bytes without parsing: raw is UTF-8
// and has no escape \u0000 or \uD800 to \uDFFF (a NUL or a surrogate). It
// is what nearly every record is, and it spares Text walking the record's
// strings one by one. When it says no, Text looks closer; an escaped
// backslash before a "u" can make it say no for nothing, never yes wrongly.
func plainText(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	for i := 0; ; {
		k := bytes.Index(raw[i:], []byte(`\u`))
		if k < 0 {
			return true
		}
		i += k + 2
		r, ok := hex4(raw[i:])
		if !ok || r == 0 || utf16.IsSurrogate(r) {
			return false
		}
	}
}

// unquote returns the text that lit, the inside of a well-formed JSON string
// literal, spells, byte for byte where encoding/json would not keep it:
// bytes that are not UTF-8 stay as they are, and an escaped surrogate that
// is not half of a pair becomes its three-byte encoding (ED A0 80 for
// \ud800), which is not UTF-8 either, instead of U+FFFD.
func unquote(lit []byte) string {
	b := make([]byte, 0, len(lit))
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		if c != '\\' || i+1 >= len(lit) {
			b = append(b, c)
			continue
		}
		i++
		switch c = lit[i]; c {
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(lit[i+1:])
			if !ok {
				b = append(b, '\\', c)
				continue
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if lo, ok := hex4(lit[min(i+3, len(lit)):]); ok && i+2 < len(lit) && lit[i+1] == '\\' && lit[i+2] == 'u' {
					if pair := utf16.DecodeRune(r, lo); pair != utf8.RuneError {
						b = utf8.AppendRune(b, pair)
						i += 6
						continue
					}
				}
				// utf8.AppendRune would write U+FFFD: encode it by hand.
				b = append(b, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
				continue
			}
			b = utf8.AppendRune(b, r)
		default: // '"', '\\', '/'
			b = append(b, c)
		}
	}
	return string(b)
}

// hex4 reads the four hex digits at the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// walkStrings calls f with each string in the JSON value raw, keys
// included: the path of the field holding it ("consents.date"; a key's
// path ends in the key), the offsets around it in raw, and the string, until
// f returns false or raw ends or is malformed.
func walkStrings(raw []byte, f func(path string, off, end int64, s string, key bool) bool) {
	type frame struct {
		obj     bool   // an object, not an array
		key     string // the object's current key
		wantKey bool   // the next string is a key
	}
	var stack []frame
	path := func() string {
		var keys []string
		for _, fr := range stack {
			if fr.obj {
				keys = append(keys, fr.key)
			}
		}
		return strings.Join(keys, ".")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return
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
				if !f(path(), off, dec.InputOffset(), t, true) {
					return
				}
				continue
			}
			if !f(path(), off, dec.InputOffset(), t, false) {
				return
			}
		}
		if top >= 0 && stack[top].obj {
			stack[top].wantKey = true
		}
	}
}
