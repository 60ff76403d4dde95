package main

import (
	"strings"
	"sync"

	"github.com/entente/entente/dataset"
)

// exampleAlliance is the code of the embedded default dataset's alliance,
// which help texts and usage messages use in their examples, so that no
// alliance is written into the code.
var exampleAlliance = sync.OnceValue(func() string {
	ds, err := dataset.Default()
	if err != nil || len(ds.Alliances) == 0 {
		return "ALLIANCE"
	}
	return ds.Alliances[0].Code
})

// withExamples puts the example alliance's code where a help text says
// {alliance}.
func withExamples(help string) string {
	return strings.ReplaceAll(help, "{alliance}", exampleAlliance())
}
