package serde

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/hamba/avro/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/cartaschema/carta/schema/jsonschema"
	"github.com/cartaschema/carta/schema/protobuf"
	"github.com/cartaschema/carta/serde/wire"
)

// TransportMetadataKey is the version metadata key a registering
// Serializer sets to the topic or stream name, as AWS's SerDe does.
const TransportMetadataKey = "x-amz-meta-transport"

// A Serializer frames values for a stream: it encodes a value with the
// writer schema (Avro through hamba/avro, JSON through encoding/json after
// validation against the JSON Schema, Protobuf through proto.Marshal) and
// prepends the Glue or Confluent header naming that schema version.
//
// The writer version is resolved through the registry once per topic and
// cached; after that, serializing makes no registry call and parses no
// schema. A Serializer is safe for concurrent use.
type Serializer struct {
	reg    Registry
	format Format
	cfg    *config
	codec  wire.Codec
	api    avro.API
	own    *compiled // the configured definition, parsed once
	fixed  *writer
	cache  *lru[string, *writer]
	bufs   sync.Pool // *[]byte scratch for payloads that are compressed
	avroW  sync.Pool // *avro.Writer
}

// writer is a resolved writer schema version with its header bytes.
type writer struct {
	c      *compiled
	header []byte // Glue (18 bytes) or Confluent (5 bytes) header
	// Protobuf: per message full name, the index bytes that follow the
	// header.
	protoIdx sync.Map // protoreflect.FullName -> []byte
}

// NewSerializer returns a Serializer of values in format through reg.
// reg may be nil when WithFixedVersion or WithFixedID is given.
func NewSerializer(reg Registry, format Format, opts ...Option) (*Serializer, error) {
	cfg := newConfig(opts)
	s := &Serializer{reg: reg, format: format, cfg: cfg, api: avro.Config{}.Freeze()}
	s.codec.MaxDecompressedSize = cfg.maxInflate
	switch format {
	case Avro, JSON, Protobuf:
	default:
		return nil, fmt.Errorf("serde: unknown data format %q", format)
	}
	if cfg.wire != WireGlue && cfg.wire != WireConfluent {
		return nil, fmt.Errorf("serde: unknown wire format %d", cfg.wire)
	}
	if cfg.compression != wire.CompressionNone && cfg.compression != wire.CompressionZlib {
		return nil, fmt.Errorf("serde: unknown compression %s", cfg.compression)
	}
	api := s.api
	s.avroW.New = func() any { return avro.NewWriter(nil, 512, avro.WithWriterConfig(api)) }
	s.bufs.New = func() any { b := make([]byte, 0, 1024); return &b }
	if cfg.fixed != nil {
		f := *cfg.fixed
		if f.Format != format {
			return nil, fmt.Errorf("serde: the fixed schema is %s, the Serializer %s", f.Format, format)
		}
		c, err := compile(f, cfg.limits)
		if err != nil {
			return nil, err
		}
		w, err := s.newWriter(c)
		if err != nil {
			return nil, err
		}
		s.fixed = w
		return s, nil
	}
	if reg == nil {
		return nil, errors.New("serde: a Serializer needs a Registry unless it has a fixed version")
	}
	if cfg.ref.Name == "" && cfg.naming == nil {
		return nil, errors.New("serde: name the schema with WithSchema or WithNaming")
	}
	if cfg.definition != "" {
		c, err := compile(Schema{Ref: cfg.ref, Format: format, Definition: cfg.definition}, cfg.limits)
		if err != nil {
			return nil, err
		}
		s.own = c
	}
	s.cache = newLRU(CacheWriter, cfg.cacheSize, cfg.ttl, cfg.fetchTimeout, &cfg.hooks, s.resolve)
	return s, nil
}

// Serialize returns v framed for topic (the Kafka topic or Kinesis stream
// name; it may be empty unless a naming strategy needs it).
func (s *Serializer) Serialize(ctx context.Context, topic string, v any) ([]byte, error) {
	return s.AppendSerialize(ctx, nil, topic, v)
}

