package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/entente/entente"
)

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table prints rows under a header, aligned in columns.
func table(w io.Writer, header []string, rows [][]string) error {
	var buf strings.Builder
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// tabwriter pads empty last cells; trim them.
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if line != "" {
			fmt.Fprintln(w, strings.TrimRight(line, " \n"))
		}
	}
	return nil
}

// footnotes numbers sources as they are first cited, for text output.
type footnotes struct {
	order []string
	index map[string]int
}

// cite returns "[1,3]" for the given source ids, numbering new ones.
func (f *footnotes) cite(p entente.Provenance) string {
	if f.index == nil {
		f.index = map[string]int{}
	}
	var nums []string
	for _, id := range p.Sources {
		n, ok := f.index[id]
		if !ok {
			f.order = append(f.order, id)
			n = len(f.order)
			f.index[id] = n
		}
		nums = append(nums, fmt.Sprint(n))
	}
	mark := ""
	if p.Unconfirmed != "" {
		mark = " (unconfirmed)"
	}
	return "[" + strings.Join(nums, ",") + "]" + mark
}

// print lists the cited sources with their titles and addresses.
func (f *footnotes) print(w io.Writer, sources []entente.Source) {
	if len(f.order) == 0 {
		return
	}
	byID := map[string]entente.Source{}
	for _, s := range sources {
		byID[s.ID] = s
	}
	fmt.Fprintln(w, "\nSources")
	for i, id := range f.order {
		s := byID[id]
		where := s.URL
		if where == "" {
			where = s.Document
		}
		fmt.Fprintf(w, "  [%d] %s. %s\n", i+1, s.Title, where)
	}
}

// emit writes what fill produces to standard output, or to --out. A file is
// written beside its target and renamed into place, so a failure never
// leaves half a file.
func (e *env) emit(fill func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := fill(&buf); err != nil {
		return err
	}
	if e.opts.out == "" {
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(e.opts.out), ".entente-*")
	if err != nil {
		return entente.Errorf(entente.EINVALID, "--out: %v", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return entente.Errorf(entente.EINVALID, "--out: %v", err)
	}
	if err := tmp.Close(); err != nil {
		return entente.Errorf(entente.EINVALID, "--out: %v", err)
	}
	if err := os.Rename(tmp.Name(), e.opts.out); err != nil {
		return entente.Errorf(entente.EINVALID, "--out: %v", err)
	}
	return nil
}
