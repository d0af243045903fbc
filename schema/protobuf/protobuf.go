// Package protobuf parses, validates and normalizes Protocol Buffers definitions (the Glue
// DataFormat PROTOBUF): one .proto file, as text.
//
// A definition is checked in this order, so that hostile input is refused before any work
// proportional to its nesting is done:
//
//  1. its size against Limits.MaxBytes and its nesting depth against Limits.MaxDepth, by a
//     flat byte scan that skips strings and comments;
//  2. parsing, linking and option interpretation with github.com/bufbuild/protocompile.
//
// The definition is compiled as a file named "schema.proto" by a resolver that serves only
// that text and the well-known types bundled with protocompile (google/protobuf/*.proto:
// any, timestamp, duration, struct, wrappers, empty, field_mask, descriptor, ...). Any other
// import is an error; the resolver never reads a file.
//
// proto2, proto3 and edition 2023 files are accepted.
//
// # Compatibility
//
// Handler.CanRead follows Confluent Schema Registry's Protobuf rules (its SchemaDiff, with the
// writer as the original and the reader as the update): message types are matched by name
// relative to the file's package, fields by number, and only the differences Confluent counts
// as incompatible are reported, under Confluent's names:
//
//   - PACKAGE_CHANGED: the packages differ (messages are still matched by relative name);
//   - MESSAGE_REMOVED: a writer message, top-level or nested, is missing from the reader (only
//     the outermost missing one is reported; map entries do not count). Adding a message is
//     therefore fine BACKWARD but not FORWARD, and not FULL;
//   - FIELD_KIND_CHANGED: a scalar (enums count as scalars), message, map or group field
//     became another of these;
//   - FIELD_SCALAR_KIND_CHANGED: a scalar left its wire group, {int32, int64, uint32, uint64,
//     bool, enum}, {sint32, sint64}, {string, bytes}, {fixed32, sfixed32}, {fixed64, sfixed64},
//     {float} or {double}; map keys and values are compared the same way;
//   - FIELD_NAMED_TYPE_CHANGED: a message field refers to a message of another name, or to one
//     of the same name that is incompatible itself (recursively through message fields; the
//     well-known types are compared by full name);
//   - FIELD_NUMERIC_LABEL_CHANGED: a numeric field (enums included) changed between singular,
//     required and repeated; string, bytes and message fields may change label;
//   - REQUIRED_FIELD_ADDED, REQUIRED_FIELD_REMOVED: a proto2 required (or edition
//     LEGACY_REQUIRED) field is on one side only;
//   - ONEOF_FIELD_REMOVED: a field left a oneof whose name the reader keeps, and the reader
//     does not declare it anywhere;
//   - MULTIPLE_FIELDS_MOVED_TO_ONEOF, FIELD_MOVED_TO_EXISTING_ONEOF: a reader oneof gathers
//     two fields that were outside any oneof, or one such field and fields of a writer oneof.
//
// Adding, removing, renaming or renumbering fields, enum changes, and adding or removing
// whole oneofs are compatible, as in Confluent. Extensions, services and options are not
// compared. Two identical definitions are compatible without a walk.
//
// The rules are about the binary encoding, and even there a few changes they accept can lose
// data (the package tests replay random messages through protobuf-go to show each one):
// bytes that are not UTF-8 read as a proto3 string fail to parse; an int32 read as a closed
// (proto2) enum drops numbers the enum does not declare; two oneofs merged into one keep only
// one of their values; a string or bytes field that becomes required fails on data without it.
// The JSON encoding matches fields by name and spells values by type, so renaming or
// renumbering a field, narrowing an integer, or changing between string and bytes, enum and
// integer, or singular and repeated breaks JSON consumers although Confluent accepts it.
//
// Paths are JSON-pointer-like versions of Confluent's: /Order/Item/3 is field 3 of the nested
// message Order.Item, /Order/payment/3 field 3 of the oneof payment (when the field is in a
// oneof of that name on both sides), /Order/payment the oneof itself, and "" (rendered "/")
// the file, where PACKAGE_CHANGED is reported. Findings are sorted by path, segment by segment
// with field numbers in numeric order, then by rule.
//
// Where Carta differs from Confluent:
//
//   - labels are compared as cardinalities (singular, required, repeated), so a proto3 field
//     without a label that becomes repeated is FIELD_NUMERIC_LABEL_CHANGED (Confluent compares
//     the parser's labels and misses it), and moving a field into a oneof is not a label change;
//   - group (and editions' delimited) fields are a kind of their own, since they are encoded
//     differently from message fields;
//   - a structural FIELD_NAMED_TYPE_CHANGED is reported only for types reached through fields,
//     not because of a change in a nested declaration no field uses, and a field referring to
//     an enclosing message is checked like any other (Confluent skips it); references that
//     only reach a break through their own message are not reported, like Confluent's guard.
//     Structural findings never change a verdict: the break they point to is reported too;
//   - only the well-known types can be imported, so there are no schema references;
//   - Confluent's recent releases accept a package change (earlier ones refused it); Carta
//     refuses it, as the package is part of every message's full name (in google.protobuf.Any
//     type URLs, for one).
package protobuf

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cartaschema/carta/schema"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Handler implements schema.Handler for Protocol Buffers. The zero value is ready to use and
// safe for concurrent use; Handler carries no state, so it is used as a value.
type Handler struct{}

