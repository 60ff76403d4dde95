package service

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/jsondec"
)

// MenuColumns are the columns of the cooperation menu's CSV form, in order.
// sources is a space-separated list of source ids.
var MenuColumns = []string{"code", "title", "area", "kind", "provider", "capacity", "location", "from", "to", "recurrence", "synthetic", "sources"}

// Menu lists the cooperation menu.
func (s *Service) Menu(ctx context.Context) ([]entente.Offer, error) {
	return s.reader(ctx).FindOffers(ctx, "")
}

// menuProblems collects "file:line: column: what is wrong" lines.
type menuProblems struct {
	name  string
	lines []string
}

func (p *menuProblems) addf(line int, column, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if column != "" {
		msg = column + ": " + msg
	}
	p.lines = append(p.lines, fmt.Sprintf("%s:%d: %s", p.name, line, msg))
}

func (p *menuProblems) err() error {
	if len(p.lines) == 0 {
		return nil
	}
	if len(p.lines) == 1 {
		return entente.Errorf(entente.EINVALID, "%s; nothing imported", p.lines[0])
	}
	return entente.Errorf(entente.EINVALID, "%d problems; nothing imported:\n%s", len(p.lines), strings.Join(p.lines, "\n"))
}

// ParseMenuCSV reads the menu's CSV form: a header naming the columns (any
// order; code, title, kind and provider required), then one offer a line.
// Every problem is reported as "name:line: column: what is wrong", and no
// offers are returned unless every line is good.
func ParseMenuCSV(name string, r io.Reader) ([]entente.Offer, []int, error) {
	probs := &menuProblems{name: name}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, entente.Errorf(entente.EINVALID, "%s:1: the file is empty; want a header line: %s", name, strings.Join(MenuColumns, ","))
	}
	if err != nil {
		return nil, nil, entente.Errorf(entente.EINVALID, "%s: %v", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		known := false
		for _, c := range MenuColumns {
			known = known || c == h
		}
		if !known {
			probs.addf(1, h, "unknown column (want %s)", strings.Join(MenuColumns, ", "))
			continue
		}
		if _, dup := col[h]; dup {
			probs.addf(1, h, "column given twice")
		}
		col[h] = i
	}
	for _, req := range []string{"code", "title", "kind", "provider"} {
		if _, ok := col[req]; !ok {
			probs.addf(1, req, "required column missing")
		}
	}
	if err := probs.err(); err != nil {
		return nil, nil, err
	}
	var out []entente.Offer
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				probs.addf(pe.Line, "", "%v", pe.Err)
				break
			}
			return nil, nil, err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(header) {
			probs.addf(line, "", "%d fields, but the header has %d", len(rec), len(header))
			continue
		}
		get := func(c string) string {
			if i, ok := col[c]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		o := entente.Offer{Code: get("code"), Title: get("title"), Area: get("area"), Kind: get("kind"), Provider: get("provider"),
			Location: get("location"), Recurrence: get("recurrence"), Provenance: entente.Provenance{Sources: strings.Fields(get("sources"))}}
		if v := get("capacity"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				probs.addf(line, "capacity", "%q is not a whole number", v)
			}
			o.Capacity = n
		}
		switch v := strings.ToLower(get("synthetic")); v {
		case "", "no", "false":
		case "yes", "true":
			o.Synthetic = true
		default:
			probs.addf(line, "synthetic", "%q is not yes or no", v)
		}
		for _, c := range []string{"from", "to"} {
			d, err := entente.ParseDate(get(c))
			if err != nil {
				probs.addf(line, c, "%v", err)
			}
			if c == "from" {
				o.From = d
			} else {
				o.To = d
			}
		}
		for _, p := range o.Problems() {
			probs.addf(line, p.Field, "%s", p.Message)
		}
		out = append(out, o)
		lines = append(lines, line)
	}
	if err := probs.err(); err != nil {
		return nil, nil, err
	}
	return out, lines, nil
}

