package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
	"github.com/entente/entente/store/sqlite"
)

// filled returns a store with the default dataset and some synthetic
// activities, so that a backup has activities to carry.
func filled(t *testing.T, db string) {
	t.Helper()
	if _, errOut, code := run(t, "generate", "--partners", "3", "--activities", "300", "--db", db); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errOut)
	}
}

// TestBackupRestore: a backup brought back with restore exports exactly as
// the store it was made from, on each engine and across them (issue 12,
// item 5).
func TestBackupRestore(t *testing.T) {
	engines := []struct {
		name string
		db   func(t *testing.T) string
		// file is the backup's name: an SQLite backup is a database, a
		// PostgreSQL one a snapshot export.
		file string
	}{
		{"SQLite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "entente.db") }, "backup.db"},
		{"PostgreSQL", func(t *testing.T) string { return pgtest.New(t) }, "backup.json"},
	}
	for _, from := range engines {
		for _, to := range engines {
			t.Run(from.name+" to "+to.name, func(t *testing.T) {
				src := from.db(t)
				filled(t, src)
				want := exportOf(t, "--db="+src)
				file := filepath.Join(t.TempDir(), from.file)
				if _, errOut, code := run(t, "backup", file, "--db", src); code != 0 {
					t.Fatalf("backup: exit %d: %s", code, errOut)
				}
				dst := to.db(t)
				_, errOut, code := run(t, "restore", file, "--db", dst)
				if code != 0 {
					t.Fatalf("restore: exit %d: %s", code, errOut)
				}
				if !strings.Contains(errOut, "restored") {
					t.Errorf("restore says %q, want what it restored", errOut)
				}
				got := exportOf(t, "--db="+dst)
				if len(want) < 10000 || got != want {
					t.Errorf("export after restore: %d bytes, want the %d bytes exported before the backup, identical", len(got), len(want))
				}
				if !strings.Contains(got, `"activities"`) {
					t.Errorf("the export carries no activities")
				}
			})
		}
	}
}

// TestBackupKeepsAccountsAndAudit: an SQLite backup is the whole database:
// accounts, tokens and the audit trail come back with the records, and the
// restored chain verifies.
func TestBackupKeepsAccountsAndAudit(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "entente.db")
	filled(t, db)
	writeToken(t, db)
	file := filepath.Join(dir, "b.db")
	if _, errOut, code := run(t, "backup", file, "--db", db); code != 0 {
		t.Fatalf("backup: %s", errOut)
	}
	restored := filepath.Join(dir, "restored.db")
	if _, errOut, code := run(t, "restore", file, "--db", restored); code != 0 {
		t.Fatalf("restore: %s", errOut)
	}
	for _, args := range [][]string{{"user", "list"}, {"token", "list"}, {"audit", "--limit", "1000"}} {
		a, _, _ := run(t, append(args, "--db", db)...)
		b, errOut, code := run(t, append(args, "--db", restored)...)
		if code != 0 || a != b || a == "" {
			t.Errorf("%s after restore: exit %d %s\n%s\nwant\n%s", args, code, errOut, b, a)
		}
	}
	out, errOut, code := run(t, "audit", "verify", "--db", restored)
	if code != 0 {
		t.Errorf("audit verify on the restored database: exit %d: %s %s", code, out, errOut)
	}
}

