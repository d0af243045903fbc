package serde_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/serdetest"
)

// Per-record cost of the SerDe beside the codec it wraps and beside
// franz-go's sr.Serde, for each format at three sizes. Sub-benchmarks are
// named Benchmark{Serialize,Deserialize}/FORMAT/SIZE/VARIANT:
//
//	carta-glue       Carta, Glue framing (AppendSerialize into a reused dst)
//	carta-confluent  Carta, Confluent framing
//	raw              the codec alone on the same record: avro.Marshal and
//	                 avro.Unmarshal with a parsed schema, json.Marshal and
//	                 json.Unmarshal, proto.Marshal and proto.Unmarshal
//	raw-append       (Serialize; Avro and Protobuf) the codec's own
//	                 append path into a reused dst: a reused avro.Writer,
//	                 proto.MarshalOptions.MarshalAppend
//	franz-sr         sr.Serde.AppendEncode into a reused dst, sr.Serde.Decode;
//	                 registered with sr.AppendEncodeFn(MarshalAppend) for
//	                 Protobuf, sr.EncodeFn(avro.Marshal / json.Marshal)
//	                 otherwise, as those codecs have no append API
//
// scripts/bench-ratios.sh runs them and prints the ratios to raw. The
// Protobuf records are generated types (timestamppb, descriptorpb), as
// most producers have; dynamicpb takes protobuf-go's slow reflective path.

// Two fields.
type benchTick struct {
	Seconds int64 `avro:"seconds" json:"seconds"`
	Nanos   int32 `avro:"nanos" json:"nanos"`
}

const benchTickAvro = `{"type":"record","name":"Tick","namespace":"bench","fields":[
 {"name":"seconds","type":"long"},{"name":"nanos","type":"int"}]}`

const benchTickJSON = `{"type":"object","properties":{"seconds":{"type":"integer"},"nanos":{"type":"integer"}},
 "required":["seconds","nanos"],"additionalProperties":false}`

// A ten-field event.
type benchEvent struct {
	EventID     string `avro:"event_id" json:"event_id"`
	EventType   string `avro:"event_type" json:"event_type"`
	OccurredAt  int64  `avro:"occurred_at" json:"occurred_at"`
	UserID      string `avro:"user_id" json:"user_id"`
	SessionID   string `avro:"session_id" json:"session_id"`
	AmountCents int64  `avro:"amount_cents" json:"amount_cents"`
	Currency    string `avro:"currency" json:"currency"`
	Country     string `avro:"country" json:"country"`
	Device      string `avro:"device" json:"device"`
	Success     bool   `avro:"success" json:"success"`
}

const benchEventAvro = `{"type":"record","name":"Event","namespace":"bench","fields":[
 {"name":"event_id","type":"string"},{"name":"event_type","type":"string"},
 {"name":"occurred_at","type":"long"},{"name":"user_id","type":"string"},
 {"name":"session_id","type":"string"},{"name":"amount_cents","type":"long"},
 {"name":"currency","type":"string"},{"name":"country","type":"string"},
 {"name":"device","type":"string"},{"name":"success","type":"boolean"}]}`

const benchEventJSON = `{"type":"object","properties":{
 "event_id":{"type":"string"},"event_type":{"type":"string"},"occurred_at":{"type":"integer"},
 "user_id":{"type":"string"},"session_id":{"type":"string"},"amount_cents":{"type":"integer"},
 "currency":{"type":"string","minLength":3,"maxLength":3},"country":{"type":"string"},
 "device":{"type":"string"},"success":{"type":"boolean"}},
 "required":["event_id","event_type","occurred_at","user_id","session_id","amount_cents","currency","country","device","success"]}`

// About a kilobyte in Avro (JSON spells the same order in about 2 KB):
// an order with line items.
type benchItem struct {
	SKU        string `avro:"sku" json:"sku"`
	Name       string `avro:"name" json:"name"`
	Quantity   int32  `avro:"quantity" json:"quantity"`
	PriceCents int64  `avro:"price_cents" json:"price_cents"`
	Category   string `avro:"category" json:"category"`
}

