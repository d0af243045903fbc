package serde

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/hamba/avro/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/jsonschema"
	"github.com/cartaschema/carta/schema/protobuf"
)

// compiled is a schema version parsed once for encoding and decoding.
type compiled struct {
	schema Schema
	kind   kind // schema.Format, cheap to switch on
	avro   avro.Schema
	json   *jsonschema.Schema
	proto  *protobuf.Schema
	// protoMsgs are the messages sorted by full name (the Glue index).
	protoMsgs []protoreflect.MessageDescriptor
	// resolved is the Avro schema that decodes this writer's records into
	// the Deserializer's reader schema (nil without a reader schema).
	resolved avro.Schema
}

// kind is a Format as a small integer, for the hot path.
type kind uint8

const (
	kindAvro kind = iota + 1
	kindJSON
	kindProtobuf
)

// SchemaError reports a definition the SerDe cannot use.
type SchemaError struct {
	Schema Schema
	Err    error
}

func (e *SchemaError) Error() string {
	who := e.Schema.Ref.String()
	switch {
	case e.Schema.VersionID != [16]byte{}:
		who += " version " + e.Schema.VersionID.String()
	case e.Schema.ID != 0:
		who += " id " + strconv.FormatUint(uint64(e.Schema.ID), 10)
	}
	return "serde: schema " + who + ": " + e.Err.Error()
}

func (e *SchemaError) Unwrap() error { return e.Err }

// compile parses s.Definition. Limits are checked before any parser runs.
func compile(s Schema, limits schema.Limits) (*compiled, error) {
	limits = limits.WithDefaults()
	fail := func(err error) (*compiled, error) { return nil, &SchemaError{Schema: s, Err: err} }
	if len(s.Definition) > limits.MaxBytes {
		return fail(fmt.Errorf("definition is %d bytes, over the limit of %d", len(s.Definition), limits.MaxBytes))
	}
	c := &compiled{schema: s}
	switch s.Format {
	case Avro:
		c.kind = kindAvro
		if off := schema.JSONDepthOffset(s.Definition, limits.MaxDepth); off >= 0 {
			return fail(fmt.Errorf("definition nests deeper than %d at byte %d", limits.MaxDepth, off))
		}
		// A fresh cache: hamba's default cache shares named types across
		// every schema of the process.
		a, err := avro.ParseWithCache(s.Definition, "", &avro.SchemaCache{})
		if err != nil {
			return fail(err)
		}
		c.avro = a
	case JSON:
		c.kind = kindJSON
		j, err := jsonschema.Parse(s.Definition, limits)
		if err != nil {
			return fail(err)
		}
		c.json = j
	case Protobuf:
		c.kind = kindProtobuf
		p, err := protobuf.Parse(s.Definition, limits)
		if err != nil {
			return fail(err)
		}
		c.proto = p
		c.protoMsgs = p.Messages()
	default:
		return fail(fmt.Errorf("unknown data format %q", s.Format))
	}
	return c, nil
}

// confluentIndexes returns the Confluent message-index path of md: its
// position among its siblings, outermost first.
func confluentIndexes(md protoreflect.MessageDescriptor) []int {
	var path []int
	for d := protoreflect.Descriptor(md); d != nil; d = d.Parent() {
		m, ok := d.(protoreflect.MessageDescriptor)
		if !ok {
			break
		}
		path = append(path, m.Index())
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path
}

// messageByIndexes finds the message a Confluent index path names.
func messageByIndexes(fd protoreflect.FileDescriptor, indexes []int) (protoreflect.MessageDescriptor, error) {
	if len(indexes) == 0 {
		indexes = []int{0}
	}
	msgs := fd.Messages()
	var md protoreflect.MessageDescriptor
	for _, i := range indexes {
		if i < 0 || i >= msgs.Len() {
			return nil, fmt.Errorf("message index %v names no message of the schema", slices.Clone(indexes))
		}
		md = msgs.Get(i)
		msgs = md.Messages()
	}
	return md, nil
}

// descriptorOf returns m's descriptor; a zero *dynamicpb.Message has none.
func descriptorOf(m proto.Message) (protoreflect.MessageDescriptor, error) {
	if md := m.ProtoReflect().Descriptor(); md != nil {
		return md, nil
	}
	return nil, fmt.Errorf("%T has no message descriptor (a zero dynamicpb.Message?)", m)
}
