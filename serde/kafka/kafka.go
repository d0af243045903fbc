// Package kafka frames Kafka records for franz-go (github.com/twmb/franz-go)
// with Carta's serde package: Encode and AppendRecord fill a *kgo.Record
// from a value through a serde.Serializer, Decode and DecodeAny read one
// back through a serde.Deserializer.
//
// # Where the schema ID goes
//
// By default the record value is exactly what the Serializer writes: the
// Glue or Confluent header followed by the payload (see serde/wire). The
// Deserializer detects which.
//
// With SchemaIDInHeader the same bytes are cut in two: the header part is
// moved to a Kafka record header and the record value keeps only the rest.
// The record header is named ValueSchemaIDHeader ("__value_schema_id"),
// or KeySchemaIDHeader ("__key_schema_id") for a key, the names Confluent's
// clients use for the schema ID in headers. Byte for byte:
//
//   - Glue framing: the header value is the 18-byte Glue header (0x03, the
//     compression byte, the 16-byte schema version UUID). The record value
//     is the rest of the Glue record: the payload, zlib-compressed when the
//     compression byte says so; for Protobuf it still starts with Glue's
//     message-index varint, which Glue counts as part of the payload.
//   - Confluent framing: the header value is 0x00 and the 4-byte big-endian
//     schema ID, followed for Protobuf by the message-index array. The
//     record value is the bare Avro, JSON or Protobuf encoding.
//
// The Confluent case is the layout Confluent's own header deserializer
// reads as a "V0" schema ID (magic 0x00). Confluent's serializers
// themselves write "V1" headers instead, 0x01 and a 16-byte schema GUID;
// Carta's Registry has no GUID lookup, so Decode refuses those with an
// error wrapping serde.ErrUnsupported. A Glue header in a record header is
// Carta's own convention: Confluent's and AWS's libraries do not read it.
//
// Decode accepts both placements, record by record: when the record has
// the schema-ID header, the header value and the record value are joined
// again and deserialized as one framed record; otherwise the record value
// must be framed itself. A topic may therefore mix the two.
package kafka

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/protobuf/proto"

	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/wire"
)

// The record header names that carry a schema ID under SchemaIDInHeader,
// as Confluent's clients name them.
const (
	ValueSchemaIDHeader = "__value_schema_id"
	KeySchemaIDHeader   = "__key_schema_id"
)

// ErrNull is returned by Decode and DecodeKey (and their Any forms) for a
// record whose value (or key) is null, such as a tombstone, and that has
// no schema-ID header.
var ErrNull = errors.New("kafka: the record value or key is null")

// An Option configures Encode and AppendRecord. The zero Option does
// nothing.
type Option struct {
	inHeader bool
	keySer   *serde.Serializer
	key      any
}

// SchemaIDInHeader moves the schema ID (the framing header) of the value,
// and of the key when WithKey is given, from the front of the bytes to a
// record header; see the package documentation for the exact bytes.
func SchemaIDInHeader() Option { return Option{inHeader: true} }

// WithKey makes the record key key framed by ser, instead of raw bytes.
// ser is called with the record's topic, so a key Serializer following
// Confluent's TopicNameStrategy uses serde.WithNaming(serde.TopicName("",
// "-key")). With SchemaIDInHeader its header is KeySchemaIDHeader.
func WithKey(ser *serde.Serializer, key any) Option { return Option{keySer: ser, key: key} }

type options struct {
	inHeader bool
	keySer   *serde.Serializer
	key      any
}

func collect(opts []Option) options {
	var o options
	for _, x := range opts {
		if x.inHeader {
			o.inHeader = true
		}
		if x.keySer != nil {
			o.keySer, o.key = x.keySer, x.key
		}
	}
	return o
}

// Encode returns a new record for topic with key as its key (nil for
// none) and v framed by ser as its value. With WithKey, the key is framed
// too and the key argument is ignored.
func Encode(ctx context.Context, ser *serde.Serializer, topic string, key []byte, v any, opts ...Option) (*kgo.Record, error) {
	r := &kgo.Record{Topic: topic}
	o := collect(opts)
	if o.keySer == nil {
		r.Key = key
	}
	if err := o.fill(ctx, r, ser, v); err != nil {
		return nil, err
	}
	return r, nil
}