// TestBackupWhileWriting: a backup made while writers commit is the store
// as it stood at one moment: it restores, passes SQLite's integrity check
// and its audit chain holds, it holds at least the activities committed
// before it began and at most those committed by its end, and the writers
// are not refused meanwhile.
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "entente.db")
	filled(t, db)
	st, err := store.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := service.New(st)
	ctx := entente.WithPrincipal(t.Context(), entente.Operator("test"))
	count := func() int {
		n, err := svc.CountActivities(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	progs, err := svc.ProgrammesOf(ctx, "", entente.Date{})
	if err != nil || len(progs) == 0 {
		t.Fatalf("programmes: %v %v", progs, err)
	}
	var prog string
	for _, p := range progs {
		if strings.HasPrefix(p.ID, "SYNTH") || p.Alliance == "SYNTH" {
			prog = p.ID
		}
	}
	if prog == "" {
		prog = progs[0].ID
	}
	var refused atomic.Int64
	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// Writers as a server's are: a few, each pausing between writes. Four
	// in a tight loop under the race detector (ten times slower) kept the
	// write lock so busy that the backup's own open waited past its busy
	// timeout.
	writers, pause := 4, time.Millisecond
	if raceDetector {
		writers, pause = 2, 10*time.Millisecond
	}
	for w := range writers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(pause):
				}
				_, err := svc.ProposeActivity(ctx, service.ProposeRequest{Programme: prog,
					Title: fmt.Sprintf("Backup trial %d-%d", w, i), Kind: "course"})
				if err != nil {
					refused.Add(1)
					t.Errorf("a write during the backup: %v", err)
					return
				}
				written.Add(1)
			}
		})
	}
	for written.Load() < 20 {
		time.Sleep(time.Millisecond)
	}
	before := count()
	file := filepath.Join(dir, "during.db")
	_, errOut, code := run(t, "backup", file, "--db", db)
	after := count()
	close(stop)
	wg.Wait()
	if code != 0 {
		t.Fatalf("backup while writing: exit %d: %s", code, errOut)
	}
	restored := filepath.Join(dir, "restored.db")
	if _, errOut, code := run(t, "restore", file, "--db", restored); code != 0 {
		t.Fatalf("restore of the backup made while writing: %s", errOut)
	}
	rst, err := store.Open(t.Context(), restored)
	if err != nil {
		t.Fatal(err)
	}
	defer rst.Close()
	got, err := service.New(rst).CountActivities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got < before || got > after {
		t.Errorf("the backup holds %d activities; %d were committed when it began and %d when it ended", got, before, after)
	}
	if after == before {
		t.Logf("no write committed during the backup (%d activities): the backup was quicker than the writers", before)
	}
	t.Logf("backup during writes: %d activities before, %d in the backup, %d after; %d writes in all, %d refused", before, got, after, written.Load(), refused.Load())
}

// TestBackupRefusals: a backup never overwrites a file; restore refuses
// an SQLite database that exists without --replace, a PostgreSQL store
// that is not empty, and a damaged backup, leaving the database as it was.
func TestBackupRefusals(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "entente.db")
	filled(t, db)
	want := exportOf(t, "--db="+db)
	exists := filepath.Join(dir, "exists.db")
	os.WriteFile(exists, []byte("mine"), 0o644)
	if _, errOut, code := run(t, "backup", exists, "--db", db); code != 2 || !strings.Contains(errOut, "already exists") {
		t.Errorf("backup onto a file that exists: exit %d: %s", code, errOut)
	}
	if b, _ := os.ReadFile(exists); string(b) != "mine" {
		t.Errorf("the file that existed now holds %q", b)
	}
	file := filepath.Join(dir, "b.db")
	if _, errOut, code := run(t, "backup", file, "--db", db); code != 0 {
		t.Fatalf("backup: %s", errOut)
	}
	if _, errOut, code := run(t, "restore", file, "--db", db); code == 0 || !strings.Contains(errOut, "--replace") {
		t.Errorf("restore over a database without --replace: exit %d: %s", code, errOut)
	}
	// A damaged backup: an SQLite header, then pages of rubbish in the
	// middle of the file.
	b, _ := os.ReadFile(file)
	for i := len(b) / 2; i < len(b)/2+8192 && i < len(b); i++ {
		b[i] = 0x5a
	}
	damaged := filepath.Join(dir, "damaged.db")
	os.WriteFile(damaged, b, 0o644)
	if _, errOut, code := run(t, "restore", damaged, "--db", db, "--replace"); code == 0 {
		t.Errorf("restore of a damaged backup: exit 0: %s", errOut)
	} else {
		t.Logf("a damaged backup: %s", strings.TrimSpace(errOut))
	}
	if got := exportOf(t, "--db="+db); got != want {
		t.Errorf("the database after a refused restore differs from before (%d and %d bytes)", len(got), len(want))
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("a refused restore left %s behind", e.Name())
		}
	}
	// Replace works, and restores the records.
	if _, errOut, code := run(t, "restore", file, "--db", db, "--replace"); code != 0 {
		t.Errorf("restore --replace: exit %d: %s", code, errOut)
	}
	if got := exportOf(t, "--db="+db); got != want {
		t.Errorf("the database after restore --replace differs (%d and %d bytes)", len(got), len(want))
	}
	t.Run("PostgreSQL", func(t *testing.T) {
		pg := pgtest.New(t)
		exportOf(t, "--db="+pg) // loads the default dataset: the store is not empty
		_, errOut, code := run(t, "restore", file, "--db", pg)
		if code == 0 || !strings.Contains(errOut, "empty") {
			t.Errorf("restore into a PostgreSQL store that is not empty: exit %d: %s", code, errOut)
		}
		if _, errOut, code := run(t, "restore", file, "--db", pg, "--replace"); code != 2 || !strings.Contains(errOut, "never clears") {
			t.Errorf("restore --replace into PostgreSQL: exit %d: %s", code, errOut)
		}
	})
}