var _ schema.Handler = Handler{}

// Format returns schema.Protobuf.
func (Handler) Format() schema.Format { return schema.Protobuf }

// Parse validates definition and returns a *Schema. Every error describing the definition is
// a *schema.ParseError; its Path is "line:column" (1-based) when the position is known.
func (Handler) Parse(definition string, limits schema.Limits) (schema.Schema, error) {
	return Parse(definition, limits)
}

// CanRead reports every incompatibility that stops reader from reading data written with
// writer, under Confluent's rules (see the package documentation). Both arguments must be
// *Schema values returned by Parse; anything else is an error.
func (Handler) CanRead(reader, writer schema.Schema) ([]schema.Incompatibility, error) {
	r, ok := reader.(*Schema)
	if !ok || r == nil {
		return nil, fmt.Errorf("protobuf: the reader is not a Protobuf schema (got %T)", reader)
	}
	w, ok := writer.(*Schema)
	if !ok || w == nil {
		return nil, fmt.Errorf("protobuf: the writer is not a Protobuf schema (got %T)", writer)
	}
	if r.identity == w.identity {
		return nil, nil
	}
	return canRead(r, w), nil
}

// Schema is a parsed and linked .proto file. It is immutable and safe for concurrent use.
type Schema struct {
	file      protoreflect.FileDescriptor
	canonical string
	// identity is canonical plus the canonical forms of the imported references: schemas with
	// the same identity are the same.
	identity string
	// refFiles are the paths of the referenced files the definition imports, directly or not,
	// and refMessages their messages (nested ones included) sorted by full name.
	refFiles    map[string]bool
	refMessages []protoreflect.MessageDescriptor
	messages    []protoreflect.MessageDescriptor
	// resolver is built on the first payload validation that needs it.
	resolver typeResolver
}

var _ schema.Schema = (*Schema)(nil)

// Format returns schema.Protobuf.
func (s *Schema) Format() schema.Format { return schema.Protobuf }

// Canonical returns the normalized definition: a .proto text rendered from the linked
// descriptor rather than from the source, so comments, whitespace, layout, import order and
// the spelling of type names do not change it, while any change to a declaration, a field's
// name, number, label or type, a default value, a json_name or an option (custom ones
// included) does. Type names are fully qualified (".pkg.Msg"), imports sorted, and
// declarations kept in their declared order, one per line with two-space indentation. The
// canonical form is itself a valid definition whose canonical form it is.
func (s *Schema) Canonical() string { return s.canonical }

// FileDescriptor returns the linked file descriptor. Its path is "schema.proto".
func (s *Schema) FileDescriptor() protoreflect.FileDescriptor { return s.file }

// Messages returns every message type of the file, top-level and nested at any depth, sorted
// by full name (byte order). A message's position in this list is its message index in the
// AWS Glue wire format: for message B { message C {} message A { message D {} } } the list
// is B, B.A, B.A.D, B.C. Map entry types (e.g. B.LabelsEntry for a map field "labels") are
// included, as the Glue SerDe's list of nested types includes them. The slice is a copy.
func (s *Schema) Messages() []protoreflect.MessageDescriptor {
	return append([]protoreflect.MessageDescriptor(nil), s.messages...)
}

// MessageIndex returns the Glue wire-format message index of the message with the given full
// name (e.g. "pkg.B.A"), or false if the file declares no such message.
func (s *Schema) MessageIndex(fullName protoreflect.FullName) (int, bool) {
	i := sort.Search(len(s.messages), func(i int) bool { return s.messages[i].FullName() >= fullName })
	if i < len(s.messages) && s.messages[i].FullName() == fullName {
		return i, true
	}
	return 0, false
}

// Parse is Handler.Parse with the concrete result type.
func Parse(definition string, limits schema.Limits) (*Schema, error) {
	limits = limits.WithDefaults()
	if err := checkLimits(definition, limits); err != nil {
		return nil, err
	}
	file, err := compile(definition, nil)
	if err != nil {
		return nil, err
	}
	c := render(file)
	return &Schema{file: file, canonical: c, identity: c, messages: sortedMessages(file)}, nil
}

