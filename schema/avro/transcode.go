package avro

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"
)

// EncodeJSON converts a datum in the Avro JSON encoding (what ValidateJSON
// accepts: unions as null or {"branch": value}, bytes and fixed as strings
// of code points U+0000..U+00FF) to the Avro binary encoding. The datum is
// validated first, so every error is a *DatumError.
func (s *Schema) EncodeJSON(doc []byte) ([]byte, error) {
	if err := s.ValidateJSON(doc); err != nil {
		return nil, err
	}
	jv, err := decodeJSON(string(doc), MaxDatumDepth)
	if err != nil { // unreachable: ValidateJSON decoded it
		return nil, &DatumError{Encoding: "JSON", Offset: -1, Msg: err.Error()}
	}
	return appendBinary(nil, s.root, jv), nil
}

// appendBinary encodes a validated JSON value.
func appendBinary(dst []byte, n *node, jv *jvalue) []byte {
	switch n.kind {
	case kindNull:
		return dst
	case kindBoolean:
		if jv.b {
			return append(dst, 1)
		}
		return append(dst, 0)
	case kindInt, kindLong:
		i, _ := strconv.ParseInt(jv.s, 10, 64)
		return binary.AppendVarint(dst, i)
	case kindFloat:
		return binary.LittleEndian.AppendUint32(dst, math.Float32bits(float32(jsonFloat(jv, 32))))
	case kindDouble:
		return binary.LittleEndian.AppendUint64(dst, math.Float64bits(jsonFloat(jv, 64)))
	case kindString:
		dst = binary.AppendVarint(dst, int64(len(jv.s)))
		return append(dst, jv.s...)
	case kindBytes:
		dst = binary.AppendVarint(dst, int64(utf8.RuneCountInString(jv.s)))
		return appendLatin1(dst, jv.s)
	case kindFixed:
		return appendLatin1(dst, jv.s)
	case kindEnum:
		for i, sym := range n.symbols {
			if sym == jv.s {
				return binary.AppendVarint(dst, int64(i))
			}
		}
		return dst
	case kindArray:
		if len(jv.arr) > 0 {
			dst = binary.AppendVarint(dst, int64(len(jv.arr)))
			for _, e := range jv.arr {
				dst = appendBinary(dst, n.items, e)
			}
		}
		return append(dst, 0)
	case kindMap:
		if len(jv.obj) > 0 {
			dst = binary.AppendVarint(dst, int64(len(jv.obj)))
			for _, m := range jv.obj {
				dst = binary.AppendVarint(dst, int64(len(m.key)))
				dst = append(dst, m.key...)
				dst = appendBinary(dst, n.values, m.val)
			}
		}
		return append(dst, 0)
	case kindRecord:
		for _, f := range n.fields {
			dst = appendBinary(dst, f.typ, jv.get(f.name))
		}
		return dst
	case kindUnion:
		for i, b := range n.branches {
			if jv.kind == jNull && b.kind == kindNull {
				return binary.AppendVarint(dst, int64(i))
			}
			if jv.kind == jObject && len(jv.obj) == 1 && b.typeName() == jv.obj[0].key {
				dst = binary.AppendVarint(dst, int64(i))
				return appendBinary(dst, b, jv.obj[0].val)
			}
		}
	}
	return dst
}

func jsonFloat(jv *jvalue, bits int) float64 {
	switch jv.s {
	case "NaN":
		return math.NaN()
	case "Infinity":
		return math.Inf(1)
	case "-Infinity":
		return math.Inf(-1)
	}
	f, _ := strconv.ParseFloat(jv.s, bits)
	return f
}

func appendLatin1(dst []byte, s string) []byte {
	for _, r := range s {
		dst = append(dst, byte(r))
	}
	return dst
}