// AppendSerialize appends v framed for topic to dst and returns the
// extended slice. With a dst of enough capacity and no compression it
// allocates no more than the format's own encoder does.
func (s *Serializer) AppendSerialize(ctx context.Context, dst []byte, topic string, v any) ([]byte, error) {
	w := s.fixed
	if w == nil {
		var err error
		w, err = s.cache.get(ctx, topic)
		if err != nil {
			return dst, err
		}
	}
	switch s.format {
	case Avro:
		return s.appendAvro(dst, w, v)
	case JSON:
		return s.appendJSON(dst, w, v)
	default:
		return s.appendProto(dst, w, v)
	}
}

// Schema returns the writer schema version used for topic, resolving it
// when needed.
func (s *Serializer) Schema(ctx context.Context, topic string) (Schema, error) {
	if s.fixed != nil {
		return s.fixed.c.schema, nil
	}
	w, err := s.cache.get(ctx, topic)
	if err != nil {
		return Schema{}, err
	}
	return w.c.schema, nil
}

func (s *Serializer) resolve(ctx context.Context, topic string) (*writer, error) {
	ref := s.cfg.ref
	if s.cfg.naming != nil {
		ref = s.cfg.naming(topic)
	}
	if ref.Name == "" {
		return nil, fmt.Errorf("serde: no schema name for topic %q", topic)
	}
	var (
		got Schema
		err error
	)
	if s.own != nil {
		got, err = s.reg.LookupSchema(ctx, ref, s.format, s.cfg.definition)
		if errors.Is(err, ErrNotFound) && s.cfg.autoRegister {
			opts := s.cfg.registerOpts
			opts.Metadata = maps.Clone(opts.Metadata)
			if topic != "" {
				if opts.Metadata == nil {
					opts.Metadata = map[string]string{}
				}
				opts.Metadata[TransportMetadataKey] = topic
			}
			got, err = s.reg.RegisterSchema(ctx, ref, s.format, s.cfg.definition, opts)
		}
	} else {
		got, err = s.reg.SchemaVersion(ctx, ref, s.cfg.version)
	}
	if err != nil {
		return nil, fmt.Errorf("serde: resolve the writer schema %s: %w", ref, err)
	}
	if got.Format == "" {
		got.Format = s.format
	}
	if got.Format != s.format {
		return nil, fmt.Errorf("serde: schema %s is %s, the Serializer writes %s", ref, got.Format, s.format)
	}
	var c *compiled
	if s.own != nil {
		own := *s.own
		own.schema = got
		own.schema.Definition = s.cfg.definition
		c = &own
	} else {
		c, err = compile(got, s.cfg.limits)
		if err != nil {
			return nil, err
		}
	}
	return s.newWriter(c)
}

func (s *Serializer) newWriter(c *compiled) (*writer, error) {
	w := &writer{c: c}
	switch s.cfg.wire {
	case WireGlue:
		if c.schema.VersionID == (wire.VersionID{}) {
			return nil, &SchemaError{Schema: c.schema, Err: errors.New("the registry reported no version ID for the Glue wire format")}
		}
		h, err := wire.AppendGlueHeader(nil, c.schema.VersionID, s.cfg.compression)
		if err != nil {
			return nil, err
		}
		w.header = h
	case WireConfluent:
		if c.schema.ID == 0 {
			return nil, &SchemaError{Schema: c.schema, Err: errors.New("the registry reported no integer schema ID for the Confluent wire format (AWS Glue has none: use the Glue wire format)")}
		}
		w.header = wire.AppendConfluent(nil, c.schema.ID, nil)
	}
	return w, nil
}

// frame appends header and payload, compressing the payload when the
// Serializer writes zlib.
func (s *Serializer) frame(dst []byte, w *writer, payload []byte) ([]byte, error) {
	if s.cfg.wire == WireGlue && s.cfg.compression == wire.CompressionZlib {
		return s.codec.AppendGlue(dst, w.c.schema.VersionID, wire.CompressionZlib, payload)
	}
	dst = slices.Grow(dst, len(w.header)+len(payload))
	dst = append(dst, w.header...)
	return append(dst, payload...), nil
}

