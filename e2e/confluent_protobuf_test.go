package e2e

import (
	"context"
	"encoding/base64"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/wire"
)

// The Confluent message-index arrays of the three record types of paymentProtoRecords.
var paymentProtoIndexes = map[string][]int{
	"com.example.payments.PaymentCaptured":        {0},
	"com.example.payments.Refund":                 {1},
	"com.example.payments.PaymentCaptured.Detail": {0, 0},
}

// protoDescriptorB64 is def compiled to a serialized FileDescriptorProto,
// as protoc-gen-es embeds it in generated code.
func protoDescriptorB64(t *testing.T, def string) string {
	t.Helper()
	s, err := protobuf.Parse(def, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := proto.Marshal(protodesc.ToFileDescriptorProto(s.FileDescriptor()))
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// checkJSProtoRecords decodes the records the JS ProtobufSerializer wrote
// (paymentProtoRecords, in order) with Carta's Deserializer, checks their
// framing (one schema ID, the index arrays) and compares the decodings, and
// the JS deserializer's when jsDecoded, with the input. It returns the ID.
func checkJSProtoRecords(t *testing.T, des *serde.Deserializer, recs []jsLine, jsDecoded bool) uint32 {
	t.Helper()
	ctx := context.Background()
	if len(recs) != len(paymentProtoRecords) {
		t.Fatalf("JS wrote %d records, want %d", len(recs), len(paymentProtoRecords))
	}
	id := recs[0].ID
	for i, l := range recs {
		want := paymentProtoRecords[i]
		b := l.bytes(t)
		hid, idx, _, err := wire.ParseConfluentProtobuf(b)
		if err != nil || hid != id || l.ID != id {
			t.Fatalf("record %d: header ID %d (%v), JS said %d, first record %d", i, hid, err, l.ID, id)
		}
		if !slices.Equal(idx, paymentProtoIndexes[want.Type]) {
			t.Errorf("record %d (%s): message indexes %v, want %v", i, want.Type, idx, paymentProtoIndexes[want.Type])
		}
		v, s, err := des.DeserializeAny(ctx, b)
		if err != nil {
			t.Fatalf("record %d (%s): Carta: %v", i, want.Type, err)
		}
		m := v.(*dynamicpb.Message)
		if string(m.Descriptor().FullName()) != want.Type || s.ID != id || s.Format != serde.Protobuf {
			t.Errorf("record %d: Carta decoded a %s with schema %d %s, want a %s with %d", i, m.Descriptor().FullName(), s.ID, s.Format, want.Type, id)
		}
		wantJSON := []byte(mustJSON(t, want.Value))
		if got := protoJSON(t, m); !jsonEqual(t, got, wantJSON) {
			t.Errorf("record %d: Carta decoded %s, want %s", i, got, wantJSON)
		}
		if jsDecoded && (l.Type != want.Type || !jsonEqual(t, l.Decoded, wantJSON)) {
			t.Errorf("record %d: the JS ProtobufDeserializer decoded a %s %s, want %s", i, l.Type, l.Decoded, wantJSON)
		}
	}
	return id
}

// TestConfluentJSClientProtobufSerializer: @confluentinc/schemaregistry's
// client registers a Protobuf schema as text and its ProtobufSerializer
// (useLatestVersion; the message types from a descriptor, as generated code
// has them) writes records of a top-level, a second top-level and a nested
// message type; Carta's Deserializer decodes them (index arrays [0], [1],
// [0, 0]) and the ID they carry is the one the server serves.
func TestConfluentJSClientProtobufSerializer(t *testing.T) {
	dir := requireConfluentJS(t)
	srv := startServer(t)
	rec := startRecorder(t, srv.Endpoint)
	api := srAPI{t, srv.Endpoint}
	des := newDeserializer(t, newConfluentRegistry(t, srv.Endpoint))
	jsEnv := []string{"CARTA_URL=" + rec.URL}

	const topic = "payments-proto"
	lines := parseJSLines(t, runNode(t, dir, jsEnv, mustJSON(t, map[string]any{
		"format": "PROTOBUF", "topic": topic, "register": paymentProto, "descriptor": protoDescriptorB64(t, paymentProto),
		"mode": "latest", "records": paymentProtoRecords, "deserialize": false,
	}), "confluent-clients.mjs", "serialize"))
	checkJSLog(t, rec)
	regd := records(t, lines, "registered")
	if len(regd) != 1 {
		t.Fatalf("JS output: %+v", lines)
	}
	if id := checkJSProtoRecords(t, des, records(t, lines, "record"), false); id != regd[0].ID {
		t.Errorf("the records carry ID %d, the schema registered as %d", id, regd[0].ID)
	}
	checkServedID(t, api, regd[0].ID, topic+"-value", serde.Protobuf, paymentProto)
}
