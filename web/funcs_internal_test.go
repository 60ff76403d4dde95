package web

import "testing"

func TestPlural(t *testing.T) {
	tests := []struct {
		n    any
		one  string
		many []string
		want string
	}{
		{1, "activity", []string{"activities"}, "1 activity"},
		{2, "activity", []string{"activities"}, "2 activities"},
		{0, "offer", nil, "0 offers"},
		{int64(1), "member", nil, "1 member"},
		{int64(32), "member", nil, "32 members"},
		{1, "country", []string{"countries"}, "1 country"},
	}
	for _, tt := range tests {
		if got := plural(tt.n, tt.one, tt.many...); got != tt.want {
			t.Errorf("plural(%v, %q, %q) = %q, want %q", tt.n, tt.one, tt.many, got, tt.want)
		}
	}
}
