package schema

// JSONDepthOffset scans a JSON text and returns the byte offset of the first '[' or '{' (outside
// strings) that nests deeper than max, or -1 when none does. It does no recursion and allocates
// nothing, so parsers call it before any work whose stack grows with nesting. Unbalanced
// closers are left for the parser to report; they never buy depth.
func JSONDepthOffset(def string, max int) int {
	depth := 0
	inString, escaped := false, false
	for i := 0; i < len(def); i++ {
		c := def[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			depth++
			if depth > max {
				return i
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return -1
}
