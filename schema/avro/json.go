package avro

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jkind is the kind of a JSON value.
type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

// jvalue is a decoded JSON value. Numbers keep their literal text so that a long default is
// never rounded through float64, and objects keep their members in document order.
type jvalue struct {
	kind jkind
	b    bool
	s    string // string value, or the literal text of a number
	arr  []*jvalue
	obj  []jmember
	idx  map[string]int // member index, built only for large objects
}

type jmember struct {
	key string
	val *jvalue
}

// largeObject is the member count above which an object gets a lookup index.
const largeObject = 16

// get returns the member named key, or nil.
func (v *jvalue) get(key string) *jvalue {
	if v.idx != nil {
		if i, ok := v.idx[key]; ok {
			return v.obj[i].val
		}
		return nil
	}
	for _, m := range v.obj {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// typeName names the JSON kind of v for error messages.
func (v *jvalue) typeName() string {
	switch v.kind {
	case jNull:
		return "null"
	case jBool:
		return "a boolean"
	case jNumber:
		return "a number"
	case jString:
		return "a string"
	case jArray:
		return "an array"
	}
	return "an object"
}

// checkDepth scans the raw definition and fails when [ and { (outside strings) nest deeper
// than max. It runs before any recursive work so that no input can exhaust the stack.
func checkDepth(def string, max int) error {
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
				return fmt.Errorf("JSON nesting is deeper than the limit of %d (at byte offset %d)", max, i)
			}
		case ']', '}':
			depth--
		}
	}
	return nil
}

// decodeJSON decodes exactly one JSON value. Duplicate object keys are rejected: different
// parsers keep different copies, so a definition with duplicates means different things to
// different clients.
func decodeJSON(def string) (*jvalue, error) {
	dec := json.NewDecoder(strings.NewReader(def))
	dec.UseNumber()
	v, err := decodeValue(dec, "")
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &jsonError{offset: dec.InputOffset(), msg: "unexpected data after the schema"}
	}
	return v, nil
}

// jsonError is a JSON syntax problem with the byte offset where it was found.
type jsonError struct {
	offset int64
	path   string
	msg    string
}

func (e *jsonError) Error() string {
	return fmt.Sprintf("malformed JSON at byte offset %d: %s", e.offset, e.msg)
}

func syntaxError(dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &jsonError{offset: se.Offset, msg: strings.TrimPrefix(se.Error(), "json: ")}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &jsonError{offset: dec.InputOffset(), msg: "unexpected end of input"}
	}
	return &jsonError{offset: dec.InputOffset(), msg: err.Error()}
}

func decodeValue(dec *json.Decoder, path string) (*jvalue, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(dec, err)
	}
	return decodeFrom(dec, tok, path)
}

func decodeFrom(dec *json.Decoder, tok json.Token, path string) (*jvalue, error) {
	switch t := tok.(type) {
	case nil:
		return &jvalue{kind: jNull}, nil
	case bool:
		return &jvalue{kind: jBool, b: t}, nil
	case json.Number:
		return &jvalue{kind: jNumber, s: string(t)}, nil
	case string:
		return &jvalue{kind: jString, s: t}, nil
	case json.Delim:
		switch t {
		case '[':
			v := &jvalue{kind: jArray}
			for i := 0; ; i++ {
				tok, err := dec.Token()
				if err != nil {
					return nil, syntaxError(dec, err)
				}
				if d, ok := tok.(json.Delim); ok && d == ']' {
					return v, nil
				}
				e, err := decodeFrom(dec, tok, path+"/"+strconv.Itoa(i))
				if err != nil {
					return nil, err
				}
				v.arr = append(v.arr, e)
			}
		case '{':
			v := &jvalue{kind: jObject}
			seen := map[string]bool{}
			for {
				tok, err := dec.Token()
				if err != nil {
					return nil, syntaxError(dec, err)
				}
				if d, ok := tok.(json.Delim); ok && d == '}' {
					if len(v.obj) > largeObject {
						v.idx = make(map[string]int, len(v.obj))
						for i, m := range v.obj {
							v.idx[m.key] = i
						}
					}
					return v, nil
				}
				key, _ := tok.(string)
				if seen[key] {
					return nil, &jsonError{offset: dec.InputOffset(), path: path + "/" + escapeToken(key),
						msg: fmt.Sprintf("duplicate key %q", key)}
				}
				seen[key] = true
				e, err := decodeValue(dec, path+"/"+escapeToken(key))
				if err != nil {
					return nil, err
				}
				v.obj = append(v.obj, jmember{key: key, val: e})
			}
		}
	}
	return nil, &jsonError{offset: dec.InputOffset(), msg: fmt.Sprintf("unexpected token %v", tok)}
}

// escapeToken escapes one JSON pointer reference token (RFC 6901).
func escapeToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// isIntegerLiteral reports whether a number literal has no fraction and no exponent, which is
// what Jackson (and so Apache Avro Java) calls an integral number.
func isIntegerLiteral(s string) bool {
	return !strings.ContainsAny(s, ".eE")
}

// integerFits reports whether an integer literal fits in a signed integer of the given bits.
func integerFits(s string, bits int) bool {
	_, err := strconv.ParseInt(s, 10, bits)
	return err == nil
}

// normNumber normalizes a number literal for the canonical form: integers are printed in
// their shortest decimal form, other numbers in the shortest form that round-trips through
// float64. Literals that overflow float64 are kept as written. The output is a fixed point.
func normNumber(s string) string {
	if isIntegerLiteral(s) {
		var i big.Int
		if _, ok := i.SetString(s, 10); ok {
			return i.String()
		}
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	out := strconv.FormatFloat(f, 'g', -1, 64)
	if isIntegerLiteral(out) {
		return normNumber(out) // "-0" becomes "0", so that re-normalizing is a no-op
	}
	return out
}

// appendValue appends the canonical JSON encoding of v: no whitespace, object keys sorted,
// numbers normalized.
func appendValue(b []byte, v *jvalue) []byte {
	switch v.kind {
	case jNull:
		return append(b, "null"...)
	case jBool:
		return strconv.AppendBool(b, v.b)
	case jNumber:
		return append(b, normNumber(v.s)...)
	case jString:
		return appendString(b, v.s)
	case jArray:
		b = append(b, '[')
		for i, e := range v.arr {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, e)
		}
		return append(b, ']')
	}
	members := make([]jmember, len(v.obj))
	copy(members, v.obj)
	sort.Slice(members, func(i, j int) bool { return members[i].key < members[j].key })
	b = append(b, '{')
	for i, m := range members {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, m.key)
		b = append(b, ':')
		b = appendValue(b, m.val)
	}
	return append(b, '}')
}

// appendString appends s as a JSON string. Only the characters JSON requires are escaped;
// everything else is written as UTF-8, so equal strings always encode identically.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\ufffd"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// brief renders a JSON value for an error message, shortened when long.
func brief(v *jvalue) string {
	s := string(appendValue(nil, v))
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}
