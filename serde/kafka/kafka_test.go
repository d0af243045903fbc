package kafka_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/kafka"
	"github.com/cartaschema/carta/serde/serdetest"
	"github.com/cartaschema/carta/serde/wire"
)

const paymentV1 = `{"type":"record","name":"PaymentCaptured","namespace":"com.example.payments","fields":[
 {"name":"payment_id","type":"string"},
 {"name":"amount_cents","type":"long"},
 {"name":"currency","type":"string"}]}`

const paymentV2 = `{"type":"record","name":"PaymentCaptured","namespace":"com.example.payments","fields":[
 {"name":"payment_id","type":"string"},
 {"name":"amount_cents","type":"long"},
 {"name":"currency","type":"string"},
 {"name":"merchant_note","type":["null","string"],"default":null}]}`

const keySchema = `"string"`

type paymentV1Go struct {
	PaymentID   string `avro:"payment_id"`
	AmountCents int64  `avro:"amount_cents"`
	Currency    string `avro:"currency"`
}

type paymentV2Go struct {
	PaymentID    string  `avro:"payment_id"`
	AmountCents  int64   `avro:"amount_cents"`
	Currency     string  `avro:"currency"`
	MerchantNote *string `avro:"merchant_note"`
}

const paymentProto = `syntax = "proto3";
package payments;
message PaymentCaptured {
  string payment_id = 1;
  int64 amount_cents = 2;
  string currency = 3;
  message Detail { string note = 1; }
  Detail detail = 4;
}
message Refund { string payment_id = 1; }
`

const timestampProto = `syntax = "proto3";
package google.protobuf;
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
`

var ctx = context.Background()