type benchOrder struct {
	OrderID         string      `avro:"order_id" json:"order_id"`
	CustomerID      string      `avro:"customer_id" json:"customer_id"`
	CreatedAt       int64       `avro:"created_at" json:"created_at"`
	Currency        string      `avro:"currency" json:"currency"`
	Status          string      `avro:"status" json:"status"`
	ShippingAddress string      `avro:"shipping_address" json:"shipping_address"`
	Note            string      `avro:"note" json:"note"`
	Items           []benchItem `avro:"items" json:"items"`
}

const benchOrderAvro = `{"type":"record","name":"Order","namespace":"bench","fields":[
 {"name":"order_id","type":"string"},{"name":"customer_id","type":"string"},
 {"name":"created_at","type":"long"},{"name":"currency","type":"string"},
 {"name":"status","type":"string"},{"name":"shipping_address","type":"string"},
 {"name":"note","type":"string"},
 {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
   {"name":"sku","type":"string"},{"name":"name","type":"string"},{"name":"quantity","type":"int"},
   {"name":"price_cents","type":"long"},{"name":"category","type":"string"}]}}}]}`

const benchOrderJSON = `{"type":"object","properties":{
 "order_id":{"type":"string"},"customer_id":{"type":"string"},"created_at":{"type":"integer"},
 "currency":{"type":"string"},"status":{"type":"string","enum":["NEW","PAID","SHIPPED"]},
 "shipping_address":{"type":"string"},"note":{"type":"string"},
 "items":{"type":"array","items":{"type":"object","properties":{
   "sku":{"type":"string"},"name":{"type":"string"},"quantity":{"type":"integer","minimum":1},
   "price_cents":{"type":"integer","minimum":0},"category":{"type":"string"}},
   "required":["sku","name","quantity","price_cents"]}}},
 "required":["order_id","customer_id","created_at","currency","items"]}`

// The subset of descriptor.proto the Protobuf records use, with its field
// numbers, so that the generated descriptorpb types serialize with it.
const benchDescriptorProto = `syntax = "proto2";
package google.protobuf;
message FieldDescriptorProto {
  enum Type {
    TYPE_DOUBLE = 1; TYPE_FLOAT = 2; TYPE_INT64 = 3; TYPE_UINT64 = 4; TYPE_INT32 = 5;
    TYPE_FIXED64 = 6; TYPE_FIXED32 = 7; TYPE_BOOL = 8; TYPE_STRING = 9; TYPE_GROUP = 10;
    TYPE_MESSAGE = 11; TYPE_BYTES = 12; TYPE_UINT32 = 13; TYPE_ENUM = 14; TYPE_SFIXED32 = 15;
    TYPE_SFIXED64 = 16; TYPE_SINT32 = 17; TYPE_SINT64 = 18;
  }
  enum Label { LABEL_OPTIONAL = 1; LABEL_REQUIRED = 2; LABEL_REPEATED = 3; }
  optional string name = 1;
  optional string extendee = 2;
  optional int32 number = 3;
  optional Label label = 4;
  optional Type type = 5;
  optional string type_name = 6;
  optional string default_value = 7;
  optional int32 oneof_index = 9;
  optional string json_name = 10;
  optional bool proto3_optional = 17;
}
message DescriptorProto {
  optional string name = 1;
  repeated FieldDescriptorProto field = 2;
}
`

func benchTickValue() *benchTick { return &benchTick{Seconds: 1700000000, Nanos: 123456789} }

func benchEventValue() *benchEvent {
	return &benchEvent{EventID: "evt-7f3c2a1b-0d4e", EventType: "checkout.completed", OccurredAt: 1700000000123,
		UserID: "user-000042", SessionID: "sess-9a8b7c6d", AmountCents: 12999, Currency: "EUR",
		Country: "DE", Device: "ios", Success: true}
}