// ParseMenuJSON reads the menu's JSON form: an array of offers, as
// WriteMenuJSON writes it. Problems are reported like ParseMenuCSV's, with
// the line each offer starts on and the field as the column.
func ParseMenuJSON(name string, r io.Reader) ([]entente.Offer, []int, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, err
	}
	probs := &menuProblems{name: name}
	lineAt := func(off int64) int { return 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n")) }
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		probs.addf(lineAt(dec.InputOffset()), "", "want a JSON array of menu offers")
		return nil, nil, probs.err()
	}
	var out []entente.Offer
	var lines []int
	for dec.More() {
		start := dec.InputOffset()
		start += int64(len(data[start:]) - len(bytes.TrimLeft(data[start:], ", \t\r\n")))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			probs.addf(lineAt(dec.InputOffset()), "", "%s", jsondec.Message(data, err))
			return nil, nil, probs.err()
		}
		line := lineAt(start)
		var o entente.Offer
		if bad := jsondec.Strict(raw, &o); len(bad) > 0 {
			for _, b := range bad {
				probs.addf(lineAt(start+b.Offset), b.Field, "%s", b.Message)
			}
			continue
		}
		if o.Sources == nil {
			o.Sources = []string{}
		}
		for _, p := range o.Problems() {
			probs.addf(line, p.Field, "%s", p.Message)
		}
		out = append(out, o)
		lines = append(lines, line)
	}
	if err := probs.err(); err != nil {
		return nil, nil, err
	}
	return out, lines, nil
}

// WriteMenuCSV writes offers in the CSV form ParseMenuCSV reads.
func WriteMenuCSV(w io.Writer, offers []entente.Offer) error {
	cw := csv.NewWriter(w)
	cw.Write(MenuColumns)
	for _, o := range offers {
		cap := ""
		if o.Capacity != 0 {
			cap = strconv.Itoa(o.Capacity)
		}
		syn := ""
		if o.Synthetic {
			syn = "yes"
		}
		cw.Write([]string{o.Code, o.Title, o.Area, o.Kind, o.Provider, cap, o.Location, o.From.String(), o.To.String(),
			o.Recurrence, syn, strings.Join(o.Sources, " ")})
	}
	cw.Flush()
	return cw.Error()
}

