package avro

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cartaschema/carta/schema"
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

// has reports whether the object has a member named key.
func (v *jvalue) has(key string) bool {
	if v.idx != nil {
		_, ok := v.idx[key]
		return ok
	}
	for _, m := range v.obj {
		if m.key == key {
			return true
		}
	}
	return false
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

// checkDepth fails when [ and { (outside strings) nest deeper than max. It runs before any
// recursive work so that no input can exhaust the stack.
func checkDepth(def string, max int) error {
	if i := schema.JSONDepthOffset(def, max); i >= 0 {
		return fmt.Errorf("JSON nesting is deeper than the limit of %d (at byte offset %d)", max, i)
	}
	return nil
}

// decodeJSON decodes exactly one JSON value (RFC 8259), nesting at most maxDepth deep.
// Duplicate object keys are rejected: different parsers keep different copies, so a
// definition with duplicates means different things to different clients. Invalid UTF-8 in
// strings is replaced by U+FFFD, as encoding/json does.
func decodeJSON(def string, maxDepth int) (*jvalue, error) {
	d := &jsonDecoder{s: def, maxDepth: maxDepth}
	d.skipSpace()
	v, err := d.value("", 0)
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.i < len(d.s) {
		return nil, d.fail("", "unexpected data after the schema")
	}
	return v, nil
}

// jsonError is a JSON syntax problem with the byte offset where it was found.
type jsonError struct {
	offset int
	path   string
	msg    string
}

func (e *jsonError) Error() string {
	return fmt.Sprintf("malformed JSON at byte offset %d: %s", e.offset, e.msg)
}

// jsonDecoder is a small recursive-descent JSON parser. Its recursion is bounded by maxDepth
// (and Parse has already checked the nesting with checkDepth).
type jsonDecoder struct {
	s        string
	i        int
	maxDepth int
}

func (d *jsonDecoder) fail(path, format string, args ...any) error {
	return &jsonError{offset: d.i, path: path, msg: fmt.Sprintf(format, args...)}
}

func (d *jsonDecoder) skipSpace() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *jsonDecoder) value(path string, depth int) (*jvalue, error) {
	if d.i >= len(d.s) {
		return nil, d.fail(path, "unexpected end of input")
	}
	switch c := d.s[d.i]; {
	case c == '{' || c == '[':
		if depth >= d.maxDepth {
			return nil, d.fail(path, "JSON nesting is deeper than the limit of %d", d.maxDepth)
		}
		if c == '{' {
			return d.object(path, depth+1)
		}
		return d.array(path, depth+1)
	case c == '"':
		s, err := d.str(path)
		if err != nil {
			return nil, err
		}
		return &jvalue{kind: jString, s: s}, nil
	case c == 't':
		return d.literal(path, "true", &jvalue{kind: jBool, b: true})
	case c == 'f':
		return d.literal(path, "false", &jvalue{kind: jBool})
	case c == 'n':
		return d.literal(path, "null", &jvalue{kind: jNull})
	case c == '-' || ('0' <= c && c <= '9'):
		return d.number(path)
	}
	return nil, d.fail(path, "invalid character %s looking for the beginning of a value", quoteByte(d.s[d.i]))
}

func quoteByte(c byte) string {
	if c < 0x20 || c >= 0x7f {
		return fmt.Sprintf("0x%02x", c)
	}
	return strconv.QuoteRune(rune(c))
}

func (d *jsonDecoder) literal(path, word string, v *jvalue) (*jvalue, error) {
	if !strings.HasPrefix(d.s[d.i:], word) {
		return nil, d.fail(path, "invalid literal, expected %s", word)
	}
	d.i += len(word)
	return v, nil
}

