package web

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/entente/entente"
)

// The API's JSON Schemas (JSON Schema 2020-12, as OpenAPI 3.1 has it) are
// made from the Go types the handlers encode and decode, by reflection,
// following encoding/json's rules: a field's name is its json tag's (or
// the Go name), "-" leaves it out, embedded structs lend their fields, a
// field that omitempty or omitzero may leave out is not required, a nil
// slice, map or pointer that is written is null. A change to a type is a
// change to the document; the test that validates every API request and
// response of the suite against it (contract_test.go) keeps the two true.

// schemaGen makes schemas, each named struct and enumerated type once, as
// a component of the document that the others refer to.
type schemaGen struct {
	defs  map[string]any       // components.schemas
	names map[schemaKey]string // the component of each type made
	// input is set while the schema of a request body is made: the
	// decoder requires no field (the services say what is missing), so
	// a struct's schema there requires none, and is a component of its
	// own when the type is not a request's.
	input bool
}

type schemaKey struct {
	t     reflect.Type
	input bool
}

func newSchemaGen() *schemaGen {
	return &schemaGen{defs: map[string]any{}, names: map[schemaKey]string{}}
}

// body is the schema of a request body of type t, requiring the fields
// need names (each must be one of t's).
func (g *schemaGen) body(t reflect.Type, need ...string) map[string]any {
	g.input = true
	defer func() { g.input = false }()
	s := g.ref(t)
	if len(need) == 0 {
		return s
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for _, n := range need {
		if !slices.ContainsFunc(jsonFields(t), func(f jsonField) bool { return f.name == n }) {
			panic(fmt.Sprintf("openapi: %v has no field %q to require", t, n))
		}
	}
	return map[string]any{"allOf": []any{s}, "required": need}
}

// schemaEnums are the closed sets of values of the API's string types,
// from the lists the domain keeps (a new value there is a new value here).
var schemaEnums = map[reflect.Type][]string{
	reflect.TypeFor[entente.ActivityStatus](): strs(entente.ActivityStatuses),
	reflect.TypeFor[entente.ActivityStep]():   strs(entente.ActivitySteps),
	reflect.TypeFor[entente.MembershipStatus](): strs([]entente.MembershipStatus{entente.StatusApplied, entente.StatusInvited,
		entente.StatusSigned, entente.StatusRatified, entente.StatusMember, entente.StatusNotice, entente.StatusWithdrawn}),
	reflect.TypeFor[entente.ProgrammeStatus](): strs([]entente.ProgrammeStatus{entente.ProgrammeDraft, entente.ProgrammeAgreed,
		entente.ProgrammeActive, entente.ProgrammeUnderReview, entente.ProgrammeSuperseded}),
	reflect.TypeFor[entente.Attendance](): strs([]entente.Attendance{entente.AttendedYes, entente.AttendedNo, entente.AttendedUnknown}),
	reflect.TypeFor[entente.European]():   strs([]entente.European{entente.EuropeanYes, entente.EuropeanNo, entente.EuropeanDebated}),
	reflect.TypeFor[entente.ReleaseLevel](): strs([]entente.ReleaseLevel{entente.ReleasePublic, entente.ReleaseAlliance,
		entente.ReleasableTo}),
	reflect.TypeFor[entente.Role](): strs(append([]entente.Role{entente.RolePublic}, entente.Roles...)),
}

func strs[S ~string](vs []S) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// dateSchema is entente.Date's: reduced-precision ISO 8601.
var dateSchema = map[string]any{"type": "string",
	"pattern":     `^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$`,
	"description": "a date known to the year, the month or the day: YYYY, YYYY-MM or YYYY-MM-DD",
	"examples":    []any{"1949", "2004-03", "2024-07-10"}}

// fieldExamples are examples of fields whose names say what they hold,
// wherever they appear.
var fieldExamples = map[string]any{
	"country": "NZL", "partner": "NZL", "iso3": "NZL", "programme": "NZL-ITPP-2024",
}

var (
	typeDate      = reflect.TypeFor[entente.Date]()
	typeTime      = reflect.TypeFor[time.Time]()
	typeRaw       = reflect.TypeFor[json.RawMessage]()
	typeMarshaler = reflect.TypeFor[json.Marshaler]()
	typeText      = reflect.TypeFor[encoding.TextMarshaler]()
)

// ref is the schema of t where it is used: a reference to its component
// for named structs and enumerations, else the schema itself.
func (g *schemaGen) ref(t reflect.Type) map[string]any {
	switch {
	case t == typeDate:
		return g.component(t, "Date", func() map[string]any { return dateSchema })
	case t == typeTime:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == typeRaw:
		return anyJSON()
	}
	if vs, ok := schemaEnums[t]; ok {
		return g.component(t, t.Name(), func() map[string]any {
			return map[string]any{"type": "string", "enum": vs, "examples": []any{vs[0]}}
		})
	}
	if t.Implements(typeMarshaler) || reflect.PointerTo(t).Implements(typeMarshaler) {
		panic(fmt.Sprintf("openapi: %v has its own JSON encoding: give it a schema in apischema.go", t))
	}
	if t.Kind() != reflect.String && (t.Implements(typeText) || reflect.PointerTo(t).Implements(typeText)) {
		panic(fmt.Sprintf("openapi: %v encodes as text: give it a schema in apischema.go", t))
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(g.ref(t.Elem()))
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t)
		}
		name := t.Name()
		if g.input && !strings.HasSuffix(name, "Request") {
			name += "Input"
		}
		return g.component(t, name, func() map[string]any { return g.object(t) })
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		s := map[string]any{"type": "array", "items": g.ref(t.Elem())}
		if t.Kind() == reflect.Array {
			s["minItems"], s["maxItems"] = t.Len(), t.Len()
		}
		return s
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.ref(t.Elem())}
	case reflect.Interface:
		return anyJSON()
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	}
	panic(fmt.Sprintf("openapi: no schema for %v", t))
}