// WriteMenuJSON writes offers as an indented JSON array.
func WriteMenuJSON(w io.Writer, offers []entente.Offer) error {
	if offers == nil {
		offers = []entente.Offer{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(offers)
}

// ImportMenu reads a menu file (format "csv" or "json") and writes its
// offers, adding new ones and replacing those with the same code, in one
// transaction: nothing is written if any line is bad, including a line
// naming an unknown area or source. It returns how many offers it wrote.
func (s *Service) ImportMenu(ctx context.Context, name, format string, r io.Reader) (int, error) {
	p, err := s.ImportMenuFile(ctx, MenuRequest{Name: name, Format: format, Body: r})
	if err != nil {
		return 0, err
	}
	return p.Offers, nil
}

// MayImportMenu reports whether the principal in ctx may import menus
// (nil), or why not, as ImportMenu would refuse: the upload form is shown
// only to those who may send it.
func MayImportMenu(ctx context.Context) error {
	_, err := authorize(ctx, StaffWork, "", "import menus")
	return err
}

// MenuRequest is a menu file to import or preview.
type MenuRequest struct {
	// Name names the file in problems ("menu.csv:3: area: ...").
	Name string
	// Format is "csv" or "json".
	Format string
	Body   io.Reader
	// DryRun checks the file and compares it with the menu, writing
	// nothing: the preview a form shows before the import.
	DryRun bool
	// Basis, when given, is the Basis of the preview the import was
	// confirmed from: if the offers the file replaces, or the absence of
	// those it adds, have changed since, the import is ESTALE and writes
	// nothing, so it imports exactly what was previewed.
	Basis string
}

// MenuPreview is what a menu file does to the menu.
type MenuPreview struct {
	Offers    int             `json:"offers"`
	Added     []entente.Offer `json:"added"`
	Replaced  []OfferChange   `json:"replaced"`
	Unchanged []entente.Offer `json:"unchanged"`
	// Basis is the version of what the preview compared the file with:
	// the stored offers with the file's codes.
	Basis string `json:"basis"`
}

// OfferChange is a stored offer the file replaces, and the fields it
// changes (as the CSV header names them).
type OfferChange struct {
	Before, After entente.Offer
	Fields        []string
}

// ImportMenuFile reads a menu file and, unless req.DryRun, writes its
// offers as ImportMenu does; either way it answers what the file does to
// the menu.
func (s *Service) ImportMenuFile(ctx context.Context, req MenuRequest) (*MenuPreview, error) {
	who, err := authorize(ctx, StaffWork, "", "import menus")
	if err != nil {
		return nil, err
	}
	var offers []entente.Offer
	var lines []int
	switch strings.ToLower(req.Format) {
	case "csv":
		offers, lines, err = ParseMenuCSV(req.Name, req.Body)
	case "json":
		offers, lines, err = ParseMenuJSON(req.Name, req.Body)
	default:
		return nil, entente.Errorf(entente.EINVALID, "menu format %q: want csv or json", req.Format)
	}
	if err != nil {
		return nil, err
	}
	var out *MenuPreview
	err = s.Store.Update(ctx, func(tx entente.Tx) error {
		if err := checkMenu(ctx, tx, req.Name, offers, lines); err != nil {
			return err
		}
		stored, err := tx.FindOffers(ctx, "")
		if err != nil {
			return err
		}
		out = compareMenu(stored, offers)
		if req.Basis != "" && req.Basis != out.Basis {
			return entente.Errorf(entente.ESTALE, "the menu has changed since the preview: an offer the file adds or replaces was written meanwhile; preview the file again")
		}
		if req.DryRun {
			return errDryRun
		}
		have := map[string]bool{}
		for _, o := range stored {
			have[o.Code] = true
		}
		for i := range offers {
			// A new offer that another import creates meanwhile makes
			// CreateOffer fail with ECONFLICT, and this import write
			// nothing: it never overwrites what it did not read.
			write := tx.CreateOffer
			if have[offers[i].Code] {
				write = tx.UpdateOffer
			}
			if err := write(ctx, &offers[i]); err != nil {
				return err
			}
		}
		return tx.AddAuditEvent(ctx, s.audit(who, "menu.import", "menu", req.Name, nil, map[string]int{"offers": len(offers)}))
	})
	if err != nil && !(req.DryRun && errors.Is(err, errDryRun)) {
		return nil, err
	}
	return out, nil
}

// checkMenu refuses offers naming an unknown area or source, or a code
// given twice, each problem on its file's line.
func checkMenu(ctx context.Context, tx entente.Reader, name string, offers []entente.Offer, lines []int) error {
	areas, err := tx.FindAreas(ctx)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, a := range areas {
		known[a.Code] = true
	}
	srcs, err := tx.FindSources(ctx, nil)
	if err != nil {
		return err
	}
	haveSrc := map[string]bool{}
	for _, s := range srcs {
		haveSrc[s.ID] = true
	}
	probs := &menuProblems{name: name}
	seen := map[string]int{}
	for i, o := range offers {
		if o.Area != "" && !known[o.Area] {
			probs.addf(lines[i], "area", "unknown area %q", o.Area)
		}
		for _, id := range o.Sources {
			if !haveSrc[id] {
				probs.addf(lines[i], "sources", "unknown source %q", id)
			}
		}
		if first, dup := seen[o.Code]; dup {
			probs.addf(lines[i], "code", "%s is given twice (first on line %d)", o.Code, first)
		}
		seen[o.Code] = lines[i]
	}
	return probs.err()
}

// compareMenu sorts the file's offers into added, replaced and unchanged
// against the stored ones; its Basis is the version of the stored offers
// with the file's codes (and of which codes are new).
func compareMenu(stored, offers []entente.Offer) *MenuPreview {
	byCode := map[string]entente.Offer{}
	for _, o := range stored {
		byCode[o.Code] = o
	}
	p := &MenuPreview{Offers: len(offers)}
	var basis []any
	for _, o := range offers {
		before, ok := byCode[o.Code]
		if !ok {
			p.Added = append(p.Added, o)
			basis = append(basis, o.Code)
			continue
		}
		basis = append(basis, before)
		if fields := offerFields(before, o); len(fields) > 0 {
			p.Replaced = append(p.Replaced, OfferChange{Before: before, After: o, Fields: fields})
		} else {
			p.Unchanged = append(p.Unchanged, o)
		}
	}
	p.Basis = entente.Version(basis)
	return p
}

// offerFields names the columns in which two offers differ.
func offerFields(a, b entente.Offer) []string {
	var out []string
	var x, y bytes.Buffer
	WriteMenuCSV(&x, []entente.Offer{a})
	WriteMenuCSV(&y, []entente.Offer{b})
	ra, _ := csv.NewReader(&x).ReadAll()
	rb, _ := csv.NewReader(&y).ReadAll()
	for i, col := range MenuColumns {
		if ra[1][i] != rb[1][i] {
			out = append(out, col)
		}
	}
	return out
}
