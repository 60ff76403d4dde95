package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// TestServe starts the real program on a random port (given through the
// ENTENTE_ADDR twin of --addr), reads a page, and shuts it down the way
// SIGINT does, by cancelling its context.
func TestServe(t *testing.T) {
	t.Setenv("ENTENTE_ADDR", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"serve", "--db", filepath.Join(t.TempDir(), "e.db")}, io.Discard, pw)
		pw.Close()
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var rec struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "listening" {
				addr <- rec.Addr
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case code := <-done:
		t.Fatalf("serve exited with %d before listening", code)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start listening")
	}
	res, err := http.Get(base + "/api/v1/alliances/NATO/members")
	if err != nil {
		t.Fatal(err)
	}
	var ms []any
	json.NewDecoder(res.Body).Decode(&ms)
	res.Body.Close()
	if len(ms) != 32 {
		t.Errorf("members: got %d, want 32", len(ms))
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit status after shutdown: %d, want 0", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
}
