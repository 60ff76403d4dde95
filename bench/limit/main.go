// Command limit answers GET /api/v1/activities/{id} with one prepared,
// indexed SELECT of the activity's row and nothing else: no middleware, no
// service, no releasability, no cache, its columns written as one JSON
// object. It is the database's limit for a random record read, which
// bench/reads.sh measures beside entente and the bare handler in the same
// run (issue 13 asks for "reads at the database's limit").
//
//	go run ./bench/limit -addr 127.0.0.1:8093 -db /work/benchdata/m.db
//	go run ./bench/limit -addr 127.0.0.1:8093 -db 'postgres://postgres@127.0.0.1:5432/bench?sslmode=disable'
//
// It opens the store as entente does (SQLite through the same driver with
// the file mapped, read-only; PostgreSQL through pgx) and keeps -conns
// connections open; the default is the number of reads entente lets run at
// once on the engine (two a CPU on SQLite, eight a CPU on PostgreSQL).
package main

import (
	"database/sql"
	"flag"
	"log"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8093", "address to listen on")
	dsn := flag.String("db", "", "an SQLite file or a postgres:// URL")
	conns := flag.Int("conns", 0, "connections kept open (0: as entente reads)")
	flag.Parse()
	if *dsn == "" {
		log.Fatal("limit: -db is required")
	}
	driver, query, n := "sqlite", "SELECT * FROM activities WHERE id = ?", 2*runtime.GOMAXPROCS(0)
	source := "file:" + *dsn + "?mode=ro&_pragma=mmap_size(1073741824)&_pragma=busy_timeout(5000)"
	if strings.HasPrefix(*dsn, "postgres://") || strings.HasPrefix(*dsn, "postgresql://") {
		driver, query, n, source = "pgx", "SELECT * FROM activities WHERE id = $1", 8*runtime.GOMAXPROCS(0), *dsn
	}
	if *conns > 0 {
		n = *conns
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	stmt, err := db.Prepare(query)
	if err != nil {
		log.Fatal(err)
	}
	cols, err := columns(db)
	if err != nil {
		log.Fatal(err)
	}
	bufs := sync.Pool{New: func() any { return new([]byte) }}
	http.HandleFunc("GET /api/v1/activities/{id}", func(w http.ResponseWriter, r *http.Request) {
		rows, err := stmt.QueryContext(r.Context(), r.PathValue("id"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer rows.Close()
		if !rows.Next() {
			http.NotFound(w, r)
			return
		}
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		bp := bufs.Get().(*[]byte)
		b := append((*bp)[:0], '{')
		for i, c := range cols {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, c)
			b = append(b, ':')
			b = strconv.AppendQuote(b, string(vals[i])) // the synthetic rows are ASCII: Go's quoting is JSON's
		}
		b = append(b, '}', '\n')
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
		*bp = b
		bufs.Put(bp)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}

// columns names the activities table's columns, in the order SELECT * gives.
func columns(db *sql.DB) ([]string, error) {
	rows, err := db.Query("SELECT * FROM activities LIMIT 0")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return rows.Columns()
}
