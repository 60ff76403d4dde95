package entente

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TextProblem says what is wrong with s as the value of a text field, or
// "": text is valid UTF-8 and holds no NUL character, so that both engines
// store the same thing (PostgreSQL refuses a NUL, SQLite would keep it and
// bytes that are not UTF-8 as they are).
//
// It is the one rule for text from every input: the text format, CSV,
// flags, and JSON, whose readers (internal/jsondec) hand it the string a
// literal spells byte for byte, before encoding/json would replace what is
// not text with U+FFFD. A JSON escape of a lone UTF-16 surrogate ("\ud800",
// half of a pair, not a character) comes here as its three-byte encoding
// (ED A0 80), which is not UTF-8, and is named as such.
func TextProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		if i := loneSurrogate(s); i >= 0 {
			r := rune(s[i]&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
			return fmt.Sprintf("holds a lone surrogate (\\u%04x), half of a UTF-16 pair and not a character", r)
		}
		return "not valid UTF-8"
	case strings.ContainsRune(s, 0):
		return "contains a NUL character (\\u0000)"
	}
	return ""
}

// loneSurrogate returns the index of the first surrogate (U+D800 to U+DFFF)
// encoded as three bytes in s (ED A0 80 to ED BF BF), or -1.
func loneSurrogate(s string) int {
	for i := 0; i+2 < len(s); i++ {
		if s[i] == 0xED && s[i+1] >= 0xA0 && s[i+1] <= 0xBF && s[i+2] >= 0x80 && s[i+2] <= 0xBF {
			return i
		}
	}
	return -1
}

// textProblems finds every text field of every record in ds whose value
// TextProblem refuses, naming the record by its list and place in it
// ("activities 3") and the field by its path ("title", "articles.text").
func (ds *Dataset) textProblems() []Problem {
	var out []Problem
	dv := reflect.ValueOf(ds).Elem()
	for i := range dv.NumField() {
		list, kind := dv.Field(i), jsonName(dv.Type().Field(i))
		if list.Kind() != reflect.Slice || list.Type().Elem() == reflect.TypeFor[Offer]() {
			continue // offers check their own text (Offer.Problems)
		}
		for j := range list.Len() {
			ref := Ref{kind, strconv.Itoa(j + 1)}
			eachText(list.Index(j), "", func(field, s string) {
				if msg := TextProblem(s); msg != "" {
					out = append(out, Problem{Ref: ref, Field: field, Message: msg})
				}
			})
		}
	}
	return out
}

// eachText calls f with each string in v and the path of the field holding
// it, by JSON names.
func eachText(v reflect.Value, path string, f func(field, s string)) {
	switch v.Kind() {
	case reflect.String:
		f(path, v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			eachText(v.Elem(), path, f)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			eachText(v.Index(i), path, f)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			eachText(it.Key(), path, f)
			eachText(it.Value(), path, f)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			sf := v.Type().Field(i)
			if !sf.IsExported() {
				continue
			}
			p := path
			if name := jsonName(sf); !sf.Anonymous && name != "" {
				p = strings.TrimPrefix(path+"."+name, ".")
			}
			eachText(v.Field(i), p, f)
		}
	}
}

// jsonName is a struct field's name in JSON, or "" when JSON leaves it out.
func jsonName(sf reflect.StructField) string {
	name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return strings.ToLower(sf.Name)
	}
	return name
}
