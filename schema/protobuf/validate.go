package protobuf

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Bounds on one validated payload.
const (
	// MaxPayloadBytes is the largest payload ValidateJSON and ValidateBinary accept: 16 MiB.
	MaxPayloadBytes = 16 << 20
	// MaxPayloadDepth is the deepest nesting of messages a payload may have.
	MaxPayloadDepth = 1000
)

// ErrUnknownMessage is wrapped by the error ValidateJSON and ValidateBinary return when the
// schema declares no message of the name asked for.
var ErrUnknownMessage = errors.New("the schema declares no such message")

// ValidationError reports why a payload is not a valid message of a schema.
type ValidationError struct {
	// Encoding is "binary" or "JSON".
	Encoding string
	// Message is the full name of the message type the payload was validated against.
	Message protoreflect.FullName
	// Path is a JSON pointer to the offending field of a binary payload, by field name,
	// with the position among the repeated values of a field where it repeats, e.g.
	// "/lines/1/qty"; "" when the problem is not tied to a field, or the payload is JSON.
	Path string
	// Offset is the byte offset of the offending field in a binary payload, or -1 when it
	// is not known (JSON payloads report their line and column in Msg).
	Offset int
	// Msg explains the problem.
	Msg string
}

// Error implements error.
func (e *ValidationError) Error() string {
	if e.Offset >= 0 {
		at := e.Path
		if at == "" {
			at = "/"
		}
		return fmt.Sprintf("the %s payload is not a valid %s message: at %s (byte %d): %s", e.Encoding, e.Message, at, e.Offset, e.Msg)
	}
	return fmt.Sprintf("the %s payload is not a valid %s message: %s", e.Encoding, e.Message, e.Msg)
}

// Message returns the message type named name: a full name ("acme.v1.Order", a leading dot
// allowed), or a name relative to the file's package ("Order", "Order.Line"). The empty name
// is the first message of Messages(), message index 0 in the Glue wire format. A name the
// schema does not declare is an error wrapping ErrUnknownMessage.
func (s *Schema) Message(name string) (protoreflect.MessageDescriptor, error) {
	if name == "" {
		return s.messages[0], nil
	}
	full := protoreflect.FullName(strings.TrimPrefix(name, "."))
	if i, ok := s.MessageIndex(full); ok {
		return s.messages[i], nil
	}
	if pkg := s.file.Package(); pkg != "" {
		if i, ok := s.MessageIndex(pkg + "." + full); ok {
			return s.messages[i], nil
		}
	}
	names := make([]string, 0, len(s.messages))
	for _, m := range s.messages {
		names = append(names, string(m.FullName()))
	}
	if len(names) > 10 {
		names = append(names[:10], "...")
	}
	return nil, fmt.Errorf("%w: %q (it declares %s)", ErrUnknownMessage, name, strings.Join(names, ", "))
}

// ValidateJSON checks that doc is one message of type messageName (see Message for the
// names accepted; "" is message index 0) in the Protobuf JSON mapping, as protojson reads
// it. It returns nil when it is, a *ValidationError when it is not, and an error wrapping
// ErrUnknownMessage when the schema has no such message.
//
// Fields may be named by their JSON name or their proto name; enum values by name or
// number; well-known types take their JSON forms (a Timestamp is an RFC 3339 string, a
// Duration "1.5s", wrappers their plain value, Struct any object). A member that names no
// field is an error, as are two members of one oneof, a missing proto2 required field, a
// value of the wrong type or out of range, and a google.protobuf.Any whose "@type" names a
// message outside the schema's file and its imports. The payload is at most
// MaxPayloadBytes long and nests messages at most MaxPayloadDepth deep.
func (s *Schema) ValidateJSON(messageName string, doc []byte) error {
	md, err := s.Message(messageName)
	if err != nil {
		return err
	}
	fail := func(msg string) error {
		return &ValidationError{Encoding: "JSON", Message: md.FullName(), Offset: -1, Msg: msg}
	}
	if len(doc) > MaxPayloadBytes {
		return fail(fmt.Sprintf("the payload is %d bytes; the limit is %d", len(doc), MaxPayloadBytes))
	}
	types, err := s.types()
	if err != nil {
		return err
	}
	opts := protojson.UnmarshalOptions{Resolver: types, RecursionLimit: MaxPayloadDepth}
	if err := opts.Unmarshal(doc, dynamicpb.NewMessage(md)); err != nil {
		return fail(decoderMessage(err))
	}
	return nil
}

