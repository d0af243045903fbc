package serde_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/serdetest"
)

// Interop with franz-go's sr.Serde, an implementation of the Confluent
// framing that nobody here wrote: records it frames decode with Carta's
// Deserializer, records Carta's Serializer frames with WireConfluent
// decode with sr.Serde, and for the same value the two write the same
// bytes (for Protobuf, the same framing and equal messages).

// paymentDoc is the JSON Schema record: sr.Serde routes encoding by Go
// type, so it must differ from the Avro record's type.
type paymentDoc struct {
	PaymentID   string `json:"payment_id"`
	AmountCents int64  `json:"amount_cents"`
	Currency    string `json:"currency"`
}

// Distinct Go types for the dynamic messages of paymentProto, one per
// message-index path, for the same reason.
type (
	capturedMsg struct{ *dynamicpb.Message } // [0]
	detailMsg   struct{ *dynamicpb.Message } // [0, 0]
	refundMsg   struct{ *dynamicpb.Message } // [1]
)

// srFixture is a serdetest registry and an sr.Serde registered with the
// same IDs for the same schemas.
type srFixture struct {
	reg              *serdetest.Registry
	avroS, jsonS     serde.Schema
	protoS, tsS      serde.Schema
	srs              *sr.Serde
	captured, detail protoreflect.MessageDescriptor
	refund           protoreflect.MessageDescriptor
	avroSchema       avro.Schema
	newCaptured      func() capturedMsg
	newDetail        func() detailMsg
	newRefund        func() refundMsg
}

func newSRFixture(t *testing.T) *srFixture {
	t.Helper()
	f := &srFixture{reg: serdetest.New()}
	// serdetest hands out IDs 1, 2, ... in registration order; the
	// sr.Serde below uses the IDs it reports.
	f.avroS = f.reg.Register(serde.SchemaRef{Name: "payment-avro"}, serde.Avro, paymentV1)
	f.jsonS = f.reg.Register(serde.SchemaRef{Name: "payment-json"}, serde.JSON, paymentJSON)
	f.protoS = f.reg.Register(serde.SchemaRef{Name: "payment-proto"}, serde.Protobuf, paymentProto)
	f.tsS = f.reg.Register(serde.SchemaRef{Name: "ts"}, serde.Protobuf, timestampProto)
	for i, s := range []serde.Schema{f.avroS, f.jsonS, f.protoS, f.tsS} {
		if s.ID != uint32(i+1) {
			t.Fatalf("schema %s has ID %d, want %d", s.Ref, s.ID, i+1)
		}
	}

	f.avroSchema = avro.MustParse(paymentV1)
	fd := compileProto(t, paymentProto)
	f.captured = fd.Messages().ByName("PaymentCaptured")
	f.detail = f.captured.Messages().ByName("Detail")
	f.refund = fd.Messages().ByName("Refund")
	f.newCaptured = func() capturedMsg { return capturedMsg{dynamicpb.NewMessage(f.captured)} }
	f.newDetail = func() detailMsg { return detailMsg{dynamicpb.NewMessage(f.detail)} }
	f.newRefund = func() refundMsg { return refundMsg{dynamicpb.NewMessage(f.refund)} }

	var s sr.Serde
	s.Register(int(f.avroS.ID), paymentV1Go{},
		sr.EncodeFn(func(v any) ([]byte, error) { return avro.Marshal(f.avroSchema, v) }),
		sr.DecodeFn(func(b []byte, v any) error { return avro.Unmarshal(f.avroSchema, b, v) }))
	s.Register(int(f.jsonS.ID), paymentDoc{},
		sr.EncodeFn(json.Marshal),
		sr.DecodeFn(json.Unmarshal))
	protoFns := func(unwrap func(any) proto.Message) []sr.EncodingOpt {
		return []sr.EncodingOpt{
			sr.EncodeFn(func(v any) ([]byte, error) { return proto.Marshal(unwrap(v)) }),
			sr.DecodeFn(func(b []byte, v any) error { return proto.Unmarshal(b, unwrap(v)) }),
		}
	}
	s.Register(int(f.protoS.ID), capturedMsg{}, append(protoFns(func(v any) proto.Message {
		if p, ok := v.(*capturedMsg); ok {
			return p.Message
		}
		return v.(capturedMsg).Message
	}), sr.Index(0), sr.GenerateFn(func() any { m := f.newCaptured(); return &m }))...)
	s.Register(int(f.protoS.ID), detailMsg{}, append(protoFns(func(v any) proto.Message {
		if p, ok := v.(*detailMsg); ok {
			return p.Message
		}
		return v.(detailMsg).Message
	}), sr.Index(0, 0), sr.GenerateFn(func() any { m := f.newDetail(); return &m }))...)
	s.Register(int(f.protoS.ID), refundMsg{}, append(protoFns(func(v any) proto.Message {
		if p, ok := v.(*refundMsg); ok {
			return p.Message
		}
		return v.(refundMsg).Message
	}), sr.Index(1), sr.GenerateFn(func() any { m := f.newRefund(); return &m }))...)
	s.Register(int(f.tsS.ID), &timestamppb.Timestamp{}, append(protoFns(func(v any) proto.Message {
		return v.(proto.Message)
	}), sr.Index(0), sr.GenerateFn(func() any { return &timestamppb.Timestamp{} }))...)
	f.srs = &s
	return f
}

