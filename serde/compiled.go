package serde

import (
	"fmt"
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
	default:
		return fail(fmt.Errorf("unknown data format %q", s.Format))
	}
	return c, nil
}

// descriptorOf returns m's descriptor; a zero *dynamicpb.Message has none.
func descriptorOf(m proto.Message) (protoreflect.MessageDescriptor, error) {
	if md := m.ProtoReflect().Descriptor(); md != nil {
		return md, nil
	}
	return nil, fmt.Errorf("%T has no message descriptor (a zero dynamicpb.Message?)", m)
}
