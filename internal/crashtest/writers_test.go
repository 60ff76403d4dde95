package crashtest

import (
	"bytes"
	"encoding/json"

	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// writers is how many clients write at once.
const writers = 64

// outcome is what a client learnt of a write.
type outcome int

const (
	acked   outcome = iota // answered 2xx: it must be stored
	refused                // answered with an error: it must not be
	unknown                // no answer (the server died): either, but whole
)

// op is one write a writer sent, and what became of it.
type op struct {
	writer int
	action string // the audit event's action it should write
	entity string // the audit event's entity
	key    string // the record's key: known before for updates, from the answer for proposals and reviews
	tag    string // the title or note naming a new activity or review before its key is known
	path   string
	body   []byte
	// read, for a change of an existing record, is the record's address:
	// the writer reads it first and sends its ETag back as If-Match (the
	// API refuses a change that names no version, 428, or an old one,
	// 412: both are refused, unacknowledged writes).
	read    string
	outcome outcome
	status  int
	answer  []byte // the answer's body
	within  string // the answer's field holding the record, when it is not the whole answer
	err     error  // the transport error, for unknown
}

// client sends the harness's requests to one server.
type client struct {
	base  string
	http  *http.Client
	token string // an API token once the API needs one; empty until then
}

func newClient(base string) *client {
	return &client{base: base, http: &http.Client{Timeout: 15 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: writers, DisableCompression: true}}}
}

// authorize sets what the server needs to accept a request from the
// harness. It is the one place that knows how the API authenticates.
func (c *client) authorize(req *http.Request) {
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
}

// post sends a JSON write, naming version (if any) as If-Match, and
// returns the status and body, or a transport error.
func (c *client) post(path string, body []byte, version string) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if version != "" {
		req.Header.Set("If-Match", version)
	}
	c.authorize(req)
	return c.do(req)
}

// version reads path and returns its ETag, "" if it answered no 200.
func (c *client) version(path string) (string, error) {
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		return "", err
	}
	c.authorize(req)
	res, err := c.http.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", nil
	}
	return res.Header.Get("ETag"), nil
}

// get reads path.
func (c *client) get(path string) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	c.authorize(req)
	return c.do(req)
}

func (c *client) do(req *http.Request) (int, []byte, error) {
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	return res.StatusCode, b, nil
}

// send posts o and records its outcome.
func (c *client) send(o *op) {
	var version string
	if o.read != "" {
		// No answer to the read: the server died before the write was
		// sent; unknown stops the writer, and the write is not stored.
		if version, o.err = c.version(o.read); o.err != nil {
			o.outcome = unknown
			return
		}
	}
	o.status, o.answer, o.err = c.post(o.path, o.body, version)
	switch {
	case o.err != nil:
		o.outcome = unknown
	case o.status >= 200 && o.status < 300:
		o.outcome = acked
	default:
		o.outcome = refused
	}
}

// record is the record o's answer holds.
func (o *op) record() []byte {
	if o.within == "" {
		return o.answer
	}
	var v map[string]json.RawMessage
	json.Unmarshal(o.answer, &v)
	return v[o.within]
}

// mustJSON marshals v, which cannot fail for the harness's request types.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// setupProgrammes agrees a programme for three more partners before the
// writers start, so that they spread over four programmes (each proposal,
// goal and review takes its programme's lock). Their writes are checked
// like the writers'.
func setupProgrammes(t *testing.T, c *client) ([]string, []*op) {
	t.Helper()
	progs := []string{"NZL-ITPP-2024"}
	var ops []*op
	for _, partner := range []string{"AUS", "JPN", "KOR"} {
		id := partner + "-CRASH-2025"
		o := &op{writer: -1, action: "programme.agree", entity: "programme", key: id, within: "programme", path: "/api/v1/programmes",
			body: mustJSON(map[string]any{"id": id, "alliance": "NATO", "partner": partner, "type": "ITPP",
				"title": "Crash harness programme of " + partner, "agreed": "2025-01-15", "areas": []string{"cyber-defence"}})}
		c.send(o)
		if o.outcome != acked {
			t.Fatalf("setup: agree %s: %d %v\n%s", id, o.status, o.err, o.answer)
		}
		progs = append(progs, id)
		ops = append(ops, o)
	}
	return progs, ops
}

// workflow is the path each writer walks its activity along after
// proposing it; cancel may cut it short before hold.
var workflow = []struct {
	step string
	body map[string]any
}{
	{"approve", map[string]any{"date": "2025-03-02"}},
	{"invite", map[string]any{"date": "2025-03-03", "countries": []string{"NZL", "AUS"}}},
	{"register", map[string]any{"date": "2025-03-04", "country": "NZL", "participants": 2}},
	{"hold", map[string]any{"date": "2025-04-01"}},
	{"report", map[string]any{"date": "2025-04-02", "outcome": "Held as planned"}},
}

// writer is one client's state: the activity it walks through the
// workflow, its objective and goals, and every write it sent.
type writer struct {
	id        int
	programme string
	rng       *rand.Rand
	ops       []*op

	activity  string // the activity being walked; "" when none
	next      int    // its next step in workflow
	refusals  int    // refusals in a row on it
	objective bool   // whether its objective exists
	goals     int    // goals created
	versions  int    // a counter making each title distinct
	proposals int
	reviews   int
}

func (w *writer) name() string { return fmt.Sprintf("crash w%02d", w.id) }

