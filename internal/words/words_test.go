package words

import "testing"

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n        int64
		singular string
		plural   []string
		want     string
	}{
		{0, "offer", nil, "0 offers"},
		{1, "activity", []string{"activities"}, "1 activity"},
		{2, "activity", []string{"activities"}, "2 activities"},
		{-1, "day", nil, "-1 day"},
		{32, "member", nil, "32 members"},
	} {
		if got := Count(tc.n, tc.singular, tc.plural...); got != tc.want {
			t.Errorf("Count(%d, %q, %q) = %q, want %q", tc.n, tc.singular, tc.plural, got, tc.want)
		}
	}
}
