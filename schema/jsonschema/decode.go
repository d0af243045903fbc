package jsonschema

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cartaschema/carta/schema"
)

// parseError builds the *schema.ParseError every failure of a definition is reported as.
func parseError(path, format string, args ...any) *schema.ParseError {
	return &schema.ParseError{Format: schema.JSON, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// checkLimits enforces limits with one flat pass over the bytes, before any decoder whose
// work or stack grows with nesting sees them.
func checkLimits(def string, limits schema.Limits) error {
	if len(def) > limits.MaxBytes {
		return parseError("", "the definition is %d bytes; the limit is %d", len(def), limits.MaxBytes)
	}
	if !utf8.ValidString(def) {
		return parseError("", "the definition is not valid UTF-8")
	}
	if i := schema.JSONDepthOffset(def, limits.MaxDepth); i >= 0 {
		line, col := position(def, i)
		return parseError("", "objects and arrays are nested deeper than %d levels at line %d, column %d", limits.MaxDepth, line, col)
	}
	return nil
}

// position converts a byte offset into a 1-based line and column (in bytes).
func position(def string, offset int) (line, col int) {
	if offset > len(def) {
		offset = len(def)
	}
	before := def[:offset]
	line = strings.Count(before, "\n") + 1
	col = offset - strings.LastIndexByte(before, '\n')
	return line, col
}

// frame is one open object or array while decoding.
type frame struct {
	obj    map[string]any // nil for an array
	arr    []any
	key    string // the pending key of an object
	hasKey bool
}

// decode decodes exactly one JSON value, keeping numbers as json.Number and refusing
// duplicate object keys (the Glue SerDe's JSON parser refuses them too, and silently keeping
// one of them would make the canonical form hide part of the definition). It keeps its own
// stack of open containers instead of recursing.
func decode(def string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(def))
	dec.UseNumber()
	var stack []*frame
	var root any
	done := false

	// add attaches a finished value to the innermost open container, or makes it the root.
	add := func(v any) {
		if len(stack) == 0 {
			root, done = v, true
			return
		}
		top := stack[len(stack)-1]
		if top.obj == nil {
			top.arr = append(top.arr, v)
			return
		}
		top.obj[top.key] = v
		top.hasKey = false
	}

	for !done {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(def, dec, err)
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, &frame{obj: map[string]any{}})
			case '[':
				stack = append(stack, &frame{arr: []any{}})
			default: // '}' or ']'; the decoder has checked that they match
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if top.obj != nil {
					add(top.obj)
				} else {
					add(top.arr)
				}
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].obj != nil && !stack[n-1].hasKey {
				top := stack[n-1]
				if _, dup := top.obj[t]; dup {
					return nil, parseError(pointerTo(stack, t), "duplicate key %q", t)
				}
				top.key, top.hasKey = t, true
				continue
			}
			add(t)
		default: // json.Number, bool or nil
			add(t)
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := position(def, int(dec.InputOffset()))
		return nil, parseError("", "unexpected data after the JSON value, near line %d, column %d", line, col)
	}
	return root, nil
}

// pointerTo returns the JSON pointer of key inside the innermost open object of stack.
func pointerTo(stack []*frame, key string) string {
	var b strings.Builder
	for _, f := range stack[:len(stack)-1] {
		b.WriteByte('/')
		if f.obj != nil {
			b.WriteString(escapePointer(f.key))
		} else {
			b.WriteString(strconv.Itoa(len(f.arr)))
		}
	}
	b.WriteByte('/')
	b.WriteString(escapePointer(key))
	return b.String()
}

// escapePointer escapes one JSON pointer reference token (RFC 6901).
func escapePointer(tok string) string {
	tok = strings.ReplaceAll(tok, "~", "~0")
	return strings.ReplaceAll(tok, "/", "~1")
}

// syntaxError describes a decoding failure with its line and column.
func syntaxError(def string, dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		line, col := position(def, int(se.Offset))
		return parseError("", "invalid JSON at line %d, column %d: %s", line, col, se.Error())
	case err == io.EOF && strings.TrimSpace(def) == "":
		return parseError("", "the definition is empty")
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		return parseError("", "invalid JSON: unexpected end of the definition")
	}
	line, col := position(def, int(dec.InputOffset()))
	return parseError("", "invalid JSON at line %d, column %d: %v", line, col, err)
}

// jsonKind names the JSON type of a decoded value, for messages.
func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
