package entente

import (
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TextProblem says what is wrong with s as the value of a text field, or
// "": text is valid UTF-8 and holds no NUL character, so that both engines
// store the same thing (PostgreSQL refuses a NUL, SQLite would keep it and
// bytes that are not UTF-8 as they are).
func TextProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	case strings.ContainsRune(s, 0):
		return "contains a NUL character"
	}
	return ""
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
