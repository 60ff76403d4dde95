package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/entente/entente"
)

// header is how every SQLite database file begins.
var header = []byte("SQLite format 3\x00")

// IsDatabase reports whether the file at path is an SQLite database, by its
// first bytes. A missing or unreadable file is an error.
func IsDatabase(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	b := make([]byte, len(header))
	n, err := io.ReadFull(f, b)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, err
	}
	return bytes.Equal(b[:n], header), nil
}

// backup copies the database db reads into a new file at path with VACUUM
// INTO: one read transaction, so the copy is the database as it stood when
// it began, whatever the pool's other connections write meanwhile (WAL lets
// them). The copy is written beside path and renamed into place, so a
// failed or cancelled backup leaves nothing at path. progress is told the
// bytes written so far, of at most the database's size.
func backup(ctx context.Context, db *sql.DB, path string, progress func(done, total int64)) error {
	if _, err := os.Lstat(path); err == nil {
		return entente.Errorf(entente.EINVALID, "backup file %s already exists: name a new file (a backup never overwrites one)", path)
	}
	var pages, size int64
	if err := db.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return entente.Errorf(entente.EUNAVAILABLE, "backup: read the database's size: %v", err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA page_size").Scan(&size); err != nil {
		return entente.Errorf(entente.EUNAVAILABLE, "backup: read the database's size: %v", err)
	}
	total := pages * size
	tmp, err := tempBeside(path)
	if err != nil {
		return entente.Errorf(entente.EINVALID, "backup file %s: %v", path, err)
	}
	defer os.Remove(tmp)

	// VACUUM INTO reports nothing until it is done: the size of the file
	// it writes is its progress.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if fi, err := os.Stat(tmp); err == nil {
					progress(min(fi.Size(), total), total)
				}
			}
		}
	})
	_, err = db.ExecContext(ctx, "VACUUM INTO ?", tmp)
	close(stop)
	wg.Wait()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return entente.Errorf(entente.EUNAVAILABLE, "backup to %s: %v", path, err)
	}
	if err := syncFile(tmp); err != nil {
		return entente.Errorf(entente.EUNAVAILABLE, "backup to %s: %v", path, err)
	}
	// Link, not rename: it fails if path appeared meanwhile, rather than
	// replacing it.
	if err := os.Link(tmp, path); err != nil {
		return entente.Errorf(entente.EINVALID, "backup file %s: %v", path, err)
	}
	progress(total, total)
	return nil
}

// tempBeside returns the name of a file that does not exist yet in path's
// directory, for a file to be written and then renamed to path.
func tempBeside(path string) (string, error) {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil {
		return "", err
	} else if !fi.IsDir() {
		return "", fmt.Errorf("%s is not a directory", dir)
	}
	for range 100 {
		name := filepath.Join(dir, fmt.Sprintf(".%s.%d.tmp", filepath.Base(path), rand.Uint32()))
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return name, nil
		}
	}
	return "", fmt.Errorf("no free temporary name beside %s", path)
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// RestoreResult says what Restore checked.
type RestoreResult struct {
	Bytes       int64 // the size of the restored database
	AuditEvents int64 // the audit events whose chain was verified
}

