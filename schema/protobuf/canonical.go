package protobuf

import (
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// The canonical form is a .proto-like text rendered from the linked file's
// FileDescriptorProto, so that it depends only on what the compiler understood:
//
//   - one declaration per line, two-space indentation, "\n" line ends, no comments;
//   - `syntax = "proto2";`, `syntax = "proto3";` or `edition = "2023";`, then the package,
//     then imports sorted by path (marked public or weak where they are), then file options;
//   - then messages, enums, services and extensions, each kind in declaration order;
//   - inside a message: its options, its fields in declaration order (a oneof is rendered
//     where its first field is declared; proto3 "optional" fields stay plain fields), nested
//     messages (map entries are rendered as map<K, V> fields instead), nested enums,
//     extensions, extension ranges, reserved ranges and reserved names;
//   - type names are fully qualified with a leading dot (".pkg.Msg"); ranges are inclusive
//     ("reserved 5 to 9;");
//   - labels are rendered as they matter to the syntax: every proto2 field has one, proto3
//     fields only "repeated" or an explicit "optional", edition fields only "repeated";
//   - field pseudo-options come first: default (as the compiler normalized it), then
//     json_name when it differs from the name's default JSON name; then options;
//   - options, including custom ones, are rendered from the options messages in field-number
//     order: scalars in Go syntax, enums by name, messages as { name: value, ... }, repeated
//     options once per element, fields unknown to the options message as hex bytes.
//
// protoreflect's and prototext's text output is not used: it is deliberately unstable
// across runs.

// render returns the canonical form of file.
func render(file protoreflect.FileDescriptor) string {
	fdp := protodesc.ToFileDescriptorProto(file)
	r := renderer{syntax: fdp.GetSyntax()}
	if r.syntax == "" {
		r.syntax = "proto2"
	}
	r.file(fdp)
	return r.b.String()
}

type renderer struct {
	b      strings.Builder
	syntax string // "proto2", "proto3" or "editions"
	indent int
}

// line writes one line at the current indentation.
func (r *renderer) line(format string, args ...any) {
	for range r.indent {
		r.b.WriteString("  ")
	}
	fmt.Fprintf(&r.b, format, args...)
	r.b.WriteByte('\n')
}

func (r *renderer) file(f *descriptorpb.FileDescriptorProto) {
	if r.syntax == "editions" {
		r.line("edition = %s;", strconv.Quote(strings.TrimPrefix(f.GetEdition().String(), "EDITION_")))
	} else {
		r.line("syntax = %s;", strconv.Quote(r.syntax))
	}
	if f.GetPackage() != "" {
		r.line("package %s;", f.GetPackage())
	}
	r.imports(f)
	r.options(f.GetOptions())
	pkg := ""
	if f.GetPackage() != "" {
		pkg = "." + f.GetPackage()
	}
	sc := newScope(pkg, f.GetMessageType(), nil, f.GetExtension())
	for _, m := range f.GetMessageType() {
		r.message(m, sc)
	}
	for _, e := range f.GetEnumType() {
		r.enum(e)
	}
	for _, s := range f.GetService() {
		r.service(s)
	}
	for _, x := range f.GetExtension() {
		r.extension(x, sc)
	}
}

// scope is what a message body needs to know about the messages declared beside its fields:
// which of them are map entries and proto2 groups, rendered inline with their field instead
// of as nested messages.
type scope struct {
	name    string                                   // full name with a leading dot; "" for a file without package
	entries map[string]*descriptorpb.DescriptorProto // map entry types by full name
	groups  map[string]*descriptorpb.DescriptorProto // group types by full name
}

func newScope(name string, nested []*descriptorpb.DescriptorProto, fields, extensions []*descriptorpb.FieldDescriptorProto) scope {
	sc := scope{name: name, entries: map[string]*descriptorpb.DescriptorProto{}, groups: map[string]*descriptorpb.DescriptorProto{}}
	byName := make(map[string]*descriptorpb.DescriptorProto, len(nested))
	for _, n := range nested {
		full := name + "." + n.GetName()
		byName[full] = n
		if n.GetOptions().GetMapEntry() {
			sc.entries[full] = n
		}
	}
	for _, f := range append(slices.Clip(fields), extensions...) {
		if f.GetType() == descriptorpb.FieldDescriptorProto_TYPE_GROUP && byName[f.GetTypeName()] != nil {
			sc.groups[f.GetTypeName()] = byName[f.GetTypeName()]
		}
	}
	return sc
}

// inline reports whether nested message n of sc is rendered with its field.
func (sc scope) inline(n *descriptorpb.DescriptorProto) bool {
	full := sc.name + "." + n.GetName()
	return sc.entries[full] != nil || sc.groups[full] != nil
}

func (r *renderer) imports(f *descriptorpb.FileDescriptorProto) {
	kind := make(map[int32]string)
	for _, i := range f.GetPublicDependency() {
		kind[i] = "public "
	}
	for _, i := range f.GetWeakDependency() {
		kind[i] = "weak "
	}
	lines := make([]string, len(f.GetDependency()))
	for i, dep := range f.GetDependency() {
		lines[i] = fmt.Sprintf("import %s%s;", kind[int32(i)], strconv.Quote(dep))
	}
	sort.Strings(lines)
	for _, l := range lines {
		r.line("%s", l)
	}
}

// message renders m, declared in parent.
func (r *renderer) message(m *descriptorpb.DescriptorProto, parent scope) {
	if parent.inline(m) {
		return
	}
	r.line("message %s {", m.GetName())
	r.body(m, parent.name+"."+m.GetName())
	r.line("}")
}

// body renders the declarations inside message m, whose full name is full.
func (r *renderer) body(m *descriptorpb.DescriptorProto, full string) {
	r.indent++
	defer func() { r.indent-- }()
	r.options(m.GetOptions())
	sc := newScope(full, m.GetNestedType(), m.GetField(), m.GetExtension())
	oneofDone := make(map[int32]bool)
	for _, f := range m.GetField() {
		if f.OneofIndex == nil || f.GetProto3Optional() {
			r.field(f, sc, false)
			continue
		}
		idx := f.GetOneofIndex()
		if oneofDone[idx] {
			continue
		}
		oneofDone[idx] = true
		o := m.GetOneofDecl()[idx]
		r.line("oneof %s {", o.GetName())
		r.indent++
		r.options(o.GetOptions())
		for _, member := range m.GetField() {
			if member.OneofIndex != nil && member.GetOneofIndex() == idx && !member.GetProto3Optional() {
				r.field(member, sc, true)
			}
		}
		r.indent--
		r.line("}")
	}
	for _, n := range m.GetNestedType() {
		r.message(n, sc)
	}
	for _, e := range m.GetEnumType() {
		r.enum(e)
	}
	for _, x := range m.GetExtension() {
		r.extension(x, sc)
	}
	for _, xr := range m.GetExtensionRange() {
		r.line("extensions %s%s;", rangeText(xr.GetStart(), xr.GetEnd()-1), r.inlineOptions(nil, xr.GetOptions()))
	}
	if rr := m.GetReservedRange(); len(rr) > 0 {
		parts := make([]string, len(rr))
		for i, x := range rr {
			parts[i] = rangeText(x.GetStart(), x.GetEnd()-1)
		}
		r.line("reserved %s;", strings.Join(parts, ", "))
	}
	r.reservedNames(m.GetReservedName())
}

// field renders one field declared in sc: a map entry type becomes map<K, V>, and a proto2
// group is rendered with its message body, as it is written.
func (r *renderer) field(f *descriptorpb.FieldDescriptorProto, sc scope, inOneof bool) {
	typ := typeName(f)
	label := ""
	if !inOneof {
		label = r.label(f)
	}
	if entry := sc.entries[f.GetTypeName()]; entry != nil && f.GetLabel() == descriptorpb.FieldDescriptorProto_LABEL_REPEATED {
		var k, v string
		for _, ef := range entry.GetField() {
			switch ef.GetNumber() {
			case 1:
				k = typeName(ef)
			case 2:
				v = typeName(ef)
			}
		}
		typ, label = fmt.Sprintf("map<%s, %s>", k, v), ""
	}
	var pseudo []string
	if f.DefaultValue != nil {
		pseudo = append(pseudo, "default = "+defaultText(f))
	}
	if f.JsonName != nil && f.GetJsonName() != jsonName(f.GetName()) {
		pseudo = append(pseudo, "json_name = "+strconv.Quote(f.GetJsonName()))
	}
	opts := r.inlineOptions(pseudo, f.GetOptions())
	if g := sc.groups[f.GetTypeName()]; g != nil && f.GetType() == descriptorpb.FieldDescriptorProto_TYPE_GROUP {
		r.line("%sgroup %s = %d%s {", label, g.GetName(), f.GetNumber(), opts)
		r.body(g, f.GetTypeName())
		r.line("}")
		return
	}
	r.line("%s%s %s = %d%s;", label, typ, f.GetName(), f.GetNumber(), opts)
}

// label returns the label keyword of f as the file's syntax spells it, with a trailing space.
func (r *renderer) label(f *descriptorpb.FieldDescriptorProto) string {
	switch f.GetLabel() {
	case descriptorpb.FieldDescriptorProto_LABEL_REPEATED:
		return "repeated "
	case descriptorpb.FieldDescriptorProto_LABEL_REQUIRED:
		return "required "
	}
	if r.syntax == "proto2" || f.GetProto3Optional() {
		return "optional "
	}
	return ""
}

func (r *renderer) extension(x *descriptorpb.FieldDescriptorProto, sc scope) {
	r.line("extend %s {", x.GetExtendee())
	r.indent++
	r.field(x, sc, false)
	r.indent--
	r.line("}")
}

func (r *renderer) enum(e *descriptorpb.EnumDescriptorProto) {
	r.line("enum %s {", e.GetName())
	r.indent++
	r.options(e.GetOptions())
	for _, v := range e.GetValue() {
		r.line("%s = %d%s;", v.GetName(), v.GetNumber(), r.inlineOptions(nil, v.GetOptions()))
	}
	if rr := e.GetReservedRange(); len(rr) > 0 {
		parts := make([]string, len(rr))
		for i, x := range rr {
			parts[i] = rangeText(x.GetStart(), x.GetEnd()) // enum ranges are inclusive
		}
		r.line("reserved %s;", strings.Join(parts, ", "))
	}
	r.reservedNames(e.GetReservedName())
	r.indent--
	r.line("}")
}

func (r *renderer) service(s *descriptorpb.ServiceDescriptorProto) {
	r.line("service %s {", s.GetName())
	r.indent++
	r.options(s.GetOptions())
	for _, m := range s.GetMethod() {
		in, out := m.GetInputType(), m.GetOutputType()
		if m.GetClientStreaming() {
			in = "stream " + in
		}
		if m.GetServerStreaming() {
			out = "stream " + out
		}
		opts := optionEntries(m.GetOptions().ProtoReflect())
		if len(opts) == 0 {
			r.line("rpc %s(%s) returns (%s);", m.GetName(), in, out)
			continue
		}
		r.line("rpc %s(%s) returns (%s) {", m.GetName(), in, out)
		r.indent++
		for _, o := range opts {
			r.line("option %s;", o)
		}
		r.indent--
		r.line("}")
	}
	r.indent--
	r.line("}")
}

func (r *renderer) reservedNames(names []string) {
	if len(names) == 0 {
		return
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = strconv.Quote(n)
	}
	r.line("reserved %s;", strings.Join(quoted, ", "))
}

// options renders the set fields of an options message as option statements.
func (r *renderer) options(m interface{ ProtoReflect() protoreflect.Message }) {
	for _, o := range optionEntries(m.ProtoReflect()) {
		r.line("option %s;", o)
	}
}

// inlineOptions renders pseudo-options and options in brackets, or "" when there are none.
func (r *renderer) inlineOptions(pseudo []string, m interface{ ProtoReflect() protoreflect.Message }) string {
	all := pseudo
	if m != nil {
		all = append(all, optionEntries(m.ProtoReflect())...)
	}
	if len(all) == 0 {
		return ""
	}
	return " [" + strings.Join(all, ", ") + "]"
}

// optionEntries renders every set field of an options message as "name = value", in field
// number order, repeated fields once per element. A nil message has no entries.
func optionEntries(m protoreflect.Message) []string {
	return entries(m, "(", ")", " = ")
}

// entries renders the set fields of m as name, separator, value; extension names are put
// between open and close.
func entries(m protoreflect.Message, open, close, sep string) []string {
	if m == nil || !m.IsValid() {
		return nil
	}
	var out []string
	for _, fv := range setFields(m) {
		name := string(fv.fd.Name())
		if fv.fd.IsExtension() {
			name = open + string(fv.fd.FullName()) + close
		}
		if fv.fd.IsList() {
			list := fv.v.List()
			for i := 0; i < list.Len(); i++ {
				out = append(out, name+sep+valueText(fv.fd, list.Get(i)))
			}
			continue
		}
		out = append(out, name+sep+valueText(fv.fd, fv.v))
	}
	if u := m.GetUnknown(); len(u) > 0 {
		out = append(out, "unknown_fields"+sep+strconv.Quote(hex.EncodeToString(u)))
	}
	return out
}

type fieldValue struct {
	fd protoreflect.FieldDescriptor
	v  protoreflect.Value
}

// setFields returns the populated fields of m in field-number order; Range has no fixed order.
func setFields(m protoreflect.Message) []fieldValue {
	var fields []fieldValue
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		fields = append(fields, fieldValue{fd, v})
		return true
	})
	sort.Slice(fields, func(i, j int) bool { return fields[i].fd.Number() < fields[j].fd.Number() })
	return fields
}

