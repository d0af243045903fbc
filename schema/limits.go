package schema

// ScanJSONStructure calls visit with the offset and value of every byte of a JSON text that
// lies outside string literals, in order, until visit returns false. It does no recursion and
// allocates nothing: the building block of checks that must run before any parser sees the
// text.
func ScanJSONStructure(text string, visit func(i int, c byte) bool) {
	inString, escaped := false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
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
		if c == '"' {
			inString = true
			continue
		}
		if !visit(i, c) {
			return
		}
	}
}

// JSONDepthOffset scans a JSON text and returns the byte offset of the first '[' or '{' (outside
// strings) that nests deeper than max, or -1 when none does. It does no recursion and allocates
// nothing, so parsers call it before any work whose stack grows with nesting. Unbalanced
// closers are left for the parser to report; they never buy depth.
func JSONDepthOffset(def string, max int) int {
	depth, at := 0, -1
	ScanJSONStructure(def, func(i int, c byte) bool {
		switch c {
		case '[', '{':
			depth++
			if depth > max {
				at = i
				return false
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
		return true
	})
	return at
}
