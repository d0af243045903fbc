package protobuf_test

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/cartaschema/carta/schema/protobuf"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// paymentProto declares a message with scalars, an enum, a oneof, a map, nested and
// well-known types. Its messages sorted by full name are Card, PaymentCaptured,
// PaymentCaptured.LabelsEntry and PaymentCaptured.Line.
const paymentProto = `syntax = "proto3";
package acme.payments.v1;

import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

enum Currency {
  CURRENCY_UNSPECIFIED = 0;
  EUR = 1;
  USD = 2;
}

message Card { string last4 = 1; }

message PaymentCaptured {
  message Line {
    string sku = 1;
    int32 qty = 2;
  }
  string id = 1;
  int64 amount_cents = 2;
  Currency currency = 3;
  google.protobuf.Timestamp captured_at = 4;
  oneof method {
    Card card = 5;
    string iban = 6;
  }
  repeated Line lines = 7;
  map<string, string> labels = 8;
  google.protobuf.Int64Value tip = 9;
  google.protobuf.Struct extra = 10;
  google.protobuf.Any detail = 11;
  google.protobuf.Duration settle_within = 12;
  bytes signature = 13;
  double rate = 14;
}
`

// requiredProto has a proto2 required field, in a nested message too.
const requiredProto = `syntax = "proto2";
package legacy;
message Order {
  required string id = 1;
  optional Item item = 2;
  message Item { required int32 qty = 1; }
}
`

const paymentMsg = "acme.payments.v1.PaymentCaptured"

// validPaymentJSON uses every kind of field, in the forms protojson reads.
const validPaymentJSON = `{
  "id": "p-1",
  "amountCents": "1999",
  "currency": "USD",
  "capturedAt": "2024-05-01T10:00:00.5Z",
  "card": {"last4": "4242"},
  "lines": [{"sku": "a", "qty": 2}, {"sku": "b"}],
  "labels": {"k": "v"},
  "tip": "150",
  "extra": {"any": ["json", 1, null, {"x": true}]},
  "detail": {"@type": "type.googleapis.com/acme.payments.v1.Card", "last4": "0000"},
  "settleWithin": "3600s",
  "signature": "3q2+7w==",
  "rate": "NaN"
}`

func TestValidateJSONValid(t *testing.T) {
	s := mustParse(t, paymentProto)
	for _, doc := range []string{
		validPaymentJSON,
		`{}`,
		`{"amount_cents": 5, "currency": 2, "captured_at": "2024-05-01T10:00:00+02:00"}`, // proto names, enum number
		`{"iban": "DE00", "tip": null, "lines": []}`,
		`{"detail": {"@type": "type.googleapis.com/google.protobuf.Duration", "value": "1s"}}`,
	} {
		if err := s.ValidateJSON(paymentMsg, []byte(doc)); err != nil {
			t.Errorf("ValidateJSON(%s) = %v", doc, err)
		}
	}
	// By relative name, and with a leading dot.
	for _, name := range []string{"PaymentCaptured", "." + paymentMsg} {
		if err := s.ValidateJSON(name, []byte(validPaymentJSON)); err != nil {
			t.Errorf("ValidateJSON(%q) = %v", name, err)
		}
	}
}

