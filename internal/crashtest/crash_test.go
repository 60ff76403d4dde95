package crashtest

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/entente/entente/store"
)

// The environment variables that set the harness's length and seed.
const (
	trialsVar = "ENTENTE_CRASH_TRIALS" // trials per engine; 1 when unset
	seedVar   = "ENTENTE_CRASH_SEED"   // the first trial's seed; from the clock when unset
)

// Each trial kills the server between minKill and minKill+killSpread after
// the writers start.
const (
	minKill    = 300 * time.Millisecond
	killSpread = 4200 * time.Millisecond
)

// TestCrash runs the crash trials: ENTENTE_CRASH_TRIALS per engine (1 when
// unset), each on a fresh database.
func TestCrash(t *testing.T) {
	trials := 1
	if v := os.Getenv(trialsVar); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a whole number of trials, 1 or more", trialsVar, v)
		}
		trials = n
	}
	seed := time.Now().UnixNano() % 1e9
	if v := os.Getenv(seedVar); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: want an integer", seedVar, v)
		}
		seed = n
	}
	bin := buildEntente(t)
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			fresh := eng.prepare(t)
			var all []tally
			for i := range trials {
				s := seed + int64(i)
				t.Run(fmt.Sprintf("trial%02d", i+1), func(t *testing.T) {
					all = append(all, runTrial(t, bin, eng.name, fresh(t), s))
				})
			}
			t.Log(summary(eng.name, all))
		})
	}
}

// runTrial is one trial on the fresh database dsn: a server, the writers,
// SIGKILL, a restart, and the checks.
func runTrial(t *testing.T, bin, engine, dsn string, seed int64) tally {
	began := time.Now()
	ctx := context.Background()
	n := tally{refusedBy: map[string]int{}}
	kill := minKill + time.Duration(rand.New(rand.NewPCG(uint64(seed), 1<<32)).Int64N(int64(killSpread)))
	t.Logf("seed %d (replay with %s=%d %s=1): kill after %v", seed, seedVar, seed, trialsVar, kill.Round(time.Millisecond))
	token := apiToken(t, bin, dsn)
	srv := startServer(t, bin, dsn)
	c := newClient(srv.base)
	c.token = token
	defer c.http.CloseIdleConnections()
	progs, setup := setupProgrammes(t, c)

	trafficStart := time.Now()
	stop := make(chan struct{})
	result := make(chan []*writer, 1)
	var trafficErr error
	go func() {
		ws, err := traffic(c, progs, seed, stop)
		trafficErr = err
		result <- ws
	}()
	time.Sleep(kill)
	srv.kill(t)
	killed := time.Now()
	close(stop)
	ws := <-result
	if trafficErr != nil {
		t.Fatalf("writers: %v", trafficErr)
	}
	if lag := time.Since(killed); lag > 5*time.Second {
		t.Errorf("the writers took %v to notice the server was gone", lag)
	}

	srv2 := startServer(t, bin, dsn)
	c2 := newClient(srv2.base)
	c2.token = token
	defer c2.http.CloseIdleConnections()
	ops := setup
	for _, w := range ws {
		ops = append(ops, w.ops...)
	}
	restarted := time.Now()
	chk := newChecker(t, &n, ops)
	chk.checkStore(ctx, dsn, c2)
	srv2.stop(t)
	fail := func(format string, args ...any) {
		t.Helper()
		chk.errorf(&n.Integrity, format, args...)
	}
	if store.IsPostgres(dsn) {
		checkPostgres(t, fail, dsn)
	} else {
		checkSQLite(t, fail, dsn)
	}
	ms := func(d time.Duration) time.Duration { return d.Round(10 * time.Millisecond) }
	t.Logf("%s: %d acknowledged, %d refused %v, %d in flight at the kill (%d of them stored); lost %d, not whole %d, half-visible %d, phantom %d, integrity errors %d; start and setup %v, traffic %v, restart %v, checks %v",
		engine, n.Acked, n.Refused, n.refusedBy, n.Unknown, n.Committed, n.Lost, n.NotWhole, n.HalfVisible, n.Phantom, n.Integrity,
		ms(trafficStart.Sub(began)), ms(killed.Sub(trafficStart)), ms(restarted.Sub(killed)), ms(time.Since(restarted)))
	if t.Failed() {
		t.Logf("server log before the kill:\n%s\nafter the restart:\n%s", srv.logs, srv2.logs)
	}
	return n
}

// summary sums an engine's trials up in one line.
func summary(engine string, all []tally) string {
	if len(all) == 0 {
		return engine + ": no trials ran"
	}
	var acked []int
	var sum tally
	refused := map[string]int{}
	for _, n := range all {
		acked = append(acked, n.Acked)
		sum.Lost += n.Lost
		sum.NotWhole += n.NotWhole
		sum.HalfVisible += n.HalfVisible
		sum.Phantom += n.Phantom
		sum.Integrity += n.Integrity
		sum.Unknown += n.Unknown
		sum.Committed += n.Committed
		for k, v := range n.refusedBy {
			refused[k] += v
		}
	}
	slices.Sort(acked)
	total := 0
	for _, a := range acked {
		total += a
	}
	var refusedText []string
	for _, k := range slices.Sorted(maps.Keys(refused)) {
		refusedText = append(refusedText, fmt.Sprintf("%s ×%d", k, refused[k]))
	}
	return fmt.Sprintf("%s: %d trials; acknowledged writes per trial min %d, median %d, max %d (total %d); in flight at the kill %d, stored %d; refused [%s]; lost %d, not whole %d, half-visible %d, phantom %d, integrity errors %d",
		engine, len(all), acked[0], acked[len(acked)/2], acked[len(acked)-1], total, sum.Unknown, sum.Committed,
		strings.Join(refusedText, ", "), sum.Lost, sum.NotWhole, sum.HalfVisible, sum.Phantom, sum.Integrity)
}