func (d *jsonDecoder) number(path string) (*jvalue, error) {
	start := d.i
	digits := func() int {
		n := 0
		for d.i < len(d.s) && '0' <= d.s[d.i] && d.s[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.s[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(d.s) && d.s[d.i] == '0':
		d.i++
	case digits() == 0:
		return nil, d.fail(path, "invalid number: a digit must follow the minus sign")
	}
	if d.i < len(d.s) && d.s[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return nil, d.fail(path, "invalid number: a digit must follow the decimal point")
		}
	}
	if d.i < len(d.s) && (d.s[d.i] == 'e' || d.s[d.i] == 'E') {
		d.i++
		if d.i < len(d.s) && (d.s[d.i] == '+' || d.s[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return nil, d.fail(path, "invalid number: a digit must follow the exponent")
		}
	}
	return &jvalue{kind: jNumber, s: d.s[start:d.i]}, nil
}

// str decodes a string starting at the opening quote.
func (d *jsonDecoder) str(path string) (string, error) {
	d.i++ // opening quote
	start := d.i
	// Fast path: no escapes.
	for d.i < len(d.s) {
		c := d.s[d.i]
		if c == '"' {
			s := d.s[start:d.i]
			d.i++
			return validUTF8(s), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		d.i++
	}
	var b strings.Builder
	b.WriteString(d.s[start:d.i])
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return validUTF8(b.String()), nil
		case c < 0x20:
			return "", d.fail(path, "invalid control character %s in string", quoteByte(c))
		case c != '\\':
			b.WriteByte(c)
			d.i++
			continue
		}
		d.i++ // backslash
		if d.i >= len(d.s) {
			break
		}
		e := d.s[d.i]
		d.i++
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.fail(path, "invalid \\u escape in string")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if strings.HasPrefix(d.s[d.i:], "\\u") {
					save := d.i
					d.i += 2
					var ok2 bool
					if r2, ok2 = d.hex4(); !ok2 {
						return "", d.fail(path, "invalid \\u escape in string")
					}
					if utf16.DecodeRune(r, r2) == utf8.RuneError {
						d.i = save // not a pair: decode the next escape on its own
						r2 = -1
					}
				}
				if r2 < 0 {
					r = utf8.RuneError
				} else {
					r = utf16.DecodeRune(r, r2)
				}
			}
			b.WriteRune(r)
		default:
			return "", d.fail(path, "invalid escape \\%s in string", string(rune(e)))
		}
	}
	return "", d.fail(path, "unexpected end of input in a string")
}

// validUTF8 replaces each byte of an invalid UTF-8 sequence by U+FFFD (as encoding/json does).
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\ufffd")
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func (d *jsonDecoder) hex4() (rune, bool) {
	if d.i+4 > len(d.s) {
		return 0, false
	}
	n, err := strconv.ParseUint(d.s[d.i:d.i+4], 16, 16)
	if err != nil {
		return 0, false
	}
	d.i += 4
	return rune(n), true
}

func (d *jsonDecoder) array(path string, depth int) (*jvalue, error) {
	d.i++ // [
	v := &jvalue{kind: jArray}
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return v, nil
	}
	for {
		d.skipSpace()
		e, err := d.value(path+"/"+strconv.Itoa(len(v.arr)), depth)
		if err != nil {
			return nil, err
		}
		v.arr = append(v.arr, e)
		d.skipSpace()
		if d.i >= len(d.s) {
			return nil, d.fail(path, "unexpected end of input in an array")
		}
		switch d.s[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return v, nil
		default:
			return nil, d.fail(path, "invalid character %s after an array element", quoteByte(d.s[d.i]))
		}
	}
}

func (d *jsonDecoder) object(path string, depth int) (*jvalue, error) {
	d.i++ // {
	v := &jvalue{kind: jObject}
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return v, nil
	}
	for {
		d.skipSpace()
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return nil, d.fail(path, "expected a string key in an object")
		}
		keyAt := d.i
		key, err := d.str(path)
		if err != nil {
			return nil, err
		}
		mp := path + "/" + escapeToken(key)
		if v.has(key) {
			d.i = keyAt
			return nil, d.fail(mp, "duplicate key %q", key)
		}
		d.skipSpace()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return nil, d.fail(mp, "expected a colon after an object key")
		}
		d.i++
		d.skipSpace()
		e, err := d.value(mp, depth)
		if err != nil {
			return nil, err
		}
		v.obj = append(v.obj, jmember{key: key, val: e})
		if len(v.obj) > largeObject {
			if v.idx == nil {
				v.idx = make(map[string]int, 2*len(v.obj))
				for i, m := range v.obj {
					v.idx[m.key] = i
				}
			} else {
				v.idx[key] = len(v.obj) - 1
			}
		}
		d.skipSpace()
		if d.i >= len(d.s) {
			return nil, d.fail(path, "unexpected end of input in an object")
		}
		switch d.s[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return v, nil
		default:
			return nil, d.fail(path, "invalid character %s after an object member", quoteByte(d.s[d.i]))
		}
	}
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
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return s
}
