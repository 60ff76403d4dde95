// Package words holds the English wording that more than one surface (the
// CLI's text output and the web pages) needs, so that both say it alike.
package words

import "fmt"

// Count counts n things: "1 activity", "2 activities", "0 offers". The
// plural is the singular with an "s" unless given.
func Count(n int64, singular string, plural ...string) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d %s", n, singular)
	}
	if len(plural) > 0 {
		return fmt.Sprintf("%d %s", n, plural[0])
	}
	return fmt.Sprintf("%d %ss", n, singular)
}
