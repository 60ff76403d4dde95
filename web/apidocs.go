package web

import (
	"cmp"
	"fmt"
	"html"
	"html/template"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/entente/entente"
)

// /api/docs is the OpenAPI document rendered for people: each operation
// with its method, path, summary, parameters, request body and answers,
// then every schema with its fields. It is made from openAPIDoc, so it
// says what the document says; it needs no script and no other site.

func (s *Server) apiDocsRoutes() {
	s.mux.HandleFunc("GET /api/docs", s.pageAPIDocs)
}

func (s *Server) pageAPIDocs(w http.ResponseWriter, r *http.Request) {
	s.view(w, r, "api-docs.html", "API reference", func(entente.Date) (page, error) {
		return page{Data: apiDocsOf(theOpenAPIDoc()), Timeless: true}, nil
	})
}

// apiDocs is the page's data.
type apiDocs struct {
	Description string
	Groups      []docsGroup
	Schemas     []docsSchema
	Security    string
}

// docsGroup is the operations on one kind of resource.
type docsGroup struct {
	Name string
	Ops  []docsOp
}

type docsOp struct {
	ID, Method, Path, Summary string
	Token                     bool // a bearer token is required
	Params                    []docsField
	Body                      []docsMedia
	Answers                   []docsAnswer
	Errors                    []docsAnswer
}

type docsField struct {
	Name, In, Description string
	Required              bool
	Type                  template.HTML
}

type docsMedia struct {
	Media string
	Type  template.HTML
}

type docsAnswer struct {
	Status, Description string
	Bodies              []docsMedia
	Headers             []docsField
}

type docsSchema struct {
	Name, Description string
	Type              template.HTML
	Fields            []docsField
}

// apiDocsOf reads the document into the page's data.
func apiDocsOf(doc map[string]any) apiDocs {
	out := apiDocs{Description: str(doc["info"], "description")}
	comps := doc["components"].(map[string]any)
	if b, ok := comps["securitySchemes"].(map[string]any)["bearer"].(map[string]any); ok {
		out.Security = str(b, "description")
	}
	groups := map[string]*docsGroup{}
	paths := doc["paths"].(map[string]any)
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		item := paths[p].(map[string]any)
		for _, method := range []string{"get", "post", "put", "patch", "delete"} {
			op, ok := item[method].(map[string]any)
			if !ok {
				continue
			}
			tag := "api"
			if tags, _ := op["tags"].([]any); len(tags) > 0 {
				tag = tags[0].(string)
			}
			g := groups[tag]
			if g == nil {
				g = &docsGroup{Name: tag}
				groups[tag] = g
			}
			g.Ops = append(g.Ops, docsOperation(p, method, op))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(groups)) {
		out.Groups = append(out.Groups, *groups[name])
	}
	schemas := comps["schemas"].(map[string]any)
	for _, name := range slices.Sorted(maps.Keys(schemas)) {
		sc := schemas[name].(map[string]any)
		ds := docsSchema{Name: name, Description: str(sc, "description"), Type: schemaHTML(sc)}
		props, _ := sc["properties"].(map[string]any)
		req, _ := sc["required"].([]string)
		for _, f := range slices.Sorted(maps.Keys(props)) {
			fs := props[f].(map[string]any)
			ds.Fields = append(ds.Fields, docsField{Name: f, Required: slices.Contains(req, f), Type: schemaHTML(fs),
				Description: str(fs, "description")})
		}
		out.Schemas = append(out.Schemas, ds)
	}
	return out
}

