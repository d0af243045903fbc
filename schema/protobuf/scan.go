package protobuf

import (
	"fmt"
	"unicode/utf8"

	"github.com/cartaschema/carta/schema"
)

// checkLimits enforces limits with one flat pass over the bytes, before the compiler, whose
// work and stack grow with nesting, sees them. Depth counts every bracket that opens a
// nested construct outside strings and comments: "{" (messages, enums, services, oneofs,
// message literals in options), "[" (field options, lists), "(" (option names, rpc types)
// and "<" (map types, message literals in options). Ordinary files stay far below the
// default limit; only bracket bombs reach it.
func checkLimits(def string, limits schema.Limits) error {
	if len(def) > limits.MaxBytes {
		return parseError("", "the definition is %d bytes; the limit is %d", len(def), limits.MaxBytes)
	}
	// .proto sources are UTF-8; protocompile v0.14.1 also panics on some invalid bytes.
	if !utf8.ValidString(def) {
		return parseError("", "the definition is not valid UTF-8")
	}
	depth, line, col := 0, 1, 0
	var quote byte // the open string's quote character, or 0
	escaped := false
	lineComment, blockComment := false, false
	for i := 0; i < len(def); i++ {
		c := def[i]
		col++
		if c == '\n' {
			line, col = line+1, 0
		}
		switch {
		case lineComment:
			lineComment = c != '\n'
			continue
		case blockComment:
			if c == '*' && i+1 < len(def) && def[i+1] == '/' {
				blockComment = false
				i++
				col++
			}
			continue
		case quote != 0:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == quote, c == '\n': // an unterminated string is the parser's to report
				quote = 0
			}
			continue
		}
		switch c {
		case '"', '\'':
			quote = c
		case '/':
			if i+1 < len(def) && (def[i+1] == '/' || def[i+1] == '*') {
				lineComment, blockComment = def[i+1] == '/', def[i+1] == '*'
				i++
				col++
			}
		case '{', '[', '(', '<':
			depth++
			if depth > limits.MaxDepth {
				return parseError(fmt.Sprintf("%d:%d", line, col), "declarations are nested deeper than %d levels", limits.MaxDepth)
			}
		case '}', ']', ')', '>':
			// Unbalanced closers are the parser's to report; never let them buy depth.
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}