// component makes t's schema a component named name (its package's name
// first if another type took that name) and refers to it.
func (g *schemaGen) component(t reflect.Type, name string, build func() map[string]any) map[string]any {
	key := schemaKey{t, g.input && t.Kind() == reflect.Struct && t != typeDate}
	if n, ok := g.names[key]; ok {
		return map[string]any{"$ref": "#/components/schemas/" + n}
	}
	if _, taken := g.defs[name]; taken {
		pkg := t.PkgPath()
		name = pkg[strings.LastIndex(pkg, "/")+1:] + "." + name
	}
	g.names[key] = name
	g.defs[name] = map[string]any{} // a type that refers to itself finds its name
	g.defs[name] = build()
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// anyJSON is the schema of any JSON value, null included.
func anyJSON() map[string]any {
	return map[string]any{"type": []any{"object", "array", "string", "number", "boolean", "null"}, "description": "any JSON value"}
}

// nullable lets s be null too.
func nullable(s map[string]any) map[string]any {
	if typ, ok := s["type"].(string); ok && s["enum"] == nil {
		out := map[string]any{}
		for k, v := range s {
			out[k] = v
		}
		out["type"] = []any{typ, "null"}
		return out
	}
	return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
}

// jsonField is a field encoding/json writes.
type jsonField struct {
	owner            string // the struct that declares it, as docName names it
	name, goName     string
	typ              reflect.Type
	omitEmpty, omitZ bool
	index            []int
	tagged           bool
}

// object is the schema of struct t: its properties, the required ones
// (those always written), and no others.
func (g *schemaGen) object(t reflect.Type) map[string]any {
	props, required := map[string]any{}, []string{}
	for _, f := range jsonFields(t) {
		s := g.ref(f.typ)
		omitted := f.omitZ || (f.omitEmpty && emptiable(f.typ))
		if !omitted {
			if !g.input {
				required = append(required, f.name)
			}
			if mayBeNull(f.typ) {
				s = nullable(s)
			}
		}
		if f.typ == typeDate && !omitted {
			// The zero Date is written as "".
			s = map[string]any{"anyOf": []any{s, map[string]any{"const": "", "description": "no date"}}}
		}
		if ex, ok := fieldExamples[f.name]; ok && f.typ.Kind() == reflect.String && s["type"] == "string" {
			s = cloneMap(s)
			s["examples"] = []any{ex}
		}
		if d := typeDocs[f.owner+"."+f.name]; d != "" {
			s = cloneMap(s)
			s["description"] = d
		}
		props[f.name] = s
	}
	slices.Sort(required)
	out := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if d := typeDocs[docName(t)]; d != "" {
		out["description"] = d
	}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// emptiable reports whether omitempty leaves out t's empty value (it
// never leaves out a struct).
func emptiable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Struct:
		return false
	case reflect.Array:
		return t.Len() == 0
	}
	return true
}

// mayBeNull reports whether a value of t can be written as null.
func mayBeNull(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		return true
	case reflect.Slice, reflect.Map:
		return t != typeRaw
	}
	return false
}

// jsonFields lists the fields encoding/json writes for struct t, with its
// rules for embedded structs: the shallowest field of a name wins, a
// tagged one over untagged ones at its depth, and a name two fields at the
// same depth claim equally is left out.
func jsonFields(t reflect.Type) []jsonField {
	type level struct {
		t     reflect.Type
		index []int
	}
	var out []jsonField
	seen := map[string]bool{}
	visited := map[reflect.Type]bool{}
	next := []level{{t: t}}
	for len(next) > 0 {
		cur := next
		next = nil
		found := map[string][]jsonField{}
		var order []string
		for _, l := range cur {
			if visited[l.t] {
				continue
			}
			visited[l.t] = true
			for i := range l.t.NumField() {
				sf := l.t.Field(i)
				index := append(slices.Clone(l.index), i)
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				ft := sf.Type
				if sf.Anonymous && name == "" {
					et := ft
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if et.Kind() == reflect.Struct {
						next = append(next, level{t: et, index: index})
						continue
					}
				}
				if !sf.IsExported() {
					continue
				}
				f := jsonField{owner: docName(l.t), name: name, goName: sf.Name, typ: ft, index: index, tagged: name != ""}
				if f.name == "" {
					f.name = sf.Name
				}
				for o := range strings.SplitSeq(opts, ",") {
					f.omitEmpty = f.omitEmpty || o == "omitempty"
					f.omitZ = f.omitZ || o == "omitzero"
				}
				if opts == "string" || strings.Contains(opts, ",string") {
					panic(fmt.Sprintf("openapi: %v.%s uses ,string: give it a schema", t, sf.Name))
				}
				if _, ok := found[f.name]; !ok {
					order = append(order, f.name)
				}
				found[f.name] = append(found[f.name], f)
			}
		}
		for _, name := range order {
			if seen[name] {
				continue
			}
			seen[name] = true
			fs := found[name]
			var tagged []jsonField
			for _, f := range fs {
				if f.tagged {
					tagged = append(tagged, f)
				}
			}
			switch {
			case len(fs) == 1:
				out = append(out, fs[0])
			case len(tagged) == 1:
				out = append(out, tagged[0])
			}
		}
	}
	return out
}

// docName names a type in typeDocs: "service.ProgrammeView".
func docName(t reflect.Type) string {
	pkg := t.PkgPath()
	return pkg[strings.LastIndex(pkg, "/")+1:] + "." + t.Name()
}