// AppendRecord sets r.Value to v framed by ser for r.Topic, and r.Key to
// the key given by WithKey if any, in the memory those fields already
// have: the bytes are appended to r.Value[:0] (and r.Key[:0]), and under
// SchemaIDInHeader to the existing schema-ID header value. A record reused
// this way, once kgo no longer holds it (after its produce promise ran),
// is framed again without allocating beyond what the Serializer's codec
// does. Without SchemaIDInHeader, a schema-ID header r already has is
// removed, since Decode would read it in preference to the value.
//
// r's other fields, the key when WithKey is not given, and other headers
// are left as they are. On error, r.Value and r.Key are unspecified.
func AppendRecord(ctx context.Context, r *kgo.Record, ser *serde.Serializer, v any, opts ...Option) error {
	o := collect(opts)
	return o.fill(ctx, r, ser, v)
}

func (o *options) fill(ctx context.Context, r *kgo.Record, ser *serde.Serializer, v any) error {
	if ser == nil {
		return errors.New("kafka: no Serializer")
	}
	if o.keySer != nil {
		k, err := o.frame(ctx, r, o.keySer, o.key, r.Key, KeySchemaIDHeader)
		if err != nil {
			return fmt.Errorf("kafka: the key: %w", err)
		}
		r.Key = k
	}
	b, err := o.frame(ctx, r, ser, v, r.Value, ValueSchemaIDHeader)
	if err != nil {
		return err
	}
	r.Value = b
	return nil
}

// frame serializes v into dst[:0] and, under SchemaIDInHeader, moves the
// framing header into the record header name.
func (o *options) frame(ctx context.Context, r *kgo.Record, ser *serde.Serializer, v any, dst []byte, name string) ([]byte, error) {
	b, err := ser.AppendSerialize(ctx, dst[:0], r.Topic, v)
	if err != nil {
		return nil, err
	}
	if !o.inHeader {
		removeHeader(r, name)
		return b, nil
	}
	n, err := headerLen(ctx, ser, r.Topic, v, b)
	if err != nil {
		return nil, err
	}
	i := lastHeader(r.Headers, name)
	if i < 0 {
		r.Headers = append(r.Headers, kgo.RecordHeader{Key: name})
		i = len(r.Headers) - 1
	}
	r.Headers[i].Value = append(r.Headers[i].Value[:0], b[:n]...)
	// Slide the payload to the front so the memory stays reusable.
	return b[:copy(b, b[n:])], nil
}

// headerLen returns how many leading bytes of the framed record b are
// its framing header: 18 for Glue, 5 for Confluent Avro and JSON, and 5
// plus the message-index array for Confluent Protobuf.
func headerLen(ctx context.Context, ser *serde.Serializer, topic string, v any, b []byte) (int, error) {
	f, err := wire.Detect(b)
	if err != nil {
		return 0, err
	}
	if f == wire.FormatGlue {
		return wire.GlueHeaderLen, nil
	}
	if _, ok := v.(proto.Message); !ok {
		// Only a Protobuf Serializer has an index array, and it
		// refuses anything but a proto.Message.
		return wire.ConfluentHeaderLen, nil
	}
	s, err := ser.Schema(ctx, topic)
	if err != nil {
		return 0, err
	}
	if s.Format != serde.Protobuf {
		return wire.ConfluentHeaderLen, nil
	}
	return confluentProtobufHeaderLen(b)
}

// confluentProtobufHeaderLen measures the Confluent header and
// message-index array of a Confluent Protobuf record, without allocating.
func confluentProtobufHeaderLen(b []byte) (int, error) {
	off := wire.ConfluentHeaderLen
	if len(b) < off {
		return 0, errors.New("kafka: a Confluent record shorter than its header")
	}
	count, n := binary.Varint(b[off:])
	if n <= 0 || count < 0 || count > wire.MaxMessageIndexes {
		return 0, errors.New("kafka: a malformed Confluent message-index array")
	}
	off += n
	for range count {
		_, n := binary.Varint(b[off:])
		if n <= 0 {
			return 0, errors.New("kafka: a malformed Confluent message-index array")
		}
		off += n
	}
	return off, nil
}

func lastHeader(hs []kgo.RecordHeader, name string) int {
	for i := len(hs) - 1; i >= 0; i-- {
		if hs[i].Key == name {
			return i
		}
	}
	return -1
}

func removeHeader(r *kgo.Record, name string) {
	if lastHeader(r.Headers, name) < 0 {
		return
	}
	kept := r.Headers[:0]
	for _, h := range r.Headers {
		if h.Key != name {
			kept = append(kept, h)
		}
	}
	clear(r.Headers[len(kept):])
	r.Headers = kept
}

// Decode decodes r's value into v (see serde.Deserializer.Deserialize),
// whether its schema ID is in the ValueSchemaIDHeader record header or at
// the front of the value, and returns the writer schema version.
func Decode(ctx context.Context, des *serde.Deserializer, r *kgo.Record, v any) (serde.Schema, error) {
	return decode(ctx, des, r.Headers, r.Value, ValueSchemaIDHeader, v)
}

