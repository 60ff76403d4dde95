package service_test

import (
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// walkSpans walks a view from 1949 to 2027, span by span: spanned answers
// the view on a day, as JSON, with its span; plain answers it as JSON as
// the view without spans does. Each span must hold the day asked for, the
// next begins the day after it ends, and the view on the span's first day,
// its last and one between must be the one answered for the day asked. A
// date the spans missed (a membership's accession, a partnership's start
// or end, a meeting, a contribution) would make two days of one span
// differ. It returns the number of spans.
func walkSpans(t *testing.T, name string, spanned func(entente.Date) (string, entente.Period, error), plain func(entente.Date) (string, error)) int {
	t.Helper()
	first, last := d("1949-01-01"), d("2027-12-31")
	spans := 0
	for day := first; !last.Before(day); {
		want, span, err := spanned(day)
		if err != nil {
			t.Fatalf("%s on %s: %v", name, day, err)
		}
		if !span.From.IsZero() && day.Before(span.From) || !span.To.IsZero() && span.To.Before(day) {
			t.Fatalf("%s on %s: span %s to %s does not hold the day", name, day, span.From, span.To)
		}
		from, to := span.From, span.To
		if from.IsZero() || from.Before(first) {
			from = first
		}
		if to.IsZero() || last.Before(to) {
			to = last
		}
		mid := entente.Day(from.Time().Add(to.Time().Sub(from.Time()) / 2))
		for _, other := range []entente.Date{from, mid, to} {
			got, err := plain(other)
			if err != nil {
				t.Fatalf("%s on %s: %v", name, other, err)
			}
			if got != want {
				t.Fatalf("%s on %s differs from %s, in the span %s to %s:\n%s\n%s", name, other, day, span.From, span.To, got, want)
			}
		}
		spans++
		day = entente.Day(to.Time().AddDate(0, 0, 1))
	}
	return spans
}

// TestProfileSpan walks the partner pages of the default dataset span by
// span (walkSpans): every partner's on SQLite, three on PostgreSQL. The
// profiles are compared but for their AsOf, which Profile must set to the
// day asked.
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
			spans := 0
			for _, code := range codes {
				spans += walkSpans(t, code,
					func(day entente.Date) (string, entente.Period, error) {
						p, span, err := svc.ProfileSpan(ctx, "NATO", code, day)
						if err != nil {
							return "", span, err
						}
						return profileJSON(t, p), span, nil
					},
					func(day entente.Date) (string, error) {
						p, err := svc.Profile(ctx, "NATO", code, day)
						if err != nil {
							return "", err
						}
						if p.AsOf != day {
							t.Fatalf("Profile(%s, %s).AsOf = %s", code, day, p.AsOf)
						}
						return profileJSON(t, p), nil
					})
			}
			t.Logf("%d partners, %d spans", len(codes), spans)
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

// TestListSpans walks the member and partner lists span by span
// (walkSpans), on both engines.
func TestListSpans(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			svc := withDefault(t, e.open(t))
			svc.Now = func() time.Time { return now }
			ctx := t.Context()
			n := walkSpans(t, "members",
				func(day entente.Date) (string, entente.Period, error) {
					v, span, err := svc.MembersSpan(ctx, "NATO", day)
					return toJSON(t, v), span, err
				},
				func(day entente.Date) (string, error) {
					v, err := svc.Members(ctx, "NATO", day)
					return toJSON(t, v), err
				})
			m := walkSpans(t, "partners",
				func(day entente.Date) (string, entente.Period, error) {
					v, span, err := svc.PartnersSpan(ctx, "NATO", day)
					return toJSON(t, v), span, err
				},
				func(day entente.Date) (string, error) {
					v, err := svc.Partners(ctx, "NATO", day)
					return toJSON(t, v), err
				})
			t.Logf("members: %d spans, partners: %d", n, m)
			if n < 20 || m < 20 {
				t.Errorf("%d and %d spans over 79 years: too few to be right", n, m)
			}
		})
	}
}
