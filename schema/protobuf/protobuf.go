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
// Compatibility checking is not implemented yet: Handler.CanRead returns
// schema.ErrCheckUnsupported.
package protobuf

import (
	"sort"

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

// CanRead is not implemented yet for Protocol Buffers: it always returns
// schema.ErrCheckUnsupported.
func (Handler) CanRead(reader, writer schema.Schema) ([]schema.Incompatibility, error) {
	return nil, schema.ErrCheckUnsupported
}

// Schema is a parsed and linked .proto file. It is immutable and safe for concurrent use.
type Schema struct {
	file      protoreflect.FileDescriptor
	canonical string
	messages  []protoreflect.MessageDescriptor
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
	file, err := compile(definition)
	if err != nil {
		return nil, err
	}
	return &Schema{file: file, canonical: render(file), messages: sortedMessages(file)}, nil
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