func docsOperation(p, method string, op map[string]any) docsOp {
	o := docsOp{ID: str(op, "operationId"), Method: strings.ToUpper(method), Path: p, Summary: str(op, "summary")}
	if sec, _ := op["security"].([]any); len(sec) == 1 {
		o.Token = true
	}
	for _, prm := range anySlice(op["parameters"]) {
		m := prm.(map[string]any)
		req, _ := m["required"].(bool)
		o.Params = append(o.Params, docsField{Name: str(m, "name"), In: str(m, "in"), Required: req,
			Description: str(m, "description"), Type: schemaHTML(m["schema"].(map[string]any))})
	}
	if rb, ok := op["requestBody"].(map[string]any); ok {
		o.Body = docsContent(rb["content"])
	}
	responses := op["responses"].(map[string]any)
	for _, code := range slices.Sorted(maps.Keys(responses)) {
		rs := responses[code].(map[string]any)
		a := docsAnswer{Status: code, Description: strings.TrimSuffix(str(rs, "description"), problemSuffix), Bodies: docsContent(rs["content"])}
		hs, _ := rs["headers"].(map[string]any)
		for _, h := range slices.Sorted(maps.Keys(hs)) {
			hm := hs[h].(map[string]any)
			a.Headers = append(a.Headers, docsField{Name: h, Description: str(hm, "description")})
		}
		if code >= "400" {
			o.Errors = append(o.Errors, a)
		} else {
			o.Answers = append(o.Answers, a)
		}
	}
	return o
}

func docsContent(c any) []docsMedia {
	content, _ := c.(map[string]any)
	var out []docsMedia
	for _, media := range slices.Sorted(maps.Keys(content)) {
		m, _ := content[media].(map[string]any)
		sc, _ := m["schema"].(map[string]any)
		out = append(out, docsMedia{Media: media, Type: schemaHTML(sc)})
	}
	return out
}

func str(m any, key string) string {
	mm, _ := m.(map[string]any)
	s, _ := mm[key].(string)
	return s
}

func anySlice(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case []map[string]any:
		out := make([]any, len(v))
		for i, m := range v {
			out[i] = m
		}
		return out
	}
	return nil
}

// schemaHTML says in words what a schema takes, linking to the schemas it
// names.
func schemaHTML(sc map[string]any) template.HTML {
	return template.HTML(schemaWords(sc))
}

func schemaWords(sc map[string]any) string {
	if sc == nil {
		return "any"
	}
	if ref, ok := sc["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		return fmt.Sprintf(`<a href="#schema-%s">%s</a>`, html.EscapeString(name), html.EscapeString(name))
	}
	for _, k := range []string{"anyOf", "allOf", "oneOf"} {
		parts := anySlice(sc[k])
		if len(parts) == 0 {
			continue
		}
		var words []string
		for _, p := range parts {
			words = append(words, schemaWords(p.(map[string]any)))
		}
		w := strings.Join(words, " or ")
		if k == "allOf" {
			w = strings.Join(words, " and ")
		}
		if req, ok := sc["required"].([]string); ok {
			w += ", with " + html.EscapeString(strings.Join(req, ", ")) + " required"
		}
		return w
	}
	if c, ok := sc["const"]; ok {
		return fmt.Sprintf("<code>%s</code>", html.EscapeString(fmt.Sprintf("%q", c)))
	}
	if vs, ok := sc["enum"].([]string); ok {
		var quoted []string
		for _, v := range vs {
			quoted = append(quoted, fmt.Sprintf("<code>%s</code>", html.EscapeString(cmp.Or(v, `""`))))
		}
		return "one of " + strings.Join(quoted, ", ")
	}
	var w string
	switch t := sc["type"].(type) {
	case string:
		w = typeWord(sc, t)
	case []any:
		if len(t) > 3 {
			return "any JSON value"
		}
		var words []string
		for _, x := range t {
			words = append(words, typeWord(sc, x.(string)))
		}
		w = strings.Join(words, " or ")
	default:
		return "any JSON value"
	}
	if p, ok := sc["pattern"].(string); ok {
		w += fmt.Sprintf(" matching <code>%s</code>", html.EscapeString(p))
	}
	if f, ok := sc["format"].(string); ok {
		w += fmt.Sprintf(" (%s)", html.EscapeString(f))
	}
	return w
}

func typeWord(sc map[string]any, t string) string {
	switch t {
	case "array":
		items, _ := sc["items"].(map[string]any)
		return "list of " + schemaWords(items)
	case "object":
		if ap, ok := sc["additionalProperties"].(map[string]any); ok {
			return "object of " + schemaWords(ap) + " by key"
		}
		return "object"
	}
	return t
}
