//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestExportMode: exports were written with mode 0600, os.CreateTemp's
// (issue 7, defect 9). They are written 0666 less the umask, still
// atomically (no temporary file left beside them).
func TestExportMode(t *testing.T) {
	db := scratch(t)
	for _, tt := range []struct {
		umask int
		want  os.FileMode
	}{{0o022, 0o644}, {0o077, 0o600}, {0o002, 0o664}} {
		old := syscall.Umask(tt.umask)
		dir := t.TempDir()
		outs := []string{filepath.Join(dir, "all.json"), filepath.Join(dir, "menu.csv"), filepath.Join(dir, "nzl.md"), filepath.Join(dir, "p.svg")}
		cmds := [][]string{{"export", "--out", outs[0]}, {"menu", "export", "--out", outs[1]}, {"profile", "NZL", "--out", outs[2]},
			{"programme", "progress", "NZL-ITPP-2024", "--svg", outs[3]}}
		for i, args := range cmds {
			if _, stderr, code := run(t, append(args, db)...); code != 0 {
				t.Fatalf("%v: exit %d: %s", args, code, stderr)
			}
			fi, err := os.Stat(outs[i])
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != tt.want {
				t.Errorf("umask %03o: %v wrote mode %03o, want %03o", tt.umask, args, got, tt.want)
			}
		}
		syscall.Umask(old)
		entries, _ := os.ReadDir(dir)
		if len(entries) != len(outs) {
			t.Errorf("%d files in the directory, want %d: a temporary file was left", len(entries), len(outs))
		}
	}
}
