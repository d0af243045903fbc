package serde

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/hamba/avro/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/cartaschema/carta/schema/jsonschema"
	"github.com/cartaschema/carta/serde/wire"
)

// A Deserializer decodes records framed by any Serializer (or by AWS's and
// Confluent's SerDe libraries): it detects the Glue or Confluent header,
// resolves the writer schema version it names through the registry once,
// caches the parsed schema, and decodes with it. After warm-up,
// deserializing makes no registry call and parses no schema, and keeps
// working when the registry is unreachable. A Deserializer is safe for
// concurrent use.
type Deserializer struct {
	reg       Registry
	cfg       *config
	codec     wire.Codec
	api       avro.API
	reader    avro.Schema // Avro reader schema (WithReaderSchema)
	byVersion *lru[wire.VersionID, *compiled]
	byID      *lru[uint32, *compiled]
	bufs      sync.Pool // *[]byte for inflated payloads
}

// NewDeserializer returns a Deserializer that resolves writer schemas
// through reg.
func NewDeserializer(reg Registry, opts ...Option) (*Deserializer, error) {
	if reg == nil {
		return nil, errors.New("serde: a Deserializer needs a Registry")
	}
	cfg := newConfig(opts)
	d := &Deserializer{reg: reg, cfg: cfg, api: avro.Config{}.Freeze()}
	d.codec.MaxDecompressedSize = cfg.maxInflate
	d.bufs.New = func() any { b := make([]byte, 0, 4096); return &b }
	if cfg.readerSchema != "" {
		c, err := compile(Schema{Format: Avro, Definition: cfg.readerSchema}, cfg.limits)
		if err != nil {
			return nil, fmt.Errorf("serde: the reader schema: %w", err)
		}
		d.reader = c.avro
	}
	d.byVersion = newLRU(CacheVersionID, cfg.cacheSize, 0, cfg.fetchTimeout, &cfg.hooks, d.fetchVersion)
	d.byID = newLRU(CacheSchemaID, cfg.cacheSize, 0, cfg.fetchTimeout, &cfg.hooks, d.fetchID)
	return d, nil
}

func (d *Deserializer) fetchVersion(ctx context.Context, id wire.VersionID) (*compiled, error) {
	s, err := d.reg.SchemaByVersionID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("serde: resolve schema version %s: %w", id, err)
	}
	if s.VersionID == (wire.VersionID{}) {
		s.VersionID = id
	}
	return d.compile(s)
}

func (d *Deserializer) fetchID(ctx context.Context, id uint32) (*compiled, error) {
	s, err := d.reg.SchemaByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("serde: resolve schema id %d: %w", id, err)
	}
	if s.ID == 0 {
		s.ID = id
	}
	return d.compile(s)
}

// DecodeError reports a record that could not be decoded with the schema
// version its header names.
type DecodeError struct {
	Schema Schema
	Err    error
}