// DecodeJSON converts a datum in the Avro binary encoding to the Avro JSON
// encoding (the inverse of EncodeJSON). The datum is validated first, so
// every error is a *DatumError, and the output nests at most as deep as
// ValidateBinary allows.
func (s *Schema) DecodeJSON(datum []byte) ([]byte, error) {
	if err := s.ValidateBinary(datum); err != nil {
		return nil, err
	}
	d := &jsonWriter{b: datum, max: MaxJSONDatumBytes}
	d.value(s.root)
	if d.over {
		return nil, &DatumError{Encoding: "binary", Offset: -1,
			Msg: "the datum's JSON encoding would exceed " + strconv.Itoa(MaxJSONDatumBytes) + " bytes (arrays of values that take no bytes, such as nulls, can be that large)"}
	}
	return d.out, nil
}

// jsonWriter walks a validated binary datum and writes its JSON encoding.
type jsonWriter struct {
	b    []byte
	i    int
	out  []byte
	max  int
	over bool
}

func (d *jsonWriter) long() int64 {
	v, n := binary.Varint(d.b[d.i:])
	d.i += n
	return v
}

func (d *jsonWriter) raw(n int) []byte {
	b := d.b[d.i : d.i+n]
	d.i += n
	return b
}

func (d *jsonWriter) str(s []byte) {
	q, _ := json.Marshal(string(s))
	d.out = append(d.out, q...)
}

func (d *jsonWriter) latin1(b []byte) {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	q, _ := json.Marshal(string(r))
	d.out = append(d.out, q...)
}

func (d *jsonWriter) float(f float64, bits int) {
	switch {
	case math.IsNaN(f):
		d.out = append(d.out, `"NaN"`...)
	case math.IsInf(f, 1):
		d.out = append(d.out, `"Infinity"`...)
	case math.IsInf(f, -1):
		d.out = append(d.out, `"-Infinity"`...)
	default:
		d.out = strconv.AppendFloat(d.out, f, 'g', -1, bits)
	}
}

func (d *jsonWriter) value(n *node) {
	switch n.kind {
	case kindNull:
		d.out = append(d.out, "null"...)
	case kindBoolean:
		d.out = strconv.AppendBool(d.out, d.raw(1)[0] == 1)
	case kindInt, kindLong:
		d.out = strconv.AppendInt(d.out, d.long(), 10)
	case kindFloat:
		d.float(float64(math.Float32frombits(binary.LittleEndian.Uint32(d.raw(4)))), 32)
	case kindDouble:
		d.float(math.Float64frombits(binary.LittleEndian.Uint64(d.raw(8))), 64)
	case kindString:
		d.str(d.raw(int(d.long())))
	case kindBytes:
		d.latin1(d.raw(int(d.long())))
	case kindFixed:
		d.latin1(d.raw(n.size))
	case kindEnum:
		d.str([]byte(n.symbols[d.long()]))
	case kindArray, kindMap:
		open, close := byte('['), byte(']')
		if n.kind == kindMap {
			open, close = '{', '}'
		}
		d.out = append(d.out, open)
		first := true
		for {
			count := d.long()
			if count == 0 {
				break
			}
			if count < 0 {
				count = -count
				d.long() // the block's byte size
			}
			for range count {
				if len(d.out) > d.max {
					d.over = true
					return
				}
				if !first {
					d.out = append(d.out, ',')
				}
				first = false
				if n.kind == kindMap {
					d.str(d.raw(int(d.long())))
					d.out = append(d.out, ':')
					d.value(n.values)
				} else {
					d.value(n.items)
				}
			}
		}
		d.out = append(d.out, close)
	case kindRecord:
		d.out = append(d.out, '{')
		for i, f := range n.fields {
			if i > 0 {
				d.out = append(d.out, ',')
			}
			d.str([]byte(f.name))
			d.out = append(d.out, ':')
			d.value(f.typ)
		}
		d.out = append(d.out, '}')
	case kindUnion:
		b := n.branches[d.long()]
		if b.kind == kindNull {
			d.out = append(d.out, "null"...)
			return
		}
		d.out = append(d.out, '{')
		d.str([]byte(b.typeName()))
		d.out = append(d.out, ':')
		d.value(b)
		d.out = append(d.out, '}')
	}
}