func benchOrderValue() *benchOrder {
	o := &benchOrder{OrderID: "ord-2024-000123456", CustomerID: "cust-000042", CreatedAt: 1700000000123,
		Currency: "EUR", Status: "PAID", ShippingAddress: "Hauptstrasse 12, 10115 Berlin, Germany",
		Note: "Leave the parcel with the neighbour if nobody answers."}
	for i := range 15 {
		o.Items = append(o.Items, benchItem{SKU: fmt.Sprintf("SKU-%06d", 1000+i), Name: "Stainless steel water bottle 750ml",
			Quantity: int32(1 + i%3), PriceCents: int64(1999 + 100*i), Category: "kitchen"})
	}
	return o
}

func benchFieldValue(i int) *descriptorpb.FieldDescriptorProto {
	return &descriptorpb.FieldDescriptorProto{
		Name: proto.String(fmt.Sprintf("payment_reference_%d", i)), Number: proto.Int32(int32(17 + i)),
		Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), Type: descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(),
		TypeName: proto.String(".com.example.payments.Reference"), Extendee: proto.String(".com.example.Base"),
		DefaultValue: proto.String("none"), OneofIndex: proto.Int32(2),
		JsonName: proto.String(fmt.Sprintf("paymentReference%d", i)), Proto3Optional: proto.Bool(true),
	}
}

func benchMessageValue() *descriptorpb.DescriptorProto {
	m := &descriptorpb.DescriptorProto{Name: proto.String("PaymentCaptured")}
	for i := range 12 {
		f := benchFieldValue(i)
		f.Extendee, f.DefaultValue = nil, nil
		m.Field = append(m.Field, f)
	}
	return m
}

// benchCase is one record of one format at one size.
type benchCase struct {
	format serde.Format
	size   string
	schema string // registered name
	def    string
	value  any        // a pointer, as a producer would pass it
	newOut func() any // a decode target
	index  []int      // Confluent message-index path (Protobuf)
	rawEnc func(any) ([]byte, error)
	rawApp func([]byte, any) ([]byte, error) // nil: the codec has none
	rawDec func([]byte, any) error
}

func benchCases(tb testing.TB) []benchCase {
	avroCase := func(size, name, def string, v any, out func() any) benchCase {
		s, err := avro.ParseWithCache(def, "", &avro.SchemaCache{})
		if err != nil {
			tb.Fatal(err)
		}
		api := avro.Config{}.Freeze()
		w := avro.NewWriter(nil, 512, avro.WithWriterConfig(api))
		return benchCase{format: serde.Avro, size: size, schema: name, def: def, value: v, newOut: out,
			rawEnc: func(v any) ([]byte, error) { return avro.Marshal(s, v) },
			rawApp: func(dst []byte, v any) ([]byte, error) {
				w.Reset(nil)
				w.WriteVal(s, v)
				if w.Error != nil {
					return dst, w.Error
				}
				return append(dst, w.Buffer()...), nil
			},
			rawDec: func(b []byte, v any) error { return avro.Unmarshal(s, b, v) },
		}
	}
	jsonCase := func(size, name, def string, v any, out func() any) benchCase {
		return benchCase{format: serde.JSON, size: size, schema: name, def: def, value: v, newOut: out,
			rawEnc: json.Marshal, rawDec: json.Unmarshal}
	}
	protoCase := func(size, name, def string, v proto.Message, index []int, out func() any) benchCase {
		return benchCase{format: serde.Protobuf, size: size, schema: name, def: def, value: v, newOut: out, index: index,
			rawEnc: func(v any) ([]byte, error) { return proto.Marshal(v.(proto.Message)) },
			rawApp: func(dst []byte, v any) ([]byte, error) {
				return proto.MarshalOptions{}.MarshalAppend(dst, v.(proto.Message))
			},
			rawDec: func(b []byte, v any) error { return proto.Unmarshal(b, v.(proto.Message)) },
		}
	}
	return []benchCase{
		avroCase("2fields", "tick-avro", benchTickAvro, benchTickValue(), func() any { return new(benchTick) }),
		avroCase("10fields", "event-avro", benchEventAvro, benchEventValue(), func() any { return new(benchEvent) }),
		avroCase("1KB", "order-avro", benchOrderAvro, benchOrderValue(), func() any { return new(benchOrder) }),
		jsonCase("2fields", "tick-json", benchTickJSON, benchTickValue(), func() any { return new(benchTick) }),
		jsonCase("10fields", "event-json", benchEventJSON, benchEventValue(), func() any { return new(benchEvent) }),
		jsonCase("1KB", "order-json", benchOrderJSON, benchOrderValue(), func() any { return new(benchOrder) }),
		protoCase("2fields", "ts", timestampProto, &timestamppb.Timestamp{Seconds: 1700000000, Nanos: 123456789}, []int{0},
			func() any { return new(timestamppb.Timestamp) }),
		protoCase("10fields", "descriptor", benchDescriptorProto, benchFieldValue(0), []int{0},
			func() any { return new(descriptorpb.FieldDescriptorProto) }),
		protoCase("1KB", "descriptor", benchDescriptorProto, benchMessageValue(), []int{1},
			func() any { return new(descriptorpb.DescriptorProto) }),
	}
}

