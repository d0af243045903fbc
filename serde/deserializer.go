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
	d.byVersion = newLRU[wire.VersionID, *compiled](CacheVersionID, cfg.cacheSize, 0, cfg.fetchTimeout, &cfg.hooks)
	d.byID = newLRU[uint32, *compiled](CacheSchemaID, cfg.cacheSize, 0, cfg.fetchTimeout, &cfg.hooks)
	return d, nil
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
	indexes   []int // Confluent Protobuf message indexes
	confluent bool
	buf       *[]byte
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
	f, err := wire.Detect(data)
	if err != nil {
		return record{}, err
	}
	if f == wire.FormatGlue {
		h, payload, err := wire.ParseGlue(data)
		if err != nil {
			return record{}, err
		}
		c, err := d.byVersion.get(ctx, h.Version, func(ctx context.Context) (*compiled, error) {
			s, err := d.reg.SchemaByVersionID(ctx, h.Version)
			if err != nil {
				return nil, fmt.Errorf("serde: resolve schema version %s: %w", h.Version, err)
			}
			if s.VersionID == (wire.VersionID{}) {
				s.VersionID = h.Version
			}
			return d.compile(s)
		})
		if err != nil {
			return record{}, err
		}
		r := record{c: c, payload: payload}
		if h.Compression == wire.CompressionZlib {
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
	id, payload, err := wire.ParseConfluent(data)
	if err != nil {
		return record{}, err
	}
	c, err := d.byID.get(ctx, id, func(ctx context.Context) (*compiled, error) {
		s, err := d.reg.SchemaByID(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("serde: resolve schema id %d: %w", id, err)
		}
		if s.ID == 0 {
			s.ID = id
		}
		return d.compile(s)
	})
	if err != nil {
		return record{}, err
	}
	r := record{c: c, payload: payload, confluent: true}
	if c.schema.Format == Protobuf {
		_, r.indexes, r.payload, err = wire.ParseConfluentProtobuf(data)
		if err != nil {
			return record{}, err
		}
	}
	return r, nil
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
	defer d.release(&r)
	c := r.c
	switch c.schema.Format {
	case Avro:
		err = d.api.Unmarshal(c.decodeSchema(), r.payload, v)
	case JSON:
		if err = d.validateJSON(c, r.payload); err == nil {
			err = json.Unmarshal(r.payload, v)
		}
	case Protobuf:
		m, ok := v.(proto.Message)
		if !ok {
			err = fmt.Errorf("a Protobuf record decodes into a proto.Message, not %T", v)
			break
		}
		var md protoreflect.MessageDescriptor
		var payload []byte
		md, payload, err = c.protoMessage(r)
		if err != nil {
			break
		}
		var target protoreflect.MessageDescriptor
		if target, err = descriptorOf(m); err != nil {
			break
		}
		if target.FullName() != md.FullName() {
			err = fmt.Errorf("the record is a %s, not a %s", md.FullName(), target.FullName())
			break
		}
		err = proto.Unmarshal(payload, m)
	}
	if err != nil {
		return c.schema, &DecodeError{Schema: c.schema, Err: err}
	}
	return c.schema, nil
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
	switch c.schema.Format {
	case Avro:
		err = d.api.Unmarshal(c.decodeSchema(), r.payload, &out)
	case JSON:
		if err = d.validateJSON(c, r.payload); err == nil {
			dec := json.NewDecoder(bytes.NewReader(r.payload))
			dec.UseNumber()
			err = dec.Decode(&out)
		}
	case Protobuf:
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
		md, err := messageByIndexes(c.proto.FileDescriptor(), r.indexes)
		return md, r.payload, err
	}
	// Glue: one unsigned varint, the index among the messages sorted by
	// full name.
	i, n := binary.Uvarint(r.payload)
	if n <= 0 {
		return nil, nil, errors.New("the Protobuf message index is not a valid varint")
	}
	msgs := c.protoMsgs
	if i >= uint64(len(msgs)) {
		return nil, nil, fmt.Errorf("message index %d names no message of the schema (it has %d)", i, len(msgs))
	}
	return msgs[i], r.payload[n:], nil
}
