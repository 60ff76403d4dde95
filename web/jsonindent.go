package web

// indentJSON appends to dst the JSON value src, which must be compact (as
// json.Marshal and a json.Encoder without indent write it: no space outside
// strings), indented by two spaces a level: byte for byte what
// json.Encoder.SetIndent("", "  ") writes. Anything after the value (the
// Encoder's newline) is copied as it is.
//
// encoding/json indents by running its validating scanner over every byte
// again, a function call a byte: a third of the CPU of a member list. The
// value here is valid already, so one loop that only tracks strings does.
func indentJSON(dst, src []byte) []byte {
	depth := 0
	open := false // just after { or [, before knowing whether it is empty
	newline := func() {
		dst = append(dst, '\n')
		for range depth {
			dst = append(dst, ' ', ' ')
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if open {
			open = false
			if c != '}' && c != ']' {
				depth++
				newline()
			}
		}
		switch c {
		case '"':
			// Copy the string whole: through the closing quote, past
			// escaped ones.
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j, len(src)-1)
			dst = append(dst, src[i:j+1]...)
			i = j
		case '{', '[':
			dst = append(dst, c)
			open = true
		case '}', ']':
			if i > 0 && src[i-1] != '{' && src[i-1] != '[' {
				depth--
				newline()
			}
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
