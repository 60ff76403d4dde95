package service

import (
	"context"
	"strings"

	"github.com/entente/entente"
)

// A change of an existing record may name the version it was made from
// (entente.Version of the record as its read returns it): the request's
// IfMatch. The use case checks it inside the write's transaction, after
// the record is locked and read there, so it holds at commit on both
// engines: two writers that read the same version cannot both change it.
//
// Which representation a version is of, per record:
//   - activity: entente.Activity, as Activity returns it (and
//     GET /api/v1/activities/{id});
//   - goal, objective: entente.Goal and entente.Objective, as Goal and
//     Objective return them (and ProgrammeView's goal_versions and
//     objective_versions);
//   - programme: the ProgrammeView of today, as Programme returns it to the
//     principal (GET /api/v1/programmes/{id} without as_of);
//   - membership: entente.Membership, as Membership returns it.
//
// Creates take no version. An empty IfMatch names none: the CLI acting on
// its own store checks nothing; the API requires one (RequireVersions).

// versionsRequired is the context key of RequireVersions.
type versionsRequired struct{}

// RequireVersions returns a context in which a change of an existing
// record that names no version is refused with EPRECONDITION (HTTP 428).
// The API sets it on every write, so that no client overwrites a record
// it has not read.
func RequireVersions(ctx context.Context) context.Context {
	return context.WithValue(ctx, versionsRequired{}, true)
}

func versionsAreRequired(ctx context.Context) bool {
	v, _ := ctx.Value(versionsRequired{}).(bool)
	return v
}

// checkVersion checks the version a change named (want) against record,
// the existing record as read in the change's transaction, which holds its
// lock. want may be an If-Match list: "*" (any version) or entity tags
// separated by commas, one of which must be the record's version (weak
// tags never match: the comparison is strong).
func checkVersion(ctx context.Context, what string, record any, want string) error {
	want = strings.TrimSpace(want)
	if want == "" {
		if versionsAreRequired(ctx) {
			return entente.Errorf(entente.EPRECONDITION, "%s exists: a change must name the version it was made from (If-Match: the ETag of its GET); read it, then change it", what)
		}
		return nil
	}
	if want == "*" {
		return nil
	}
	tags := strings.Split(want, ",")
	for _, t := range tags {
		if strings.TrimSpace(t) == entente.Version(record) {
			return nil
		}
	}
	return entente.CheckVersion(what, record, strings.TrimSpace(tags[0]))
}

// checkNew refuses a change that named a version of a record that does not
// exist (RFC 9110, If-Match: no current representation), so a client that
// believes it changes a record does not create one.
func checkNew(what, want string) error {
	if strings.TrimSpace(want) == "" {
		return nil
	}
	e := entente.Errorf(entente.ESTALE, "%s does not exist, so it has no version %s: to create it, name no version", what, strings.TrimSpace(want))
	e.Err = &entente.StaleVersion{What: what, Want: strings.TrimSpace(want)}
	return e
}

// ProgrammeRights says what the principal in ctx may change in programme
// id, for a surface to offer only the forms it may use (the use cases
// check again when it does): goals (a liaison within its own partner's
// programmes, staff and admins) and objectives (staff and admins).
// ENOTFOUND if the programme does not exist or is hidden from it.
func (s *Service) ProgrammeRights(ctx context.Context, id string) (goals, objectives bool, err error) {
	p, err := programme(ctx, s.reader(ctx), id)
	if err != nil {
		return false, false, err
	}
	_, gerr := authorize(ctx, PartnerWork, p.Partner, "update goals")
	_, oerr := authorize(ctx, StaffWork, "", "change objectives")
	return gerr == nil, oerr == nil, nil
}
