package serde_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/cartaschema/carta/serde"
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

type paymentV1Go struct {
	PaymentID   string `avro:"payment_id" json:"payment_id"`
	AmountCents int64  `avro:"amount_cents" json:"amount_cents"`
	Currency    string `avro:"currency" json:"currency"`
}

type paymentV2Go struct {
	PaymentID    string  `avro:"payment_id"`
	AmountCents  int64   `avro:"amount_cents"`
	Currency     string  `avro:"currency"`
	MerchantNote *string `avro:"merchant_note"`
}

const paymentJSON = `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
 "properties":{"payment_id":{"type":"string"},"amount_cents":{"type":"integer","minimum":0},"currency":{"type":"string"}},
 "required":["payment_id","amount_cents","currency"]}`

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

// The generated Go type google.protobuf.Timestamp, registered from a
// definition that declares the same message.
const timestampProto = `syntax = "proto3";
package google.protobuf;
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
`

var ctx = context.Background()

func TestRoundTripAllFormatsWiresCompressions(t *testing.T) {
	reg := serdetest.New()
	wires := []serde.WireFormat{serde.WireGlue, serde.WireConfluent}
	comps := []wire.Compression{wire.CompressionNone, wire.CompressionZlib}
	for _, wf := range wires {
		for _, comp := range comps {
			if wf == serde.WireConfluent && comp == wire.CompressionZlib {
				continue // the Confluent framing has no compression byte
			}
			name := fmt.Sprintf("%s-%s", wf, comp)
			t.Run(name+"/avro-struct", func(t *testing.T) {
				reg.Register(serde.SchemaRef{Registry: "payments", Name: "PaymentCaptured"}, serde.Avro, paymentV1)
				ser := mustSer(t, reg, serde.Avro, serde.WithSchema("payments", "PaymentCaptured"), serde.WithWireFormat(wf), serde.WithCompression(comp))
				in := paymentV1Go{PaymentID: "p-1", AmountCents: 1250, Currency: "EUR"}
				b := mustSerialize(t, ser, in)
				checkFrame(t, b, wf, comp)
				var out paymentV1Go
				s, err := mustDes(t, reg).Deserialize(ctx, b, &out)
				if err != nil || out != in {
					t.Fatalf("Deserialize = %+v, %v; want %+v", out, err, in)
				}
				if s.Ref.Name != "PaymentCaptured" || s.Format != serde.Avro {
					t.Fatalf("schema = %+v", s)
				}
				v, _, err := mustDes(t, reg).DeserializeAny(ctx, b)
				m, ok := v.(map[string]any)
				if err != nil || !ok || m["payment_id"] != "p-1" || m["amount_cents"] != int64(1250) {
					t.Fatalf("DeserializeAny = %#v, %v", v, err)
				}
			})
			t.Run(name+"/avro-map", func(t *testing.T) {
				reg.Register(serde.SchemaRef{Registry: "payments", Name: "PaymentCaptured"}, serde.Avro, paymentV1)
				ser := mustSer(t, reg, serde.Avro, serde.WithSchema("payments", "PaymentCaptured"), serde.WithWireFormat(wf), serde.WithCompression(comp))
				b := mustSerialize(t, ser, map[string]any{"payment_id": "p-2", "amount_cents": int64(7), "currency": "USD"})
				var out paymentV1Go
				if _, err := mustDes(t, reg).Deserialize(ctx, b, &out); err != nil || out.PaymentID != "p-2" || out.AmountCents != 7 {
					t.Fatalf("Deserialize = %+v, %v", out, err)
				}
			})
			t.Run(name+"/json", func(t *testing.T) {
				reg.Register(serde.SchemaRef{Name: "payment-json"}, serde.JSON, paymentJSON)
				ser := mustSer(t, reg, serde.JSON, serde.WithSchema("", "payment-json"), serde.WithWireFormat(wf), serde.WithCompression(comp))
				in := paymentV1Go{PaymentID: "p-3", AmountCents: 99, Currency: "GBP"}
				b := mustSerialize(t, ser, in)
				checkFrame(t, b, wf, comp)
				var out paymentV1Go
				if _, err := mustDes(t, reg, serde.WithValidation(true)).Deserialize(ctx, b, &out); err != nil || out != in {
					t.Fatalf("Deserialize = %+v, %v", out, err)
				}
				v, _, err := mustDes(t, reg).DeserializeAny(ctx, b)
				if m, ok := v.(map[string]any); err != nil || !ok || m["amount_cents"] != json.Number("99") {
					t.Fatalf("DeserializeAny = %#v, %v", v, err)
				}
				// A value that breaks the schema is refused before a byte is written.
				_, err = ser.Serialize(ctx, "", map[string]any{"payment_id": "p-4", "amount_cents": -1, "currency": "GBP"})
				var ee *serde.EncodeError
				if !errors.As(err, &ee) {
					t.Fatalf("invalid value: err = %v, want an EncodeError", err)
				}
			})
			t.Run(name+"/protobuf-dynamic", func(t *testing.T) {
				s := reg.Register(serde.SchemaRef{Name: "payment-proto"}, serde.Protobuf, paymentProto)
				ser := mustSer(t, reg, serde.Protobuf, serde.WithSchema("", "payment-proto"), serde.WithWireFormat(wf), serde.WithCompression(comp))
				des := mustDes(t, reg)
				// Decode the schema once to build dynamic messages of each type.
				first := mustSerialize(t, ser, mustDynamic(t, des, reg, s, "payments.Refund"))
				v, _, err := des.DeserializeAny(ctx, first)
				if err != nil {
					t.Fatal(err)
				}
				refund := v.(*dynamicpb.Message)
				if got := refund.Descriptor().FullName(); got != "payments.Refund" {
					t.Fatalf("decoded a %s, want payments.Refund", got)
				}
				fd := refund.Descriptor().ParentFile()
				detail := dynamicpb.NewMessage(fd.Messages().ByName("PaymentCaptured").Messages().ByName("Detail"))
				detail.Set(detail.Descriptor().Fields().ByName("note"), protoString("nested"))
				b := mustSerialize(t, ser, detail)
				checkFrame(t, b, wf, comp)
				if wf == serde.WireConfluent {
					// The index array [0, 0]: count 2, then two zig-zag zeros.
					if got := b[5:8]; !bytes.Equal(got, []byte{4, 0, 0}) {
						t.Fatalf("Confluent index bytes = % x, want 04 00 00", got)
					}
				} else if comp == wire.CompressionNone {
					// Sorted full names: payments.PaymentCaptured, payments.PaymentCaptured.Detail, payments.Refund.
					if b[18] != 1 {
						t.Fatalf("Glue message index = %d, want 1", b[18])
					}
				}
				v, _, err = des.DeserializeAny(ctx, b)
				if err != nil {
					t.Fatal(err)
				}
				got := v.(*dynamicpb.Message)
				if !proto.Equal(got, detail) {
					t.Fatalf("round trip: got %v, want %v", got, detail)
				}
			})
			t.Run(name+"/protobuf-generated", func(t *testing.T) {
				reg.Register(serde.SchemaRef{Name: "ts"}, serde.Protobuf, timestampProto)
				ser := mustSer(t, reg, serde.Protobuf, serde.WithSchema("", "ts"), serde.WithWireFormat(wf), serde.WithCompression(comp))
				in := &timestamppb.Timestamp{Seconds: 1700000000, Nanos: 5}
				b := mustSerialize(t, ser, in)
				out := &timestamppb.Timestamp{}
				if _, err := mustDes(t, reg).Deserialize(ctx, b, out); err != nil || !proto.Equal(in, out) {
					t.Fatalf("Deserialize = %v, %v", out, err)
				}
				// A fresh Deserializer, with nothing cached, decodes it too (the wrong-type case is TestProtobufWrongTargetType).
				if _, err := mustDes(t, reg).Deserialize(ctx, b, &timestamppb.Timestamp{}); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

func TestProtobufWrongTargetType(t *testing.T) {
	reg := serdetest.New()
	reg.Register(serde.SchemaRef{Name: "ts"}, serde.Protobuf, timestampProto)
	ser := mustSer(t, reg, serde.Protobuf, serde.WithSchema("", "ts"))
	b := mustSerialize(t, ser, &timestamppb.Timestamp{Seconds: 1})
	var de *serde.DecodeError
	if _, err := mustDes(t, reg).Deserialize(ctx, b, &dynamicpb.Message{}); !errors.As(err, &de) {
		t.Fatalf("err = %v, want a DecodeError", err)
	}
	// A message the schema does not declare cannot be written with it.
	reg.Register(serde.SchemaRef{Name: "p"}, serde.Protobuf, paymentProto)
	ser2 := mustSer(t, reg, serde.Protobuf, serde.WithSchema("", "p"))
	var ee *serde.EncodeError
	if _, err := ser2.Serialize(ctx, "", &timestamppb.Timestamp{}); !errors.As(err, &ee) {
		t.Fatalf("err = %v, want an EncodeError", err)
	}
}

// The PaymentCaptured story: the producer moves to v2 (an optional field
// with a default) mid-stream; a consumer pinned to v1 reads every record,
// and one on v2 reads v1 records with the default.
func TestReaderSchemaResolution(t *testing.T) {
	reg := serdetest.New()
	ref := serde.SchemaRef{Registry: "payments", Name: "PaymentCaptured"}
	reg.Register(ref, serde.Avro, paymentV1)
	reg.Register(ref, serde.Avro, paymentV2)
	s1 := mustSer(t, reg, serde.Avro, serde.WithSchema("payments", "PaymentCaptured"), serde.WithDefinition(paymentV1))
	s2 := mustSer(t, reg, serde.Avro, serde.WithSchema("payments", "PaymentCaptured"), serde.WithDefinition(paymentV2))
	note := "gift"
	var stream [][]byte
	for i := range 10 {
		if i < 5 {
			stream = append(stream, mustSerialize(t, s1, paymentV1Go{PaymentID: fmt.Sprint(i), AmountCents: int64(i), Currency: "EUR"}))
		} else {
			stream = append(stream, mustSerialize(t, s2, paymentV2Go{PaymentID: fmt.Sprint(i), AmountCents: int64(i), Currency: "EUR", MerchantNote: &note}))
		}
	}
	old := mustDes(t, reg, serde.WithReaderSchema(paymentV1))
	cur := mustDes(t, reg, serde.WithReaderSchema(paymentV2))
	for i, b := range stream {
		var o paymentV1Go
		s, err := old.Deserialize(ctx, b, &o)
		if err != nil || o.PaymentID != fmt.Sprint(i) || o.AmountCents != int64(i) {
			t.Fatalf("record %d with the v1 reader: %+v, %v", i, o, err)
		}
		if want := 1 + i/5; s.Version != want {
			t.Fatalf("record %d written by version %d, want %d", i, s.Version, want)
		}
		var n paymentV2Go
		if _, err := cur.Deserialize(ctx, b, &n); err != nil {
			t.Fatalf("record %d with the v2 reader: %v", i, err)
		}
		if (i < 5) != (n.MerchantNote == nil) {
			t.Fatalf("record %d: merchant_note = %v", i, n.MerchantNote)
		}
	}
	// A reader schema that cannot read the writer's is a SchemaError, not garbage.
	bad := mustDes(t, reg, serde.WithReaderSchema(`{"type":"record","name":"PaymentCaptured","namespace":"com.example.payments","fields":[{"name":"required_new","type":"int"}]}`))
	var se *serde.SchemaError
	if _, err := bad.Deserialize(ctx, stream[0], &paymentV1Go{}); !errors.As(err, &se) {
		t.Fatalf("err = %v, want a SchemaError", err)
	}
}

// countingRegistry wraps a Registry and counts calls, optionally slowly.
type countingRegistry struct {
	serde.Registry
	n     atomic.Int64
	delay time.Duration
}

func (c *countingRegistry) SchemaByVersionID(ctx context.Context, id wire.VersionID) (serde.Schema, error) {
	c.n.Add(1)
	time.Sleep(c.delay)
	return c.Registry.SchemaByVersionID(ctx, id)
}

func (c *countingRegistry) SchemaVersion(ctx context.Context, ref serde.SchemaRef, v int) (serde.Schema, error) {
	c.n.Add(1)
	time.Sleep(c.delay)
	return c.Registry.SchemaVersion(ctx, ref, v)
}

func TestHotPathMakesNoRegistryCallAndSurvivesAnOutage(t *testing.T) {
	mem := serdetest.New()
	mem.Register(serde.SchemaRef{Name: "p"}, serde.Avro, paymentV1)
	reg := &countingRegistry{Registry: mem, delay: 20 * time.Millisecond}
	var hits, misses, fetches atomic.Int64
	hooks := serde.Hooks{
		Hit:   func(string) { hits.Add(1) },
		Miss:  func(string) { misses.Add(1) },
		Fetch: func(string, time.Duration, error) { fetches.Add(1) },
	}
	ser := mustSer(t, reg, serde.Avro, serde.WithSchema("", "p"), serde.WithHooks(hooks))
	des := mustDes(t, reg, serde.WithHooks(hooks))
	// 32 goroutines warm up at once: singleflight makes one call per cache.
	var wg sync.WaitGroup
	var rec atomic.Value
	for range 32 {
		wg.Go(func() {
			b, err := ser.Serialize(ctx, "", paymentV1Go{PaymentID: "x", Currency: "EUR"})
			if err != nil {
				t.Error(err)
				return
			}
			rec.Store(b)
			var out paymentV1Go
			if _, err := des.Deserialize(ctx, b, &out); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := reg.n.Load(); got != 2 {
		t.Fatalf("registry calls during a concurrent warm-up = %d, want 2 (one per cache)", got)
	}
	if fetches.Load() != 2 {
		t.Fatalf("Fetch hook calls = %d, want 2", fetches.Load())
	}
	mem.SetDown(true)
	before := reg.n.Load()
	b := rec.Load().([]byte)
	for range 1000 {
		if _, err := ser.Serialize(ctx, "", paymentV1Go{PaymentID: "y"}); err != nil {
			t.Fatalf("serialize with the registry down: %v", err)
		}
		var out paymentV1Go
		if _, err := des.Deserialize(ctx, b, &out); err != nil {
			t.Fatalf("deserialize with the registry down: %v", err)
		}
	}
	if got := reg.n.Load() - before; got != 0 {
		t.Fatalf("registry calls once warm = %d, want 0", got)
	}
	if hits.Load() < 2000 || misses.Load() < 2 {
		t.Fatalf("hooks: hits %d misses %d", hits.Load(), misses.Load())
	}
}

func TestTTLRefreshesInBackgroundAndKeepsServingOnErrors(t *testing.T) {
	mem := serdetest.New()
	ref := serde.SchemaRef{Name: "p"}
	v1 := mem.Register(ref, serde.Avro, paymentV1)
	ser := mustSer(t, mem, serde.Avro, serde.WithSchema("", "p"), serde.WithTTL(30*time.Millisecond))
	if s, _ := ser.Schema(ctx, ""); s.VersionID != v1.VersionID {
		t.Fatal("first resolution is not v1")
	}
	v2 := mem.Register(ref, serde.Avro, paymentV2)
	deadline := time.Now().Add(5 * time.Second)
	for {
		s, err := ser.Schema(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if s.VersionID == v2.VersionID {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the Serializer never picked up the new latest version")
		}
		time.Sleep(5 * time.Millisecond)
	}
	mem.SetDown(true)
	time.Sleep(80 * time.Millisecond)
	for range 20 {
		if _, err := ser.Serialize(ctx, "", paymentV2Go{PaymentID: "z"}); err != nil {
			t.Fatalf("expired entry with the registry down: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestAutoRegistration(t *testing.T) {
	reg := serdetest.New()
	// Off by default: an unknown definition is an error, not a registration.
	ser := mustSer(t, reg, serde.Avro, serde.WithSchema("payments", "PaymentCaptured"), serde.WithDefinition(paymentV1))
	_, err := ser.Serialize(ctx, "payments-stream", paymentV1Go{})
	if !errors.Is(err, serde.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	ser = mustSer(t, reg, serde.Avro, serde.WithNaming(serde.TopicName("payments", "")), serde.WithDefinition(paymentV1),
		serde.WithAutoRegistration(serde.RegisterOptions{Compatibility: "BACKWARD", Metadata: map[string]string{"team": "billing"}}))
	b, err := ser.Serialize(ctx, "payments-stream", paymentV1Go{PaymentID: "a"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := reg.SchemaVersion(ctx, serde.SchemaRef{Registry: "payments", Name: "payments-stream"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	h, _, _ := wire.ParseGlue(b)
	if h.Version != s.VersionID {
		t.Fatal("the record does not carry the registered version")
	}
	md := reg.Metadata(s.VersionID)
	if md[serde.TransportMetadataKey] != "payments-stream" || md["team"] != "billing" {
		t.Fatalf("metadata = %v", md)
	}
}

func TestFixedVersionNeedsNoRegistry(t *testing.T) {
	id := wire.VersionID{1, 2, 3}
	ser, err := serde.NewSerializer(nil, serde.Avro, serde.WithFixedVersion(id, serde.Avro, paymentV1))
	if err != nil {
		t.Fatal(err)
	}
	b := mustSerialize(t, ser, paymentV1Go{PaymentID: "f"})
	h, _, err := wire.ParseGlue(b)
	if err != nil || h.Version != id {
		t.Fatalf("header = %+v, %v", h, err)
	}
	ser, err = serde.NewSerializer(nil, serde.Avro, serde.WithFixedID(42, serde.Avro, paymentV1))
	if err != nil {
		t.Fatal(err)
	}
	b = mustSerialize(t, ser, paymentV1Go{PaymentID: "f"})
	if got, _, err := wire.ParseConfluent(b); err != nil || got != 42 {
		t.Fatalf("id = %d, %v", got, err)
	}
}

func TestBadRecords(t *testing.T) {
	reg := serdetest.New()
	reg.Register(serde.SchemaRef{Name: "p"}, serde.Avro, paymentV1)
	des := mustDes(t, reg)
	var fe *wire.FormatError
	for _, b := range [][]byte{nil, {0x03}, {0x07, 0, 0}, append([]byte{0x03, 0x09}, make([]byte, 16)...)} {
		if _, err := des.Deserialize(ctx, b, &paymentV1Go{}); !errors.As(err, &fe) {
			t.Errorf("% x: err = %v, want a wire.FormatError", b, err)
		}
	}
	// An unknown version is ErrNotFound.
	unknown, _ := wire.AppendGlueHeader(nil, wire.VersionID{9}, wire.CompressionNone)
	if _, err := des.Deserialize(ctx, unknown, &paymentV1Go{}); !errors.Is(err, serde.ErrNotFound) {
		t.Errorf("unknown version: err = %v", err)
	}
	// A truncated payload is a DecodeError.
	ser := mustSer(t, reg, serde.Avro, serde.WithSchema("", "p"))
	b := mustSerialize(t, ser, paymentV1Go{PaymentID: "long enough to cut", Currency: "EUR"})
	var de *serde.DecodeError
	if _, err := des.Deserialize(ctx, b[:len(b)-6], &paymentV1Go{}); !errors.As(err, &de) {
		t.Errorf("truncated: err = %v, want a DecodeError", err)
	}
	// A zlib bomb is refused at the cap.
	small := mustDes(t, reg, serde.WithMaxDecompressedSize(1<<10))
	var codec wire.Codec
	bomb, err := codec.AppendGlue(nil, wire.VersionID(mustVersion(t, reg)), wire.CompressionZlib, make([]byte, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := small.Deserialize(ctx, bomb, &paymentV1Go{}); !errors.Is(err, wire.ErrTooLarge) {
		t.Errorf("bomb: err = %v, want ErrTooLarge", err)
	}
}

func mustVersion(t *testing.T, reg *serdetest.Registry) wire.VersionID {
	s, err := reg.SchemaVersion(ctx, serde.SchemaRef{Name: "p"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return s.VersionID
}

func mustSer(t testing.TB, reg serde.Registry, f serde.Format, opts ...serde.Option) *serde.Serializer {
	t.Helper()
	s, err := serde.NewSerializer(reg, f, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustDes(t testing.TB, reg serde.Registry, opts ...serde.Option) *serde.Deserializer {
	t.Helper()
	d, err := serde.NewDeserializer(reg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustSerialize(t testing.TB, s *serde.Serializer, v any) []byte {
	t.Helper()
	b, err := s.Serialize(ctx, "", v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkFrame(t *testing.T, b []byte, wf serde.WireFormat, comp wire.Compression) {
	t.Helper()
	f, err := wire.Detect(b)
	if err != nil {
		t.Fatal(err)
	}
	if (wf == serde.WireGlue) != (f == wire.FormatGlue) {
		t.Fatalf("framing %v, want %s", f, wf)
	}
	if wf == serde.WireGlue && wire.Compression(b[1]) != comp {
		t.Fatalf("compression byte %#x, want %s", b[1], comp)
	}
}

// mustDynamic builds an empty dynamic message of the named type from the
// registered schema by decoding a record of it through a throwaway path.
func mustDynamic(t *testing.T, _ *serde.Deserializer, _ *serdetest.Registry, s serde.Schema, name string) proto.Message {
	t.Helper()
	fd := compileProto(t, s.Definition)
	md := fd.Messages().ByName(protoName(name))
	if md == nil {
		t.Fatalf("no message %s", name)
	}
	m := dynamicpb.NewMessage(md)
	m.Set(md.Fields().ByName("payment_id"), protoString("r-1"))
	return m
}

func TestCacheEvictsTheLeastRecentlyUsed(t *testing.T) {
	mem := serdetest.New()
	reg := &countingRegistry{Registry: mem}
	var recs [][]byte
	for i, def := range []string{paymentV1, paymentV2, `"string"`} {
		name := fmt.Sprint("s", i)
		mem.Register(serde.SchemaRef{Name: name}, serde.Avro, def)
		ser := mustSer(t, mem, serde.Avro, serde.WithSchema("", name))
		var v any = paymentV2Go{PaymentID: "x"}
		if i == 2 {
			v = "x"
		}
		recs = append(recs, mustSerialize(t, ser, v))
	}
	des := mustDes(t, reg, serde.WithCacheSize(2))
	calls := func(i int) int64 {
		before := reg.n.Load()
		if _, _, err := des.DeserializeAny(ctx, recs[i]); err != nil {
			t.Fatal(err)
		}
		return reg.n.Load() - before
	}
	for _, step := range []struct {
		rec  int
		want int64
	}{{0, 1}, {1, 1}, {0, 0}, {2, 1}, {0, 0}, {1, 1}, {2, 1}} {
		if got := calls(step.rec); got != step.want {
			t.Fatalf("decoding record %d made %d registry calls, want %d", step.rec, got, step.want)
		}
	}
}
