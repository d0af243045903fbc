package e2e

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/cartaschema/carta/serde"
)

// TestConfluentJSClientProtobufDescriptors: @confluentinc/schemaregistry's
// ProtobufSerializer and ProtobufDeserializer against carta serve, the way
// JavaScript producers use them: the message types come from a descriptor
// (as generated code embeds it), the serializer registers that descriptor
// (base64) itself or finds the version registered as text by posting it to
// POST /subjects/{s}, or takes the latest; the deserializer fetches schemas
// with format=serialized. Carta's Deserializer decodes the records (index
// arrays [0], [1], [0, 0]) and the JS deserializer decodes Carta's.
func TestConfluentJSClientProtobufDescriptors(t *testing.T) {
	dir := requireConfluentJS(t)
	srv := startServer(t)
	rec := startRecorder(t, srv.Endpoint)
	api := srAPI{t, srv.Endpoint}
	reg := newConfluentRegistry(t, srv.Endpoint)
	des := newDeserializer(t, reg)
	ctx := context.Background()
	jsEnv := []string{"CARTA_URL=" + rec.URL}

	descriptor := protoDescriptorB64(t, paymentProto)

	// autoRegisterSchemas: the serializer registers the descriptor (base64) itself.
	lines := parseJSLines(t, runNode(t, dir, jsEnv, mustJSON(t, map[string]any{
		"format": "PROTOBUF", "topic": "payments-proto-auto", "descriptor": descriptor, "mode": "auto", "records": paymentProtoRecords,
	}), "confluent-clients.mjs", "serialize"))
	checkJSLog(t, rec)
	autoID := checkJSProtoRecords(t, des, records(t, lines, "record"), true)
	checkServedID(t, api, autoID, "payments-proto-auto-value", serde.Protobuf, paymentProto)

	// The text registered by client.register; the serializer finds its
	// version by the descriptor (POST /subjects/{s}), then by latest.
	var textID uint32
	for _, mode := range []string{"lookup", "latest"} {
		topic := "payments-proto-" + mode
		lines := parseJSLines(t, runNode(t, dir, jsEnv, mustJSON(t, map[string]any{
			"format": "PROTOBUF", "topic": topic, "register": paymentProto, "descriptor": descriptor, "mode": mode, "records": paymentProtoRecords,
		}), "confluent-clients.mjs", "serialize"))
		checkJSLog(t, rec)
		regd := records(t, lines, "registered")
		if len(regd) != 1 {
			t.Fatalf("JS output: %+v", lines)
		}
		if id := checkJSProtoRecords(t, des, records(t, lines, "record"), true); id != regd[0].ID {
			t.Errorf("%s: the records carry ID %d, the text registered as %d", mode, id, regd[0].ID)
		}
		checkServedID(t, api, regd[0].ID, topic+"-value", serde.Protobuf, paymentProto)
		if textID != 0 && regd[0].ID != textID {
			t.Errorf("the same Protobuf text registered under two subjects got IDs %d and %d", textID, regd[0].ID)
		}
		textID = regd[0].ID
	}
	// Confluent gives one ID to one schema, however it was sent: the
	// descriptor the serializer registered is the text client.register sent.
	if autoID != textID {
		t.Errorf("the descriptor registered by the serializer got ID %d, the same schema as text ID %d", autoID, textID)
	}

	// Carta writes each message type with the Confluent framing; JS reads them.
	ser, err := serde.NewSerializer(reg, serde.Protobuf, serde.WithWireFormat(serde.WireConfluent),
		serde.WithSchema("", "payments-proto-lookup-value"), serde.WithDefinition(paymentProto))
	if err != nil {
		t.Fatal(err)
	}
	var stdin strings.Builder
	for _, r := range paymentProtoRecords {
		b, err := ser.Serialize(ctx, "payments-proto-lookup", protoMessage(t, paymentProto, r))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&stdin, mustJSON(t, map[string]string{"format": "PROTOBUF", "topic": "payments-proto-lookup", "hex": hex.EncodeToString(b)}))
	}
	got := parseJSLines(t, runNode(t, dir, jsEnv, stdin.String(), "confluent-clients.mjs", "deserialize"))
	checkJSLog(t, rec)
	if len(got) != len(paymentProtoRecords) {
		t.Fatalf("JS decoded %d records, want %d", len(got), len(paymentProtoRecords))
	}
	for i, l := range got {
		want := paymentProtoRecords[i]
		if l.ID != textID || l.Type != want.Type || !jsonEqual(t, l.Decoded, []byte(mustJSON(t, want.Value))) {
			t.Errorf("record %d: JS decoded a %s %s with ID %d, want a %s %v with ID %d", i, l.Type, l.Decoded, l.ID, want.Type, want.Value, textID)
		}
	}
}