func (c benchCase) name() string {
	return map[serde.Format]string{serde.Avro: "avro", serde.JSON: "json", serde.Protobuf: "protobuf"}[c.format] + "/" + c.size
}

// benchSerde is an sr.Serde registered for c's record type under id.
func (c benchCase) benchSerde(id uint32) *sr.Serde {
	opts := []sr.EncodingOpt{sr.DecodeFn(c.rawDec)}
	if c.format == serde.Protobuf {
		// The append path franz-go offers, with the codec's own append.
		opts = append(opts, sr.AppendEncodeFn(c.rawApp), sr.Index(c.index...))
	} else {
		opts = append(opts, sr.EncodeFn(c.rawEnc))
	}
	var s sr.Serde
	s.Register(int(id), c.value, opts...)
	return &s
}

type benchSetup struct {
	reg   *serdetest.Registry
	glue  *serde.Serializer
	conf  *serde.Serializer
	des   *serde.Deserializer
	srs   *sr.Serde
	sch   serde.Schema
	frame map[string][]byte // variant -> one encoded record
}

func setupBench(b *testing.B, c benchCase) benchSetup {
	s := benchSetup{reg: serdetest.New(), frame: map[string][]byte{}}
	s.sch = s.reg.Register(serde.SchemaRef{Name: c.schema}, c.format, c.def)
	s.glue = mustSer(b, s.reg, c.format, serde.WithSchema("", c.schema))
	s.conf = mustSer(b, s.reg, c.format, serde.WithSchema("", c.schema), serde.WithWireFormat(serde.WireConfluent))
	s.des = mustDes(b, s.reg)
	s.srs = c.benchSerde(s.sch.ID)
	var err error
	if s.frame["carta-glue"], err = s.glue.Serialize(ctx, "", c.value); err != nil {
		b.Fatal(err)
	}
	if s.frame["carta-confluent"], err = s.conf.Serialize(ctx, "", c.value); err != nil {
		b.Fatal(err)
	}
	if s.frame["raw"], err = c.rawEnc(c.value); err != nil {
		b.Fatal(err)
	}
	if s.frame["franz-sr"], err = s.srs.Encode(c.value); err != nil {
		b.Fatal(err)
	}
	// Warm the Deserializer's caches.
	for _, v := range []string{"carta-glue", "carta-confluent"} {
		if _, err := s.des.Deserialize(ctx, s.frame[v], c.newOut()); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

func BenchmarkSerialize(b *testing.B) {
	for _, c := range benchCases(b) {
		b.Run(c.name(), func(b *testing.B) {
			s := setupBench(b, c)
			payload := len(s.frame["raw"])
			run := func(variant string, fn func(dst []byte) ([]byte, error)) {
				b.Run(variant, func(b *testing.B) {
					dst := make([]byte, 0, 2*payload+64)
					b.ReportAllocs()
					for b.Loop() {
						out, err := fn(dst[:0])
						if err != nil {
							b.Fatal(err)
						}
						dst = out
					}
					b.ReportMetric(float64(len(dst)), "bytes/rec")
				})
			}
			run("carta-glue", func(dst []byte) ([]byte, error) { return s.glue.AppendSerialize(ctx, dst, "", c.value) })
			run("carta-confluent", func(dst []byte) ([]byte, error) { return s.conf.AppendSerialize(ctx, dst, "", c.value) })
			run("raw", func([]byte) ([]byte, error) { return c.rawEnc(c.value) })
			if c.rawApp != nil {
				run("raw-append", func(dst []byte) ([]byte, error) { return c.rawApp(dst, c.value) })
			}
			run("franz-sr", func(dst []byte) ([]byte, error) { return s.srs.AppendEncode(dst, c.value) })
		})
	}
}

func BenchmarkDeserialize(b *testing.B) {
	for _, c := range benchCases(b) {
		b.Run(c.name(), func(b *testing.B) {
			s := setupBench(b, c)
			run := func(variant string, fn func(data []byte, out any) error) {
				data := s.frame[variant]
				b.Run(variant, func(b *testing.B) {
					out := c.newOut()
					b.ReportAllocs()
					for b.Loop() {
						if err := fn(data, out); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(len(data)), "bytes/rec")
				})
			}
			carta := func(data []byte, out any) error {
				_, err := s.des.Deserialize(ctx, data, out)
				return err
			}
			run("carta-glue", carta)
			run("carta-confluent", carta)
			run("raw", c.rawDec)
			run("franz-sr", s.srs.Decode)
		})
	}
}

// The benchmark records decode back to what was encoded, through every
// variant, so the numbers measure working code.
func TestBenchRecordsRoundTrip(t *testing.T) {
	for _, c := range benchCases(t) {
		t.Run(c.name(), func(t *testing.T) {
			reg := serdetest.New()
			sch := reg.Register(serde.SchemaRef{Name: c.schema}, c.format, c.def)
			srs := c.benchSerde(sch.ID)
			des := mustDes(t, reg)
			want, err := c.rawEnc(c.value)
			if err != nil {
				t.Fatal(err)
			}
			check := func(variant string, decode func(out any) error) {
				out := c.newOut()
				if err := decode(out); err != nil {
					t.Fatalf("%s: %v", variant, err)
				}
				got, err := c.rawEnc(out)
				if err != nil || string(got) != string(want) {
					t.Fatalf("%s: re-encoded % x, want % x (%v)", variant, got, want, err)
				}
			}
			for _, wf := range []serde.WireFormat{serde.WireGlue, serde.WireConfluent} {
				ser := mustSer(t, reg, c.format, serde.WithSchema("", c.schema), serde.WithWireFormat(wf))
				framed := mustSerialize(t, ser, c.value)
				check("carta-"+wf.String(), func(out any) error { _, err := des.Deserialize(ctx, framed, out); return err })
				if wf == serde.WireConfluent {
					check("carta->franz-sr", func(out any) error { return srs.Decode(framed, out) })
				}
			}
			framed, err := srs.Encode(c.value)
			if err != nil {
				t.Fatal(err)
			}
			check("franz-sr", func(out any) error { return srs.Decode(framed, out) })
			check("franz-sr->carta", func(out any) error { _, err := des.Deserialize(ctx, framed, out); return err })
			if c.rawApp != nil {
				app, err := c.rawApp(nil, c.value)
				if err != nil || string(app) != string(want) {
					t.Fatalf("raw-append wrote % x, want % x (%v)", app, want, err)
				}
			}
			t.Logf("%s: %d bytes", c.name(), len(want))
		})
	}
}
