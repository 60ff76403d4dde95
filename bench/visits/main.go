// Command visits loads a running entente server with writers and consented
// page views at once, the mix that made the per-view write hurt (issue 8):
// writers propose activities through the API while viewers read pages with
// consent=yes. It prints the writers' and viewers' answers by status and the
// viewers' latency. With -count it instead sums the visit counts stored in
// a database (run it after the server shut down), to compare with the views
// answered 200. bench/visits.sh runs both.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/store"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:18093", "the server's base URL")
	d := flag.Duration("d", 10*time.Second, "how long to load")
	writers := flag.Int("writers", 64, "concurrent writers")
	viewers := flag.Int("viewers", 64, "concurrent consented viewers")
	count := flag.String("count", "", "print the views stored in this database and exit")
	flag.Parse()
	if *count != "" {
		if err := stored(*count); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	load(*base, *d, *writers, *viewers)
}

func stored(db string) error {
	st, err := store.Open(context.Background(), db)
	if err != nil {
		return err
	}
	defer st.Close()
	vs, err := st.(entente.Counter).Visits(context.Background(), entente.Date{})
	if err != nil {
		return err
	}
	n := int64(0)
	for _, v := range vs {
		n += v.Count
	}
	fmt.Printf("views stored: %d\n", n)
	return nil
}

type tally struct {
	mu    sync.Mutex
	codes map[int]int
	lat   []time.Duration
}

func (t *tally) add(code int, d time.Duration) {
	t.mu.Lock()
	t.codes[code]++
	t.lat = append(t.lat, d)
	t.mu.Unlock()
}

func (t *tally) String() string {
	slices.Sort(t.lat)
	q := func(p float64) time.Duration {
		if len(t.lat) == 0 {
			return 0
		}
		return t.lat[int(p*float64(len(t.lat)-1))]
	}
	return fmt.Sprintf("%d answers %v, p50 %v, p99 %v", len(t.lat), t.codes, q(0.5).Round(time.Millisecond), q(0.99).Round(time.Millisecond))
}

func load(base string, d time.Duration, writers, viewers int) {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: writers + viewers}, Timeout: 30 * time.Second}
	deadline := time.Now().Add(d)
	w, v := &tally{codes: map[int]int{}}, &tally{codes: map[int]int{}}
	pages := []string{"/", "/members", "/partners", "/partners/NZL", "/countries/UKR", "/timeline"}
	var wg sync.WaitGroup
	do := func(t *tally, req *http.Request) {
		start := time.Now()
		res, err := c.Do(req)
		code := 0 // a transport error
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			code = res.StatusCode
		}
		t.add(code, time.Since(start))
	}
	for i := range writers {
		wg.Go(func() {
			for j := 0; time.Now().Before(deadline); j++ {
				body := fmt.Sprintf(`{"actor":"bench","programme":"NZL-ITPP-2024","title":"Bench talks %d-%d","kind":"staff-talks","date":"2025-01-10"}`, i, j)
				req, _ := http.NewRequest("POST", base+"/api/v1/activities", bytes.NewBufferString(body))
				req.Header.Set("Content-Type", "application/json")
				do(w, req)
			}
		})
	}
	for i := range viewers {
		wg.Go(func() {
			for j := 0; time.Now().Before(deadline); j++ {
				req, _ := http.NewRequest("GET", base+pages[(i+j)%len(pages)], nil)
				req.Header.Set("Cookie", "consent=yes")
				req.Header.Set("Referer", fmt.Sprintf("https://site%d.example/", j%5))
				do(v, req)
			}
		})
	}
	wg.Wait()
	fmt.Printf("writers: %v\nviewers: %v\nviews answered 200: %d\n", w, v, v.codes[200])
}
