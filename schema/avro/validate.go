package avro

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Bounds on one validated datum.
const (
	// MaxDatumDepth is the deepest nesting of records, arrays, maps and unions a datum may
	// have (and, in the JSON encoding, of JSON arrays and objects). It keeps recursive
	// schemas, including ones no finite datum satisfies, from exhausting the stack.
	MaxDatumDepth = 1024
	// MaxCollectionItems is the most items one array or map may hold: Apache Avro Java's
	// limit (the largest array its VM allocates). Only items that take no bytes (nulls,
	// records of nothing) can reach it in a datum of reasonable size.
	MaxCollectionItems = math.MaxInt32 - 8
	// MaxJSONDatumBytes is the largest JSON-encoded datum ValidateJSON accepts: 16 MiB.
	MaxJSONDatumBytes = 16 << 20
)

// DatumError reports why a datum is not a valid value of a schema. Validation stops at the
// first problem: in the binary encoding nothing after a bad byte can be trusted.
type DatumError struct {
	// Encoding is "binary" or "JSON".
	Encoding string
	// Path is a JSON pointer to the offending value inside the datum: record field names,
	// array indexes and map keys, e.g. "/payment/amount_cents" or "/lines/3/sku". It is ""
	// for the datum itself.
	Path string
	// Offset is the byte offset in the datum where the offending value starts, or -1 when
	// it is not known (JSON values other than syntax errors).
	Offset int
	// Msg explains the problem.
	Msg string
}

// Error implements error.
func (e *DatumError) Error() string {
	at := e.Path
	if at == "" {
		at = "/"
	}
	if e.Offset >= 0 {
		return fmt.Sprintf("the Avro %s datum is invalid at %s (byte %d): %s", e.Encoding, at, e.Offset, e.Msg)
	}
	return fmt.Sprintf("the Avro %s datum is invalid at %s: %s", e.Encoding, at, e.Msg)
}

// step is one element of the path to the value being validated. Paths are built only when a
// problem is reported, so a valid datum costs no path allocations.
type step struct {
	name  string // a record field name
	key   []byte // a map key (a slice of the binary datum)
	skey  string // a map key of a JSON datum
	index int64
	kind  uint8
}

const (
	stepField uint8 = iota
	stepKey
	stepSKey
	stepIndex
)

// pointer renders a path as a JSON pointer.
func pointer(path []step) string {
	var b strings.Builder
	for _, s := range path {
		b.WriteByte('/')
		switch s.kind {
		case stepField:
			b.WriteString(escapeToken(s.name))
		case stepKey:
			b.WriteString(escapeToken(string(s.key)))
		case stepSKey:
			b.WriteString(escapeToken(s.skey))
		default:
			b.WriteString(strconv.FormatInt(s.index, 10))
		}
	}
	return b.String()
}

// ValidateBinary checks that datum is exactly one value of the schema in the Avro binary
// encoding (the payload of a Glue or Confluent framed record, without the header). It
// returns nil when it is, and otherwise a *DatumError naming the first problem.
//
// Every rule of the specification's binary encoding is checked: ints and longs are zig-zag
// varints of at most 5 and 10 bytes that fit 32 and 64 bits; booleans are the byte 0 or 1;
// floats and doubles take 4 and 8 bytes; bytes and strings have a non-negative length that
// fits in the remaining input, and strings (map keys included) are valid UTF-8; enum indexes
// and union branch indexes are in range; fixed values have their declared size; array and map
// blocks have counts that fit the remaining input, and a negative count's byte size matches
// the items that follow it; records are their fields in order; and no byte may follow the
// datum. Nesting is bounded by MaxDatumDepth, and one array or map holds at most
// MaxCollectionItems items.
//
// Nothing is allocated from a length or count read from the datum, so hostile input costs
// time and memory in proportion to its size only. Logical types are checked as their
// underlying type (a decimal's bytes, a date's int).
func (s *Schema) ValidateBinary(datum []byte) error {
	var buf [16]step // the path of most datums fits: one allocation
	v := &binValidator{b: datum, path: buf[:0]}
	if err := v.value(s.root, 0); err != nil {
		return err
	}
	if v.i != len(datum) {
		return v.fail(v.i, "%d bytes follow the end of the datum", len(datum)-v.i)
	}
	return nil
}

