//go:build !race

package main

const (
	raceDetector = false
	asofRaceDays = 0
)