// valueText renders one value of field fd (one element, for a list).
func valueText(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return strconv.FormatBool(v.Bool())
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return strconv.FormatInt(v.Int(), 10)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return strconv.FormatUint(v.Uint(), 10)
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return floatText(v.Float())
	case protoreflect.StringKind:
		return strconv.Quote(v.String())
	case protoreflect.BytesKind:
		return strconv.Quote(string(v.Bytes()))
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return string(ev.Name())
		}
		return strconv.FormatInt(int64(v.Enum()), 10)
	case protoreflect.MessageKind, protoreflect.GroupKind:
		if fd.IsMap() {
			return mapText(fd, v.Map())
		}
		return messageText(v.Message())
	}
	return fmt.Sprintf("%v", v.Interface())
}

// messageText renders a message value as { name: value, [ext.name]: value, ... }.
func messageText(m protoreflect.Message) string {
	parts := entries(m, "[", "]", ": ")
	if len(parts) == 0 {
		return "{}"
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// mapText renders a map value with its entries sorted by rendered key.
func mapText(fd protoreflect.FieldDescriptor, m protoreflect.Map) string {
	var entries []string
	m.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
		entries = append(entries, fmt.Sprintf("{ key: %s, value: %s }",
			valueText(fd.MapKey(), k.Value()), valueText(fd.MapValue(), v)))
		return true
	})
	sort.Strings(entries)
	return "[" + strings.Join(entries, ", ") + "]"
}