func newSer(t testing.TB, reg serde.Registry, f serde.Format, opts ...serde.Option) *serde.Serializer {
	t.Helper()
	s, err := serde.NewSerializer(reg, f, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newDes(t testing.TB, reg serde.Registry, opts ...serde.Option) *serde.Deserializer {
	t.Helper()
	d, err := serde.NewDeserializer(reg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func header(r *kgo.Record, name string) ([]byte, bool) {
	for _, h := range r.Headers {
		if h.Key == name {
			return h.Value, true
		}
	}
	return nil, false
}

// placement says, per record index, whether the schema ID goes in a
// header.
type placement struct {
	name     string
	inHeader func(i int) bool
}

var placements = []placement{
	{"value", func(int) bool { return false }},
	{"header", func(int) bool { return true }},
	{"mixed", func(i int) bool { return i%2 == 1 }},
}

// The PaymentCaptured story through a real (in-process) Kafka cluster:
// producers on v1 and v2 of the schema write to one topic, with Avro
// string keys; a consumer pinned to the v1 reader schema decodes every
// record, for each framing and each placement of the schema ID.
func TestKafkaRoundTripReaderSchema(t *testing.T) {
	type mode struct {
		wire  serde.WireFormat
		comp  wire.Compression
		place placement
	}
	var modes []mode
	for _, p := range placements {
		modes = append(modes,
			mode{serde.WireGlue, wire.CompressionNone, p},
			mode{serde.WireGlue, wire.CompressionZlib, p},
			mode{serde.WireConfluent, wire.CompressionNone, p})
	}
	topicOf := func(m mode) string { return fmt.Sprintf("payments-%s-%s-%s", m.wire, m.comp, m.place.name) }
	var topics []string
	for _, m := range modes {
		topics = append(topics, topicOf(m))
	}
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, topics...))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	addrs := cluster.ListenAddrs()

	reg := serdetest.New()
	ref := serde.SchemaRef{Registry: "payments", Name: "PaymentCaptured"}
	reg.Register(ref, serde.Avro, paymentV1)
	reg.Register(ref, serde.Avro, paymentV2)
	reg.Register(serde.SchemaRef{Registry: "payments", Name: "PaymentCaptured-key"}, serde.Avro, keySchema)
	v1schema := avro.MustParse(paymentV1)

	producer, err := kgo.NewClient(kgo.SeedBrokers(addrs...))
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()

	const n = 12
	note := "gift"
	for _, m := range modes {
		t.Run(topicOf(m), func(t *testing.T) {
			topic := topicOf(m)
			wopts := []serde.Option{serde.WithSchema("payments", "PaymentCaptured"), serde.WithWireFormat(m.wire), serde.WithCompression(m.comp)}
			s1 := newSer(t, reg, serde.Avro, append(wopts, serde.WithDefinition(paymentV1))...)
			s2 := newSer(t, reg, serde.Avro, append(wopts, serde.WithDefinition(paymentV2))...)
			keys := newSer(t, reg, serde.Avro, serde.WithNaming(func(string) serde.SchemaRef {
				return serde.SchemaRef{Registry: "payments", Name: "PaymentCaptured-key"}
			}), serde.WithWireFormat(m.wire))

			// Writer version per record: v1 and v2 interleaved unevenly.
			version := func(i int) int {
				if i%3 == 1 {
					return 2
				}
				return 1
			}
			var recs []*kgo.Record
			for i := range n {
				id := fmt.Sprintf("p-%d", i)
				opts := []kafka.Option{kafka.WithKey(keys, id)}
				if m.place.inHeader(i) {
					opts = append(opts, kafka.SchemaIDInHeader())
				}
				var (
					r   *kgo.Record
					err error
				)
				if version(i) == 1 {
					r, err = kafka.Encode(ctx, s1, topic, nil, paymentV1Go{PaymentID: id, AmountCents: int64(100 * i), Currency: "EUR"}, opts...)
				} else {
					r, err = kafka.Encode(ctx, s2, topic, nil, &paymentV2Go{PaymentID: id, AmountCents: int64(100 * i), Currency: "EUR", MerchantNote: &note}, opts...)
				}
				if err != nil {
					t.Fatal(err)
				}
				recs = append(recs, r)
			}
			if err := producer.ProduceSync(ctx, recs...).FirstErr(); err != nil {
				t.Fatal(err)
			}

			consumer, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(topic),
				kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
			if err != nil {
				t.Fatal(err)
			}
			defer consumer.Close()
			got := consume(t, consumer, n)

			pinned := newDes(t, reg, serde.WithReaderSchema(paymentV1))
			plain := newDes(t, reg)
			for i, r := range got {
				id := fmt.Sprintf("p-%d", i)
				var p paymentV1Go
				s, err := kafka.Decode(ctx, pinned, r, &p)
				if err != nil {
					t.Fatalf("record %d: %v", i, err)
				}
				if want := (paymentV1Go{PaymentID: id, AmountCents: int64(100 * i), Currency: "EUR"}); p != want {
					t.Fatalf("record %d = %+v, want %+v", i, p, want)
				}
				if s.Version != version(i) {
					t.Fatalf("record %d: writer version %d, want %d", i, s.Version, version(i))
				}
				var k string
				if _, err := kafka.DecodeKey(ctx, plain, r, &k); err != nil || k != id {
					t.Fatalf("record %d key = %q, %v", i, k, err)
				}
				// Without a reader schema, v2 records keep their new field.
				v, _, err := kafka.DecodeAny(ctx, plain, r)
				if err != nil {
					t.Fatal(err)
				}
				_, hasNote := v.(map[string]any)["merchant_note"]
				if hasNote != (version(i) == 2) {
					t.Fatalf("record %d: DecodeAny = %v", i, v)
				}
				kv, _, err := kafka.DecodeKeyAny(ctx, plain, r)
				if err != nil || kv != id {
					t.Fatalf("record %d: DecodeKeyAny = %v, %v", i, kv, err)
				}

				// The bytes are where the package documentation says.
				hv, inHeader := header(r, kafka.ValueSchemaIDHeader)
				hk, keyInHeader := header(r, kafka.KeySchemaIDHeader)
				if inHeader != m.place.inHeader(i) || keyInHeader != inHeader {
					t.Fatalf("record %d: headers %v", i, r.Headers)
				}
				framed, err := kafka.Framed(r)
				if err != nil {
					t.Fatal(err)
				}
				if inHeader {
					checkSplitHeader(t, hv, m.wire, s)
					checkSplitHeader(t, hk, m.wire, serde.Schema{})
					if !bytes.Equal(framed, append(append([]byte(nil), hv...), r.Value...)) {
						t.Fatalf("record %d: Framed is not header+value", i)
					}
					if m.comp == wire.CompressionNone && version(i) == 1 {
						bare, err := avro.Marshal(v1schema, p)
						if err != nil {
							t.Fatal(err)
						}
						if !bytes.Equal(r.Value, bare) {
							t.Fatalf("record %d: value % x, want the bare Avro % x", i, r.Value, bare)
						}
					}
				} else {
					if !bytes.Equal(framed, r.Value) {
						t.Fatalf("record %d: Framed is not the value", i)
					}
					if f, _ := wire.Detect(r.Value); (f == wire.FormatGlue) != (m.wire == serde.WireGlue) {
						t.Fatalf("record %d: value framed as %s", i, f)
					}
				}
			}
		})
	}
}

// checkSplitHeader checks a schema-ID header value: the whole Glue or
// Confluent header and nothing else.
func checkSplitHeader(t *testing.T, h []byte, wf serde.WireFormat, s serde.Schema) {
	t.Helper()
	switch wf {
	case serde.WireGlue:
		if len(h) != wire.GlueHeaderLen || h[0] != wire.GlueHeaderVersion {
			t.Fatalf("Glue schema-ID header = % x", h)
		}
		if s.VersionID != (wire.VersionID{}) && wire.VersionID(h[2:]) != s.VersionID {
			t.Fatalf("Glue schema-ID header names %x, want %s", h[2:], s.VersionID)
		}
	case serde.WireConfluent:
		if len(h) != wire.ConfluentHeaderLen || h[0] != wire.ConfluentMagic {
			t.Fatalf("Confluent schema-ID header = % x", h)
		}
		if s.ID != 0 && binary.BigEndian.Uint32(h[1:]) != s.ID {
			t.Fatalf("Confluent schema-ID header names %d, want %d", binary.BigEndian.Uint32(h[1:]), s.ID)
		}
	}
}

func consume(t *testing.T, cl *kgo.Client, n int) []*kgo.Record {
	t.Helper()
	var got []*kgo.Record
	deadline, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for len(got) < n {
		fs := cl.PollFetches(deadline)
		if err := deadline.Err(); err != nil {
			t.Fatalf("consumed %d records of %d: %v", len(got), n, err)
		}
		fs.EachError(func(topic string, p int32, err error) { t.Fatalf("fetch %s/%d: %v", topic, p, err) })
		got = append(got, fs.Records()...)
	}
	if len(got) != n {
		t.Fatalf("consumed %d records, want %d", len(got), n)
	}
	return got
}

// Confluent Protobuf under SchemaIDInHeader: the header carries the
// message-index array, the value is exactly proto.Marshal's output. Glue
// Protobuf keeps its message-index varint in the value.
func TestProtobufInHeader(t *testing.T) {
	reg := serdetest.New()
	reg.Register(serde.SchemaRef{Name: "p"}, serde.Protobuf, paymentProto)
	reg.Register(serde.SchemaRef{Name: "ts"}, serde.Protobuf, timestampProto)
	des := newDes(t, reg)

	for _, wf := range []serde.WireFormat{serde.WireGlue, serde.WireConfluent} {
		t.Run(wf.String(), func(t *testing.T) {
			ser := newSer(t, reg, serde.Protobuf, serde.WithSchema("", "p"), serde.WithWireFormat(wf))
			tsSer := newSer(t, reg, serde.Protobuf, serde.WithSchema("", "ts"), serde.WithWireFormat(wf))
			ts := &timestamppb.Timestamp{Seconds: 1700000000, Nanos: 7}
			r, err := kafka.Encode(ctx, tsSer, "t", []byte("k"), ts, kafka.SchemaIDInHeader())
			if err != nil {
				t.Fatal(err)
			}
			bare, _ := proto.Marshal(ts)
			h, _ := header(r, kafka.ValueSchemaIDHeader)
			switch wf {
			case serde.WireConfluent:
				if !bytes.Equal(r.Value, bare) || len(h) != 6 || h[5] != 0 {
					t.Fatalf("Confluent: header % x, value % x; want 6 bytes ending 00, value % x", h, r.Value, bare)
				}
			case serde.WireGlue:
				if len(h) != 18 || !bytes.Equal(r.Value, append([]byte{0}, bare...)) {
					t.Fatalf("Glue: header % x, value % x", h, r.Value)
				}
			}
			if string(r.Key) != "k" {
				t.Fatalf("key = %q", r.Key)
			}
			out := &timestamppb.Timestamp{}
			if _, err := kafka.Decode(ctx, des, r, out); err != nil || !proto.Equal(out, ts) {
				t.Fatalf("Decode = %v, %v", out, err)
			}

			// Nested and non-first messages, through a schema of several.
			fd := refundDesc(t, des, reg).ParentFile()
			detail := dynamicpb.NewMessage(fd.Messages().ByName("PaymentCaptured").Messages().ByName("Detail"))
			detail.Set(detail.Descriptor().Fields().ByName("note"), protoString("nested"))
			refund := dynamicpb.NewMessage(fd.Messages().ByName("Refund"))
			refund.Set(refund.Descriptor().Fields().ByName("payment_id"), protoString("p-9"))
			for _, c := range []struct {
				m   proto.Message
				idx []byte // Confluent index array
			}{{detail, []byte{4, 0, 0}}, {refund, []byte{2, 2}}} {
				r, err := kafka.Encode(ctx, ser, "t", nil, c.m, kafka.SchemaIDInHeader())
				if err != nil {
					t.Fatal(err)
				}
				h, _ := header(r, kafka.ValueSchemaIDHeader)
				bare, _ := proto.Marshal(c.m)
				if wf == serde.WireConfluent && (!bytes.Equal(h[5:], c.idx) || !bytes.Equal(r.Value, bare)) {
					t.Fatalf("Confluent: header % x, value % x; want index % x and value % x", h, r.Value, c.idx, bare)
				}
				v, _, err := kafka.DecodeAny(ctx, des, r)
				if err != nil || !sameMessage(v.(proto.Message), c.m) {
					t.Fatalf("DecodeAny = %v, %v; want %v", v, err, c.m)
				}
			}
		})
	}
}

// refundDesc returns the payments.Refund descriptor as the serde package
// compiles it, by decoding a hand-framed Glue record of index 2.
func refundDesc(t *testing.T, des *serde.Deserializer, reg *serdetest.Registry) protoreflect.MessageDescriptor {
	t.Helper()
	s, err := reg.SchemaVersion(ctx, serde.SchemaRef{Name: "p"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := wire.AppendGlueHeader(nil, s.VersionID, wire.CompressionNone)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, 2) // sorted names: PaymentCaptured, PaymentCaptured.Detail, Refund
	v, _, err := des.DeserializeAny(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	return v.(*dynamicpb.Message).Descriptor()
}

func TestDecodeErrors(t *testing.T) {
	reg := serdetest.New()
	des := newDes(t, reg)
	var v any
	if _, err := kafka.Decode(ctx, des, &kgo.Record{Key: []byte("k")}, &v); !errors.Is(err, kafka.ErrNull) {
		t.Fatalf("tombstone: err = %v, want ErrNull", err)
	}
	if _, err := kafka.DecodeKey(ctx, des, &kgo.Record{Value: []byte{0}}, &v); !errors.Is(err, kafka.ErrNull) {
		t.Fatalf("null key: err = %v, want ErrNull", err)
	}
	guid := append([]byte{0x01}, make([]byte, 16)...)
	r := &kgo.Record{Value: []byte{2, 'x'}, Headers: []kgo.RecordHeader{{Key: kafka.ValueSchemaIDHeader, Value: guid}}}
	if _, err := kafka.Decode(ctx, des, r, &v); !errors.Is(err, serde.ErrUnsupported) {
		t.Fatalf("GUID header: err = %v, want ErrUnsupported", err)
	}
	for _, h := range [][]byte{nil, {0x03, 0}, {0x00, 0, 0}, {0x7f}, append([]byte{0x03, 0}, make([]byte, 17)...)} {
		r.Headers[0].Value = h
		if _, err := kafka.Decode(ctx, des, r, &v); err == nil {
			t.Fatalf("header % x: no error", h)
		}
	}
	// A well-formed header naming an unknown version: the registry's error.
	r.Headers[0].Value = append([]byte{0x03, 0}, make([]byte, 16)...)
	if _, err := kafka.Decode(ctx, des, r, &v); !errors.Is(err, serde.ErrNotFound) {
		t.Fatalf("unknown version: err = %v, want ErrNotFound", err)
	}
}

// A record reused with AppendRecord is framed again in its own memory:
// no allocation beyond what Serializer.AppendSerialize itself makes, in
// either placement, and switching placement leaves no stale
// schema-ID header behind.
func TestAppendRecordReuse(t *testing.T) {
	reg := serdetest.New()
	reg.Register(serde.SchemaRef{Registry: "payments", Name: "PaymentCaptured"}, serde.Avro, paymentV1)
	des := newDes(t, reg)
	for _, wf := range []serde.WireFormat{serde.WireGlue, serde.WireConfluent} {
		ser := newSer(t, reg, serde.Avro, serde.WithSchema("payments", "PaymentCaptured"), serde.WithWireFormat(wf))
		for _, inHeader := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/header=%v", wf, inHeader), func(t *testing.T) {
				var opts []kafka.Option
				if inHeader {
					opts = append(opts, kafka.SchemaIDInHeader())
				}
				p := &paymentV1Go{PaymentID: "p-1", AmountCents: 1, Currency: "EUR"}
				r := &kgo.Record{Topic: "payments", Headers: []kgo.RecordHeader{{Key: "trace", Value: []byte("t")}}}
				if err := kafka.AppendRecord(ctx, r, ser, p, opts...); err != nil {
					t.Fatal(err)
				}
				allocs := testing.AllocsPerRun(100, func() {
					p.AmountCents++
					if err := kafka.AppendRecord(ctx, r, ser, p, opts...); err != nil {
						t.Fatal(err)
					}
				})
				buf := make([]byte, 0, 64)
				base := testing.AllocsPerRun(100, func() {
					if _, err := ser.AppendSerialize(ctx, buf[:0], "payments", p); err != nil {
						t.Fatal(err)
					}
				})
				if allocs > base {
					t.Errorf("AppendRecord on a reused record: %v allocs, AppendSerialize alone %v", allocs, base)
				}
				var out paymentV1Go
				if _, err := kafka.Decode(ctx, des, r, &out); err != nil || out != *p {
					t.Fatalf("Decode = %+v, %v; want %+v", out, err, *p)
				}
				// Switch placement on the same record.
				var flip []kafka.Option
				if !inHeader {
					flip = append(flip, kafka.SchemaIDInHeader())
				}
				if err := kafka.AppendRecord(ctx, r, ser, p, flip...); err != nil {
					t.Fatal(err)
				}
				if _, has := header(r, kafka.ValueSchemaIDHeader); has == inHeader {
					t.Fatalf("after switching placement, headers = %v", r.Headers)
				}
				if h, _ := header(r, "trace"); string(h) != "t" {
					t.Fatalf("other headers were touched: %v", r.Headers)
				}
				out = paymentV1Go{}
				if _, err := kafka.Decode(ctx, des, r, &out); err != nil || out != *p {
					t.Fatalf("Decode after the switch = %+v, %v", out, err)
				}
			})
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	reg := serdetest.New()
	reg.Register(serde.SchemaRef{Name: "p"}, serde.Avro, paymentV1)
	ser := newSer(t, reg, serde.Avro, serde.WithSchema("", "p"))
	if _, err := kafka.Encode(ctx, ser, "t", nil, 42); err == nil {
		t.Fatal("an int as a record: no error")
	}
	if _, err := kafka.Encode(ctx, nil, "t", nil, paymentV1Go{}); err == nil {
		t.Fatal("nil Serializer: no error")
	}
	if _, err := kafka.Encode(ctx, ser, "t", nil, paymentV1Go{}, kafka.WithKey(ser, "not a record")); err == nil {
		t.Fatal("a key the key schema refuses: no error")
	}
}

func protoString(s string) protoreflect.Value { return protoreflect.ValueOfString(s) }

// sameMessage compares messages that may come from different (equal)
// descriptors, which proto.Equal calls unequal.
func sameMessage(a, b proto.Message) bool {
	if a.ProtoReflect().Descriptor().FullName() != b.ProtoReflect().Descriptor().FullName() {
		return false
	}
	ab, err1 := proto.MarshalOptions{Deterministic: true}.Marshal(a)
	bb, err2 := proto.MarshalOptions{Deterministic: true}.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ab, bb)
}