func TestValidateJSONInvalid(t *testing.T) {
	s := mustParse(t, paymentProto)
	tests := []struct {
		name, doc, msg string
	}{
		{"unknown field", `{"id": "p", "amount": 1}`, `unknown field "amount"`},
		{"wrong type", `{"id": 5}`, "invalid value for string type: 5"},
		{"int64 out of range", `{"amountCents": "9223372036854775808"}`, "invalid value for int64 type"},
		{"int32 fraction", `{"lines": [{"qty": 1.5}]}`, "invalid value for int32 type: 1.5"},
		{"unknown enum name", `{"currency": "GBP"}`, `invalid value for enum type: "GBP"`},
		{"oneof conflict", `{"card": {"last4": "1"}, "iban": "DE00"}`, "oneof"},
		{"bad timestamp", `{"capturedAt": "yesterday"}`, "invalid google.protobuf.Timestamp value"},
		{"bad duration", `{"settleWithin": "1h"}`, "invalid google.protobuf.Duration value"},
		{"any of a type outside the schema", `{"detail": {"@type": "type.googleapis.com/other.Thing"}}`, "other.Thing"},
		{"bad base64", `{"signature": "not base64!"}`, "invalid value for bytes type"},
		{"duplicate field", `{"id": "a", "id": "b"}`, "duplicate field"},
		{"not an object", `[1]`, "unexpected token"},
		{"trailing data", `{} {}`, "unexpected token"},
		{"empty", ``, "unexpected token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.ValidateJSON(paymentMsg, []byte(tc.doc))
			var ve *protobuf.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("ValidateJSON(%s) = %v (%T), want a *protobuf.ValidationError", tc.doc, err, err)
			}
			if ve.Encoding != "JSON" || ve.Message != paymentMsg || !strings.Contains(ve.Msg, tc.msg) {
				t.Errorf("got %+v, want a message containing %q", *ve, tc.msg)
			}
			if strings.Contains(ve.Error(), "\u00a0") || !strings.HasPrefix(ve.Error(), "the JSON payload is not a valid "+paymentMsg+" message: ") {
				t.Errorf("Error() = %q", ve.Error())
			}
		})
	}
}

