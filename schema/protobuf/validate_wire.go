package protobuf

import (
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// wireWalker checks the structure of a binary payload against the message types, field by
// field, so that a problem is reported with the field's path and byte offset.
type wireWalker struct {
	root protoreflect.FullName
	path []string
}

func (w *wireWalker) fail(offset int, format string, args ...any) error {
	var p strings.Builder
	for _, s := range w.path {
		p.WriteByte('/')
		p.WriteString(strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1"))
	}
	return &ValidationError{Encoding: "binary", Message: w.root, Path: p.String(), Offset: offset, Msg: fmt.Sprintf(format, args...)}
}

// message walks the fields of one message of type md held in b, which starts at offset base
// of the payload.
func (w *wireWalker) message(md protoreflect.MessageDescriptor, b []byte, base, depth int) error {
	if depth > MaxPayloadDepth {
		return w.fail(base, "messages are nested deeper than %d levels", MaxPayloadDepth)
	}
	fields := md.Fields()
	var seen map[protowire.Number]int // occurrences of repeated fields so far
	for i := 0; i < len(b); {
		at := base + i
		num, typ, n := protowire.ConsumeTag(b[i:])
		if n < 0 {
			return w.fail(at, "invalid field tag: %s", wireError(n))
		}
		vlen := protowire.ConsumeFieldValue(num, typ, b[i+n:])
		if vlen < 0 {
			if fd := fields.ByNumber(num); fd != nil {
				w.path = append(w.path, string(fd.Name()))
			}
			return w.fail(at, "field %d: %s", num, wireError(vlen))
		}
		value := b[i+n : i+n+vlen]
		i += n + vlen
		fd := fields.ByNumber(num)
		if fd == nil {
			continue // unknown fields are legal
		}
		mark := len(w.path)
		w.path = append(w.path, string(fd.Name()))
		if fd.IsList() || fd.IsMap() {
			if seen == nil {
				seen = map[protowire.Number]int{}
			}
			w.path = append(w.path, strconv.Itoa(seen[num]))
			seen[num]++
		}
		if err := w.field(fd, typ, value, at, at+n, depth); err != nil {
			return err
		}
		w.path = w.path[:mark]
	}
	return nil
}

// field checks one occurrence of a declared field, whose tag starts at tagAt and whose value
// (with its length prefix, or its end-group tag) is value, at valueAt: its wire type,
// packed values, and the contents of message values.
func (w *wireWalker) field(fd protoreflect.FieldDescriptor, typ protowire.Type, value []byte, tagAt, valueAt, depth int) error {
	want := wireTypeOf(fd.Kind())
	if typ == protowire.BytesType && fd.IsList() && (want == protowire.VarintType || want == protowire.Fixed32Type || want == protowire.Fixed64Type) {
		data, _ := protowire.ConsumeBytes(value)
		return w.packed(fd, want, data, valueAt+len(value)-len(data))
	}
	if typ != want {
		return w.fail(tagAt, "the field %s (%s) is never encoded with wire type %s; readers would drop it as an unknown field",
			fd.Name(), fieldTypeName(fd), wireTypeName(typ))
	}
	switch fd.Kind() {
	case protoreflect.MessageKind:
		data, _ := protowire.ConsumeBytes(value)
		return w.message(fd.Message(), data, valueAt+len(value)-len(data), depth+1)
	case protoreflect.GroupKind:
		content, _ := protowire.ConsumeGroup(fd.Number(), value)
		return w.message(fd.Message(), content, valueAt, depth+1)
	}
	return nil
}

// packed checks the values of a packed repeated scalar field, data, found at offset at.
func (w *wireWalker) packed(fd protoreflect.FieldDescriptor, want protowire.Type, data []byte, at int) error {
	switch want {
	case protowire.Fixed32Type:
		if len(data)%4 != 0 {
			return w.fail(at, "the packed %s values of %s take %d bytes, not a multiple of 4", fieldTypeName(fd), fd.Name(), len(data))
		}
	case protowire.Fixed64Type:
		if len(data)%8 != 0 {
			return w.fail(at, "the packed %s values of %s take %d bytes, not a multiple of 8", fieldTypeName(fd), fd.Name(), len(data))
		}
	default:
		for i := 0; i < len(data); {
			_, m := protowire.ConsumeVarint(data[i:])
			if m < 0 {
				return w.fail(at+i, "a packed %s value of %s: %s", fieldTypeName(fd), fd.Name(), wireError(m))
			}
			i += m
		}
	}
	return nil
}

// wireError renders a protowire error code without the "proto:" prefix.
func wireError(n int) string {
	return decoderMessage(protowire.ParseError(n))
}

// wireTypeOf is the wire type a field of kind k is encoded with (a packed repeated scalar
// field uses BytesType instead).
func wireTypeOf(k protoreflect.Kind) protowire.Type {
	switch k {
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind, protoreflect.FloatKind:
		return protowire.Fixed32Type
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind, protoreflect.DoubleKind:
		return protowire.Fixed64Type
	case protoreflect.StringKind, protoreflect.BytesKind, protoreflect.MessageKind:
		return protowire.BytesType
	case protoreflect.GroupKind:
		return protowire.StartGroupType
	}
	return protowire.VarintType
}

// fieldTypeName names a field's type for messages.
func fieldTypeName(fd protoreflect.FieldDescriptor) string {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return "message " + string(fd.Message().FullName())
	case protoreflect.EnumKind:
		return "enum " + string(fd.Enum().FullName())
	}
	return fd.Kind().String()
}

// wireTypeName names a wire type for messages.
func wireTypeName(t protowire.Type) string {
	switch t {
	case protowire.VarintType:
		return "VARINT"
	case protowire.Fixed32Type:
		return "I32"
	case protowire.Fixed64Type:
		return "I64"
	case protowire.BytesType:
		return "LEN"
	case protowire.StartGroupType:
		return "SGROUP"
	case protowire.EndGroupType:
		return "EGROUP"
	}
	return strconv.Itoa(int(t))
}