// binValidator walks one binary datum.
type binValidator struct {
	b    []byte
	i    int
	path []step
	min  map[*node]int // memoised minimum encoded sizes
}

func (v *binValidator) fail(offset int, format string, args ...any) *DatumError {
	return &DatumError{Encoding: "binary", Path: pointer(v.path), Offset: offset, Msg: fmt.Sprintf(format, args...)}
}

// remaining is the number of unread bytes.
func (v *binValidator) remaining() int { return len(v.b) - v.i }

// varint reads a zig-zag varint of at most bits bits.
func (v *binValidator) varint(bits int, what string) (int64, error) {
	start := v.i
	maxLen := (bits + 6) / 7 // 5 for 32 bits, 10 for 64
	var u uint64
	for n := 0; ; n++ {
		if v.i >= len(v.b) {
			return 0, v.fail(start, "the input ends inside %s", what)
		}
		c := v.b[v.i]
		v.i++
		if n == maxLen-1 {
			// The last byte may only carry the bits that are left.
			if left := bits - 7*n; c>>left != 0 {
				return 0, v.fail(start, "%s overflows %d bits", what, bits)
			}
			u |= uint64(c) << (7 * n)
			break
		}
		u |= uint64(c&0x7f) << (7 * n)
		if c < 0x80 {
			break
		}
	}
	return int64(u>>1) ^ -int64(u&1), nil
}

func (v *binValidator) long(what string) (int64, error) { return v.varint(64, what) }

// length reads a bytes or string length and checks it against the remaining input.
func (v *binValidator) length(what string) (int, error) {
	start := v.i
	n, err := v.long("a length")
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, v.fail(start, "the length of %s is negative (%d)", what, n)
	}
	if n > int64(v.remaining()) {
		return 0, v.fail(start, "the length of %s is %d bytes, but only %d remain", what, n, v.remaining())
	}
	return int(n), nil
}

// str reads a string and checks its encoding; it returns the bytes, a slice of the datum.
func (v *binValidator) str(what string) ([]byte, error) {
	start := v.i
	n, err := v.length(what)
	if err != nil {
		return nil, err
	}
	b := v.b[v.i : v.i+n]
	if !utf8.Valid(b) {
		return nil, v.fail(start, "%s is not valid UTF-8", what)
	}
	v.i += n
	return b, nil
}

func (v *binValidator) value(n *node, depth int) error {
	start := v.i
	switch n.kind {
	case kindNull:
		return nil
	case kindBoolean:
		if v.i >= len(v.b) {
			return v.fail(start, "the input ends before a boolean")
		}
		if c := v.b[v.i]; c > 1 {
			return v.fail(start, "a boolean is the byte 0x00 or 0x01, not 0x%02x", c)
		}
		v.i++
		return nil
	case kindInt:
		_, err := v.varint(32, "an int")
		return err
	case kindLong:
		_, err := v.long("a long")
		return err
	case kindFloat, kindDouble:
		size := 4
		if n.kind == kindDouble {
			size = 8
		}
		if v.remaining() < size {
			return v.fail(start, "a %s takes %d bytes, but only %d remain", n.kind, size, v.remaining())
		}
		v.i += size
		return nil
	case kindBytes:
		l, err := v.length("bytes")
		v.i += l
		return err
	case kindString:
		_, err := v.str("a string")
		return err
	case kindFixed:
		if v.remaining() < n.size {
			return v.fail(start, "%s takes %d bytes, but only %d remain", describeShort(n), n.size, v.remaining())
		}
		v.i += n.size
		return nil
	case kindEnum:
		idx, err := v.varint(32, "an enum index")
		if err != nil {
			return err
		}
		if idx < 0 || idx >= int64(len(n.symbols)) {
			return v.fail(start, "enum index %d is out of range: %s has %d symbols", idx, describeShort(n), len(n.symbols))
		}
		return nil
	}
	if depth >= MaxDatumDepth {
		return v.fail(start, "the datum nests deeper than %d levels", MaxDatumDepth)
	}
	switch n.kind {
	case kindUnion:
		idx, err := v.long("a union branch index")
		if err != nil {
			return err
		}
		if idx < 0 || idx >= int64(len(n.branches)) {
			return v.fail(start, "union branch index %d is out of range: %s has %d branches", idx, describeShort(n), len(n.branches))
		}
		return v.value(n.branches[idx], depth+1)
	case kindRecord:
		for _, f := range n.fields {
			v.path = append(v.path, step{kind: stepField, name: f.name})
			if err := v.value(f.typ, depth+1); err != nil {
				return err
			}
			v.path = v.path[:len(v.path)-1]
		}
		return nil
	case kindArray, kindMap:
		return v.blocks(n, depth)
	}
	return v.fail(start, "unknown schema kind %v", n.kind) // unreachable: Parse builds no other kind
}