// TestIsDatabase tells an SQLite file from an export.
func TestIsDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	sqldb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	sqldb.Exec("CREATE TABLE t (x)")
	sqldb.Close()
	js := filepath.Join(dir, "x.json")
	os.WriteFile(js, []byte(`{"alliances": []}`), 0o644)
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte("SQL"), 0o644)
	for path, want := range map[string]bool{db: true, js: false, short: false} {
		if got, err := sqlite.IsDatabase(path); got != want || err != nil {
			t.Errorf("IsDatabase(%s) = %t, %v; want %t", filepath.Base(path), got, err, want)
		}
	}
	if _, err := sqlite.IsDatabase(filepath.Join(dir, "missing")); err == nil {
		t.Errorf("IsDatabase of a missing file: no error")
	}
}

// TestMeter: on a terminal, long work draws a bar with the share done, the
// rate and the time left; with standard error not a terminal, or with
// --quiet, nothing is drawn.
func TestMeter(t *testing.T) {
	var buf bytes.Buffer
	m := newMeter(&buf, "exporting", "activities", false)
	m.set(0, 1000)
	time.Sleep(150 * time.Millisecond)
	m.set(500, 1000)
	time.Sleep(150 * time.Millisecond)
	m.finish(nil)
	out := buf.String()
	// The bar throttles its frames, so a loaded machine may skip the one
	// at 50%; the first and the last are always drawn. "[0s:0s]" is the
	// time taken and the time left.
	for _, want := range []string{"exporting", "  0%", "(0/1000", "s:0s]", "100%", "(1000/1000", "activities/s"} {
		if !strings.Contains(out, want) {
			t.Errorf("the bar %q lacks %q", out, want)
		}
	}
	// A bar only on a terminal: the tests' standard error is a buffer.
	dir := t.TempDir()
	db := filepath.Join(dir, "entente.db")
	_, errOut, code := run(t, "generate", "--partners", "2", "--activities", "50", "--db", db)
	if code != 0 || strings.Contains(errOut, "\r") || strings.Contains(errOut, "%") {
		t.Errorf("generate with standard error not a terminal: exit %d, drew %q", code, errOut)
	}
	_, errOut, code = run(t, "backup", filepath.Join(dir, "b.db"), "--quiet", "--db", db)
	if code != 0 || strings.Contains(errOut, "\r") {
		t.Errorf("backup --quiet: exit %d, drew %q", code, errOut)
	}
	e := &env{stderr: os.Stderr}
	e.opts.quiet = true
	if e.meter("x", "y", false).bar != nil {
		t.Errorf("--quiet still draws a bar")
	}
}
