package service

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/entente/entente"
)

// CalendarFilter chooses the activities of an alliance's calendar. Every
// field is optional but Alliance; a value that names nothing is EINVALID
// naming the filter, so a mistyped filter never answers an empty calendar.
type CalendarFilter struct {
	Alliance  string
	Programme string
	// Partner is the partner country whose programmes' activities show.
	Partner string
	// Status is the activity's status on AsOf.
	Status entente.ActivityStatus
	// Area is the cooperation area of the activity's objective, or of its
	// menu offer.
	Area string
	// AsOf is the day the calendar answers for (today if zero): activities
	// proposed later are left out, the others show their status then.
	AsOf entente.Date
}

// CalendarEntry is one activity on the calendar.
type CalendarEntry struct {
	entente.Activity
	Partner        string
	ProgrammeTitle string
	// Area is the code of the activity's cooperation area, if known.
	Area string
}

// Calendar is an alliance's activities by date, with what its filters
// may choose from.
type Calendar struct {
	Filter  CalendarFilter
	Entries []CalendarEntry
	// The filters' choices: the programmes and partners of the alliance
	// the principal may see, and every area.
	Programmes []entente.Programme
	Partners   []string
	Areas      []entente.Area
}

// Calendar reads the alliance's activities matching f, by start date
// (then id), through the principal's releasability: a programme or
// activity hidden from the principal is not there, and filtering by a
// hidden programme is the same EINVALID as by one that does not exist.
func (s *Service) Calendar(ctx context.Context, f CalendarFilter) (*Calendar, error) {
	f.AsOf = s.day(f.AsOf)
	if f.Status != "" && !entente.ValidActivityStatus(f.Status) {
		return nil, entente.Errorf(entente.EINVALID, "status %q: want one of %s", f.Status, statusNames())
	}
	if f.Partner != "" && !entente.ValidCountryCode(f.Partner) {
		return nil, entente.Errorf(entente.EINVALID, "partner %q: want a partner's three-letter code, such as NZL", f.Partner)
	}
	return view(ctx, s, func(r entente.Reader) (*Calendar, error) {
		a, err := r.FindAlliance(ctx, f.Alliance)
		if err != nil {
			return nil, err
		}
		f.Alliance = a.Code
		ps, err := r.FindProgrammes(ctx, entente.Filter{Alliance: a.Code})
		if err != nil {
			return nil, err
		}
		areas, err := r.FindAreas(ctx)
		if err != nil {
			return nil, err
		}
		cal := &Calendar{Filter: f, Programmes: ps, Areas: areas}
		byID := map[string]*entente.Programme{}
		for i := range ps {
			byID[ps[i].ID] = &ps[i]
			if !slices.Contains(cal.Partners, ps[i].Partner) {
				cal.Partners = append(cal.Partners, ps[i].Partner)
			}
		}
		slices.Sort(cal.Partners)
		if f.Programme != "" && byID[f.Programme] == nil {
			return nil, entente.Errorf(entente.EINVALID, "programme %q: no programme of %s has that id", f.Programme, a.Code)
		}
		if f.Partner != "" && !slices.Contains(cal.Partners, f.Partner) {
			return nil, entente.Errorf(entente.EINVALID, "partner %q: no partner of %s with a programme has that code", f.Partner, a.Code)
		}
		if f.Area != "" && !slices.ContainsFunc(areas, func(x entente.Area) bool { return x.Code == f.Area }) {
			return nil, entente.Errorf(entente.EINVALID, "area %q: no cooperation area has that code", f.Area)
		}
		areaOf, err := activityAreas(ctx, r, f.Programme)
		if err != nil {
			return nil, err
		}
		acts, err := r.FindActivities(ctx, entente.ActivityFilter{Programme: f.Programme})
		if err != nil {
			return nil, err
		}
		for _, act := range acts {
			p := byID[act.Programme]
			if p == nil || act.From.IsZero() || (f.Partner != "" && p.Partner != f.Partner) {
				continue
			}
			st := act.StatusOn(f.AsOf)
			if st == "" || (f.Status != "" && st != f.Status) {
				continue
			}
			act.Status = st
			e := CalendarEntry{Activity: act, Partner: p.Partner, ProgrammeTitle: p.Title, Area: areaOf(&act)}
			if f.Area != "" && e.Area != f.Area {
				continue
			}
			cal.Entries = append(cal.Entries, e)
		}
		slices.SortStableFunc(cal.Entries, func(x, y CalendarEntry) int {
			return cmp.Or(x.From.Compare(y.From), strings.Compare(x.ID, y.ID))
		})
		return cal, nil
	})
}

// activityAreas returns a function giving an activity's cooperation area:
// its goal's objective's, else its menu offer's.
func activityAreas(ctx context.Context, r entente.Reader, programme string) (func(*entente.Activity) string, error) {
	objs, err := r.FindObjectives(ctx, programme)
	if err != nil {
		return nil, err
	}
	goals, err := r.FindGoals(ctx, programme)
	if err != nil {
		return nil, err
	}
	offers, err := r.FindOffers(ctx, "")
	if err != nil {
		return nil, err
	}
	objArea := map[string]string{}
	for _, o := range objs {
		objArea[o.Key()] = o.Area
	}
	goalArea := map[string]string{}
	for _, g := range goals {
		goalArea[g.Key()] = objArea[g.Programme+"/"+g.Objective]
	}
	offerArea := map[string]string{}
	for _, o := range offers {
		offerArea[o.Code] = o.Area
	}
	return func(a *entente.Activity) string {
		if a.Goal != "" {
			if area := goalArea[a.Programme+"/"+a.Goal]; area != "" {
				return area
			}
		}
		return offerArea[a.Offer]
	}, nil
}
