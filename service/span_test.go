package service_test

import (
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestProfileSpan walks every partner page of the default dataset from
// 1949 to 2027, span by span: each span holds the day asked for, the next
// begins the day after it ends, and the profile on the span's first day,
// its last and one between is, but for its AsOf, the one answered for the
// day asked. A date the spans missed (a membership's accession, a
// partnership's start or end, a meeting, a contribution) would make two
// days of one span differ.
func TestProfileSpan(t *testing.T) {
	for i, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			svc := withDefault(t, e.open(t))
			svc.Now = func() time.Time { return now }
			ctx := t.Context() // the public, as the pages' cache serves it
			partners, err := svc.Partners(ctx, "NATO", d("2026-01-01"))
			if err != nil {
				t.Fatal(err)
			}
			codes := []string{"NZL", "UKR", "SWE"} // NZL's page, a partner since 1991, one who became a member
			if i == 0 {
				codes = codes[:0]
				for _, p := range partners {
					codes = append(codes, p.Code)
				}
				codes = append(codes, "FIN", "SWE")
			}
			first, last := d("1949-01-01"), d("2027-12-31")
			spans, longest := 0, 0
			for _, code := range codes {
				for day := first; !last.Before(day); {
					p, span, err := svc.ProfileSpan(ctx, "NATO", code, day)
					if err != nil {
						t.Fatalf("ProfileSpan(%s, %s): %v", code, day, err)
					}
					if !span.From.IsZero() && day.Before(span.From) || !span.To.IsZero() && span.To.Before(day) {
						t.Fatalf("ProfileSpan(%s, %s): span %s to %s does not hold the day", code, day, span.From, span.To)
					}
					from, to := span.From, span.To
					if from.IsZero() || from.Before(first) {
						from = first
					}
					if to.IsZero() || last.Before(to) {
						to = last
					}
					want := profileJSON(t, p)
					mid := entente.Day(from.Time().Add(to.Time().Sub(from.Time()) / 2))
					for _, other := range []entente.Date{from, mid, to} {
						q, err := svc.Profile(ctx, "NATO", code, other)
						if err != nil {
							t.Fatalf("Profile(%s, %s): %v", code, other, err)
						}
						if q.AsOf != other {
							t.Fatalf("Profile(%s, %s).AsOf = %s", code, other, q.AsOf)
						}
						if got := profileJSON(t, q); got != want {
							t.Fatalf("%s on %s differs from %s, in the span %s to %s:\n%s\n%s", code, other, day, span.From, span.To, got, want)
						}
					}
					spans++
					longest = max(longest, int(to.Time().Sub(from.Time()).Hours()/24)+1)
					day = entente.Day(to.Time().AddDate(0, 0, 1))
				}
			}
			t.Logf("%d partners, %d spans from %s to %s, the longest %d days", len(codes), spans, first, last, longest)
			if spans < 10*len(codes) {
				t.Errorf("%d spans for %d partners over 79 years: too few to be right", spans, len(codes))
			}
		})
	}
}

// profileJSON is p as JSON, but for its AsOf.
func profileJSON(t *testing.T, p *service.Profile) string {
	t.Helper()
	q := *p
	q.AsOf = entente.Date{}
	return toJSON(t, &q)
}
