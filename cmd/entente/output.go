package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
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

// emit writes what fill produces to standard output, or to --out.
func (e *env) emit(fill func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := fill(&buf); err != nil {
		return err
	}
	if e.opts.out == "" {
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	if err := writeFile(e.opts.out, buf.Bytes()); err != nil {
		return entente.Errorf(entente.EINVALID, "--out: %v", err)
	}
	return nil
}

// emitStream is emit for output too large to hold: fill writes to standard
// output as it goes, or to the --out file, which appears whole or not at
// all. An error from fill comes back unchanged.
func (e *env) emitStream(fill func(io.Writer) error) error {
	if e.opts.out == "" {
		return fill(e.stdout)
	}
	var fillErr error
	err := writeFileWith(e.opts.out, func(w io.Writer) error {
		fillErr = fill(w)
		return fillErr
	})
	if fillErr != nil {
		return fillErr
	}
	if err != nil {
		return entente.Errorf(entente.EINVALID, "--out: %v", err)
	}
	return nil
}

// writeFile writes data to path atomically: to a new file beside it, then
// renamed into place, so a failure never leaves half a file. Like any other
// tool's output the file is readable by all: mode 0666 less the umask
// (0644 under the usual 022), not os.CreateTemp's 0600.
func writeFile(path string, data []byte) error {
	return writeFileWith(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeFileWith is writeFile for content that fill writes as it goes (an
// export too large to hold): a failure of fill, or an interruption, leaves
// no file and no half-written one.
func writeFileWith(path string, fill func(w io.Writer) error) error {
	var tmp *os.File
	var err error
	for range 100 {
		name := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.%d.tmp", filepath.Base(path), rand.Uint32()))
		tmp, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := fill(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
