package web

import (
	"context"
	"encoding/json"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// A form sent from a version of its record that is no longer the record's
// writes nothing (the service checks the version under the record's lock)
// and answers a conflict page: 409 Conflict, with the other person's change
// beside what the user sent, read from the record's history, and the forms
// again for the record as it is now. The goal and objective forms compare
// field by field (programme_forms.go); the activity and accession forms,
// whose steps move a record through states, show the versions made since
// the one the form was opened with and the values the user sent.

// theirChanges are the versions of a record made since the version a form
// was opened with: what someone else did meanwhile.
type theirChanges struct {
	Versions []service.RecordVersion
	// Actors says whether the versions name who made them.
	Actors bool
	// Known says the form's version was found in the record's history;
	// when not (too old to be kept, or not a version of the record) the
	// page says so and links to the history.
	Known bool
	// History is the record's history page.
	History string
}

// changesSince reads the history of the record entity/key and returns the
// versions made after the one whose version (entente.Version of a T) is
// version. A failure to read the history leaves the list empty: the
// conflict page still says that nothing was saved, and why.
func changesSince[T any](ctx context.Context, svc *service.Service, entity, key, version string) theirChanges {
	out := theirChanges{History: historyHref(entity, key)}
	h, err := svc.History(ctx, entity, key)
	if err != nil {
		return out
	}
	out.Actors = h.Actors
	for i := len(h.Versions) - 1; i >= 0; i-- {
		var rec T
		if json.Unmarshal(h.Versions[i].Record, &rec) == nil && entente.Version(rec) == version {
			out.Versions, out.Known = h.Versions[i+1:], true
			break
		}
	}
	return out
}