// ValidateBinary checks that b is one message of type messageName (see Message for the
// names accepted; "" is message index 0) in the Protobuf binary wire format: the message
// bytes only, after the Glue or Confluent header and message index. It returns nil when it
// is, a *ValidationError when it is not, and an error wrapping ErrUnknownMessage when the
// schema has no such message.
//
// The wire format is checked for well-formedness (valid tags and wire types, lengths that
// fit, varints that end, groups that close, packed values of the right size), every
// declared field against its type (a wire type its type cannot have is an error, although
// decoders would silently drop such a field as unknown; UTF-8 in proto3 strings), and
// every proto2 required field for presence, in nested messages too. Fields the schema does
// not declare are legal in the binary format (that is how old readers skip new fields), so
// they are not an error, and neither are extensions, which are not checked. The payload is
// at most MaxPayloadBytes long and nests messages at most MaxPayloadDepth deep. Problems
// in the wire format come with the path and byte offset of the field.
func (s *Schema) ValidateBinary(messageName string, b []byte) error {
	md, err := s.Message(messageName)
	if err != nil {
		return err
	}
	if len(b) > MaxPayloadBytes {
		return &ValidationError{Encoding: "binary", Message: md.FullName(), Offset: -1,
			Msg: fmt.Sprintf("the payload is %d bytes; the limit is %d", len(b), MaxPayloadBytes)}
	}
	// The wire walk finds structural problems with their field and offset; the decoder then
	// checks what needs values (UTF-8, required fields).
	w := wireWalker{root: md.FullName()}
	if err := w.message(md, b, 0, 0); err != nil {
		return err
	}
	types, err := s.types()
	if err != nil {
		return err
	}
	opts := proto.UnmarshalOptions{Resolver: types, RecursionLimit: MaxPayloadDepth}
	if err := opts.Unmarshal(b, dynamicpb.NewMessage(md)); err != nil {
		return &ValidationError{Encoding: "binary", Message: md.FullName(), Offset: -1, Msg: decoderMessage(err)}
	}
	return nil
}

// decoderMessage strips the "proto:" prefix the protobuf decoders put on their errors, and
// the non-breaking spaces they use to make error text unstable on purpose, so messages read
// as one sentence. Tests must not compare them verbatim all the same.
func decoderMessage(err error) string {
	msg := strings.ReplaceAll(err.Error(), "\u00a0", " ")
	msg = strings.TrimSpace(strings.TrimPrefix(msg, "proto:"))
	return msg
}

// typeResolver holds the types of one Schema's file and its imports, built on first use.
type typeResolver struct {
	once  sync.Once
	types *dynamicpb.Types
	err   error
}

// types returns the resolver for google.protobuf.Any type URLs and extensions: the schema's
// file and everything it imports, and nothing else, so validation does not depend on which
// generated types happen to be linked into the program.
func (s *Schema) types() (*dynamicpb.Types, error) {
	r := &s.resolver
	r.once.Do(func() {
		files := new(protoregistry.Files)
		if err := registerFile(files, s.file); err != nil {
			r.err = fmt.Errorf("protobuf: building the type resolver: %w", err)
			return
		}
		r.types = dynamicpb.NewTypes(files)
	})
	return r.types, r.err
}

// registerFile registers f after everything it imports, each file once.
func registerFile(files *protoregistry.Files, f protoreflect.FileDescriptor) error {
	if _, err := files.FindFileByPath(f.Path()); err == nil {
		return nil
	}
	imports := f.Imports()
	for i := 0; i < imports.Len(); i++ {
		if err := registerFile(files, imports.Get(i).FileDescriptor); err != nil {
			return err
		}
	}
	return files.RegisterFile(f)
}