// blocks reads the blocks of an array or a map, up to the block of count zero.
func (v *binValidator) blocks(n *node, depth int) error {
	item, what := n.items, "array"
	countWhat, sizeWhat := "the item count of an array block", "the byte size of an array block"
	if n.kind == kindMap {
		item, what = n.values, "map"
		countWhat, sizeWhat = "the item count of a map block", "the byte size of a map block"
	}
	var index int64
	for {
		start := v.i
		count, err := v.long(countWhat)
		if err != nil {
			return err
		}
		if count == 0 {
			return nil
		}
		size := int64(-1)
		if count < 0 {
			if count == math.MinInt64 {
				return v.fail(start, "%s overflows", countWhat)
			}
			count = -count
			sizeAt := v.i
			if size, err = v.long(sizeWhat); err != nil {
				return err
			}
			if size < 0 || size > int64(v.remaining()) {
				return v.fail(sizeAt, "the %s block's byte size is %d, but %d bytes remain", what, size, v.remaining())
			}
		}
		// Each map entry takes at least a byte for its key; array items at least the
		// minimum size of their type. Items whose type takes no bytes at all (null, or
		// records of nothing else) are all the same value, so one is checked for all.
		per := v.minSize(item)
		if n.kind == kindMap {
			per++
		}
		if per > 0 && count > int64(v.remaining()/per) {
			return v.fail(start, "the %s block declares %d items, but the %d remaining bytes cannot hold them", what, count, v.remaining())
		}
		if count > MaxCollectionItems-index {
			return v.fail(start, "the %s holds more than %d items, the most Apache Avro Java reads", what, MaxCollectionItems)
		}
		itemsAt := v.i
		for k := int64(0); k < count; k++ {
			if per == 0 && k > 0 {
				break
			}
			if n.kind == kindMap {
				key, err := v.str("a map key")
				if err != nil {
					return err
				}
				v.path = append(v.path, step{kind: stepKey, key: key})
			} else {
				v.path = append(v.path, step{kind: stepIndex, index: index + k})
			}
			if err := v.value(item, depth+1); err != nil {
				return err
			}
			v.path = v.path[:len(v.path)-1]
		}
		index += count
		if size >= 0 && int64(v.i-itemsAt) != size {
			return v.fail(start, "the %s block's byte size is %d, but its items take %d bytes", what, size, v.i-itemsAt)
		}
	}
}

