// Command search measures full-text search over a store: each query of a
// fixed list through the API of a running `entente serve` (as the public,
// so the releasability filter runs), and the same query straight on the
// store (the store's own search, in this process: its SQL and nothing
// above it), in the same run; it prints p50, p95 and the slowest of each.
//
//	go run ./bench/search -db DSN -server http://127.0.0.1:8093 -queries bench/search/queries.txt
//
// The API caches answers to the public until the store changes, so each
// round asks with another page size (limit 20, 21, ...), which the cache
// keys on: every answer timed is a miss.
//
// On a machine shared with other work, wall times grow with its load; the
// CPU time of the store's own search (the thread that runs it, in this
// process) moves much less. On SQLite that is all of a search's work; on
// PostgreSQL only the client's, the server's own being in its processes.
package main

import (
	"bufio"
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/store"
)

func main() {
	dsn := flag.String("db", "", "the store (an SQLite file or a PostgreSQL URL) that the server serves")
	server := flag.String("server", "", "the running server's base URL")
	file := flag.String("queries", "bench/search/queries.txt", "the queries, one a line")
	rounds := flag.Int("rounds", 3, "times each query is asked of each")
	flag.Parse()
	if *dsn == "" || *server == "" {
		log.Fatal("give -db and -server")
	}
	queries, err := readQueries(*file)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, *dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	se, ok := st.(entente.Searcher)
	if !ok {
		log.Fatal("this store cannot search")
	}
	var api, direct, cpu []time.Duration
	// The search runs on this goroutine; kept on one thread, that
	// thread's CPU time is the search's.
	runtime.LockOSThread()
	hits := map[string]int{}
	slowest := map[string]time.Duration{}
	for round := range *rounds {
		for _, q := range queries {
			terms, err := entente.ParseSearch(q)
			if err != nil {
				log.Fatalf("%q: %v", q, err)
			}
			start, startCPU := time.Now(), threadCPU()
			res, err := se.Search(ctx, entente.SearchQuery{Terms: terms, Limit: 20 + round, Viewer: entente.Anonymous})
			direct = append(direct, time.Since(start))
			cpu = append(cpu, threadCPU()-startCPU)
			if err != nil {
				log.Fatalf("store: %q: %v", q, err)
			}
			hits[q] = res.Total

			u := *server + "/api/v1/search?" + url.Values{"q": {q}, "limit": {fmt.Sprint(20 + round)}}.Encode()
			start = time.Now()
			resp, err := http.Get(u)
			if err == nil {
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			took := time.Since(start)
			api = append(api, took)
			slowest[q] = max(slowest[q], took)
			if err != nil || resp.StatusCode != http.StatusOK {
				log.Fatalf("API: %q: %v %v", q, err, resp.Status)
			}
		}
	}
	matched := 0
	for _, n := range hits {
		if n > 0 {
			matched++
		}
	}
	fmt.Printf("%d queries (%d with hits), %d rounds\n", len(queries), matched, *rounds)
	fmt.Printf("%-28s %10s %10s %10s\n", "", "p50", "p95", "max")
	for _, row := range []struct {
		name string
		ds   []time.Duration
	}{{"API (public, uncached)", api}, {"store, in process", direct}, {"store, its thread's CPU", cpu}} {
		p50, p95, top := quantiles(row.ds)
		fmt.Printf("%-28s %10v %10v %10v\n", row.name, p50, p95, top)
	}
	p50a, p95a, _ := quantiles(api)
	p50d, p95d, _ := quantiles(direct)
	fmt.Printf("API / store: p50 %.2f, p95 %.2f\n", float64(p50a)/float64(p50d), float64(p95a)/float64(p95d))
	byTime := slices.SortedFunc(maps.Keys(slowest), func(a, b string) int { return cmp.Compare(slowest[b], slowest[a]) })
	fmt.Println("slowest through the API:")
	for _, q := range byTime[:min(5, len(byTime))] {
		fmt.Printf("  %-28q %10v  %d hits\n", q, slowest[q].Round(10*time.Microsecond), hits[q])
	}
}

func readQueries(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if q := strings.TrimSpace(sc.Text()); q != "" && !strings.HasPrefix(q, "#") {
			out = append(out, q)
		}
	}
	return out, sc.Err()
}

// quantiles returns the 50th and 95th percentiles (nearest rank) and the
// largest of ds.
func quantiles(ds []time.Duration) (p50, p95, top time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[max(0, min(i, len(s)-1))].Round(10 * time.Microsecond)
	}
	return rank(0.50), rank(0.95), s[len(s)-1].Round(10 * time.Microsecond)
}

// threadCPU is the CPU time (user and system) of the calling thread.
func threadCPU() time.Duration {
	const rusageThread = 1 // RUSAGE_THREAD, Linux
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
