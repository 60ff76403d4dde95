//go:build race

package main

// Under the race detector every day costs several times as much; CI runs
// 600 days in its plain run, and this many again under -race.
const (
	raceDetector = true
	asofRaceDays = 50
)
