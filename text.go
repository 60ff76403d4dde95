package entente

import (
	"strings"
	"unicode/utf8"
)

// TextProblem says what is wrong with s as the value of a text field, or
// "": text is valid UTF-8 and holds no NUL character, so that both engines
// store the same thing (PostgreSQL refuses a NUL, SQLite would keep it and
// bytes that are not UTF-8 as they are).
func TextProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	case strings.ContainsRune(s, 0):
		return "contains a NUL character"
	}
	return ""
}