func (e *DecodeError) Error() string {
	return "serde: decode with " + e.Schema.Ref.String() + ": " + e.Err.Error()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// record is an opened record: its writer schema and plain payload.
type record struct {
	c         *compiled
	payload   []byte
	data      []byte // the whole record, for the Confluent Protobuf index array
	confluent bool
	buf       *[]byte // pooled buffer holding an inflated payload
}

// Schema returns the writer schema version the record names, resolving
// it through the cache, without decoding the payload.
func (d *Deserializer) Schema(ctx context.Context, data []byte) (Schema, error) {
	r, err := d.open(ctx, data)
	if err != nil {
		return Schema{}, err
	}
	d.release(&r)
	return r.c.schema, nil
}

func (d *Deserializer) open(ctx context.Context, data []byte) (record, error) {
	if len(data) >= wire.GlueHeaderLen && data[0] == wire.GlueHeaderVersion {
		// wire.ParseGlue, inlined: this is the hot path.
		comp := wire.Compression(data[1])
		if comp != wire.CompressionNone && comp != wire.CompressionZlib {
			_, _, err := wire.ParseGlue(data)
			return record{}, err
		}
		c, err := d.byVersion.get(ctx, wire.VersionID(data[2:wire.GlueHeaderLen]))
		if err != nil {
			return record{}, err
		}
		payload := data[wire.GlueHeaderLen:]
		r := record{c: c, payload: payload}
		if comp == wire.CompressionZlib {
			r.buf = d.bufs.Get().(*[]byte)
			out, err := d.codec.Decompress((*r.buf)[:0], payload)
			if err != nil {
				d.release(&r)
				return record{}, err
			}
			*r.buf = out
			r.payload = out
		}
		return r, nil
	}
	if len(data) == 0 || data[0] != wire.ConfluentMagic {
		_, err := wire.Detect(data)
		if err == nil { // a Glue record too short for its header
			_, _, err = wire.ParseGlue(data)
		}
		return record{}, err
	}
	id, payload, err := wire.ParseConfluent(data)
	if err != nil {
		return record{}, err
	}
	c, err := d.byID.get(ctx, id)
	if err != nil {
		return record{}, err
	}
	return record{c: c, payload: payload, data: data, confluent: true}, nil
}

func (d *Deserializer) release(r *record) {
	if r.buf != nil {
		*r.buf = (*r.buf)[:0]
		d.bufs.Put(r.buf)
		r.buf = nil
	}
}

func (d *Deserializer) compile(s Schema) (*compiled, error) {
	c, err := compile(s, d.cfg.limits)
	if err != nil {
		return nil, err
	}
	if d.reader != nil && c.avro != nil {
		// A fresh SchemaCompatibility per pair: hamba's caches its verdicts
		// by a fingerprint that ignores defaults.
		res, err := avro.NewSchemaCompatibility().Resolve(d.reader, c.avro)
		if err != nil {
			return nil, &SchemaError{Schema: s, Err: fmt.Errorf("the reader schema cannot read this version: %w", err)}
		}
		c.resolved = res
	}
	return c, nil
}

// Deserialize decodes data into v, which must be a pointer: a struct
// with avro tags or a generic map for Avro, anything encoding/json
// decodes into for JSON, and a proto.Message of the record's message type
// for Protobuf. It returns the writer schema version.
func (d *Deserializer) Deserialize(ctx context.Context, data []byte, v any) (Schema, error) {
	r, err := d.open(ctx, data)
	if err != nil {
		return Schema{}, err
	}
	c := r.c
	switch c.kind {
	case kindAvro:
		err = d.api.Unmarshal(c.decodeSchema(), r.payload, v)
	case kindJSON:
		if err = d.validateJSON(c, r.payload); err == nil {
			err = json.Unmarshal(r.payload, v)
		}
	case kindProtobuf:
		err = c.unmarshalProto(r, v)
	}
	if r.buf != nil {
		d.release(&r)
	}
	if err != nil {
		return c.schema, &DecodeError{Schema: c.schema, Err: err}
	}
	return c.schema, nil
}

func (c *compiled) unmarshalProto(r record, v any) error {
	m, ok := v.(proto.Message)
	if !ok {
		return fmt.Errorf("a Protobuf record decodes into a proto.Message, not %T", v)
	}
	md, payload, err := c.protoMessage(r)
	if err != nil {
		return err
	}
	target, err := descriptorOf(m)
	if err != nil {
		return err
	}
	if target.FullName() != md.FullName() {
		return fmt.Errorf("the record is a %s, not a %s", md.FullName(), target.FullName())
	}
	return proto.Unmarshal(payload, m)
}

// DeserializeAny decodes data into a generic value: map[string]any and
// friends for Avro (hamba/avro's generic mapping), the JSON value for
// JSON (numbers as json.Number, so none loses precision), and a
// *dynamicpb.Message for Protobuf.
func (d *Deserializer) DeserializeAny(ctx context.Context, data []byte) (any, Schema, error) {
	r, err := d.open(ctx, data)
	if err != nil {
		return nil, Schema{}, err
	}
	defer d.release(&r)
	c := r.c
	var out any
	switch c.kind {
	case kindAvro:
		err = d.api.Unmarshal(c.decodeSchema(), r.payload, &out)
	case kindJSON:
		if err = d.validateJSON(c, r.payload); err == nil {
			dec := json.NewDecoder(bytes.NewReader(r.payload))
			dec.UseNumber()
			err = dec.Decode(&out)
		}
	case kindProtobuf:
		var md protoreflect.MessageDescriptor
		var payload []byte
		md, payload, err = c.protoMessage(r)
		if err == nil {
			m := dynamicpb.NewMessage(md)
			err = proto.Unmarshal(payload, m)
			out = m
		}
	}
	if err != nil {
		return nil, c.schema, &DecodeError{Schema: c.schema, Err: err}
	}
	return out, c.schema, nil
}

func (d *Deserializer) validateJSON(c *compiled, payload []byte) error {
	if !d.cfg.validate {
		return nil
	}
	return c.json.Validate(payload, jsonschema.ValidateOptions{})
}

func (c *compiled) decodeSchema() avro.Schema {
	if c.resolved != nil {
		return c.resolved
	}
	return c.avro
}

// protoMessage finds the record's message type and the message bytes.
func (c *compiled) protoMessage(r record) (protoreflect.MessageDescriptor, []byte, error) {
	if r.confluent {
		var buf [8]int
		_, indexes, payload, err := wire.ParseConfluentProtobufAppend(buf[:0], r.data)
		if err != nil {
			return nil, nil, err
		}
		md, err := c.proto.MessageByConfluentIndexes(indexes)
		return md, payload, err
	}
	// Glue: one unsigned varint, the index among the messages sorted by
	// full name.
	i, n := binary.Uvarint(r.payload)
	if n <= 0 {
		return nil, nil, errors.New("the Protobuf message index is not a valid varint")
	}
	md, ok := c.proto.MessageAt(i)
	if !ok {
		return nil, nil, fmt.Errorf("message index %d names no message of the schema (it has %d)", i, len(c.proto.Messages()))
	}
	return md, r.payload[n:], nil
}