// floatText renders a float as the shortest decimal that round-trips, or inf, -inf, nan.
func floatText(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// defaultText renders a field's default value as the compiler normalized it: strings quoted,
// bytes quoted around the compiler's own C-style escaping, everything else verbatim.
func defaultText(f *descriptorpb.FieldDescriptorProto) string {
	switch f.GetType() {
	case descriptorpb.FieldDescriptorProto_TYPE_STRING:
		return strconv.Quote(f.GetDefaultValue())
	case descriptorpb.FieldDescriptorProto_TYPE_BYTES:
		return `"` + f.GetDefaultValue() + `"`
	}
	return f.GetDefaultValue()
}

// typeName renders the type of f: a scalar keyword, or the fully qualified message or enum
// name (prefixed with "group " for proto2 groups).
func typeName(f *descriptorpb.FieldDescriptorProto) string {
	switch f.GetType() {
	case descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, descriptorpb.FieldDescriptorProto_TYPE_ENUM:
		return f.GetTypeName()
	case descriptorpb.FieldDescriptorProto_TYPE_GROUP:
		return "group " + f.GetTypeName()
	}
	return strings.ToLower(strings.TrimPrefix(f.GetType().String(), "TYPE_"))
}

// rangeText renders an inclusive range.
func rangeText(start, end int32) string {
	if start == end {
		return strconv.FormatInt(int64(start), 10)
	}
	return fmt.Sprintf("%d to %d", start, end)
}

// jsonName is the JSON name protoc derives from a field name: underscores are dropped and
// the letter after each one is upper-cased.
func jsonName(name string) string {
	var b strings.Builder
	upper := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_':
			upper = true
		case upper && 'a' <= c && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
			upper = false
		default:
			b.WriteByte(c)
			upper = false
		}
	}
	return b.String()
}