// ParseWithReferences validates a definition that imports its references by their names (the
// import paths), as Confluent's Protobuf references work. Canonical is the definition's own
// canonical form, import statements included; compatibility checks see through the imports
// to the referenced messages.
func (Handler) ParseWithReferences(definition string, refs []schema.Reference, limits schema.Limits) (schema.Schema, error) {
	limits = limits.WithDefaults()
	if err := checkLimits(definition, limits); err != nil {
		return nil, err
	}
	imports := make(map[string]string, len(refs))
	for _, r := range refs {
		imports[r.Name] = r.Definition
	}
	file, err := compile(definition, imports)
	if err != nil {
		return nil, err
	}
	c := render(file)
	// identity tells apart two definitions with one text that import different versions of a
	// reference: it adds the canonical form of every imported file.
	var b strings.Builder
	b.WriteString(c)
	var names []string
	byName := map[string]protoreflect.FileDescriptor{}
	var collect func(f protoreflect.FileDescriptor)
	collect = func(f protoreflect.FileDescriptor) {
		for i := 0; i < f.Imports().Len(); i++ {
			d := f.Imports().Get(i).FileDescriptor
			if _, ok := byName[d.Path()]; ok {
				continue
			}
			byName[d.Path()] = d
			names = append(names, d.Path())
			collect(d)
		}
	}
	collect(file)
	sort.Strings(names)
	for _, n := range names {
		b.WriteString("\x00")
		b.WriteString(n)
		b.WriteString("\x00")
		b.WriteString(render(byName[n]))
	}
	out := &Schema{file: file, canonical: c, identity: b.String(), messages: sortedMessages(file), refFiles: map[string]bool{}}
	for _, n := range names {
		if _, ok := imports[n]; ok {
			out.refFiles[n] = true
			out.refMessages = append(out.refMessages, sortedMessages(byName[n])...)
		}
	}
	sort.Slice(out.refMessages, func(i, j int) bool { return out.refMessages[i].FullName() < out.refMessages[j].FullName() })
	return out, nil
}

// refMessage finds a message of a referenced file by its full name.
func (s *Schema) refMessage(full protoreflect.FullName) protoreflect.MessageDescriptor {
	i := sort.Search(len(s.refMessages), func(i int) bool { return s.refMessages[i].FullName() >= full })
	if i < len(s.refMessages) && s.refMessages[i].FullName() == full {
		return s.refMessages[i]
	}
	return nil
}

// sortedMessages lists every message of file, nested ones included, by full name.
func sortedMessages(file protoreflect.FileDescriptor) []protoreflect.MessageDescriptor {
	var all []protoreflect.MessageDescriptor
	pending := []protoreflect.MessageDescriptors{file.Messages()}
	for len(pending) > 0 {
		list := pending[len(pending)-1]
		pending = pending[:len(pending)-1]
		for i := 0; i < list.Len(); i++ {
			m := list.Get(i)
			all = append(all, m)
			pending = append(pending, m.Messages())
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].FullName() < all[j].FullName() })
	return all
}

// MessageAt returns the message with Glue wire-format message index i (its position in
// Messages), or false when the file has fewer messages.
func (s *Schema) MessageAt(i uint64) (protoreflect.MessageDescriptor, bool) {
	if i >= uint64(len(s.messages)) {
		return nil, false
	}
	return s.messages[i], true
}

// ConfluentIndexes returns the Confluent wire-format message-index path of md: its position
// among the messages declared beside it, outermost first ([0] is the file's first message,
// [1, 0] the first message nested in the second).
func ConfluentIndexes(md protoreflect.MessageDescriptor) []int {
	var path []int
	for d := protoreflect.Descriptor(md); d != nil; d = d.Parent() {
		m, ok := d.(protoreflect.MessageDescriptor)
		if !ok {
			break
		}
		path = append(path, m.Index())
	}
	slices.Reverse(path)
	return path
}

// MessageByConfluentIndexes returns the message a Confluent message-index path names; an
// empty path means [0].
func (s *Schema) MessageByConfluentIndexes(indexes []int) (protoreflect.MessageDescriptor, error) {
	if len(indexes) == 0 {
		indexes = []int{0}
	}
	msgs := s.file.Messages()
	var md protoreflect.MessageDescriptor
	for _, i := range indexes {
		if i < 0 || i >= msgs.Len() {
			// A copy: the caller's slice may live on its stack, and must not escape through the error.
			return nil, fmt.Errorf("message index %v names no message of the schema", slices.Clone(indexes))
		}
		md = msgs.Get(i)
		msgs = md.Messages()
	}
	return md, nil
}