func (w *writer) objectiveCode() string { return fmt.Sprintf("cw%02d-o", w.id) }

// nextOp chooses the writer's next write.
func (w *writer) nextOp() *op {
	w.versions++
	p := "/api/v1/programmes/" + w.programme
	if !w.objective {
		return w.objectiveOp()
	}
	switch r := w.rng.Float64(); {
	case r < 0.55:
		if w.activity == "" {
			w.proposals++
			tag := fmt.Sprintf("%s activity %d", w.name(), w.proposals)
			return &op{writer: w.id, action: "activity.propose", entity: "activity", tag: tag, path: "/api/v1/activities",
				body: mustJSON(map[string]any{"programme": w.programme, "title": tag, "kind": "staff-talks",
					"capacity": 10, "from": "2025-04-01", "date": "2025-03-01"})}
		}
		step, body := workflow[w.next].step, workflow[w.next].body
		if w.next < 3 && w.rng.IntN(10) == 0 {
			step, body = "cancel", map[string]any{"date": "2025-03-31", "reason": "cancelled by " + w.name()}
		}
		return &op{writer: w.id, action: "activity." + step, entity: "activity", key: w.activity,
			path: "/api/v1/activities/" + w.activity + "/" + step, body: mustJSON(body), read: "/api/v1/activities/" + w.activity}
	case r < 0.85:
		n := w.goals + 1
		if w.goals > 0 && w.rng.IntN(5) < 3 {
			n = 1 + w.rng.IntN(w.goals) // change one it has
		}
		code := fmt.Sprintf("cw%02d-g%d", w.id, n)
		read := ""
		if n <= w.goals {
			read = p + "/goals/" + code
		}
		return &op{writer: w.id, action: "goal.put", entity: "goal", key: w.programme + "/" + code, path: p + "/goals", read: read,
			body: mustJSON(map[string]any{"code": code, "objective": w.objectiveCode(),
				"title": fmt.Sprintf("%s goal %d version %d", w.name(), n, w.versions),
				"indicators": []map[string]any{
					{"name": "courses held", "unit": "courses", "baseline": 0, "target": 10, "current": w.rng.IntN(11)},
					{"name": "officers trained", "baseline": 5, "target": 50, "current": 5 + w.rng.IntN(46), "due": "2026-06"},
				}})}
	case r < 0.96:
		return w.objectiveOp()
	default:
		w.reviews++
		tag := fmt.Sprintf("%s review %d", w.name(), w.reviews)
		return &op{writer: w.id, action: "programme.review", entity: "review", tag: tag, path: p + "/reviews",
			body: mustJSON(map[string]any{"date": "2025-05-01", "note": tag})}
	}
}

func (w *writer) objectiveOp() *op {
	read := ""
	if w.objective {
		read = "/api/v1/programmes/" + w.programme + "/objectives/" + w.objectiveCode()
	}
	return &op{writer: w.id, action: "objective.put", entity: "objective", key: w.programme + "/" + w.objectiveCode(),
		path: "/api/v1/programmes/" + w.programme + "/objectives", read: read,
		body: mustJSON(map[string]any{"code": w.objectiveCode(), "area": "cyber-defence",
			"title": fmt.Sprintf("%s objective version %d", w.name(), w.versions)})}
}

// done updates the writer's state from o's outcome.
func (w *writer) done(o *op) error {
	if o.outcome != acked {
		if o.entity == "activity" && o.key != "" {
			// A step refused three times in a row (a rule said no):
			// leave the activity and propose another.
			if w.refusals++; w.refusals >= 3 {
				w.activity, w.refusals = "", 0
			}
		}
		return nil
	}
	switch o.action {
	case "objective.put":
		w.objective = true
	case "goal.put":
		var g struct{ Code string }
		if err := json.Unmarshal(o.answer, &g); err != nil {
			return fmt.Errorf("goal answer: %v", err)
		}
		if g.Code == fmt.Sprintf("cw%02d-g%d", w.id, w.goals+1) {
			w.goals++
		}
	case "activity.propose", "programme.review":
		var rec struct{ ID string }
		if err := json.Unmarshal(o.answer, &rec); err != nil || rec.ID == "" {
			return fmt.Errorf("%s answer without an id: %v\n%s", o.action, err, o.answer)
		}
		o.key = rec.ID
		if o.action == "activity.propose" {
			w.activity, w.next, w.refusals = rec.ID, 0, 0
		}
	default: // a workflow step
		w.refusals = 0
		if w.next++; o.action == "activity.cancel" || w.next == len(workflow) {
			w.activity = ""
		}
	}
	return nil
}

// traffic runs the writers until stop is closed (they send nothing new
// after that) or a request gets no answer (the server died); then it
// returns every writer's writes.
func traffic(c *client, progs []string, seed int64, stop <-chan struct{}) ([]*writer, error) {
	ws := make([]*writer, writers)
	var wg sync.WaitGroup
	var failed atomic.Pointer[error]
	for i := range ws {
		w := &writer{id: i, programme: progs[i%len(progs)], rng: rand.New(rand.NewPCG(uint64(seed), uint64(i)))}
		ws[i] = w
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				o := w.nextOp()
				w.ops = append(w.ops, o)
				c.send(o)
				if err := w.done(o); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				if o.outcome == unknown {
					return
				}
			}
		})
	}
	wg.Wait()
	if err := failed.Load(); err != nil {
		return ws, *err
	}
	return ws, nil
}