// TestValidateConcurrent builds the type resolver from many goroutines at once; run with
// -race.
func TestValidateConcurrent(t *testing.T) {
	s := mustParse(t, paymentProto)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := s.ValidateJSON(paymentMsg, []byte(validPaymentJSON)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestValidateMessageNames(t *testing.T) {
	s := mustParse(t, paymentProto)
	// "" is message index 0: Card, first by full name.
	if err := s.ValidateJSON("", []byte(`{"last4": "1"}`)); err != nil {
		t.Errorf(`ValidateJSON("") with a Card = %v`, err)
	}
	var ve *protobuf.ValidationError
	if err := s.ValidateJSON("", []byte(`{"id": "p"}`)); !errors.As(err, &ve) || ve.Message != "acme.payments.v1.Card" {
		t.Errorf(`ValidateJSON("") with a PaymentCaptured = %v, want an error about acme.payments.v1.Card`, err)
	}
	md, err := s.Message("PaymentCaptured.Line")
	if err != nil || md.FullName() != "acme.payments.v1.PaymentCaptured.Line" {
		t.Errorf("Message(PaymentCaptured.Line) = %v, %v", md, err)
	}
	for _, name := range []string{"Nope", "acme.payments.v1", "Currency", "payments.v1.Card"} {
		err := s.ValidateJSON(name, []byte(`{}`))
		if !errors.Is(err, protobuf.ErrUnknownMessage) {
			t.Errorf("ValidateJSON(%q) = %v, want ErrUnknownMessage", name, err)
		}
		if err := s.ValidateBinary(name, nil); !errors.Is(err, protobuf.ErrUnknownMessage) {
			t.Errorf("ValidateBinary(%q) = %v, want ErrUnknownMessage", name, err)
		}
	}
	if err := s.ValidateJSON("Nope", nil); err == nil || !strings.Contains(err.Error(), "acme.payments.v1.Card, acme.payments.v1.PaymentCaptured") {
		t.Errorf("the unknown-name error does not list the messages: %v", err)
	}
}

// marshalJSON decodes a JSON payload into a dynamic message of md and encodes it in the
// binary format.
func marshalJSON(t *testing.T, s *protobuf.Schema, name, doc string) []byte {
	t.Helper()
	md, err := s.Message(name)
	if err != nil {
		t.Fatal(err)
	}
	m := dynamicpb.NewMessage(md)
	if err := (protojson.UnmarshalOptions{Resolver: resolverOf(t, s), AllowPartial: true}).Unmarshal([]byte(doc), m); err != nil {
		t.Fatal(err)
	}
	b, err := proto.MarshalOptions{AllowPartial: true, Deterministic: true}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// resolverOf finds the types of the schema's file and its imports, as the validator does.
func resolverOf(t testing.TB, s *protobuf.Schema) *dynamicpb.Types {
	files := newFiles(t, s.FileDescriptor())
	return dynamicpb.NewTypes(files)
}

func TestValidateBinary(t *testing.T) {
	s := mustParse(t, paymentProto)
	good := marshalJSON(t, s, paymentMsg, validPaymentJSON)
	if err := s.ValidateBinary(paymentMsg, good); err != nil {
		t.Fatalf("ValidateBinary(round trip) = %v", err)
	}
	if err := s.ValidateBinary(paymentMsg, nil); err != nil {
		t.Errorf("an empty message: %v", err)
	}
	// An unknown field is legal in the binary format.
	unknown := protowire.AppendVarint(protowire.AppendTag(append([]byte(nil), good...), 99, protowire.VarintType), 7)
	if err := s.ValidateBinary(paymentMsg, unknown); err != nil {
		t.Errorf("an unknown field: %v", err)
	}

	idTag := protowire.AppendTag(nil, 1, protowire.BytesType)
	idTag = idTag[:len(idTag):len(idTag)] // every append below copies
	card := func(inner ...byte) []byte {
		return append(protowire.AppendVarint(protowire.AppendTag(nil, 5, protowire.BytesType), uint64(len(inner))), inner...)
	}
	line := func(inner ...byte) []byte {
		return append(protowire.AppendVarint(protowire.AppendTag(nil, 7, protowire.BytesType), uint64(len(inner))), inner...)
	}
	twoLines := append(line(0x10, 0x01), line(0x10, 0x80)...) // qty 1; qty truncated
	tests := []struct {
		name   string
		b      []byte
		path   string
		offset int
		msg    string
	}{
		{"truncated length-delimited", append(protowire.AppendVarint(idTag, 10), "abc"...), "/id", 0, "field 1: unexpected EOF"},
		{"truncated varint", protowire.AppendTag(nil, 2, protowire.VarintType), "/amount_cents", 0, "field 2: unexpected EOF"},
		{"varint too long", append(protowire.AppendTag(nil, 2, protowire.VarintType), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), "/amount_cents", 0, "variable length integer overflow"},
		{"field number 0", protowire.AppendVarint(protowire.AppendTag(nil, 0, protowire.VarintType), 1), "", 0, "invalid field tag: invalid field number"},
		{"wrong wire type", protowire.AppendFixed32(protowire.AppendTag(nil, 2, protowire.Fixed32Type), 1), "/amount_cents", 0, "the field amount_cents (int64) is never encoded with wire type I32"},
		{"message as varint", protowire.AppendVarint(protowire.AppendTag(nil, 5, protowire.VarintType), 1), "/card", 0, "the field card (message acme.payments.v1.Card) is never encoded with wire type VARINT"},
		{"end group without start", protowire.AppendTag(nil, 5, protowire.EndGroupType), "/card", 0, "mismatching end group marker"},
		{"huge length", protowire.AppendVarint(idTag, 1<<62), "/id", 0, "unexpected EOF"},
		{"bad nested message", card(0x08, 0x80), "/card/last4", 2, "field 1: unexpected EOF"},
		{"bad repeated message", append(bytes.Clone(good), twoLines...), "/lines/3/qty", len(good) + 4 + 2, "field 2: unexpected EOF"},
		{"invalid UTF-8", append(protowire.AppendVarint(idTag, 1), 0xff), "", -1, "invalid UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.ValidateBinary(paymentMsg, tc.b)
			var ve *protobuf.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("ValidateBinary(% x) = %v, want a *protobuf.ValidationError", tc.b, err)
			}
			if ve.Encoding != "binary" || ve.Path != tc.path || ve.Offset != tc.offset || !strings.Contains(ve.Msg, tc.msg) {
				t.Errorf("got %+v\nwant path %q, offset %d, a message containing %q", *ve, tc.path, tc.offset, tc.msg)
			}
			if strings.Contains(ve.Error(), "proto:") || strings.Contains(ve.Error(), "\u00a0") {
				t.Errorf("Error() = %q", ve.Error())
			}
		})
	}
}

func TestValidateRequiredFields(t *testing.T) {
	s := mustParse(t, requiredProto)
	for _, doc := range []string{`{"id": "o"}`, `{"id": "o", "item": {"qty": 1}}`} {
		if err := s.ValidateJSON("Order", []byte(doc)); err != nil {
			t.Errorf("ValidateJSON(%s) = %v", doc, err)
		}
		if err := s.ValidateBinary("Order", marshalJSON(t, s, "legacy.Order", doc)); err != nil {
			t.Errorf("ValidateBinary(%s) = %v", doc, err)
		}
	}
	for _, doc := range []string{`{}`, `{"id": "o", "item": {}}`} {
		if err := s.ValidateJSON("Order", []byte(doc)); err == nil || !strings.Contains(err.Error(), "required field") {
			t.Errorf("ValidateJSON(%s) = %v, want a missing required field", doc, err)
		}
		if err := s.ValidateBinary("Order", marshalJSON(t, s, "legacy.Order", doc)); err == nil || !strings.Contains(err.Error(), "required field") {
			t.Errorf("ValidateBinary(%s) = %v, want a missing required field", doc, err)
		}
	}
}

func TestValidateBounds(t *testing.T) {
	s := mustParse(t, `syntax = "proto3"; message N { N next = 1; int32 v = 2; }`)
	// 1001 nested messages, built from the inside out.
	var b []byte
	for range protobuf.MaxPayloadDepth + 1 {
		b = append(protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.BytesType), uint64(len(b))), b...)
	}
	if err := s.ValidateBinary("N", b); err == nil || !strings.Contains(err.Error(), "nested deeper than 1000 levels") {
		t.Errorf("binary nested past MaxPayloadDepth: %v", err)
	}
	doc := strings.Repeat(`{"next":`, protobuf.MaxPayloadDepth+1) + "{}" + strings.Repeat("}", protobuf.MaxPayloadDepth+1)
	if err := s.ValidateJSON("N", []byte(doc)); err == nil || !strings.Contains(err.Error(), "recursion depth") {
		t.Errorf("JSON nested past MaxPayloadDepth: %v", err)
	}
	shallow := strings.Repeat(`{"next":`, 100) + "{}" + strings.Repeat("}", 100)
	if err := s.ValidateJSON("N", []byte(shallow)); err != nil {
		t.Errorf("100 levels: %v", err)
	}
	big := make([]byte, protobuf.MaxPayloadBytes+1)
	for _, err := range []error{s.ValidateJSON("N", big), s.ValidateBinary("N", big)} {
		if err == nil || !strings.Contains(err.Error(), "the limit is 16777216") {
			t.Errorf("an oversized payload: %v", err)
		}
	}
}