// minSize returns the fewest bytes a value of n can take in the binary encoding. A record
// met again while its size is being computed counts as 0, which keeps the result a lower
// bound for recursive types.
func (v *binValidator) minSize(n *node) int {
	switch n.kind {
	case kindNull:
		return 0
	case kindBoolean, kindInt, kindLong, kindBytes, kindString, kindEnum, kindArray, kindMap, kindUnion:
		return 1
	case kindFloat:
		return 4
	case kindDouble:
		return 8
	case kindFixed:
		return n.size
	}
	if m, ok := v.min[n]; ok {
		return m
	}
	if v.min == nil {
		v.min = map[*node]int{}
	}
	v.min[n] = 0
	total := 0
	for _, f := range n.fields {
		total += v.minSize(f.typ)
		if total > len(v.b) { // no need to count further than the datum is long
			break
		}
	}
	v.min[n] = total
	return total
}

// ValidateJSON checks that doc is exactly one value of the schema in the Avro JSON encoding,
// as Apache Avro's JsonEncoder writes it. It returns nil when it is, and otherwise a
// *DatumError naming the first problem.
//
// The rules: null, booleans and strings are their JSON counterparts; ints and longs are
// integer numbers (no fraction or exponent) that fit 32 and 64 bits; floats and doubles are
// numbers within range, or the strings "NaN", "Infinity" and "-Infinity"; bytes and fixed
// values are strings of code points U+0000 to U+00FF, one per byte (ISO-8859-1), a fixed
// one of exactly its size; enums are one of their symbols as a string; arrays are arrays and
// maps objects; a record is an object with every field, by its name, and no other member; a
// union value is null for a "null" branch, and otherwise an object with one member whose key
// names the branch (a named type's full name, else the type name, e.g. "string", "array")
// and whose value is the branch's value.
//
// The document must be valid UTF-8, at most MaxJSONDatumBytes long, nested at most
// MaxDatumDepth deep, and have no duplicate keys in any object.
func (s *Schema) ValidateJSON(doc []byte) error {
	fail := func(offset int, format string, args ...any) error {
		return &DatumError{Encoding: "JSON", Offset: offset, Msg: fmt.Sprintf(format, args...)}
	}
	if len(doc) > MaxJSONDatumBytes {
		return fail(-1, "the datum is %d bytes; the limit is %d", len(doc), MaxJSONDatumBytes)
	}
	if !utf8.Valid(doc) {
		return fail(-1, "the datum is not valid UTF-8")
	}
	text := string(doc)
	if err := checkDepth(text, MaxDatumDepth); err != nil {
		return fail(-1, "%s", err.Error())
	}
	jv, err := decodeJSON(text, MaxDatumDepth)
	if err != nil {
		var je *jsonError
		if errors.As(err, &je) {
			msg := strings.Replace(je.msg, "after the schema", "after the datum", 1)
			return &DatumError{Encoding: "JSON", Path: je.path, Offset: je.offset, Msg: "malformed JSON: " + msg}
		}
		return fail(-1, "malformed JSON: %v", err)
	}
	v := &jsonValidator{}
	return v.value(s.root, jv)
}

// jsonValidator walks one decoded JSON datum. Its recursion follows the JSON nesting, which
// ValidateJSON has bounded.
type jsonValidator struct {
	path []step
}

func (v *jsonValidator) fail(format string, args ...any) error {
	return &DatumError{Encoding: "JSON", Path: pointer(v.path), Offset: -1, Msg: fmt.Sprintf(format, args...)}
}

func (v *jsonValidator) want(n *node, jv *jvalue) error {
	return v.fail("want %s, got %s", describeShort(n), brief(jv))
}