func (s *Serializer) appendAvro(dst []byte, w *writer, v any) ([]byte, error) {
	aw := s.avroW.Get().(*avro.Writer)
	aw.Reset(nil)
	aw.WriteVal(w.c.avro, v)
	if err := aw.Error; err != nil {
		aw.Error = nil
		s.avroW.Put(aw)
		return dst, &EncodeError{Schema: w.c.schema, Err: err}
	}
	dst, err := s.frame(dst, w, aw.Buffer())
	s.avroW.Put(aw)
	return dst, err
}

func (s *Serializer) appendJSON(dst []byte, w *writer, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return dst, &EncodeError{Schema: w.c.schema, Err: err}
	}
	if err := w.c.json.Validate(b, jsonschema.ValidateOptions{}); err != nil {
		return dst, &EncodeError{Schema: w.c.schema, Err: err}
	}
	return s.frame(dst, w, b)
}

func (s *Serializer) appendProto(dst []byte, w *writer, v any) ([]byte, error) {
	m, ok := v.(proto.Message)
	if !ok {
		return dst, &EncodeError{Schema: w.c.schema, Err: fmt.Errorf("a Protobuf Serializer needs a proto.Message, not %T", v)}
	}
	md, err := descriptorOf(m)
	if err != nil {
		return dst, &EncodeError{Schema: w.c.schema, Err: err}
	}
	idx, err := s.protoIndex(w, md)
	if err != nil {
		return dst, err
	}
	if s.cfg.wire == WireGlue && s.cfg.compression == wire.CompressionZlib {
		bp := s.bufs.Get().(*[]byte)
		buf := append((*bp)[:0], idx...)
		buf, err = proto.MarshalOptions{}.MarshalAppend(buf, m)
		if err == nil {
			dst, err = s.frame(dst, w, buf)
		} else {
			err = &EncodeError{Schema: w.c.schema, Err: err}
		}
		*bp = buf[:0]
		s.bufs.Put(bp)
		return dst, err
	}
	n := proto.MarshalOptions{}.Size(m)
	dst = slices.Grow(dst, len(w.header)+len(idx)+n)
	dst = append(dst, w.header...)
	dst = append(dst, idx...)
	out, err := proto.MarshalOptions{UseCachedSize: true}.MarshalAppend(dst, m)
	if err != nil {
		return dst, &EncodeError{Schema: w.c.schema, Err: err}
	}
	return out, nil
}

// protoIndex returns the index bytes that name md in w's schema: the
// Glue message index as an unsigned varint, or the Confluent index array.
func (s *Serializer) protoIndex(w *writer, md protoreflect.MessageDescriptor) ([]byte, error) {
	name := md.FullName()
	if b, ok := w.protoIdx.Load(name); ok {
		return b.([]byte), nil
	}
	own, err := w.c.proto.Message(string(name))
	if err != nil {
		return nil, &EncodeError{Schema: w.c.schema, Err: fmt.Errorf("message %s is not declared by the schema", name)}
	}
	var b []byte
	if s.cfg.wire == WireGlue {
		i, _ := w.c.proto.MessageIndex(own.FullName())
		b = binary.AppendUvarint(nil, uint64(i))
	} else {
		b, err = wire.AppendConfluentProtobuf(nil, 0, protobuf.ConfluentIndexes(own), nil)
		if err != nil {
			return nil, err
		}
		b = b[5:] // the index array only; the header is w.header
	}
	w.protoIdx.Store(name, b)
	return b, nil
}

// EncodeError reports a value the Serializer could not encode with its
// schema (a JSON value that fails validation among them).
type EncodeError struct {
	Schema Schema
	Err    error
}

func (e *EncodeError) Error() string {
	return "serde: encode with " + e.Schema.Ref.String() + ": " + e.Err.Error()
}

func (e *EncodeError) Unwrap() error { return e.Err }