// interopCase is one value of each kind, how Carta serializes it and what
// sr.Serde decodes it into.
type interopCase struct {
	name   string
	format serde.Format
	schema string // the registered schema's name
	value  any    // what sr.Serde encodes
	carta  any    // what Carta's Serializer encodes (the same value)
	index  []byte // Confluent message-index bytes expected after the ID
}

func (f *srFixture) cases() []interopCase {
	pay := paymentV1Go{PaymentID: "p-1", AmountCents: 1250, Currency: "EUR"}
	captured := f.newCaptured()
	captured.Set(f.captured.Fields().ByName("payment_id"), protoString("p-2"))
	captured.Set(f.captured.Fields().ByName("amount_cents"), protoreflect.ValueOfInt64(99))
	nested := dynamicpb.NewMessage(f.detail)
	nested.Set(f.detail.Fields().ByName("note"), protoString("inner"))
	captured.Set(f.captured.Fields().ByName("detail"), protoreflect.ValueOfMessage(nested))
	detail := f.newDetail()
	detail.Set(f.detail.Fields().ByName("note"), protoString("nested"))
	refund := f.newRefund()
	refund.Set(f.refund.Fields().ByName("payment_id"), protoString("r-1"))
	ts := &timestamppb.Timestamp{Seconds: 1700000000, Nanos: 5}
	return []interopCase{
		{"avro", serde.Avro, "payment-avro", pay, pay, nil},
		{"json", serde.JSON, "payment-json", paymentDoc(pay), paymentDoc(pay), nil},
		{"protobuf-[0]", serde.Protobuf, "payment-proto", captured, captured.Message, []byte{0}},
		{"protobuf-[0,0]", serde.Protobuf, "payment-proto", detail, detail.Message, []byte{4, 0, 0}},
		{"protobuf-[1]", serde.Protobuf, "payment-proto", refund, refund.Message, []byte{2, 2}},
		{"protobuf-generated", serde.Protobuf, "ts", ts, ts, []byte{0}},
	}
}

// sameProto compares messages that may be built on different but equal
// descriptors, which proto.Equal calls unequal.
func sameProto(a, b proto.Message) bool {
	if a.ProtoReflect().Descriptor().FullName() != b.ProtoReflect().Descriptor().FullName() {
		return false
	}
	ab, err1 := proto.MarshalOptions{Deterministic: true}.Marshal(a)
	bb, err2 := proto.MarshalOptions{Deterministic: true}.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ab, bb)
}

func asProto(v any) proto.Message {
	switch m := v.(type) {
	case capturedMsg:
		return m.Message
	case detailMsg:
		return m.Message
	case refundMsg:
		return m.Message
	case *capturedMsg:
		return m.Message
	case *detailMsg:
		return m.Message
	case *refundMsg:
		return m.Message
	case proto.Message:
		return m
	}
	panic(fmt.Sprintf("not a message: %T", v))
}