func (v *jsonValidator) value(n *node, jv *jvalue) error {
	switch n.kind {
	case kindNull:
		if jv.kind != jNull {
			return v.want(n, jv)
		}
	case kindBoolean:
		if jv.kind != jBool {
			return v.want(n, jv)
		}
	case kindInt, kindLong:
		bits := 32
		if n.kind == kindLong {
			bits = 64
		}
		if jv.kind != jNumber {
			return v.want(n, jv)
		}
		if !isIntegerLiteral(jv.s) {
			return v.fail("want %s, got %s, which is not an integer", n.kind, jv.s)
		}
		if !integerFits(jv.s, bits) {
			return v.fail("%s does not fit in %s (%d bits)", jv.s, describeShort(n), bits)
		}
	case kindFloat, kindDouble:
		bits := 64
		if n.kind == kindFloat {
			bits = 32
		}
		switch {
		case jv.kind == jString && (jv.s == "NaN" || jv.s == "Infinity" || jv.s == "-Infinity"):
		case jv.kind == jNumber:
			if _, err := strconv.ParseFloat(jv.s, bits); err != nil {
				return v.fail("%s is out of the range of %s", jv.s, describeShort(n))
			}
		default:
			return v.want(n, jv)
		}
	case kindString:
		if jv.kind != jString {
			return v.want(n, jv)
		}
	case kindBytes, kindFixed:
		if jv.kind != jString {
			return v.want(n, jv)
		}
		count := 0
		for _, r := range jv.s {
			if r > 0xff {
				return v.fail("a %s value is a string of code points U+0000 to U+00FF, one per byte; %q is not one", describeShort(n), r)
			}
			count++
		}
		if n.kind == kindFixed && count != n.size {
			return v.fail("%s takes %d bytes, got %d", describeShort(n), n.size, count)
		}
	case kindEnum:
		if jv.kind != jString {
			return v.want(n, jv)
		}
		for _, sym := range n.symbols {
			if sym == jv.s {
				return nil
			}
		}
		return v.fail("%q is not a symbol of %s", jv.s, describeShort(n))
	case kindArray:
		if jv.kind != jArray {
			return v.want(n, jv)
		}
		for i, e := range jv.arr {
			v.path = append(v.path, step{kind: stepIndex, index: int64(i)})
			if err := v.value(n.items, e); err != nil {
				return err
			}
			v.path = v.path[:len(v.path)-1]
		}
	case kindMap:
		if jv.kind != jObject {
			return v.want(n, jv)
		}
		for _, m := range jv.obj {
			v.path = append(v.path, step{kind: stepSKey, skey: m.key})
			if err := v.value(n.values, m.val); err != nil {
				return err
			}
			v.path = v.path[:len(v.path)-1]
		}
	case kindRecord:
		return v.record(n, jv)
	case kindUnion:
		return v.union(n, jv)
	}
	return nil
}

func (v *jsonValidator) record(n *node, jv *jvalue) error {
	if jv.kind != jObject {
		return v.want(n, jv)
	}
	for _, f := range n.fields {
		fv := jv.get(f.name)
		if fv == nil {
			return v.fail("the field %q of %s is missing", f.name, describeShort(n))
		}
		v.path = append(v.path, step{kind: stepField, name: f.name})
		if err := v.value(f.typ, fv); err != nil {
			return err
		}
		v.path = v.path[:len(v.path)-1]
	}
	if len(jv.obj) > len(n.fields) {
		for _, m := range jv.obj {
			if !hasField(n, m.key) {
				return v.fail("%s has no field %q", describeShort(n), m.key)
			}
		}
	}
	return nil
}

func hasField(n *node, name string) bool {
	for _, f := range n.fields {
		if f.name == name {
			return true
		}
	}
	return false
}

func (v *jsonValidator) union(n *node, jv *jvalue) error {
	if jv.kind == jNull {
		for _, b := range n.branches {
			if b.kind == kindNull {
				return nil
			}
		}
		return v.fail("null is not a branch of %s", describeShort(n))
	}
	if jv.kind != jObject || len(jv.obj) != 1 {
		return v.fail(`a union value is null or an object with one member naming the branch, such as {"%s": ...}; got %s`, firstNonNull(n), brief(jv))
	}
	m := jv.obj[0]
	for _, b := range n.branches {
		if b.typeName() == m.key {
			return v.value(b, m.val)
		}
	}
	return v.fail("%q names no branch of %s", m.key, describeShort(n))
}

// firstNonNull names the first branch of a union that is not null, for messages.
func firstNonNull(n *node) string {
	for _, b := range n.branches {
		if b.kind != kindNull {
			return b.typeName()
		}
	}
	return "null"
}