// DecodeAny decodes r's value into a generic value (see
// serde.Deserializer.DeserializeAny), with the schema ID in either place.
func DecodeAny(ctx context.Context, des *serde.Deserializer, r *kgo.Record) (any, serde.Schema, error) {
	return decodeAny(ctx, des, r.Headers, r.Value, ValueSchemaIDHeader)
}

// DecodeKey is Decode for r's key, with the KeySchemaIDHeader record
// header. A Deserializer made with serde.WithReaderSchema applies that
// schema to every Avro record it reads, keys included: decode keys with
// another Deserializer then.
func DecodeKey(ctx context.Context, des *serde.Deserializer, r *kgo.Record, v any) (serde.Schema, error) {
	return decode(ctx, des, r.Headers, r.Key, KeySchemaIDHeader, v)
}

// DecodeKeyAny is DecodeAny for r's key, with the KeySchemaIDHeader record
// header.
func DecodeKeyAny(ctx context.Context, des *serde.Deserializer, r *kgo.Record) (any, serde.Schema, error) {
	return decodeAny(ctx, des, r.Headers, r.Key, KeySchemaIDHeader)
}

func decode(ctx context.Context, des *serde.Deserializer, hs []kgo.RecordHeader, data []byte, name string, v any) (serde.Schema, error) {
	framed, buf, err := joined(hs, data, name)
	if err != nil {
		return serde.Schema{}, err
	}
	s, err := des.Deserialize(ctx, framed, v)
	release(buf)
	return s, err
}

func decodeAny(ctx context.Context, des *serde.Deserializer, hs []kgo.RecordHeader, data []byte, name string) (any, serde.Schema, error) {
	framed, buf, err := joined(hs, data, name)
	if err != nil {
		return nil, serde.Schema{}, err
	}
	out, s, err := des.DeserializeAny(ctx, framed)
	release(buf)
	return out, s, err
}

// Framed returns the framed record that r's value stands for: the value
// itself, or the ValueSchemaIDHeader header value followed by the value.
// The result may alias r.Value; in the second case it is a new slice.
// It is for handing a record to code that takes framed bytes, such as
// serde.Deserializer.Schema.
func Framed(r *kgo.Record) ([]byte, error) {
	framed, buf, err := joined(r.Headers, r.Value, ValueSchemaIDHeader)
	if err != nil || buf == nil {
		return framed, err
	}
	out := append([]byte(nil), framed...)
	release(buf)
	return out, nil
}

var joinBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// joined returns the framed bytes for data: data itself when there is no
// schema-ID header name, else the header value and data joined in a
// pooled buffer that the caller releases once decoding is done (every
// codec the Deserializer uses copies what it keeps).
func joined(hs []kgo.RecordHeader, data []byte, name string) ([]byte, *[]byte, error) {
	i := lastHeader(hs, name)
	if i < 0 {
		if data == nil {
			return nil, nil, ErrNull
		}
		return data, nil, nil
	}
	h := hs[i].Value
	if err := checkHeader(h, name); err != nil {
		return nil, nil, err
	}
	buf := joinBufs.Get().(*[]byte)
	b := append((*buf)[:0], h...)
	b = append(b, data...)
	*buf = b
	return b, buf, nil
}

func release(buf *[]byte) {
	if buf == nil {
		return
	}
	if cap(*buf) > 1<<20 {
		return // let an outsized buffer go
	}
	*buf = (*buf)[:0]
	joinBufs.Put(buf)
}

// checkHeader refuses schema-ID header values that cannot be a framing
// header: a Glue header must be 18 bytes exactly, a Confluent one at least
// 5, and Confluent's GUID form is unsupported.
func checkHeader(h []byte, name string) error {
	if len(h) == 0 {
		return fmt.Errorf("kafka: the %s header is empty", name)
	}
	switch h[0] {
	case wire.GlueHeaderVersion:
		if len(h) != wire.GlueHeaderLen {
			return fmt.Errorf("kafka: the %s header holds %d bytes; a Glue header is %d", name, len(h), wire.GlueHeaderLen)
		}
	case wire.ConfluentMagic:
		if len(h) < wire.ConfluentHeaderLen {
			return fmt.Errorf("kafka: the %s header holds %d bytes; a Confluent header is at least %d", name, len(h), wire.ConfluentHeaderLen)
		}
	case 0x01:
		return fmt.Errorf("kafka: the %s header names a Confluent schema GUID, which Carta cannot resolve: %w", name, serde.ErrUnsupported)
	default:
		return fmt.Errorf("kafka: the %s header starts with 0x%02x, neither a Glue nor a Confluent header", name, h[0])
	}
	return nil
}
