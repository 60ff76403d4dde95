package crashtest

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// checkPostgres checks the trial's PostgreSQL schema, the server stopped:
// every foreign key is validated and every child row's parent exists
// (queried, not trusted), and, with the amcheck extension, every B-tree
// index agrees with its table and every table's heap is sound. Each
// problem goes to fail.
func checkPostgres(t *testing.T, fail func(string, ...any), dsn string) {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	unvalidated, err := column(db, `SELECT conname FROM pg_constraint c JOIN pg_namespace s ON s.oid = c.connamespace
		WHERE s.nspname = current_schema() AND NOT c.convalidated`)
	if err != nil {
		t.Fatalf("constraints: %v", err)
	}
	for _, name := range unvalidated {
		fail("constraint %s is not validated", name)
	}
	fks, err := foreignKeys(db)
	if err != nil {
		t.Fatalf("foreign keys: %v", err)
	}
	if len(fks) == 0 {
		fail("the schema has no foreign keys: the check found nothing to check")
	}
	for _, fk := range fks {
		var orphans int
		if err := db.QueryRow(fk.orphans()).Scan(&orphans); err != nil {
			t.Fatalf("%s: %v", fk.name, err)
		}
		if orphans > 0 {
			fail("%s: %d rows of %s have no parent in %s", fk.name, orphans, fk.child, fk.parent)
		}
	}
	amcheck(t, db, fail)
}

// foreignKey is one foreign key of the current schema.
type foreignKey struct {
	name, child, parent string
	cols, refs          []string
}

func foreignKeys(db *sql.DB) ([]foreignKey, error) {
	rows, err := db.Query(`SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text,
		(SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n),
		(SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
			JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n)
		FROM pg_constraint c JOIN pg_namespace s ON s.oid = c.connamespace
		WHERE c.contype = 'f' AND s.nspname = current_schema() ORDER BY c.conname`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []foreignKey
	for rows.Next() {
		var fk foreignKey
		var cols, refs string
		if err := rows.Scan(&fk.name, &fk.child, &fk.parent, &cols, &refs); err != nil {
			return nil, err
		}
		fk.cols, fk.refs = strings.Split(cols, ","), strings.Split(refs, ",")
		out = append(out, fk)
	}
	return out, rows.Err()
}

// orphans counts the child rows whose key (every column set: MATCH SIMPLE)
// names no parent row.
func (fk foreignKey) orphans() string {
	var set, match []string
	for i, c := range fk.cols {
		set = append(set, "c."+c+" IS NOT NULL")
		match = append(match, fmt.Sprintf("p.%s = c.%s", fk.refs[i], c))
	}
	return fmt.Sprintf("SELECT count(*) FROM %s c WHERE %s AND NOT EXISTS (SELECT 1 FROM %s p WHERE %s)",
		fk.child, strings.Join(set, " AND "), fk.parent, strings.Join(match, " AND "))
}

// amcheck verifies every B-tree index of the schema against its table
// (bt_index_parent_check with heapallindexed) and every table's heap
// (verify_heapam). It installs the extension in the trial's database; a
// role that may not is told in the log, and the checks above still ran.
func amcheck(t *testing.T, db *sql.DB, fail func(string, ...any)) {
	t.Helper()
	if _, err := db.Exec("CREATE EXTENSION IF NOT EXISTS amcheck"); err != nil {
		t.Logf("amcheck not available (%v): indexes and heaps not verified", err)
		return
	}
	// The extension's functions live in the schema it was installed in,
	// which need not be on the search path.
	var ext string
	if err := db.QueryRow(`SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
		WHERE e.extname = 'amcheck'`).Scan(&ext); err != nil {
		t.Fatalf("amcheck's schema: %v", err)
	}
	indexes, err := column(db, `SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
		JOIN pg_am am ON am.oid = c.relam WHERE c.relkind = 'i' AND am.amname = 'btree' AND s.nspname = current_schema()`)
	if err != nil {
		t.Fatalf("indexes: %v", err)
	}
	for _, ix := range indexes {
		if _, err := db.Exec("SELECT "+ext+".bt_index_parent_check($1::regclass, true)", ix); err != nil {
			fail("amcheck: index %s: %v", ix, err)
		}
	}
	tables, err := column(db, `SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
		WHERE c.relkind = 'r' AND s.nspname = current_schema()`)
	if err != nil {
		t.Fatalf("tables: %v", err)
	}
	for _, tb := range tables {
		problems, err := column(db, "SELECT format('block %s offset %s: %s', blkno, offnum, msg) FROM "+ext+".verify_heapam($1::regclass)", tb)
		if err != nil {
			fail("amcheck: table %s: %v", tb, err)
		}
		for _, p := range problems {
			fail("amcheck: table %s: %s", tb, p)
		}
	}
	if len(indexes) == 0 || len(tables) == 0 {
		fail("amcheck found %d indexes and %d tables to check", len(indexes), len(tables))
	}
}