// Restore makes the SQLite database at to a copy of the backup at from (a
// database file, as backup writes). The copy is made beside to, brought up
// to this version's schema, checked (SQLite's integrity check and the audit
// chain) and only then renamed into place, so a bad backup or an
// interrupted restore leaves to as it was. If to exists, Restore refuses
// unless replace is set; with replace, to's write-ahead log goes with it
// (it belongs to the database being replaced). A server that has to open
// notices the file was replaced and answers 503 until it is restarted.
// progress is told the bytes copied.
func Restore(ctx context.Context, from, to string, replace bool, progress func(done, total int64)) (*RestoreResult, error) {
	if progress == nil {
		progress = func(done, total int64) {}
	}
	ok, err := IsDatabase(from)
	if err != nil {
		return nil, entente.Errorf(entente.EINVALID, "backup %s: %v", from, err)
	}
	if !ok {
		return nil, entente.Errorf(entente.EINVALID, "backup %s is not an SQLite database", from)
	}
	if same, err := sameFiles(from, to); err == nil && same {
		return nil, entente.Errorf(entente.EINVALID, "backup %s and the database %s are the same file", from, to)
	}
	if _, err := os.Lstat(to); err == nil && !replace {
		return nil, entente.Errorf(entente.ECONFLICT, "database %s already exists: restore into a new path, or give --replace to replace it (stop any server using it first)", to)
	}
	tmp, err := tempBeside(to)
	if err != nil {
		return nil, entente.Errorf(entente.EINVALID, "database %s: %v", to, err)
	}
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
	}()
	n, err := copyFile(ctx, from, tmp, progress)
	if err != nil {
		return nil, err
	}
	if err := integrity(ctx, tmp); err != nil {
		return nil, entente.Errorf(entente.EINVALID, "backup %s: %v", from, err)
	}
	s, err := Open(ctx, tmp)
	if err != nil {
		return nil, err
	}
	check, err := entente.VerifyAudit(ctx, s)
	s.Close()
	if err != nil {
		return nil, err
	}
	if check.Broken != nil {
		return nil, entente.Errorf(entente.EINVALID, "backup %s: its audit trail is broken at event %d: %s", from, check.Broken.ID, check.Broken.Problem)
	}
	// Fold the write-ahead log Open started back into the file, so the
	// file renamed into place holds everything by itself.
	if err := journalDelete(ctx, tmp); err != nil {
		return nil, entente.Errorf(entente.EUNAVAILABLE, "restore into %s: %v", to, err)
	}
	if err := syncFile(tmp); err != nil {
		return nil, entente.Errorf(entente.EUNAVAILABLE, "restore into %s: %v", to, err)
	}
	// A log left by the database being replaced would be replayed into
	// the restored one.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(to + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, entente.Errorf(entente.EUNAVAILABLE, "restore into %s: %v", to, err)
		}
	}
	if err := os.Rename(tmp, to); err != nil {
		return nil, entente.Errorf(entente.EUNAVAILABLE, "restore into %s: %v", to, err)
	}
	return &RestoreResult{Bytes: n, AuditEvents: check.Events}, nil
}

// sameFiles reports whether a and b name one file.
func sameFiles(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}

// copyFile copies from to the new file to, reporting bytes to progress,
// and stops when ctx is done.
func copyFile(ctx context.Context, from, to string, progress func(done, total int64)) (int64, error) {
	in, err := os.Open(from)
	if err != nil {
		return 0, entente.Errorf(entente.EINVALID, "backup %s: %v", from, err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return 0, entente.Errorf(entente.EINVALID, "backup %s: %v", from, err)
	}
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return 0, entente.Errorf(entente.EINVALID, "restore: %v", err)
	}
	defer out.Close()
	buf := make([]byte, 1<<20)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		k, rerr := in.Read(buf)
		if k > 0 {
			if _, err := out.Write(buf[:k]); err != nil {
				return n, entente.Errorf(entente.EUNAVAILABLE, "restore: write %s: %v", to, err)
			}
			n += int64(k)
			progress(n, fi.Size())
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return n, entente.Errorf(entente.EINVALID, "backup %s: %v", from, rerr)
		}
	}
	return n, out.Close()
}

// integrity runs SQLite's integrity check on the database at path.
func integrity(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", path+"?_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("integrity check: %v", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %v", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check failed: %s (and %d more)", problems[0], len(problems)-1)
	}
	return nil
}

// journalDelete switches the database at path to a rollback journal,
// which checkpoints its write-ahead log into the file and removes it.
func journalDelete(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer db.Close()
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode=DELETE").Scan(&mode); err != nil {
		return err
	}
	if mode != "delete" {
		return fmt.Errorf("journal mode is %s, want delete", mode)
	}
	return db.Close()
}