// TestValidateRoundTripMessages encodes a valid JSON payload of every message of the
// schema in the binary format and back.
func TestValidateRoundTripMessages(t *testing.T) {
	s := mustParse(t, paymentProto)
	for _, md := range s.Messages() {
		name := string(md.FullName())
		m := dynamicpb.NewMessage(md)
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ValidateBinary(name, b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		j, err := protojson.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ValidateJSON(name, j); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	var fields []protoreflect.Name
	md, _ := s.Message(paymentMsg)
	for i := 0; i < md.Fields().Len(); i++ {
		fields = append(fields, md.Fields().Get(i).Name())
	}
	if len(fields) != 14 {
		t.Errorf("PaymentCaptured has %d fields: %v", len(fields), fields)
	}
}

// newFiles registers f and everything it imports.
// A nil t panics on an error.
func newFiles(t testing.TB, f protoreflect.FileDescriptor) *protoregistry.Files {
	files := new(protoregistry.Files)
	var add func(f protoreflect.FileDescriptor)
	add = func(f protoreflect.FileDescriptor) {
		if _, err := files.FindFileByPath(f.Path()); err == nil {
			return
		}
		for i := 0; i < f.Imports().Len(); i++ {
			add(f.Imports().Get(i).FileDescriptor)
		}
		if err := files.RegisterFile(f); err != nil {
			if t == nil {
				panic(err)
			}
			t.Fatal(err)
		}
	}
	add(f)
	return files
}