func TestSRSerdeRecordsDecodeWithCarta(t *testing.T) {
	f := newSRFixture(t)
	des := mustDes(t, f.reg, serde.WithValidation(true))
	for _, c := range f.cases() {
		t.Run(c.name, func(t *testing.T) {
			b, err := f.srs.Encode(c.value)
			if err != nil {
				t.Fatal(err)
			}
			if c.index != nil && !bytes.HasPrefix(b[5:], c.index) {
				t.Fatalf("sr.Serde wrote index bytes % x, want % x", b[5:], c.index)
			}
			s, err := des.Schema(ctx, b)
			if err != nil || s.Ref.Name != c.schema {
				t.Fatalf("Schema = %+v, %v; want %s", s, err, c.schema)
			}
			switch c.format {
			case serde.Avro:
				var out paymentV1Go
				if _, err := des.Deserialize(ctx, b, &out); err != nil || out != c.value {
					t.Fatalf("Deserialize = %+v, %v; want %+v", out, err, c.value)
				}
				v, _, err := des.DeserializeAny(ctx, b)
				if m, ok := v.(map[string]any); err != nil || !ok || m["payment_id"] != "p-1" {
					t.Fatalf("DeserializeAny = %#v, %v", v, err)
				}
			case serde.JSON:
				var out paymentDoc
				if _, err := des.Deserialize(ctx, b, &out); err != nil || out != c.value {
					t.Fatalf("Deserialize = %+v, %v; want %+v", out, err, c.value)
				}
			case serde.Protobuf:
				want := asProto(c.value)
				v, _, err := des.DeserializeAny(ctx, b)
				if err != nil {
					t.Fatal(err)
				}
				if got := v.(*dynamicpb.Message); !sameProto(got, want) {
					t.Fatalf("DeserializeAny = %v (%s), want %v (%s)", got, got.Descriptor().FullName(), want, want.ProtoReflect().Descriptor().FullName())
				}
				// Into a message of the record's type, generated or dynamic.
				into := proto.Clone(want)
				proto.Reset(into)
				if _, err := des.Deserialize(ctx, b, into); err != nil || !sameProto(into, want) {
					t.Fatalf("Deserialize = %v, %v; want %v", into, err, want)
				}
			}
		})
	}
}

func TestCartaConfluentRecordsDecodeWithSRSerde(t *testing.T) {
	f := newSRFixture(t)
	for _, c := range f.cases() {
		t.Run(c.name, func(t *testing.T) {
			ser := mustSer(t, f.reg, c.format, serde.WithSchema("", c.schema), serde.WithWireFormat(serde.WireConfluent))
			b := mustSerialize(t, ser, c.carta)
			// The same bytes as sr.Serde's for the same value.
			want, err := f.srs.Encode(c.value)
			if err != nil {
				t.Fatal(err)
			}
			if c.format == serde.Protobuf {
				// The framing byte for byte; the payloads as messages,
				// since proto.Marshal of a dynamicpb.Message orders its
				// fields differently from one call to the next.
				n := 5 + len(c.index)
				if !bytes.Equal(b[:n], want[:n]) || !bytes.Equal(b[5:n], c.index) {
					t.Fatalf("Carta wrote the header % x, sr.Serde % x; want index % x", b[:n], want[:n], c.index)
				}
				m1, m2 := proto.Clone(asProto(c.value)), proto.Clone(asProto(c.value))
				proto.Reset(m1)
				proto.Reset(m2)
				if proto.Unmarshal(b[n:], m1) != nil || proto.Unmarshal(want[n:], m2) != nil || !proto.Equal(m1, m2) {
					t.Fatalf("payloads differ: Carta % x, sr.Serde % x", b[n:], want[n:])
				}
			} else if !bytes.Equal(b, want) {
				t.Fatalf("Carta wrote\n% x\nsr.Serde writes\n% x", b, want)
			}
			// sr.Serde routes by ID and index path to the right registration.
			got, err := f.srs.DecodeNew(b)
			if err != nil {
				t.Fatal(err)
			}
			switch c.format {
			case serde.Avro:
				if *got.(*paymentV1Go) != c.value {
					t.Fatalf("sr.Serde decoded %+v, want %+v", got, c.value)
				}
			case serde.JSON:
				if *got.(*paymentDoc) != c.value {
					t.Fatalf("sr.Serde decoded %+v, want %+v", got, c.value)
				}
			case serde.Protobuf:
				if fmt.Sprintf("%T", got) != fmt.Sprintf("*%T", c.value) && fmt.Sprintf("%T", got) != fmt.Sprintf("%T", c.value) {
					t.Fatalf("sr.Serde decoded a %T, want a %T", got, c.value)
				}
				if !sameProto(asProto(got), asProto(c.value)) {
					t.Fatalf("sr.Serde decoded %v, want %v", got, c.value)
				}
			}
		})
	}
}
