// Package crashtest holds the crash harness (issue 8): its test builds the
// entente binary, runs `entente serve` as a child process on SQLite and on
// PostgreSQL, drives 64 concurrent writers through the JSON API, kills the
// server with SIGKILL at a random moment, restarts it on the same database
// and checks that every acknowledged write is stored whole, that nothing
// unacknowledged is half-visible, that the audit log matches the writes, and
// that the database passes its integrity checks.
//
// One short trial per engine runs with `go test ./...`; more with
//
//	ENTENTE_CRASH_TRIALS=20 go test -run TestCrash -v ./internal/crashtest
//
// Each trial prints its seed; ENTENTE_CRASH_SEED=N replays the writers'
// choices and the moment of the kill of the trial that printed N (the
// operating system's scheduling is not replayed). The PostgreSQL trials run
// in a fresh database made on the server ENTENTE_TEST_POSTGRES names, and
// skip, naming that variable, without it.
package crashtest
